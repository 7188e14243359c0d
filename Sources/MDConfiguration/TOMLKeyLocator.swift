/// Maps the keys of a TOML document to the 1-based line where each is defined, so that
/// configuration errors can name a line (TOMLKit reports positions only for syntax errors).
///
/// A key is a path of segments (`["lens", "window"]`, shown as `lens.window`). The scanner
/// records
///
/// * table headers `[a.b]` and `[[a.b]]` (the header's line),
/// * `key = value` lines under the current header, with dotted keys (`a.b = 1` under `[t]`
///   is `t.a.b`) and quoted segments (`"a b"`, `'x'`),
/// * the keys of inline tables, recursively (`names = { 0 = "x" }` under `[macro]` gives
///   `macro.names` and `macro.names.0`, both on that line),
/// * every prefix of a recorded path the first time it appears (so `[clustering.hdbscan]`
///   also locates `clustering` when there is no `[clustering]` header).
///
/// Values are skipped without being interpreted: basic and literal strings (single- and
/// multi-line, with escapes), arrays over several lines with comments, inline tables, and
/// scalars (numbers, booleans, dates). The first definition of a path wins. Array elements
/// (including inline tables inside arrays) are not given paths.
///
/// The scanner is meant for text that TOMLKit has already accepted; on malformed text it
/// still terminates and records what it can.
public struct TOMLKeyLocator: Sendable, Equatable {
    /// Path → 1-based line of its first definition.
    public private(set) var lines: [[String]: Int] = [:]
    /// Every recorded path, in document order.
    public private(set) var orderedPaths: [[String]] = []

    /// Scans `text`.
    public init(text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.scan { path, line in
            for n in 1...path.count {
                let prefix = Array(path.prefix(n))
                if lines[prefix] == nil {
                    lines[prefix] = line
                    orderedPaths.append(prefix)
                }
            }
        }
    }

    /// The line where `path` is defined, if it is.
    public func line(of path: [String]) -> Int? { path.isEmpty ? nil : lines[path] }

    /// The line of `path`, else of its nearest recorded ancestor (the table header of a key
    /// that is absent), else 1.
    public func nearestLine(of path: [String]) -> Int {
        var p = path
        while !p.isEmpty {
            if let l = lines[p] { return l }
            p.removeLast()
        }
        return 1
    }
}

extension TOMLKeyLocator {
    /// Byte-level scanner over UTF-8 text, counting lines.
    fileprivate struct Scanner {
        let bytes: [UInt8]
        var i = 0
        var line = 1

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        private static let newline = UInt8(ascii: "\n")
        private static let hash = UInt8(ascii: "#")
        private static let quote = UInt8(ascii: "\"")
        private static let apostrophe = UInt8(ascii: "'")
        private static let backslash = UInt8(ascii: "\\")

        private var atEnd: Bool { i >= bytes.count }
        private var current: UInt8? { i < bytes.count ? bytes[i] : nil }

        private func byte(at k: Int) -> UInt8? { k < bytes.count ? bytes[k] : nil }

        private mutating func advance() {
            if bytes[i] == Self.newline { line += 1 }
            i += 1
        }

        /// Spaces, tabs and carriage returns (not newlines).
        private mutating func skipSpaces() {
            while let c = current, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") { i += 1 }
        }

        /// Whitespace, newlines and comments.
        private mutating func skipTrivia() {
            while let c = current {
                if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") || c == Self.newline {
                    advance()
                } else if c == Self.hash {
                    while let d = current, d != Self.newline { i += 1 }
                } else {
                    return
                }
            }
        }

        /// Everything up to (not including) the next newline.
        private mutating func skipRestOfLine() {
            while let c = current, c != Self.newline { i += 1 }
        }

        private static func isBareKeyByte(_ c: UInt8) -> Bool {
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }

        /// A dotted key (`a."b c".'d'`); nil (having consumed nothing useful) if none starts here.
        private mutating func parseKey() -> [String]? {
            var segments: [String] = []
            while true {
                skipSpaces()
                guard let c = current else { break }
                if c == Self.quote {
                    segments.append(parseBasicString())
                } else if c == Self.apostrophe {
                    segments.append(parseLiteralString())
                } else if Self.isBareKeyByte(c) {
                    let start = i
                    while let d = current, Self.isBareKeyByte(d) { i += 1 }
                    segments.append(String(decoding: bytes[start..<i], as: UTF8.self))
                } else {
                    break
                }
                skipSpaces()
                if current == UInt8(ascii: ".") {
                    i += 1
                } else {
                    break
                }
            }
            return segments.isEmpty ? nil : segments
        }

