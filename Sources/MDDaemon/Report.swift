import Foundation
import MDCore
import MDIngest

/// The daemon's per-frame report lines (stdout), as text or JSON lines.
public enum Report {
    /// How each accepted frame is reported.
    public enum Format: String, Sendable, CaseIterable {
        /// One human-readable line per frame.
        case text
        /// One JSON object per frame (keys: run_id, seq, step, time, natoms, latency_ms, box,
        /// pbc, species, centroid, id_min, id_max, gap_before).
        case jsonl
        /// Nothing per frame (summary only).
        case none
    }

    /// The text line for a frame.
    public static func textLine(_ f: Frame, _ r: FrameReceipt) -> String {
        var s = "frame run=\(f.runID) seq=\(f.sequence) step=\(f.step)"
        s += " time=" + (f.time.map { fixed($0, 3) + "ps" } ?? "-")
        s += " atoms=\(f.atomCount)"
        if let c = f.cell {
            s += " box=" + [c.a, c.b, c.c].map { fixed(($0 * $0).sum().squareRoot(), 3) }.joined(separator: "x")
            s += c.isOrthogonal ? "" : "(triclinic)"
            s += " pbc=" + f.periodicity.array.map { $0 ? "T" : "F" }.joined()
        } else {
            s += " box=none"
        }
        if let l = r.latency { s += " latency=" + fixed(l * 1e3, 3) + "ms" }
        if r.gapBefore > 0 { s += " LOST=\(r.gapBefore)" }
        return s
    }

    /// The JSON line for a frame.
    public static func jsonLine(_ f: Frame, _ r: FrameReceipt, extra: [String: Any] = [:]) -> String {
        var centroid = SIMD3<Double>.zero
        for i in 0..<f.atomCount { centroid += f.position(i) }
        if f.atomCount > 0 { centroid /= Double(f.atomCount) }
        var o: [String: Any] = [
            "run_id": f.runID, "seq": f.sequence, "step": f.step, "natoms": f.atomCount,
            "pbc": f.periodicity.array, "species": f.species,
            "centroid": [centroid.x, centroid.y, centroid.z], "gap_before": r.gapBefore,
            "time": f.time.map { $0 as Any } ?? NSNull(),
            "latency_ms": r.latency.map { ($0 * 1e3) as Any } ?? NSNull(),
            "id_min": f.ids.min().map { $0 as Any } ?? NSNull(),
            "id_max": f.ids.max().map { $0 as Any } ?? NSNull(),
        ]
        for (k, v) in extra { o[k] = v }
        if let c = f.cell {
            o["box"] = [[c.a.x, c.a.y, c.a.z], [c.b.x, c.b.y, c.b.z], [c.c.x, c.c.y, c.c.z]]
            o["origin"] = [c.origin.x, c.origin.y, c.origin.z]
        } else {
            o["box"] = NSNull()
        }
        guard let data = try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// One-line statistics of a LENS row: mean, and the largest value with its atom id.
    public static func lensText(_ values: [Double], ids: [Int64]) -> String {
        guard let (k, m) = values.enumerated().max(by: { $0.element < $1.element }) else { return "-" }
        let mean = values.reduce(0, +) / Double(values.count)
        return "mean=\(fixed(mean, 4)) max=\(fixed(m, 4))(id \(ids[k]))"
    }

    /// The same as a JSON object.
    public static func lensObject(_ step: Int64, _ values: [Double], ids: [Int64]) -> [String: Any] {
        guard let (k, m) = values.enumerated().max(by: { $0.element < $1.element }) else { return ["step": step] }
        let mean = values.reduce(0, +) / Double(values.count)
        return ["step": step, "mean": mean, "max": m, "max_id": ids[k]]
    }

    /// `x` with `digits` decimals.
    public static func fixed(_ x: Double, _ digits: Int) -> String {
        String(format: "%.\(digits)f", x)
    }
}
