import MDLearning
import Testing

/// The analysed frames and the pairing of conventions §4 on a toy stream: T frames, w = 4,
/// lag 1: intervals j = 0 … T−2, interior j ∈ [2, T−1−2).
@Suite struct CombinedVectorAssemblerTests {
    /// SOAP row of centre i at frame t: [t, i]; smoothed δ of interval j: j/10 − 0.2 (so some clip).
    func run(mode: CombinedVectorAssembler.Mode, frames: Int = 12) throws -> [CombinedVectorAssembler.Frame] {
        var a = CombinedVectorAssembler(mode: mode, centreCount: 3, soapWidth: 2, halfWindow: 2)
        var out: [CombinedVectorAssembler.Frame] = []
        // The smoother emits row j once frame j + lag + halfWindow has arrived (interior),
        // head rows once w intervals exist; the tail rows at the end are never passed.
        var emitted = 0
        for t in 0..<frames {
            try a.pushSOAP(step: Int64(100 * t), rows: (0..<3).flatMap { [Double(t), Double($0)] })
            let intervals = t  // intervals ending at or before frame t
            while emitted < intervals - 2 {  // interior rows final after ⌊w/2⌋ more intervals
                let j = emitted
                let v = Double(j) / 10 - 0.2
                if let f = try a.pushSmoothedLENS(step: Int64(100 * j), index: j, values: [v, v + 1, v]) { out.append(f) }
                emitted += 1
            }
        }
        a.endStretch()
        #expect(a.pendingFrames == 0)
        return out
    }

    @Test func analysedFramesArePairedWithTheirOwnInterval() throws {
        let frames = try run(mode: .soapAndLens)
        // T = 12: n = 11 intervals, interior j ∈ [2, 9): 7 analysed frames, steps 200 … 800.
        #expect(frames.map(\.step) == [200, 300, 400, 500, 600, 700, 800])
        let f = frames[0]
        // Frame 2's SOAP with interval (2, 3)'s δ = 0.0, clipped; centre 1's 1.0 stays 1.
        #expect(f.rows == [2, 0, 0, 2, 1, 1, 2, 2, 0])
        let v = 5.0 / 10 - 0.2
        #expect(frames[3].rows == [5, 0, v, 5, 1, 1, 5, 2, v])
    }

    @Test func everyModeAnalysesTheSameFrames() throws {
        let both = try run(mode: .soapAndLens), soap = try run(mode: .soap), lens = try run(mode: .lens)
        #expect(both.map(\.step) == soap.map(\.step))
        #expect(both.map(\.step) == lens.map(\.step))
        #expect(soap[0].rows == [2, 0, 2, 1, 2, 2])
        #expect(lens[0].rows == [0, 1, 0])
        #expect(lens[0].rows == both[0].lens)
    }

    @Test func mismatchedWidthsAreErrors() {
        var a = CombinedVectorAssembler(mode: .soapAndLens, centreCount: 2, soapWidth: 3, halfWindow: 1)
        #expect(throws: LearningError.dimensionMismatch(expected: 6, got: 5, context: "SOAP rows of step 0")) {
            try a.pushSOAP(step: 0, rows: [1, 2, 3, 4, 5])
        }
        #expect(throws: LearningError.emptyInput("no SOAP rows for step 7, the first frame of a smoothed LENS interval")) {
            _ = try a.pushSmoothedLENS(step: 7, index: 3, values: [0, 0])
        }
    }
}
