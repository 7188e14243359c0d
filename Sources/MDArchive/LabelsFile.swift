import HDF5Kit
import MDCore

/// The labels of a fit (or, later, of the online daemon) as an H5MD file, so that results can
/// be compared with other tools (h5py: `f["particles/all/micro_label/value"][...]`):
///
///     particles/all/centres                   int64 (centres): atom ids, column order
///     particles/all/micro_label/{step,time,value}   value int32 (frames × centres)
///     particles/all/macro_label/{step,time,value}   value int32 (frames × centres)
///
/// with the model id and the clustering method as attributes of both label elements. Rows are
/// appended frame by frame and flushed at the end; the file is written under a temporary
/// name and renamed into place, so a crash never leaves a half-written file at `path`.
public enum LabelsFile {
    /// Writes `frames × centres` labels (frame-major) with each frame's step and time (ps,
    /// NaN when unknown).
    public static func write(
        path: String, periodicity: Periodicity, creatorVersion: String, centreIDs: [Int64], steps: [Int64],
        times: [Double], micro: [Int32], macro: [Int32], attributes: [String: AttributeValue]
    ) throws {
        let n = centreIDs.count, frames = steps.count
        precondition(times.count == frames && micro.count == frames * n && macro.count == frames * n, "LabelsFile: shapes disagree")
        let partial = path + ".partial"
        do {
            let writer = try H5MDWriter(path: partial, periodicity: periodicity, creatorVersion: creatorVersion)
            try writer.writeIDs("centres", centreIDs)
            let microSeries = try writer.addSeries("micro_label", rowShape: [n], valueType: .int32, attributes: attributes)
            let macroSeries = try writer.addSeries("macro_label", rowShape: [n], valueType: .int32, attributes: attributes)
            for f in 0..<frames {
                try microSeries.append(step: steps[f], time: times[f], values: Array(micro[(f * n)..<((f + 1) * n)]))
                try macroSeries.append(step: steps[f], time: times[f], values: Array(macro[(f * n)..<((f + 1) * n)]))
            }
            try writer.flush()
        }
        try FileReplacement.move(partial, to: path)
    }
}
