import Foundation
import MDCore
@testable import MDWire
import Testing
import TestSupport

/// Re-encodes the header of `parts` after `edit` changed it.
func editedHeader(_ parts: [[UInt8]], _ edit: (inout [String: JSONValue]) -> Void) -> [[UInt8]] {
    var header = try! JSONDecoder().decode([String: JSONValue].self, from: Data(parts[1]))
    edit(&header)
    var p = parts
    p[1] = Array(try! JSONEncoder().encode(header))
    return p
}

func rejectionCode(_ parts: [[UInt8]]) -> String? {
    do {
        _ = try WireDecoder.decode(parts)
        return nil
    } catch {
        return error.code
    }
}

@Suite struct WireRejectionTests {
    let good = WireEncoder.encode(sampleFrame(), sentAt: 100)

    @Test func everyTruncationOfEveryPartIsRejected() {
        for p in 1..<good.count {
            for length in 0..<good[p].count {
                var parts = good
                parts[p] = Array(good[p].prefix(length))
                let code = rejectionCode(parts)
                #expect(code != nil, "part \(p) cut to \(length) bytes was accepted")
                if p >= 2 { #expect(code == "array-size") }
            }
        }
    }

    @Test func everyDroppedTailOfPartsIsRejected() {
        for count in 0..<good.count {
            let code = rejectionCode(Array(good.prefix(count)))
            #expect(code == "part-count" || code == "header-json", "\(count) parts gave \(String(describing: code))")
        }
        #expect(rejectionCode(good + [[1, 2, 3]]) == "part-count")
    }

    @Test func randomBytesNeverCrash() {
        var rng = SplitMix64(seed: 42)
        var rejected = 0
        for _ in 0..<3000 {
            let nParts = Int(rng.next() % 7)
            var parts: [[UInt8]] = []
            for k in 0..<nParts {
                let len = Int(rng.next() % 200)
                var bytes = (0..<len).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                if k == 0 && rng.next() % 2 == 0 { bytes = WireProtocol.frameTopic }
                parts.append(bytes)
            }
            if rejectionCode(parts) != nil { rejected += 1 }
        }
        #expect(rejected == 3000)
    }

    @Test func headerByteFlipsNeverCrash() {
        var rng = SplitMix64(seed: 7)
        for i in 0..<good[1].count {
            var parts = good
            parts[1][i] = UInt8(truncatingIfNeeded: rng.next())
            _ = rejectionCode(parts)  // either outcome is fine; it must not trap
        }
    }

    @Test func unknownTopic() {
        var parts = good
        parts[0] = Array("frames!".utf8)
        #expect(rejectionCode(parts) == "topic")
        #expect(rejectionCode([]) == "part-count")
    }

    @Test func headerNotJSONOrNotObject() {
        var parts = good
        parts[1] = Array("not json".utf8)
        #expect(rejectionCode(parts) == "header-json")
        parts[1] = Array("[1,2]".utf8)
        #expect(rejectionCode(parts) == "header-json")
        parts[1] = [0xFF, 0xFE, 0x7B]
        #expect(rejectionCode(parts) == "header-json")
    }

    @Test(arguments: ["protocol", "version", "run_id", "seq", "sent_at", "step", "time", "natoms", "box", "pbc", "species", "arrays"])
    func missingRequiredFieldNamesIt(key: String) throws {
        let parts = editedHeader(good) { $0[key] = nil }
        do {
            _ = try WireDecoder.decode(parts)
            Issue.record("missing \(key) accepted")
        } catch {
            #expect(error.code == "header-field")
            #expect(error.message.contains("'\(key)'"))
        }
    }

    @Test func wrongVersionOrProtocol() {
        #expect(rejectionCode(editedHeader(good) { $0["version"] = .int(2) }) == "version")
        #expect(rejectionCode(editedHeader(good) { $0["protocol"] = .string("other") }) == "version")
    }

    @Test func wrongFieldTypes() {
        #expect(rejectionCode(editedHeader(good) { $0["seq"] = .int(-1) }) == "header-field")
        #expect(rejectionCode(editedHeader(good) { $0["seq"] = .double(1.5) }) == "header-field")
        #expect(rejectionCode(editedHeader(good) { $0["step"] = .string("12") }) == "header-field")
        #expect(rejectionCode(editedHeader(good) { $0["pbc"] = .array([.bool(true)]) }) == "header-field")
        #expect(rejectionCode(editedHeader(good) { $0["box"] = .array([.int(1)]) }) == "header-field")
        #expect(rejectionCode(editedHeader(good) { $0["species"] = .array([.int(1)]) }) == "header-field")
        #expect(rejectionCode(editedHeader(good) { $0["run_id"] = .string("") }) == "header-field")
        #expect(rejectionCode(editedHeader(good) { $0["time"] = .string("nan") }) == "header-field")
    }

    @Test func arraySpecProblems() {
        // Wrong dtype for ids.
        let badDtype = editedHeader(good) { h in
            guard case var .array(a) = h["arrays"]!, case var .object(o) = a[0] else { return }
            o["dtype"] = .string("<i4")
            a[0] = .object(o)
            h["arrays"] = .array(a)
        }
        #expect(rejectionCode(badDtype) == "array-spec")
        // Unknown array name.
        let unknown = editedHeader(good) { h in
            guard case var .array(a) = h["arrays"]!, case var .object(o) = a[3] else { return }
            o["name"] = .string("forces")
            a[3] = .object(o)
            h["arrays"] = .array(a)
        }
        #expect(rejectionCode(unknown) == "array-spec")
        // natoms disagrees with the shapes.
        #expect(rejectionCode(editedHeader(good) { $0["natoms"] = .int(6) }) == "array-spec")
        // A required array missing (drop 'types' spec and its part).
        var noTypes = editedHeader(good) { h in
            guard case var .array(a) = h["arrays"]! else { return }
            a.remove(at: 1)
            h["arrays"] = .array(a)
        }
        noTypes.remove(at: 3)
        #expect(rejectionCode(noTypes) == "array-spec")
    }

    @Test func nonFiniteCoordinatesRejectedWithSequence() {
        var f = sampleFrame()
        f.positions[4] = .nan
        let parts = WireEncoder.encode(f, sentAt: 1)
        do {
            _ = try WireDecoder.decode(parts)
            Issue.record("NaN accepted")
        } catch {
            #expect(error.code == "non-finite")
            #expect(error.sequence == 7)
            #expect(error.runID == "run-A")
            #expect(error.description.contains("seq 7"))
        }
    }

    @Test func duplicateIDsAndTypeRangeAndDegenerateCell() {
        var f = sampleFrame()
        f.ids[2] = f.ids[0]
        #expect(rejectionCode(WireEncoder.encode(f, sentAt: 1)) == "duplicate-id")
        f = sampleFrame()
        f.types[0] = 9
        #expect(rejectionCode(WireEncoder.encode(f, sentAt: 1)) == "type-range")
        f = sampleFrame()
        f.cell!.b = f.cell!.a * 2
        #expect(rejectionCode(WireEncoder.encode(f, sentAt: 1)) == "degenerate-cell")
        f = sampleFrame()
        f.cell = nil
        let withPBC = editedHeader(WireEncoder.encode(f, sentAt: 1)) { $0["pbc"] = .array([.bool(true), .bool(false), .bool(false)]) }
        #expect(rejectionCode(withPBC) == "missing-cell")
    }

    @Test func controlMessageProblems() {
        let end = WireEncoder.encode(ControlMessage(kind: .end, runID: "r", sentAt: 1, frames: 3))
        #expect(rejectionCode(editedHeader(end) { $0["kind"] = .string("stop") }) == "header-field")
        #expect(rejectionCode(editedHeader(end) { $0["frames"] = nil }) == "header-field")
        #expect(rejectionCode(end + [[0]]) == "part-count")
    }
}

