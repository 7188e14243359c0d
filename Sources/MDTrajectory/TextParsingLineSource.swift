#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lines of a text trajectory, with follow mode folded in: at the end of the data a
/// finished file reports `nil`, while a followed file waits (polling every
/// ``FollowOptions/pollInterval`` seconds) until the writer completes the next line or the
/// user asks to stop.
final class TextParsingLineSource {
    let path: String
    let reader: ByteLineReader
    let follow: FollowOptions?

    init(path: String, follow: FollowOptions?) throws(TrajectoryError) {
        self.path = path
        reader = try ByteLineReader(path: path)
        self.follow = follow
    }

    /// 1-based number of the last line returned.
    var lineNumber: Int { reader.lineNumber }

    /// Turns a format error on the last, newline-less line of a finished file into
    /// `.truncated` at `frameStart`: the writer stopped in the middle of that line.
    /// The first error met; once set, every later read repeats it (a reader never resumes
    /// after a malformed or truncated frame).
    private(set) var failure: TrajectoryError?

    /// Runs one read of the owning reader: rethrows an earlier failure, and turns an error of
    /// `body` into the sticky failure (a cut-off last frame reported as `.truncated` at the
    /// line where that frame started).
    func guarded<T>(frameStart: () -> Int?, _ body: () throws(TrajectoryError) -> T) throws(TrajectoryError) -> T {
        if let failure { throw failure }
        do {
            return try body()
        } catch {
            let e = truncatedIfCut(error, frameStart: frameStart())
            failure = e
            throw e
        }
    }

    func truncatedIfCut(_ error: TrajectoryError, frameStart: Int?) -> TrajectoryError {
        guard error.kind == .format, reader.lastLineWasUnterminated, error.line == reader.lineNumber,
            let frameStart
        else { return error }
        var e = error
        e.kind = .truncated
        e.line = frameStart
        e.message = "file ends inside the frame that starts here (line \(reader.lineNumber) is cut: \(error.message))"
        return e
    }

    /// The next complete line; `nil` at the end of a finished file, or in follow mode once
    /// `stopRequested()` is true while no complete line is available.
    func next() throws(TrajectoryError) -> UnsafeBufferPointer<UInt8>? {
        guard let follow else { return try reader.nextLine(acceptPartialLastLine: true) }
        while true {
            if let line = try reader.nextLine(acceptPartialLastLine: false) { return line }
            if follow.stopRequested() { return nil }
            let micros = max(0, follow.pollInterval) * 1e6
            usleep(UInt32(min(micros, Double(UInt32.max))))
        }
    }

    /// The next line inside frame `frame` that started at line `frameStart`; `nil` when
    /// follow mode is told to stop; `.truncated` (naming `frameStart`) when a finished file
    /// ends here.
    func required(frameStart: Int, frame: Int) throws(TrajectoryError) -> UnsafeBufferPointer<UInt8>? {
        if let line = try next() { return line }
        if follow != nil { return nil }
        throw TrajectoryError(
            .truncated, file: path, line: frameStart, frame: frame,
            "file ends inside the frame that starts here (after line \(lineNumber))")
    }
}
