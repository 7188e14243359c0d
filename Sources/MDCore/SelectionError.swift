/// A selection that cannot be parsed or resolved, with the 1-based column where it went wrong.
public struct SelectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The selection text.
    public var text: String
    /// 1-based column of the offending token (0 when the problem is not at one place).
    public var column: Int
    /// What is wrong.
    public var message: String

    public init(text: String, column: Int, message: String) {
        self.text = text
        self.column = column
        self.message = message
    }

    public var description: String {
        column > 0 ? "selection '\(text)', column \(column): \(message)" : "selection '\(text)': \(message)"
    }
}
