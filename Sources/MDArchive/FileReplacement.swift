#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file could not be put in place.
public struct FileReplacementError: Error, Equatable, Sendable, CustomStringConvertible {
    public var source: String
    public var destination: String
    public var reason: String
    public var description: String { "cannot move \(source) to \(destination): \(reason)" }
}

/// Atomic replacement of a finished file: outputs are written under a temporary name
/// (`<path>.partial`) and renamed into place once complete, so a crash never leaves a
/// half-written file under the name a user or the daemon will read.
public enum FileReplacement {
    /// Renames `source` to `destination`, replacing it (POSIX `rename`, atomic on one file system).
    public static func move(_ source: String, to destination: String) throws(FileReplacementError) {
        guard rename(source, destination) == 0 else {
            throw FileReplacementError(source: source, destination: destination, reason: String(cString: strerror(errno)))
        }
    }
}
