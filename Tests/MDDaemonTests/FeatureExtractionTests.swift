@testable import MDDaemon
import MDCore
import MDDescriptors
import MDLearning
import MDTrajectory
import Testing

/// The rows `fit` learns from: analysed frames t ∈ [w/2, n − w/2) of n = T − 1 intervals,
/// SOAP of frame t beside the smoothed, clipped LENS of interval (t, t+1), frame-major.
@Suite struct FeatureExtractionTests {
    func extract(mode: CombinedVectorAssembler.Mode, frames: Int, window: Int) throws -> FeatureExtraction {
        let reader = try LammpsDumpReader(path: DescribePipelineTests.bundled, options: SourceOptions(speciesMap: [1: "Cu"], timestep: 0.005))
        var extraction: FeatureExtraction?
        for _ in 0..<frames {
            let frame = try #require(try reader.next())
            if extraction == nil {
                extraction = try FeatureExtraction(first: frame, settings: .init(
                    mode: mode,
                    lens: LensSettings(cutoff: 4, window: window, polyorder: 2, centres: try Selection(parsing: "z > 31"), typeNames: [1: "Cu"]),
                    soapEnvironment: nil,
                    soap: .init(rCut: 3, nMax: 2, lMax: 2, sigma: 1, layout: .full, normalised: true, threads: 2), clip: true))
            }
            try extraction!.consume(frame, file: "bundled")
        }
        try extraction!.finish()
        return try #require(extraction)
    }

    @Test func analysedFramesAndPairing() throws {
        let both = try extract(mode: .soapAndLens, frames: 12, window: 4)
        let n = both.centreIDs.count
        #expect(n > 10)
        // T = 12: 11 intervals, interior [2, 9): frames 2 … 8, steps 200·k.
        #expect(both.steps == (2...8).map { Int64(200 * $0) })
        #expect(both.width == 2 * 2 * 3 + 1)
        #expect(both.rows.count == 7 * n * both.width)
        #expect(both.lens.allSatisfy { (0...1).contains($0) })
        // Every row's last number is its LENS value; the SOAP part is a unit vector.
        for r in [0, n + 1, 7 * n - 1] {
            let row = both.rows[(r * both.width)..<((r + 1) * both.width)]
            #expect(row.last == both.lens[r])
            let norm = row.dropLast().reduce(0) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-12)
        }
        // SOAP-only and LENS-only analyse the same frames and carry the same parts.
        let soap = try extract(mode: .soap, frames: 12, window: 4)
        let lens = try extract(mode: .lens, frames: 12, window: 4)
        #expect(soap.steps == both.steps && lens.steps == both.steps)
        #expect(lens.rows == both.lens)
        #expect(soap.rows[0..<soap.width] == both.rows[0..<soap.width])
    }

    @Test func tooFewFramesGiveNoAnalysedFrame() throws {
        let short = try extract(mode: .lens, frames: 6, window: 6)
        #expect(short.analysedFrames == 0)
        #expect(short.framesRead == 6)
    }
}
