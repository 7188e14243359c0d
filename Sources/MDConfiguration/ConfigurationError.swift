/// Why a system configuration file cannot be used: every case names the file and, where it
/// is known, the line (1-based) and the dotted key (`lens.window`).
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file is not valid TOML.
    case syntax(file: String, line: Int, column: Int, message: String)
    /// A key or section that the schema does not know (a typo, or a key of a later version).
    case unknownKey(file: String, line: Int, key: String)
    /// A known key with a value of the wrong type or outside its domain.
    case badValue(file: String, line: Int, key: String, reason: String)
    /// A key the configuration must have.
    case missingKey(file: String, key: String)
    /// The file cannot be read.
    case unreadable(file: String, reason: String)
    /// A command-line override (``ConfigurationOverrides``) with a bad value, or one that makes
    /// the configuration invalid; `option` is the command-line spelling (`--window`), `key`
    /// the configuration key it sets.
    case badOverride(option: String, key: String, reason: String)

    public var description: String {
        switch self {
        case .syntax(let file, let line, let column, let message): "\(file):\(line):\(column): TOML syntax error: \(message)"
        case .unknownKey(let file, let line, let key): "\(file):\(line): unknown key '\(key)'"
        case .badValue(let file, let line, let key, let reason): "\(file):\(line): \(key): \(reason)"
        case .missingKey(let file, let key): "\(file): missing required key '\(key)'"
        case .unreadable(let file, let reason): "\(file): cannot read: \(reason)"
        case .badOverride(let option, let key, let reason): "command line \(option) (\(key)): \(reason)"
        }
    }
}
