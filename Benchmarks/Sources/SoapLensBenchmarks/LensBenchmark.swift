import Foundation
import MDCore
import MDDescriptors
import MDGeometry
import MDSignal
import MDTrajectory

/// Benchmark 3: LENS per frame on the bundled Cu(211) slab, the way `soaplens describe --lens`
/// and the daemon compute it. For every frame:
///
/// 1. `NeighbourSearch(cutoff: 6 Å, orderedPairs: false).compute(frame:centres:environment:)` — cell list, all
///    periodic images (the dump is `p p f`);
/// 2. `NeighbourIDSets.append(from:ids:environment:cutoff:)` into the `LensAccumulator`'s ring
///    slot — the neighbour **ids** at `0 < d < r_cut`, sorted and unique per centre;
/// 3. `LensAccumulator.commit()` — δ_i = |C_i(t−1) Δ C_i(t)| / (|C_i(t−1)| + |C_i(t)|) for
///    every centre (nil on the first frame of a lap);
///
/// and, timed on its own, 4. `StreamingSavitzkyGolay.push` of the δ row (w = 20, p = 2, the
/// study's Cu window).
///
/// Centres are the atoms with z > 28.09 Å in frame 0 (dump coordinates): the top 900 atoms,
/// the choice of `scripts/reference/make_lens_fixtures.py`; the LENS environment is the
/// centres themselves. Frames are read (gunzip + text parsing, sorted by id) **before** any
/// timing. Each run makes one untimed warm-up lap over the frames and then `laps` timed laps;
/// the accumulator and the smoother are reset at the start of every lap, so each lap yields
/// `frames − 1` δ rows. Statistics are over all timed frames of the run.
struct LensBenchmark {
    /// Neighbour cutoff r_cut, Å.
    static let cutoff = 6.0
    /// Centre threshold on frame 0's z, Å (dump coordinates).
    static let zThreshold = 28.09
    /// Savitzky–Golay window and polynomial order of the smoothing step.
    static let smoothingWindow = 20
    static let smoothingPolyorder = 2

    /// Frames in id order, as the daemon holds them after ingest.
    let frames: [Frame]
    /// Where they came from.
    let source: String
    /// Centre (and environment) atom indices, ascending (= ascending id).
    let centres: [Int32]
    /// `environmentMask[j]`: atom j belongs to the LENS environment.
    let environmentMask: [Bool]

