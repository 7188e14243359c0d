import TOMLKit

/// A parsed TOML value as a plain Swift tree (TOMLKit's tables and arrays are reference types
/// over toml++ nodes and are not `Sendable`; the configuration is read from this copy).
enum TOMLNode: Sendable, Equatable {
    case table([String: TOMLNode])
    case array([TOMLNode])
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// Dates and times, which no configuration key takes; kept only to name them in errors.
    case other(String)

    /// Parses a TOML document into a tree.
    /// - Throws: ``ConfigurationError/syntax(file:line:column:message:)`` with TOMLKit's
    ///   (toml++'s) position and message.
    static func parse(text: String, file: String) throws(ConfigurationError) -> [String: TOMLNode] {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw .syntax(
                file: file, line: error.source.begin.line, column: error.source.begin.column, message: error.description)
        } catch {
            throw .syntax(file: file, line: 1, column: 1, message: "\(error)")
        }
        return entries(of: table)
    }

    private static func entries(of table: TOMLTable) -> [String: TOMLNode] {
        var out: [String: TOMLNode] = [:]
        for key in table.keys {
            if let value = table[key] { out[key] = TOMLNode(value) }
        }
        return out
    }

    private init(_ value: any TOMLValueConvertible) {
        switch value.type {
        case .table: self = .table(value.table.map(Self.entries(of:)) ?? [:])
        case .array: self = .array(value.array.map { $0.map(TOMLNode.init) } ?? [])
        case .string: self = .string(value.string ?? "")
        case .int: self = .integer(value.int ?? 0)
        case .double: self = .float(value.double ?? .nan)
        case .bool: self = .boolean(value.bool ?? false)
        case .date, .time, .dateTime: self = .other(value.type.description)
        }
    }

    /// The kind of value, with an article, for messages ("got a string").
    var kindDescription: String {
        switch self {
        case .table: "a table"
        case .array: "an array"
        case .string(let s): "the string \"\(s)\""
        case .integer(let v): "the integer \(v)"
        case .float(let v): "the floating-point number \(v)"
        case .boolean(let b): "the boolean \(b)"
        case .other(let kind): "a \(kind)"
        }
    }
}
