import MDSignal
import Testing
import TestSupport

@Suite("StreamingSavitzkyGolay")
struct StreamingSavitzkyGolayTests {
    @Test("streamed rows (all series at once) equal batch and scipy to 1e-10", arguments: SavgolFixtures.cases)
    func streamingMatchesScipy(_ c: SavgolFixtures.Case) throws {
        let sg = try SavitzkyGolay(window: c.window, polyorder: c.polyorder)
        var streaming = StreamingSavitzkyGolay(filter: sg, seriesCount: c.series)
        let inputs = (0..<c.series).map { SavgolFixtures.input(c, series: $0) }
        let result = try stream(inputs, filter: sg, into: &streaming)
        for s in 0..<c.series {
            let scale = maxMagnitude(inputs[s])
            let batch = try sg.filter(inputs[s])
            let scipy = SavgolFixtures.expected(c, series: s)
            #expect(maxAbsDifference(result.output[s], batch) <= 1e-10 * scale, "\(c.name) series \(s) vs batch")
            #expect(maxAbsDifference(result.output[s], scipy) <= 1e-10 * scale, "\(c.name) series \(s) vs scipy")
        }
        #expect(streaming.sampleCount == 0, "finish resets")
    }

    @Test("emission schedule: head at sample w-1, interior row k at sample k+floor(w/2), tail at finish")
    func schedule() throws {
        for (w, p) in [(1, 0), (2, 1), (4, 2), (5, 2), (7, 3), (20, 2), (21, 2)] {
            let sg = try SavitzkyGolay(window: w, polyorder: p)
            let h = w / 2
            #expect(sg.lagFrames == h)
            for n in [w, w + 1, 3 * w + 2] {
                var streaming = StreamingSavitzkyGolay(filter: sg, seriesCount: 2)
                #expect(streaming.lagFrames == h)
                let x = (0..<n).map { Double($0 * $0 % 17) }
                let result = try stream([x, x.map { -$0 }], filter: sg, into: &streaming)
                for t in 0..<n {
                    var expected: [Int] = t == w - 1 ? Array(0..<h) : []
                    if t >= 2 * h { expected.append(t - h) }
                    #expect(result.emittedAt[t] == expected, "w=\(w) n=\(n) t=\(t)")
                }
                #expect(result.finishRows == Array((n - h)..<n), "w=\(w) n=\(n)")
            }
        }
    }

    @Test("900 series of length 137: streaming equals per-series batch")
    func manySeries() throws {
        let sg = try SavitzkyGolay(window: 20, polyorder: 2)
        var rng = SplitMix64(state: 2024)
        let series = (0..<900).map { _ in (0..<137).map { _ in Double.random(in: 0...1, using: &rng) } }
        var streaming = StreamingSavitzkyGolay(filter: sg, seriesCount: series.count)
        let result = try stream(series, filter: sg, into: &streaming)
        for s in 0..<series.count {
            #expect(maxAbsDifference(result.output[s], try sg.filter(series[s])) <= 1e-12, "series \(s)")
        }
    }

    @Test("segments are independent: after finish() or reset() the next segment matches batch on it alone")
    func segments() throws {
        let sg = try SavitzkyGolay(window: 7, polyorder: 3)
        var streaming = StreamingSavitzkyGolay(filter: sg, seriesCount: 3)
        var rng = SplitMix64(state: 99)
        func random(_ n: Int) -> [[Double]] {
            (0..<3).map { _ in (0..<n).map { _ in Double.random(in: -5...5, using: &rng) } }
        }
        // Segment A, finished normally.
        let a = random(23)
        let outA = try stream(a, filter: sg, into: &streaming).output
        // Segment B (length not a multiple of w, so the ring is left mid-cycle).
        let b = random(12)
        let outB = try stream(b, filter: sg, into: &streaming).output
        // A partial segment abandoned with reset(), then segment C.
        for row in random(9).first! { _ = streaming.push([row, row, row]) }
        streaming.reset()
        #expect(streaming.sampleCount == 0)
        let c = random(7)
        let outC = try stream(c, filter: sg, into: &streaming).output
        for (input, output) in [(a, outA), (b, outB), (c, outC)] {
            for s in 0..<3 {
                #expect(maxAbsDifference(output[s], try sg.filter(input[s])) <= 1e-12)
            }
        }
    }

    @Test("a segment shorter than w: no rows, finish() throws seriesTooShort and resets")
    func shortSegment() throws {
        let sg = try SavitzkyGolay(window: 20, polyorder: 2)
        var streaming = StreamingSavitzkyGolay(filter: sg, seriesCount: 4)
        for t in 0..<19 {
            #expect(streaming.push([Double](repeating: Double(t), count: 4)).isEmpty)
        }
        #expect(throws: SignalError.seriesTooShort(length: 19, window: 20)) { try streaming.finish() }
        #expect(streaming.sampleCount == 0)
        // Empty segment: nothing to emit, no error.
        #expect(try streaming.finish().isEmpty)
        // The next segment is unaffected by the discarded samples.
        let x = (0..<25).map { Double($0 % 6) / 5 }
        let out = try stream([x, x, x, x], filter: sg, into: &streaming).output
        #expect(maxAbsDifference(out[3], try sg.filter(x)) <= 1e-12)
    }

    @Test("zero series: rows carry empty value arrays on the same schedule")
    func zeroSeries() throws {
        let sg = try SavitzkyGolay(window: 3, polyorder: 1)
        var streaming = StreamingSavitzkyGolay(filter: sg, seriesCount: 0)
        #expect(streaming.push([]).isEmpty)
        #expect(streaming.push([]).isEmpty)
        let rows = streaming.push([])
        #expect(rows.map(\.index) == [0, 1])
        #expect(rows.allSatisfy { $0.values.isEmpty })
        #expect(try streaming.finish().map(\.index) == [2])
    }
}
