extension SystemConfiguration {
    /// A macro cluster named in a rule: by id (`3`) or by name (`"step edge"`, resolved against
    /// the names in use when the daemon has its model: `[macro] names` over the model's own).
    public enum MacroReference: Sendable, Hashable, CustomStringConvertible {
        case id(Int)
        case name(String)

        public var description: String {
            switch self {
            case .id(let i): "\(i)"
            case .name(let n): "\"\(n)\""
            }
        }
    }
}
