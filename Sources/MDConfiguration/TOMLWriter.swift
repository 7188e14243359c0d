/// Formats values for the canonical TOML rendering (``SystemConfiguration/tomlText``).
enum TOMLWriter {
    /// A basic string with `"`, `\` and control characters escaped.
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A float that parses back to the same `Double`: Swift's shortest round-trip digits
    /// (`6.0`, `0.995`, `1e-09`), which are valid TOML floats (finite values only).
    static func float(_ v: Double) -> String {
        "\(v)"
    }

    /// An inline table of integer keys (ascending) to strings: `{ 1 = "Cu", 2 = "O" }`.
    static func inlineTable(_ entries: [Int: String]) -> String {
        if entries.isEmpty { return "{}" }
        let items = entries.sorted { $0.key < $1.key }.map { "\($0.key) = \(string($0.value))" }
        return "{ " + items.joined(separator: ", ") + " }"
    }
}

/// The lines of a canonical TOML rendering: `[section]` headers, each after a blank line
/// (except the first), and `key = value` lines with values already formatted by ``TOMLWriter``.
struct TOMLLines {
    private var lines: [String] = []

    mutating func section(_ name: String) {
        if !lines.isEmpty { lines.append("") }
        lines.append("[\(name)]")
    }

    mutating func key(_ k: String, _ v: String) { lines.append("\(k) = \(v)") }

    /// The text, newline-terminated.
    var text: String { lines.joined(separator: "\n") + "\n" }
}
