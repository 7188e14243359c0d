import MDCore
@testable import MDIngest
import MDWire
import Testing

func frame(run: String = "r", seq: UInt64, ids: [Int64] = [3, 1, 2], step: Int64? = nil) -> Frame {
    let n = ids.count
    return Frame(
        runID: run, sequence: seq, step: step ?? Int64(seq) * 10, time: nil, cell: .orthogonal(SIMD3(10, 10, 10)),
        species: ["Cu"], ids: ids, types: Array(repeating: 0, count: n),
        positions: ids.flatMap { [Double($0), Double($0) + 0.1, Double($0) + 0.2] })
}

extension SegmentTracker.Decision {
    var code: String? {
        if case let .rejected(code, _) = self { return code }
        return nil
    }
    var frame: Frame? {
        if case let .frame(f, _) = self { return f }
        return nil
    }
}

@Suite struct SegmentTrackerTests {
    @Test func implicitStartSortsAtomsAndCountsGaps() throws {
        var t = SegmentTracker()
        let d0 = t.handle(.frame(frame(seq: 0)))
        #expect(d0.count == 2)
        guard case .segmentStart(_, implicit: true) = d0[0] else {
            Issue.record("no implicit start")
            return
        }
        let f0 = try #require(d0[1].frame)
        #expect(f0.ids == [1, 2, 3])
        #expect(f0.positions == [1, 1.1, 1.2, 2, 2.1, 2.2, 3, 3.1, 3.2])
        let d3 = t.handle(.frame(frame(seq: 3)))
        guard case let .frame(_, gapBefore) = d3[0] else {
            Issue.record("frame not delivered")
            return
        }
        #expect(gapBefore == 2)
        #expect(t.runs["r"]?.gaps == 2)
        #expect(t.runs["r"]?.frames == 2)
    }

    @Test func outOfOrderAndRepeatedFramesDropped() {
        var t = SegmentTracker()
        _ = t.handle(.frame(frame(seq: 0)))
        _ = t.handle(.frame(frame(seq: 1)))
        #expect(t.handle(.frame(frame(seq: 1))).first?.code == "out-of-order")
        #expect(t.handle(.frame(frame(seq: 0))).first?.code == "out-of-order")
        #expect(t.runs["r"]?.outOfOrder == 2)
        #expect(t.runs["r"]?.frames == 2)
    }

    @Test func atomSetChangeRejectedWithClearMessage() {
        var t = SegmentTracker()
        _ = t.handle(.frame(frame(seq: 0)))
        let d = t.handle(.frame(frame(seq: 1, ids: [1, 2, 3, 4])))
        guard case let .rejected(code, message) = d[0] else {
            Issue.record("accepted")
            return
        }
        #expect(code == "atom-set-changed")
        #expect(message.contains("new ids 4"))
        #expect(message.contains("seq 1"))
        // Same set in another order is the same atom set.
        #expect(t.handle(.frame(frame(seq: 2, ids: [2, 3, 1]))).first?.frame != nil)
    }

    @Test func endCountsTrailingLossesAndClosesRun() {
        var t = SegmentTracker()
        _ = t.handle(.control(ControlMessage(kind: .segmentStart, runID: "r", sentAt: 0)))
        _ = t.handle(.frame(frame(seq: 0)))
        _ = t.handle(.frame(frame(seq: 1)))
        let d = t.handle(.control(ControlMessage(kind: .end, runID: "r", sentAt: 0, frames: 5)))
        guard case let .segmentEnd(r) = d[0] else {
            Issue.record("no end")
            return
        }
        #expect(r.expectedFrames == 5)
        #expect(r.gaps == 3)
        #expect(r.announced)
        #expect(t.handle(.frame(frame(seq: 2))).first?.code == "after-end")
    }

    @Test func runsAreIndependent() {
        var t = SegmentTracker()
        _ = t.handle(.frame(frame(run: "a", seq: 0)))
        _ = t.handle(.frame(frame(run: "b", seq: 0, ids: [7, 8])))
        _ = t.handle(.frame(frame(run: "a", seq: 1)))
        #expect(t.runs["a"]?.frames == 2)
        #expect(t.runs["b"]?.atomCount == 2)
        #expect(t.orderedRuns.map(\.runID) == ["a", "b"])
    }

    @Test func segmentStartForUsedRunIsRejected() {
        var t = SegmentTracker()
        _ = t.handle(.frame(frame(seq: 0)))
        let d = t.handle(.control(ControlMessage(kind: .segmentStart, runID: "r", sentAt: 0)))
        #expect(d.first?.code == "run-reused")
    }

    @Test func rememberedRunsAreBounded() {
        var t = SegmentTracker()
        t.maximumRuns = 3
        for k in 0..<10 { _ = t.handle(.frame(frame(run: "run\(k)", seq: 0))) }
        #expect(t.runs.count == 3)
        #expect(t.orderedRuns.map(\.runID) == ["run7", "run8", "run9"])
    }
}

@Suite struct LatencyHistogramTests {
    @Test func quantilesWithinResolution() {
        var h = LatencyHistogram()
        for i in 1...1000 { h.record(Double(i) * 1e-3) }  // 1 ms … 1 s
        let p50 = h.quantile(0.5)!
        let p99 = h.quantile(0.99)!
        #expect(abs(p50 - 0.5) / 0.5 < 0.03)
        #expect(abs(p99 - 0.99) / 0.99 < 0.03)
        #expect(h.maximum == 1.0)
        #expect(h.count == 1000)
        #expect(LatencyHistogram().quantile(0.5) == nil)
    }

    @Test func negativeAndNonFiniteCountAsZero() {
        var h = LatencyHistogram()
        h.record(-1)
        h.record(.nan)
        #expect(h.quantile(1.0)! <= LatencyHistogram.minimum)
    }
}

@Suite struct SortCacheTests {
    @Test func sameOrderReusesThePermutationAndNewOrderIsSortedAgain() throws {
        var t = SegmentTracker()
        let a = t.handle(.frame(frame(seq: 0, ids: [9, 4, 7]))).compactMap(\.frame)
        let b = t.handle(.frame(frame(seq: 1, ids: [9, 4, 7]))).compactMap(\.frame)
        let c = t.handle(.frame(frame(seq: 2, ids: [7, 9, 4]))).compactMap(\.frame)
        for f in a + b + c {
            #expect(f.ids == [4, 7, 9])
            #expect(f.positions == [4, 4.1, 4.2, 7, 7.1, 7.2, 9, 9.1, 9.2])
        }
    }
}