    /// Reads the first `frameCount` frames of the dump (the bundled trajectory by default) and
    /// picks the centres. There is no synthetic fallback: the centre rule is the Cu(211) one.
    static func load(dumpPath: String?, frameCount: Int) throws -> LensBenchmark {
        let path = dumpPath ?? BenchmarkFrames.bundledDumpPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw BenchmarkError("the LENS benchmark needs the trajectory \(path) (its centres are the Cu(211) surface atoms; no synthetic fallback)")
        }
        let reader = try LammpsDumpReader(path: path, options: SourceOptions(speciesMap: [1: "Cu"], timestep: 0.005))
        var frames: [Frame] = []
        while frames.count < frameCount, let frame = try reader.next() { frames.append(frame) }
        guard frames.count >= 2 else { throw BenchmarkError("LENS needs at least 2 frames, \(path) has \(frames.count)") }
        let first = frames[0]
        for (k, f) in frames.enumerated() where f.ids != first.ids {
            throw BenchmarkError("frame \(k) of \(path) has another atom set than frame 0")
        }
        let centres = (0..<first.atomCount).filter { first.positions[3 * $0 + 2] > zThreshold }.map { Int32($0) }
        guard !centres.isEmpty else { throw BenchmarkError("no atom with z > \(zThreshold) Å in frame 0 of \(path)") }
        var mask = [Bool](repeating: false, count: first.atomCount)
        for c in centres { mask[Int(c)] = true }
        let name = URL(fileURLWithPath: path).lastPathComponent
        return LensBenchmark(
            frames: frames, source: "LAMMPS dump \(name) (\(frames.count) frames)", centres: centres, environmentMask: mask)
    }

    /// One run's results: the per-frame LENS cost, the smoothing cost, and the δ of the
    /// warm-up lap (row-major `centres × (frames − 1)`: row = centre in id order, column k =
    /// interval (k, k+1), the layout of dynsight's `compute_lens`).
    struct Outcome {
        var lens: BenchmarkResult
        var smoothing: BenchmarkResult
        var delta: [Double]
    }

    /// `streaming`: the daemon's route since the streaming search
    /// (`NeighbourIDSets.append(searching:…)`, search and sets in one pass, no pair list;
    /// benchmark `lens.swift-stream`, its *search* time covers the sets too and *sets* is 0);
    /// otherwise the list route above (`lens.swift`).
    func run(run: Int, laps: Int, streaming: Bool = false) throws -> Outcome {
        let cores = CPUAffinity.allowedCPUCount()
        let variant = cores == 1 ? "1 core" : "\(cores) cores"
        let search = NeighbourSearch(cutoff: Self.cutoff, orderedPairs: false)
        let filter = try SavitzkyGolay(window: Self.smoothingWindow, polyorder: Self.smoothingPolyorder)
        let m = centres.count
        let intervals = frames.count - 1
        var lens = LensAccumulator(centreCount: m)
        var smoother = StreamingSavitzkyGolay(filter: filter, seriesCount: m)
        let mask = environmentMask
        let cutoff = Self.cutoff

        var total: [Double] = [], searchTimes: [Double] = [], setTimes: [Double] = [], deltaTimes: [Double] = []
        var smoothTimes: [Double] = []
        let capacity = laps * frames.count
        total.reserveCapacity(capacity); searchTimes.reserveCapacity(capacity)
        setTimes.reserveCapacity(capacity); deltaTimes.reserveCapacity(capacity); smoothTimes.reserveCapacity(capacity)
        var delta = [Double](repeating: 0, count: m * intervals)
        var pairs = 0, idsTotal = 0
        var smoothedRows = 0
        for lap in 0...laps {  // lap 0 is the warm-up
            lens.reset()
            smoother.reset()
            for (t, frame) in frames.enumerated() {
                let t0 = MonotonicClock.nanoseconds()
                let t1: UInt64
                var framePairs = 0, frameIDs = 0
                if streaming {
                    let (centres, workers) = (centres, cores)
                    let failure = lens.withNextSlot { (sets: inout NeighbourIDSets) -> GeometryError? in
                        do throws(GeometryError) {
                            try sets.append(
                                searching: search, positions: frame.positions, cell: frame.cell, centres: centres,
                                environment: centres, ids: frame.ids, cutoff: cutoff, workers: workers)
                            frameIDs = sets.ids.count
                            return nil
                        } catch {
                            return error
                        }
                    }
                    if let failure { throw failure }
                    t1 = MonotonicClock.nanoseconds()
                } else {
                    let list = try search.compute(frame: frame, centres: centres, environment: centres)
                    t1 = MonotonicClock.nanoseconds()
                    frameIDs = lens.withNextSlot {
                        $0.append(from: list, ids: frame.ids, environment: mask, cutoff: cutoff)
                        return $0.ids.count
                    }
                    framePairs = list.pairCount
                }
                let t2 = MonotonicClock.nanoseconds()
                let row = lens.commit()
                let t3 = MonotonicClock.nanoseconds()
                var emitted = 0
                if let row { emitted = smoother.push(row).count }
                let t4 = MonotonicClock.nanoseconds()
                if lap == 0 {
                    if let row {
                        for i in 0..<m { delta[i * intervals + (t - 1)] = row[i] }
                    }
                    continue
                }
                total.append(Double(t3 - t0) * 1e-6)
                searchTimes.append(Double(t1 - t0) * 1e-6)
                setTimes.append(Double(t2 - t1) * 1e-6)
                deltaTimes.append(Double(t3 - t2) * 1e-6)
                if row != nil { smoothTimes.append(Double(t4 - t3) * 1e-6) }
                pairs += framePairs
                idsTotal += frameIDs
                smoothedRows += emitted
            }
        }
        let s = SampleSummary(total)
        let timedFrames = Double(total.count)
        let notes = [
            "frames": source, "centres": String(m), "environment": "centres (\(m) atoms)",
            "r_cut_A": String(Self.cutoff), "cpus_allowed": String(cores),
            "laps": String(laps), "timed_frames": String(total.count), "checksum": String(idsTotal),
        ]
        let lensResult = BenchmarkResult(
            benchmark: streaming ? "lens.swift-stream" : "lens.swift", variant: variant, run: run,
            metrics: [
                "ms_per_frame_p50": s.median, "ms_per_frame_p90": s.p90, "ms_per_frame_p99": s.p99,
                "ms_per_frame_mean": s.mean, "us_per_centre_p50": s.median * 1e3 / Double(m),
                "frames_per_s": 1e3 / s.mean,
                "search_ms_p50": SampleSummary(searchTimes).median, "sets_ms_p50": SampleSummary(setTimes).median,
                "delta_ms_p50": SampleSummary(deltaTimes).median,
                "pairs_per_frame": Double(pairs) / timedFrames, "ids_per_frame": Double(idsTotal) / timedFrames,
            ],
            notes: notes)
        let g = SampleSummary(smoothTimes)
        let smoothing = BenchmarkResult(
            benchmark: "lens.swift-sg20", variant: variant, run: run,
            metrics: [
                "ms_per_frame_p50": g.median, "ms_per_frame_p90": g.p90, "ms_per_frame_p99": g.p99,
                "ms_per_frame_mean": g.mean, "ms_per_frame_max": g.maximum,
                "rows_per_lap": Double(smoothedRows) / Double(laps),
            ],
            notes: notes.merging(["what": "StreamingSavitzkyGolay(w 20, p 2).push of one δ row (\(m) series)"]) { a, _ in a })
        return Outcome(lens: lensResult, smoothing: smoothing, delta: delta)
    }

    /// Writes δ as little-endian float64, row-major `centres × intervals`.
    static func write(delta: [Double], to path: String) throws {
        let data = delta.map { $0.bitPattern.littleEndian }.withUnsafeBytes { Data($0) }
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw BenchmarkError("cannot write \(path)")
        }
    }
}
