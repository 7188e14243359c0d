import Foundation

/// Writes report lines straight to a file descriptor (stdout by default), one `write(2)` per
/// line, so a pipe reader sees every frame as it happens (no stdio buffering).
public struct OutputSink: Sendable {
    private let handle: FileHandle

    /// Standard output.
    public static let standardOutput = OutputSink(handle: .standardOutput)
    /// Standard error.
    public static let standardError = OutputSink(handle: .standardError)

    public init(handle: FileHandle) { self.handle = handle }

    /// Writes `line` and a newline.
    public func write(_ line: String) {
        handle.write(Data((line + "\n").utf8))
    }
}
