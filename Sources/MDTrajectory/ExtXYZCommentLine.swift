import MDCore

/// The `key=value` pairs of an extended-XYZ comment line (line 2 of each frame).
///
/// Values are bare words, `"double quoted"` (with `\"` and `\\` escapes) or `{braced}`; a key
/// without `=` is a flag whose value is `T`. Keys are matched case-insensitively (stored
/// lower-cased), as ASE does for `Lattice`, `Properties` and `pbc`.
struct ExtXYZCommentLine: Sendable {
    /// Lower-cased key → raw value text (quotes removed).
    private(set) var values: [String: String] = [:]

    /// Parses the comment line; the error is a message for the user.
    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> Result<ExtXYZCommentLine, TextParsingIssue> {
        var result = ExtXYZCommentLine()
        let n = line.count
        var i = 0
        func isSeparator(_ b: UInt8) -> Bool { TextParsing.isSpace(b) }
        while true {
            while i < n && isSeparator(line[i]) { i += 1 }
            if i >= n { break }
            let keyStart = i
            while i < n && !isSeparator(line[i]) && line[i] != UInt8(ascii: "=") { i += 1 }
            let key = TextParsing.string(line, keyStart..<i).lowercased()
            var j = i
            while j < n && isSeparator(line[j]) { j += 1 }
            guard j < n && line[j] == UInt8(ascii: "=") else {
                result.values[key] = "T"
                continue
            }
            i = j + 1
            while i < n && isSeparator(line[i]) { i += 1 }
            guard i < n else { return .failure(.init(.format, "key '\(key)' has '=' but no value")) }
            var bytes: [UInt8] = []
            switch line[i] {
            case UInt8(ascii: "\""):
                i += 1
                var closed = false
                while i < n {
                    let b = line[i]
                    if b == UInt8(ascii: "\\") && i + 1 < n {
                        bytes.append(line[i + 1])
                        i += 2
                        continue
                    }
                    i += 1
                    if b == UInt8(ascii: "\"") {
                        closed = true
                        break
                    }
                    bytes.append(b)
                }
                if !closed { return .failure(.init(.format, "value of '\(key)' has no closing '\"'")) }
            case UInt8(ascii: "{"):
                i += 1
                var closed = false
                while i < n {
                    let b = line[i]
                    i += 1
                    if b == UInt8(ascii: "}") {
                        closed = true
                        break
                    }
                    bytes.append(b == UInt8(ascii: ",") ? UInt8(ascii: " ") : b)
                }
                if !closed { return .failure(.init(.format, "value of '\(key)' has no closing '}'")) }
            default:
                while i < n && !isSeparator(line[i]) {
                    bytes.append(line[i])
                    i += 1
                }
            }
            result.values[key] = String(decoding: bytes, as: UTF8.self)
        }
        return .success(result)
    }

    /// The value of `key` (lower case).
    subscript(key: String) -> String? { values[key] }

    /// The value of `key` as exactly `count` numbers, `nil` when absent.
    func numbers(_ key: String, count: Int) -> Result<[Double]?, TextParsingIssue> {
        guard let text = values[key] else { return .success(nil) }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let numbers = parts.compactMap { Double(String($0)) }
        guard parts.count == count, numbers.count == count else {
            return .failure(.init(.format, "'\(key)' must hold \(count) numbers, found '\(text)'"))
        }
        return .success(numbers)
    }

    /// `pbc="T T F"` (also `True`/`False`, `1`/`0`), `nil` when absent.
    func periodicity() -> Result<Periodicity?, TextParsingIssue> {
        guard let text = values["pbc"] else { return .success(nil) }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.lowercased() }
        var flags: [Bool] = []
        for p in parts {
            switch p {
            case "t", "true", "1": flags.append(true)
            case "f", "false", "0": flags.append(false)
            default: return .failure(.init(.format, "pbc must be three of T/F, found '\(text)'"))
            }
        }
        guard flags.count == 3 else { return .failure(.init(.format, "pbc must be three of T/F, found '\(text)'")) }
        return .success(Periodicity(flags[0], flags[1], flags[2]))
    }
}
