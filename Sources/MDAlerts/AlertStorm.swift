/// What a storm alert stands for: how many alerts each rule would have raised on the frame
/// (rules with none left out, in rule order) and their total, which exceeded ``limit``.
public struct AlertStorm: Sendable, Equatable, Codable {
    /// One rule's count.
    public struct RuleCount: Sendable, Equatable, Codable {
        public var rule: String
        public var count: Int

        public init(rule: String, count: Int) {
            self.rule = rule
            self.count = count
        }
    }

    /// Per rule, in the engine's rule order; only rules with count > 0.
    public var counts: [RuleCount]
    /// Σ counts.
    public var total: Int
    /// The engine's ``AlertEngine/maxAlertsPerFrame``.
    public var limit: Int

    public init(counts: [RuleCount], total: Int, limit: Int) {
        self.counts = counts
        self.total = total
        self.limit = limit
    }
}
