extension SystemConfiguration {
    /// `[rules]`: the daemon's alert rules, in file order, and the storm limit. Runtime
    /// settings, not part of a model.
    public struct Rules: Sendable, Equatable {
        /// Storm control: above this many alerts in one analysed frame, one `storm` alert with
        /// the counts per rule replaces them.
        public var maxAlertsPerFrame: Int
        public var rules: [Rule]

        public init(maxAlertsPerFrame: Int = 50, rules: [Rule] = []) {
            self.maxAlertsPerFrame = maxAlertsPerFrame
            self.rules = rules
        }
    }
}
