import Foundation
@testable import MDWire
import Testing
import TestSupport

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let text = #"{"a": [1, -2, 3.5, 1e3, -0.25E-2, true, false, null], "s": "q\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "o": {}, "e": []}"#
        let v = try JSONParser.parse(Array(text.utf8))
        guard case let .object(o) = v, case let .array(a)? = o["a"] else {
            Issue.record("not an object with an array")
            return
        }
        #expect(a == [.int(1), .int(-2), .double(3.5), .double(1000), .double(-0.0025), .bool(true), .bool(false), .null])
        #expect(o["s"] == .string("q\"\\/\u{8}\u{c}\n\r\té😀"))
        #expect(o["o"] == .object([:]))
        #expect(o["e"] == .array([]))
    }

    @Test func agreesWithFoundationOnEncodedValues() throws {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<300 {
            let value = randomValue(&rng, depth: 0)
            let ours = try JSONParser.parse(value.serialized())
            let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(value.serialized()))
            #expect(ours == value)
            #expect(foundation == value)
        }
    }

    @Test func rejectsMalformedText() {
        for text in ["", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "01", "1.", "-", "1e", "\"abc", "\"\\x\"", "tru", "nul",
                     "\"\\ud800\"", "[1] 2", "{1:2}", "\"a\u{1}b\""] {
            #expect(throws: JSONParseError.self, "\(text)") { try JSONParser.parse(Array(text.utf8)) }
        }
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array(deep.utf8)) }
    }

    @Test func randomBytesNeverTrap() {
        var rng = SplitMix64(seed: 5)
        let alphabet = Array("{}[]\",:0123456789.eE+-tfnrulsa \\u".utf8)
        for _ in 0..<5000 {
            let n = Int(rng.next() % 40)
            let bytes = (0..<n).map { _ in rng.next() % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            _ = try? JSONParser.parse(bytes)
        }
    }

    @Test func serializationIsCanonicalAndRoundTripsDoubles() throws {
        let v = JSONValue.object(["b": .double(0.1), "a": .double(1.0 / 3.0), "c": .double(.nan)])
        #expect(String(decoding: v.serialized(), as: UTF8.self) == #"{"a":0.3333333333333333,"b":0.1,"c":"nan"}"#)
    }

    private func randomValue(_ rng: inout SplitMix64, depth: Int) -> JSONValue {
        switch rng.next() % (depth > 3 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(rng.next() % 2 == 0)
        case 2: return .int(Int64(bitPattern: rng.next()) >> Int64(rng.next() % 60))
        case 3: return .double(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF) * (rng.next() % 2 == 0 ? 1 : -1))
        case 4: return .string(String((0..<Int(rng.next() % 12)).map { _ in Character(Unicode.Scalar(UInt8(32 + rng.next() % 95))) }) + (rng.next() % 4 == 0 ? "é\n\"" : ""))
        case 5: return .array((0..<Int(rng.next() % 4)).map { _ in randomValue(&rng, depth: depth + 1) })
        default:
            var o: [String: JSONValue] = [:]
            for k in 0..<Int(rng.next() % 4) { o["k\(k)"] = randomValue(&rng, depth: depth + 1) }
            return .object(o)
        }
    }
}
