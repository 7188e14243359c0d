import MDCore
import MDTrajectory

/// The frames a command reads from trajectory files: the files in order as one run, frame
/// indices counted across files (0-based), `start ..< stop` every `stride`-th frame. Frames
/// not wanted are skipped without being parsed in full. Shared by `describe` and `fit`.
struct TrajectoryScan {
    var files: [String]
    var format: TrajectoryFormat?
    var source: SourceOptions
    var start = 0
    var stop: Int?
    var stride = 1

    /// Calls `body` with every selected frame and the file it came from; returns how many.
    @discardableResult
    func forEach(_ body: (Frame, String) throws -> Void) throws -> Int {
        guard stride >= 1 else { throw StageError("--stride must be ≥ 1, got \(stride)") }
        guard start >= 0 else { throw StageError("--start must be ≥ 0, got \(start)") }
        var index = 0
        var selected = 0
        for file in files {
            let reader = try TrajectoryOpener.open(path: file, format: format, options: source)
            while true {
                if let stop, index >= stop { return selected }
                let wanted = index >= start && (index - start) % stride == 0
                if !wanted {
                    guard try reader.skip() else { break }
                    index += 1
                    continue
                }
                guard let frame = try reader.next() else { break }
                index += 1
                try body(frame, file)
                selected += 1
            }
        }
        return selected
    }
}
