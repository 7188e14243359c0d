/// Recursive-descent parser of the ``Selection`` grammar.
struct SelectionParser {
    private struct Token {
        var text: String
        var column: Int
    }

    let text: String
    private var tokens: [Token] = []
    private var position = 0

    init(text: String) {
        self.text = text
    }

    mutating func parse() throws(SelectionError) -> Selection {
        tokens = tokenize()
        guard !tokens.isEmpty else { throw SelectionError(text: text, column: 0, message: "empty selection") }
        let s = try parseOr()
        if position < tokens.count {
            throw fail("unexpected '\(tokens[position].text)'")
        }
        return s
    }

    /// Splits on whitespace and commas; `(`, `)` and comparison operators are tokens of their own.
    private func tokenize() -> [Token] {
        var out: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "," {
                i += 1
            } else if c == "(" || c == ")" {
                out.append(Token(text: String(c), column: i + 1))
                i += 1
            } else if c == "<" || c == ">" || c == "=" {
                var op = String(c)
                if i + 1 < chars.count, chars[i + 1] == "=" { op.append("=") }
                out.append(Token(text: op, column: i + 1))
                i += op.count
            } else {
                let start = i
                while i < chars.count, !" \t,()<>=".contains(chars[i]) { i += 1 }
                out.append(Token(text: String(chars[start..<i]), column: start + 1))
            }
        }
        return out
    }

    private func fail(_ message: String) -> SelectionError {
        let column = position < tokens.count ? tokens[position].column : text.count + 1
        return SelectionError(text: text, column: column, message: message)
    }

    private var peek: String? { position < tokens.count ? tokens[position].text.lowercased() : nil }

    private static let keywords: Set<String> = ["and", "or", "not", "(", ")", "all", "none", "id", "type", "element", "x", "y", "z"]

    private mutating func parseOr() throws(SelectionError) -> Selection {
        var left = try parseAnd()
        while peek == "or" {
            position += 1
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(SelectionError) -> Selection {
        var left = try parseFactor()
        while peek == "and" {
            position += 1
            left = .and(left, try parseFactor())
        }
        return left
    }

    private mutating func parseFactor() throws(SelectionError) -> Selection {
        guard let word = peek else { throw fail("a selection is missing at the end") }
        switch word {
        case "not":
            position += 1
            return .not(try parseFactor())
        case "(":
            position += 1
            let inner = try parseOr()
            guard peek == ")" else { throw fail("')' expected") }
            position += 1
            return inner
        case "all":
            position += 1
            return .all
        case "none":
            position += 1
            return .none
        case "id":
            position += 1
            return .ids(try parseIDRanges())
        case "type":
            position += 1
            var numbers: [Int] = []
            while let t = peek, !Self.keywords.contains(t) {
                guard let n = Int(t), n >= 1 else { throw fail("'\(tokens[position].text)' is not a type number (1, 2, …)") }
                numbers.append(n)
                position += 1
            }
            guard !numbers.isEmpty else { throw fail("'type' needs at least one type number") }
            return .types(numbers)
        case "element":
            position += 1
            var names: [String] = []
            while let t = peek, !Self.keywords.contains(t) {
                names.append(tokens[position].text)
                position += 1
            }
            guard !names.isEmpty else { throw fail("'element' needs at least one name, e.g. element Cu") }
            return .elements(names)
        case "x", "y", "z":
            let axis = ["x": 0, "y": 1, "z": 2][word]!
            position += 1
            guard let opText = peek, let op = Selection.Comparison(rawValue: opText) else {
                throw fail("a comparison (<, <=, >, >=) must follow '\(word)'")
            }
            position += 1
            guard let valueText = peek, let value = Double(valueText), value.isFinite else {
                throw fail("a number (Å) must follow '\(word) \(opText)'")
            }
            position += 1
            return .coordinate(axis: axis, comparison: op, value: value)
        default:
            throw fail("unknown selection keyword '\(tokens[position].text)' (all, none, id, type, element, x, y, z, and, or, not)")
        }
    }

    private mutating func parseIDRanges() throws(SelectionError) -> [ClosedRange<Int64>] {
        var ranges: [ClosedRange<Int64>] = []
        while let t = peek, !Self.keywords.contains(t) {
            let raw = tokens[position].text
            let parts = raw.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 1, let a = Int64(raw) {
                ranges.append(a...a)
            } else if parts.count == 2, let a = Int64(parts[0]), let b = Int64(parts[1]) {
                guard a <= b else { throw fail("id range '\(raw)' runs backwards") }
                ranges.append(a...b)
            } else {
                throw fail("'\(raw)' is not an id or an id range like 1-900")
            }
            position += 1
        }
        guard !ranges.isEmpty else { throw fail("'id' needs at least one id or range, e.g. id 1-900") }
        return ranges
    }
}
