#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Allocation-free field parsing over the byte lines of ``ByteLineReader``: whitespace
/// tokens, integers and doubles, and short quotes of a line for error messages.
enum TextParsing {
    /// Space, tab, CR, vertical tab or form feed (newlines never reach the parsers).
    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0d)
    }

    /// `true` when the line holds only whitespace.
    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in line where !isSpace(b) { return false }
        return true
    }

    /// The byte ranges of the whitespace-separated tokens of `line` (for header lines; the
    /// per-atom loops tokenise in place).
    static func tokenRanges(_ line: UnsafeBufferPointer<UInt8>, from offset: Int = 0) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var i = offset
        let n = line.count
        while true {
            while i < n && isSpace(line[i]) { i += 1 }
            if i >= n { break }
            let s = i
            while i < n && !isSpace(line[i]) { i += 1 }
            ranges.append(s..<i)
        }
        return ranges
    }

    /// The whitespace-separated tokens of `line` as strings.
    static func tokens(_ line: UnsafeBufferPointer<UInt8>, from offset: Int = 0) -> [String] {
        tokenRanges(line, from: offset).map { string(line, $0) }
    }

    /// The bytes `range` of `line` as a string (invalid UTF-8 is repaired).
    static func string(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)
    }

    /// The line for an error message, cut to `limit` characters.
    static func quote(_ line: UnsafeBufferPointer<UInt8>, limit: Int = 80) -> String {
        let text = String(decoding: line, as: UTF8.self)
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }

    /// `true` when `line` starts with the ASCII text `prefix`.
    static func hasPrefix(_ line: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard line.count >= count else { return false }
        let p = prefix.utf8Start
        for i in 0..<count where line[i] != p[i] { return false }
        return true
    }

    /// A decimal integer with optional sign filling exactly `count` bytes at `p`; `nil` for
    /// anything else, including overflow.
    @inline(__always)
    static func parseInt(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        var i = 0
        var negative = false
        if count > 0 && (p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+")) {
            negative = p[0] == UInt8(ascii: "-")
            i = 1
        }
        if i >= count { return nil }
        var value: Int64 = 0
        while i < count {
            let d = p[i] &- UInt8(ascii: "0")
            if d > 9 { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            value = s
            i += 1
        }
        return value
    }

    /// Exactly representable powers of ten, 10⁰ … 10²².
    private static let exactPowersOfTen: [Double] = (0...22).map { e in
        var v = 1.0
        for _ in 0..<e { v *= 10 }
        return v
    }

    /// A floating-point number filling exactly `count` bytes at `p`; `nil` for anything else.
    ///
    /// Numbers with at most 15 significant digits and a decimal exponent within ±22 (all
    /// LAMMPS `%g` output) are converted exactly by one multiplication or division of exact
    /// doubles (Clinger's fast path, correctly rounded); everything else (17-digit output,
    /// `inf`, `nan`, hex) goes to `strtod`. The byte after the number must not continue it
    /// (whitespace, a quote or the NUL that ``ByteLineReader`` puts after each line).
    @inline(__always)
    static func parseDouble(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        if count <= 0 { return nil }
        var i = 0
        var negative = false
        if p[0] == UInt8(ascii: "-") || p[0] == UInt8(ascii: "+") {
            negative = p[0] == UInt8(ascii: "-")
            i = 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var sawDigit = false
        while i < count {
            let d = p[i] &- UInt8(ascii: "0")
            if d > 9 { break }
            sawDigit = true
            if mantissa != 0 || d != 0 {
                if significant < 19 { mantissa = mantissa &* 10 &+ UInt64(d) } else { exponent += 1 }
                significant += 1
            }
            i += 1
        }
        if i < count && p[i] == UInt8(ascii: ".") {
            i += 1
            while i < count {
                let d = p[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                sawDigit = true
                if mantissa != 0 || d != 0 {
                    if significant < 19 {
                        mantissa = mantissa &* 10 &+ UInt64(d)
                        exponent -= 1
                    }
                    significant += 1
                } else {
                    exponent -= 1
                }
                i += 1
            }
        }
        if !sawDigit { return slowParseDouble(p, count) }
        if i < count && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            var expNegative = false
            if i < count && (p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+")) {
                expNegative = p[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var expDigits = 0
            while i < count {
                let d = p[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                if e < 100_000 { e = e * 10 + Int(d) }
                expDigits += 1
                i += 1
            }
            if expDigits == 0 { return nil }
            exponent += expNegative ? -e : e
        }
        if i != count { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if significant > 15 || exponent < -22 || exponent > 22 { return slowParseDouble(p, count) }
        var value = Double(mantissa)
        if exponent < 0 {
            value /= exactPowersOfTen[-exponent]
        } else {
            value *= exactPowersOfTen[exponent]
        }
        return negative ? -value : value
    }

    private static func slowParseDouble(_ p: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        let c = UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self)
        var endPointer: UnsafeMutablePointer<CChar>?
        let value = strtod(c, &endPointer)
        guard let endPointer, UnsafePointer(endPointer) == c + count else { return nil }
        return value
    }
}
