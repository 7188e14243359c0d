import Foundation

/// The daemon's report lines for analysed frames (stdout), as text or JSON lines.
///
/// JSON keys (stable; docs/online.md): `type` = "analysed", `run_id`, `step`, `time` (ps or
/// null), `index` (analysed frame of the run), `lag_frames`, `lag_ps`, `model_id`,
/// `macro_populations` (centres per macro cluster, the model's order), `macro_changes`,
/// `novelty_max` and `novelty_max_id`, `assignment_ms`; with per-atom arrays on, `micro`,
/// `macro`, `lens` and `novelty` in the order of the run's `centres` (given once in the
/// `online_start` line); `drift` (`max_angle_degrees`, `angles_degrees`, `fitted_share`,
/// `live_share`, `rows`) on the frames it is measured; `warning` for runs analysed despite a
/// frame-interval mismatch. NaN is written as null.
enum OnlineReport {
    static func textLine(_ f: OnlineFrame, macroNames: [String]) -> String {
        var s = "analysed run=\(f.runID) step=\(f.step) time=" + (f.time.map { Report.fixed($0, 3) + "ps" } ?? "-")
        s += " index=\(f.index) lag=\(f.lagFrames) frames (\(Report.fixed(f.lagPS, 3)) ps): "
        s += zip(macroNames, f.macroPopulations).map { "\($0) \($1)" }.joined(separator: ", ")
        s += "; \(f.macroChanges) changed macro cluster"
        if let (i, v) = maximum(f.novelty) { s += "; novelty max \(Report.fixed(v, 4)) (id \(f.centreIDs[i]))" }
        if let d = f.drift {
            s += "; drift: angle \(Report.fixed(d.maximumAngleDegrees, 2))°, fitted basis \(Report.fixed(100 * d.fittedShare, 2)) % of live variance"
        }
        if let w = f.warning { s += " WARNING: \(w)" }
        return s
    }

    static func jsonLine(_ f: OnlineFrame, modelID: String?, perAtom: Bool) -> String {
        var o: [String: Any] = [
            "type": "analysed", "run_id": f.runID, "step": f.step, "time": f.time.map { $0 as Any } ?? NSNull(),
            "index": f.index, "lag_frames": f.lagFrames, "lag_ps": f.lagPS, "model_id": modelID ?? NSNull(),
            "macro_populations": f.macroPopulations, "macro_changes": f.macroChanges, "assignment_ms": f.assignmentSeconds * 1e3,
        ]
        if let (i, v) = maximum(f.novelty) {
            o["novelty_max"] = v
            o["novelty_max_id"] = f.centreIDs[i]
        } else {
            o["novelty_max"] = NSNull()
        }
        if perAtom {
            o["micro"] = f.micro.map(Int.init)
            o["macro"] = f.macro.map(Int.init)
            o["lens"] = f.lens.map(json)
            o["novelty"] = f.novelty.map(json)
        }
        if let d = f.drift {
            o["drift"] = [
                "max_angle_degrees": d.maximumAngleDegrees, "angles_degrees": d.anglesDegrees, "fitted_share": d.fittedShare,
                "live_share": d.liveShare, "rows": d.rows,
            ] as [String: Any]
        }
        if let w = f.warning { o["warning"] = w }
        return serialise(o)
    }

    /// The line that opens a run's online analysis: its centres (the order of every per-atom
    /// array) and the macro names.
    static func startLine(run: String, centreIDs: [Int64], macroNames: [String], modelID: String?, stride: Int, warning: String?) -> String {
        var o: [String: Any] = [
            "type": "online_start", "run_id": run, "centres": centreIDs, "macro_names": macroNames,
            "model_id": modelID ?? NSNull(), "stride": stride,
        ]
        if let warning { o["warning"] = warning }
        return serialise(o)
    }

    private static func json(_ x: Double) -> Any { x.isFinite ? x : NSNull() }

    private static func maximum(_ values: [Double]) -> (Int, Double)? {
        var best: (Int, Double)?
        for (i, v) in values.enumerated() where !v.isNaN {
            if best == nil || v > best!.1 { best = (i, v) }
        }
        return best
    }

    private static func serialise(_ o: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