        /// A single-line basic string starting at `"`, decoded (common escapes only).
        private mutating func parseBasicString() -> String {
            i += 1
            var out: [UInt8] = []
            while let c = current, c != Self.quote, c != Self.newline {
                if c == Self.backslash, let e = byte(at: i + 1) {
                    switch e {
                    case UInt8(ascii: "n"): out.append(Self.newline)
                    case UInt8(ascii: "t"): out.append(UInt8(ascii: "\t"))
                    case UInt8(ascii: "r"): out.append(UInt8(ascii: "\r"))
                    case UInt8(ascii: "b"): out.append(8)
                    case UInt8(ascii: "f"): out.append(12)
                    case UInt8(ascii: "u"), UInt8(ascii: "U"):
                        let digits = e == UInt8(ascii: "u") ? 4 : 8
                        let hexStart = i + 2
                        let hexEnd = min(hexStart + digits, bytes.count)
                        let hex = String(decoding: bytes[hexStart..<hexEnd], as: UTF8.self)
                        if let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) {
                            out.append(contentsOf: Array(String(Character(scalar)).utf8))
                        }
                        i = hexEnd
                        continue
                    default: out.append(e)
                    }
                    i += 2
                } else {
                    out.append(c)
                    i += 1
                }
            }
            if current == Self.quote { i += 1 }
            return String(decoding: out, as: UTF8.self)
        }

        /// A single-line literal string starting at `'`.
        private mutating func parseLiteralString() -> String {
            i += 1
            let start = i
            while let c = current, c != Self.apostrophe, c != Self.newline { i += 1 }
            let s = String(decoding: bytes[start..<i], as: UTF8.self)
            if current == Self.apostrophe { i += 1 }
            return s
        }

        /// Whether three `q` bytes start at the cursor.
        private func tripleQuote(_ q: UInt8) -> Bool {
            byte(at: i) == q && byte(at: i + 1) == q && byte(at: i + 2) == q
        }

        /// Skips a multi-line string opened by `"""` or `'''` (cursor on the opening quotes),
        /// counting newlines; the closing delimiter may carry up to two extra quotes.
        private mutating func skipMultilineString(_ q: UInt8) {
            i += 3
            while !atEnd {
                if q == Self.quote, current == Self.backslash {
                    i += 1
                    if !atEnd { advance() }
                } else if tripleQuote(q) {
                    i += 3
                    var extra = 0
                    while extra < 2, current == q { i += 1; extra += 1 }
                    return
                } else {
                    advance()
                }
            }
        }

        /// Skips one value; inline-table keys are reported under `prefix` (nil inside arrays).
        private mutating func skipValue(prefix: [String]?, record: (_ path: [String], _ line: Int) -> Void) {
            guard let c = current else { return }
            if c == Self.quote {
                if tripleQuote(Self.quote) { skipMultilineString(Self.quote) } else { _ = parseBasicString() }
            } else if c == Self.apostrophe {
                if tripleQuote(Self.apostrophe) { skipMultilineString(Self.apostrophe) } else { _ = parseLiteralString() }
            } else if c == UInt8(ascii: "[") {
                i += 1
                while true {
                    skipTrivia()
                    guard let d = current else { return }
                    if d == UInt8(ascii: "]") { i += 1; return }
                    if d == UInt8(ascii: ",") { i += 1; continue }
                    let before = i
                    skipValue(prefix: nil, record: record)
                    if i == before { advance() }
                }
            } else if c == UInt8(ascii: "{") {
                i += 1
                while true {
                    skipTrivia()
                    guard let d = current else { return }
                    if d == UInt8(ascii: "}") { i += 1; return }
                    if d == UInt8(ascii: ",") { i += 1; continue }
                    let keyLine = line
                    guard let key = parseKey() else { advance(); continue }
                    let path = prefix.map { $0 + key }
                    if let path { record(path, keyLine) }
                    skipSpaces()
                    if current == UInt8(ascii: "=") { i += 1 }
                    skipSpaces()
                    skipValue(prefix: path, record: record)
                }
            } else {
                // Numbers, booleans, dates (which may contain a space): up to a delimiter.
                while let d = current, d != UInt8(ascii: ","), d != UInt8(ascii: "]"), d != UInt8(ascii: "}"),
                    d != Self.newline, d != Self.hash
                {
                    i += 1
                }
            }
        }

        /// Scans the document, reporting every header and key with its line.
        mutating func scan(record: (_ path: [String], _ line: Int) -> Void) {
            var table: [String] = []
            while true {
                skipTrivia()
                guard let c = current else { return }
                let startLine = line
                if c == UInt8(ascii: "[") {
                    i += 1
                    let arrayOfTables = current == UInt8(ascii: "[")
                    if arrayOfTables { i += 1 }
                    if let key = parseKey() {
                        table = key
                        record(key, startLine)
                    }
                    skipRestOfLine()
                    continue
                }
                guard let key = parseKey() else {
                    skipRestOfLine()
                    if current == nil { return }
                    continue
                }
                let path = table + key
                record(path, startLine)
                skipSpaces()
                if current == UInt8(ascii: "=") { i += 1 }
                skipSpaces()
                skipValue(prefix: path, record: record)
                skipRestOfLine()
            }
        }
    }
}
