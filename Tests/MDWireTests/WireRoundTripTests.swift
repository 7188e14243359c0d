import MDCore
@testable import MDWire
import Testing

@Suite struct WireRoundTripTests {
    @Test func float64RoundTripIsExact() throws {
        let f = sampleFrame()
        let parts = WireEncoder.encode(f, sentAt: 1_700_000_000.25)
        #expect(parts.count == 6)
        #expect(parts[0] == Array("frame".utf8))
        guard case let .frame(g) = try WireDecoder.decode(parts) else {
            Issue.record("not a frame")
            return
        }
        #expect(g.runID == f.runID)
        #expect(g.sequence == f.sequence)
        #expect(g.step == f.step)
        #expect(g.time == f.time)
        #expect(g.cell == f.cell)
        #expect(g.species == f.species)
        #expect(g.ids == f.ids)
        #expect(g.types == f.types)
        #expect(g.positions == f.positions)
        #expect(g.velocities == f.velocities)
        #expect(g.publishedAt == 1_700_000_000.25)
        #expect(g.provenance == f.provenance)
        #expect(!g.singlePrecision)
    }

    @Test func float32RoundTripWithinSinglePrecision() throws {
        let f = sampleFrame()
        let parts = WireEncoder.encode(f, sentAt: 1, precision: .float32)
        #expect(parts[4].count == 4 * 3 * f.atomCount)
        guard case let .frame(g) = try WireDecoder.decode(parts) else { return }
        #expect(g.singlePrecision)
        for (a, b) in zip(g.positions, f.positions) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b))) }
    }

    @Test func frameWithoutCellOrVelocitiesOrTime() throws {
        var f = sampleFrame(velocities: false)
        f.cell = nil
        f.time = nil
        let parts = WireEncoder.encode(f, sentAt: 1)
        #expect(parts.count == 5)
        guard case let .frame(g) = try WireDecoder.decode(parts) else { return }
        #expect(g.cell == nil)
        #expect(g.periodicity == .none)
        #expect(g.time == nil)
        #expect(g.velocities == nil)
    }

    @Test func emptyFrameRoundTrips() throws {
        let f = sampleFrame(n: 0)
        guard case let .frame(g) = try WireDecoder.decode(WireEncoder.encode(f, sentAt: 1)) else { return }
        #expect(g.atomCount == 0)
    }

    @Test func controlMessagesRoundTrip() throws {
        for c in [
            ControlMessage(kind: .segmentStart, runID: "r1", sentAt: 5.5, source: "lammps-dump:x.dump"),
            ControlMessage(kind: .end, runID: "r1", sentAt: 6.5, frames: 1234),
        ] {
            guard case let .control(d) = try WireDecoder.decode(WireEncoder.encode(c)) else {
                Issue.record("not a control message")
                return
            }
            #expect(d == c)
        }
    }

    @Test func arrayPartsAreLittleEndian() {
        var f = sampleFrame(n: 1, velocities: false)
        f.ids = [0x0102_0304_0506_0708]
        let parts = WireEncoder.encode(f, sentAt: 0)
        #expect(parts[2] == [8, 7, 6, 5, 4, 3, 2, 1])
    }
}
