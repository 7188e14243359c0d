import Foundation
import MDCore
import MDDescriptors
import MDGeometry
import MDSignal
import MDTrajectory
import Testing

/// The committed reference (scripts/reference/make_lens_fixtures.py: MDAnalysis neighbour
/// lists, cross-checked against dynsight's compute_lens with max difference 0; scipy
/// savgol_filter) on the first 40 frames of the bundled Cu(211) run.
struct LensReference {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lens")
    static let trajectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/cu211-900K.dump.gz").path

    let centreIDs: [Int64]
    let zThreshold: Double
    let frames: Int
    let cutoff: Double

    init() throws {
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent("lens_centres_env.json"))) as! [String: Any]
        centreIDs = (meta["centre_ids"] as! [NSNumber]).map(\.int64Value)
        zThreshold = (meta["z_threshold"] as! NSNumber).doubleValue
        frames = (meta["T"] as! NSNumber).intValue
        cutoff = (meta["r_cut"] as! NSNumber).doubleValue
    }

    /// A (rows × columns) little-endian array, row-major.
    static func doubles(_ name: String) throws -> [Double] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
        }
    }

    static func int32s(_ name: String) throws -> [Int32] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        }
    }

    /// The first `frames` frames of the bundled trajectory.
    func readFrames() throws -> [Frame] {
        let reader = try LammpsDumpReader(path: Self.trajectory)
        var out: [Frame] = []
        while out.count < frames, let f = try reader.next() { out.append(f) }
        return out
    }
}

@Suite(.serialized) struct LensReferenceTests {
    /// Computes raw δ (centres × intervals) and neighbour counts (centres × frames) the way
    /// the daemon does: one neighbour search per frame, id sets, the lagged accumulator.
    func computeLens(_ frames: [Frame], centres: [Int32], environment: [Int32], cutoff: Double) throws -> (delta: [[Double]], counts: [[Int]]) {
        var mask = [Bool](repeating: false, count: frames[0].atomCount)
        for j in environment { mask[Int(j)] = true }
        let search = NeighbourSearch(cutoff: cutoff)
        var lens = LensAccumulator(centreCount: centres.count)
        var delta: [[Double]] = []
        var counts: [[Int]] = []
        for f in frames {
            let list = try search.compute(frame: f, centres: centres, environment: environment)
            lens.withNextSlot { $0.append(from: list, ids: f.ids, environment: mask, cutoff: cutoff) }
            if let row = lens.commit() { delta.append(row) }
            var sets = NeighbourIDSets()
            sets.append(from: list, ids: f.ids, environment: mask, cutoff: cutoff)
            counts.append((0..<centres.count).map { sets.row($0).count })
        }
        return (delta, counts)
    }

    @Test func rawLensAndCountsEqualTheReference() throws {
        let ref = try LensReference()
        let frames = try ref.readFrames()
        // The centres: z > Z on frame 0, as the reference chose them.
        let selection = try Selection(parsing: "z > \(ref.zThreshold)")
        #expect(selection.resolve(in: frames[0]) == ref.centreIDs)
        let mask = selection.mask(in: frames[0])
        let centres = mask.indices.filter { mask[$0] }.map(Int32.init)
        let (delta, counts) = try computeLens(frames, centres: centres, environment: centres, cutoff: ref.cutoff)
        let expected = try LensReference.doubles("centres_env_raw.bin")  // centres × intervals
        let expectedCounts = try LensReference.int32s("centres_env_counts.bin")  // centres × frames
        let intervals = ref.frames - 1
        #expect(delta.count == intervals)
        var worst = 0.0
        for k in 0..<intervals {
            for i in 0..<centres.count { worst = max(worst, abs(delta[k][i] - expected[i * intervals + k])) }
        }
        #expect(worst <= 1e-15, "max |δ − δ_ref| = \(worst)")
        var countMismatches = 0
        for t in 0..<ref.frames {
            for i in 0..<centres.count where counts[t][i] != Int(expectedCounts[i * ref.frames + t]) { countMismatches += 1 }
        }
        #expect(countMismatches == 0)

        // Variant: all 2400 atoms are the LENS environment.
        let all = (0..<frames[0].atomCount).map(Int32.init)
        let (deltaAll, _) = try computeLens(frames, centres: centres, environment: all, cutoff: ref.cutoff)
        let expectedAll = try LensReference.doubles("all_env_raw.bin")
        worst = 0
        for k in 0..<intervals {
            for i in 0..<centres.count { worst = max(worst, abs(deltaAll[k][i] - expectedAll[i * intervals + k])) }
        }
        #expect(worst <= 1e-15, "all-atoms environment: max |δ − δ_ref| = \(worst)")

        // Smoothing the raw series streamed, frame by frame, equals scipy's savgol_filter.
        for (w, file) in [(20, "centres_env_sg20.bin"), (7, "centres_env_sg7.bin")] {
            var sg = StreamingSavitzkyGolay(filter: try SavitzkyGolay(window: w, polyorder: 2), seriesCount: centres.count)
            var rows: [(index: Int, values: [Double])] = []
            for row in delta { rows += sg.push(row) }
            rows += try sg.finish()
            #expect(rows.map(\.index) == Array(0..<intervals))
            let ref = try LensReference.doubles(file)
            var worstSmoothed = 0.0
            for (k, values) in rows {
                for i in 0..<centres.count { worstSmoothed = max(worstSmoothed, abs(values[i] - ref[i * intervals + k])) }
            }
            #expect(worstSmoothed <= 1e-12, "w=\(w): max |smoothed − scipy| = \(worstSmoothed)")
        }
    }
}
