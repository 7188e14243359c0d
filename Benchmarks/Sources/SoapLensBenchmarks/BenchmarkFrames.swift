import Foundation
import MDCore
import MDTrajectory

/// The frames every benchmark publishes: the bundled Cu(211) trajectory when it is present
/// (100 frames × 2400 atoms), else ``SyntheticSlab`` frames. In both cases each frame's atoms
/// are put in a seeded random order, as a multi-rank MD engine sends them, so receivers
/// exercise their sort-by-id path.
struct BenchmarkFrames: Sendable {
    /// The frames, atoms shuffled, run id `benchmark`, `sequence` = index.
    let frames: [Frame]
    /// What they were made from, e.g. `data/cu211-900K.dump.gz` or `synthetic fcc Cu slab`.
    let source: String

    var atomCount: Int { frames.first?.atomCount ?? 0 }

    /// The bundled trajectory, located from this source file (Benchmarks/Sources/<target>/…).
    static var bundledDumpPath: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("data/cu211-900K.dump.gz").path
    }

    /// Loads up to `limit` frames from `dumpPath` if it exists (and `synthetic` is false),
    /// otherwise synthesises `limit` frames.
    static func load(dumpPath: String?, synthetic: Bool, limit: Int) throws -> BenchmarkFrames {
        let path = dumpPath ?? bundledDumpPath
        var frames: [Frame]
        let source: String
        if !synthetic && FileManager.default.fileExists(atPath: path) {
            let reader = try LammpsDumpReader(
                path: path, options: SourceOptions(speciesMap: [1: "Cu"], timestep: 0.005))
            frames = []
            while frames.count < limit, let frame = try reader.next() { frames.append(frame) }
            source = "LAMMPS dump \(URL(fileURLWithPath: path).lastPathComponent) (\(frames.count) frames)"
        } else {
            frames = SyntheticSlab.frames(count: limit)
            source = "synthetic fcc Cu slab (\(frames.count) frames)"
        }
        guard !frames.isEmpty else { throw BenchmarkError("no frames in \(path)") }
        var rng = SplitMix64(seed: 0x5EED)
        frames = frames.enumerated().map { k, f in
            var g = shuffled(f, using: &rng)
            g.runID = "benchmark"  // readers leave the run id to the publisher; the codec needs one
            g.sequence = UInt64(k)
            return g
        }
        return BenchmarkFrames(frames: frames, source: source)
    }

    /// The same frames with every frame's atoms in frame 0's (shuffled) order: a publisher
    /// that sends the same order every frame, the case `SegmentTracker`'s cached sorting
    /// permutation is for. (The default frames get a fresh shuffle each, the worst case.)
    func withFixedOrder() -> BenchmarkFrames {
        guard let first = frames.first else { return self }
        let fixed = frames.map { f -> Frame in
            var position: [Int64: Int] = [:]
            position.reserveCapacity(f.atomCount)
            for (i, id) in f.ids.enumerated() { position[id] = i }
            let order = first.ids.compactMap { position[$0] }
            return order.count == f.atomCount ? Self.reordered(f, order) : f  // another atom set: left as is
        }
        return BenchmarkFrames(frames: fixed, source: source + ", one atom order for all frames")
    }

    /// The frame with its atoms (ids, types, positions, velocities) in a random order.
    static func shuffled(_ f: Frame, using rng: inout SplitMix64) -> Frame {
        reordered(f, Array(0..<f.atomCount).shuffled(using: &rng))
    }

    /// The frame's atoms taken in `order` (atom k of the result is atom `order[k]` of `f`).
    static func reordered(_ f: Frame, _ order: [Int]) -> Frame {
        var g = f
        g.ids = order.map { f.ids[$0] }
        g.types = order.map { f.types[$0] }
        var p = [Double](repeating: 0, count: f.positions.count)
        for (i, j) in order.enumerated() {
            p[3 * i] = f.positions[3 * j]
            p[3 * i + 1] = f.positions[3 * j + 1]
            p[3 * i + 2] = f.positions[3 * j + 2]
        }
        g.positions = p
        if let v = f.velocities {
            var w = [Double](repeating: 0, count: v.count)
            for (i, j) in order.enumerated() {
                for k in 0..<3 { w[3 * i + k] = v[3 * j + k] }
            }
            g.velocities = w
        }
        return g
    }
}
