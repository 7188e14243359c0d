import MDCore

extension SystemConfiguration {
    /// Which atoms count as LENS neighbours (`selection.lens_environment`).
    public enum LensEnvironment: Sendable, Equatable, CustomStringConvertible {
        /// The centres themselves (written `"centres"`): the study's choice, conventions §0
        /// (the notebook computes LENS on the masked universe).
        case centres
        /// An explicit selection.
        case selection(Selection)

        /// The TOML spelling: `centres` or the selection's canonical text.
        public var description: String {
            switch self {
            case .centres: "centres"
            case .selection(let s): s.description
            }
        }
    }
}
