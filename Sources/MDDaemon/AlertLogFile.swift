import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The listener's JSON-lines log: one line per record, appended with `O_APPEND` by a single
/// `write(2)` per line, made durable per ``FsyncPolicy``, rotated by size, and read back on
/// start so the listener resumes where it was.
///
/// Why these choices: alerts are rare and each one matters, so the default is an `fsync` after
/// every line; a crash can then lose at most the line being written, and a partially written last
/// line is detected on open (the file does not end with a newline): it is reported, never taken as
/// a record, and the next line starts on a new line. Rotation renames `FILE` → `FILE.1` (shifting
/// `.1` → `.2` … and dropping what is beyond ``keep``) so no line is ever split across files or
/// rewritten.
///
/// Not thread-safe: one owner (the listener's receive thread).
public final class AlertLogFile {
    /// When lines reach the disk.
    public enum FsyncPolicy: String, Sendable, CaseIterable, Codable {
        /// After every line (the default: a received alert is on disk before the next is read).
        case line
        /// At most once a second (and on close).
        case second
        /// Only on close and rotation; the kernel writes back in its own time.
        case never
    }

    /// A failed file operation, naming the file and the operation.
    public struct FileError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var operation: String
        public var errno: Int32
        public var description: String { "\(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno))" }
    }

    /// One line read back from the log (or its rotated files).
    public struct RecoveredLine: Sendable {
        /// The file and 1-based line number (counted within what was read of that file).
        public var path: String
        public var line: Int
        public var bytes: [UInt8]
    }

    public let path: String
    /// Largest size of `FILE` before it is rotated, bytes; 0: never rotate.
    public let rotateBytes: Int64
    /// Rotated files kept (`FILE.1` … `FILE.keep`).
    public let keep: Int
    public let fsyncPolicy: FsyncPolicy
    /// Bytes of a partially written last line found on open (a crash), nil when the file ended cleanly.
    public let partialTailBytes: Int?
    /// Size of the current file, bytes.
    public private(set) var size: Int64
    /// Rotations done since open.
    public private(set) var rotations = 0
    /// Lines appended since open.
    public private(set) var linesWritten = 0

    private var fd: Int32
    private var dirty = false
    private var lastSync: ContinuousClock.Instant = .now

    /// Opens (creating it if needed) `path` for appending; a last line without its newline is
    /// reported in ``partialTailBytes`` and closed off with a newline so that it stays one
    /// (malformed) line of its own.
    public init(path: String, rotateBytes: Int64 = 0, keep: Int = 5, fsync: FsyncPolicy = .line) throws(FileError) {
        self.path = path
        self.rotateBytes = rotateBytes
        self.keep = max(0, keep)
        fsyncPolicy = fsync
        let descriptor = try Self.openForAppend(path)
        var st = stat()
        guard fstat(descriptor, &st) == 0 else {
            let e = FileError(path: path, operation: "fstat", errno: errno)
            closeDescriptor(descriptor)
            throw e
        }
        var tail: Int?
        if st.st_size > 0 {
            do {
                tail = try Self.partialTail(path: path, size: Int64(st.st_size))
            } catch {
                closeDescriptor(descriptor)
                throw error
            }
        }
        fd = descriptor
        size = Int64(st.st_size)
        partialTailBytes = tail
        if tail != nil {
            try writeAll([UInt8(ascii: "\n")])
            dirty = true
            try sync()
        }
    }

    deinit {
        if fd >= 0 {
            _ = fsync(fd)
            closeDescriptor(fd)
        }
    }

    /// Appends `line` and a newline (one write), rotating first when the file would exceed
    /// ``rotateBytes``; syncs per the policy.
    public func append(_ line: [UInt8]) throws(FileError) {
        let record = line + [UInt8(ascii: "\n")]
        if rotateBytes > 0, size > 0, size + Int64(record.count) > rotateBytes {
            try rotate()
        }
        try writeAll(record)
        linesWritten += 1
        dirty = true
        switch fsyncPolicy {
        case .line: try sync()
        case .second: try tick()
        case .never: break
        }
    }

    /// With ``FsyncPolicy/second``: syncs pending lines once a second has passed since the last
    /// sync. Call it regularly (the receive loop does, every poll).
    public func tick() throws(FileError) {
        guard fsyncPolicy == .second, dirty, ContinuousClock.now - lastSync >= .seconds(1) else { return }
        try sync()
    }

    /// `fsync` now if anything was written since the last one.
    public func sync() throws(FileError) {
        guard dirty else { return }
        guard fsync(fd) == 0 else { throw FileError(path: path, operation: "fsync", errno: errno) }
        dirty = false
        lastSync = .now
    }

    /// Syncs and closes. Idempotent.
    public func close() throws(FileError) {
        guard fd >= 0 else { return }
        defer {
            closeDescriptor(fd)
            fd = -1
        }
        guard fsync(fd) == 0 else { throw FileError(path: path, operation: "fsync", errno: errno) }
    }

    /// `FILE` → `FILE.1`, `.1` → `.2`, … (the oldest beyond ``keep`` removed), then a new empty `FILE`.
    public func rotate() throws(FileError) {
        guard fsync(fd) == 0 else { throw FileError(path: path, operation: "fsync", errno: errno) }
        closeDescriptor(fd)
        fd = -1
        if keep == 0 {
            guard unlink(path) == 0 || errno == ENOENT else { throw FileError(path: path, operation: "unlink", errno: errno) }
        } else {
            let oldest = Self.rotatedPath(path, keep)
            guard unlink(oldest) == 0 || errno == ENOENT else { throw FileError(path: oldest, operation: "unlink", errno: errno) }
            for k in stride(from: keep - 1, through: 1, by: -1) {
                let from = Self.rotatedPath(path, k)
                guard rename(from, Self.rotatedPath(path, k + 1)) == 0 || errno == ENOENT else {
                    throw FileError(path: from, operation: "rename to \(Self.rotatedPath(path, k + 1))", errno: errno)
                }
            }
            guard rename(path, Self.rotatedPath(path, 1)) == 0 else {
                throw FileError(path: path, operation: "rename to \(Self.rotatedPath(path, 1))", errno: errno)
            }
        }
        fd = try Self.openForAppend(path)
        Self.syncDirectory(of: path)
        size = 0
        dirty = false
        rotations += 1
    }

    /// `FILE.k` (k ≥ 1), or `FILE` for k = 0.
    public static func rotatedPath(_ path: String, _ k: Int) -> String { k == 0 ? path : "\(path).\(k)" }

    /// The last `budget` bytes of the log's complete lines, oldest first over `FILE.keep` … `FILE.1`,
    /// `FILE`: the files are taken newest first until the budget is spent, the oldest of them from
    /// its first whole line within the budget. A partial last line of `FILE` is left out.
    public static func recover(path: String, keep: Int, budget: Int = 16 << 20) throws(FileError) -> [RecoveredLine] {
        var chunks: [(path: String, bytes: [UInt8], cut: Bool)] = []
        var left = budget
        for k in 0...max(0, keep) where left > 0 {
            let file = rotatedPath(path, k)
            guard let bytes = try readTail(file, maximum: left) else { continue }
            left -= bytes.bytes.count
            chunks.append((file, bytes.bytes, bytes.cut))
        }
        var out: [RecoveredLine] = []
        for chunk in chunks.reversed() {
            var lines = chunk.bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            // The bytes after the last newline: empty for a clean file, a crash's partial line otherwise.
            lines.removeLast()
            var first = 0
            if chunk.cut, !lines.isEmpty { first = 1 }  // began inside a line
            for index in first..<lines.count where !lines[index].isEmpty {
                out.append(RecoveredLine(path: chunk.path, line: index + 1, bytes: Array(lines[index])))
            }
        }
        return out
    }

    // MARK: - File helpers

    private static func openForAppend(_ path: String) throws(FileError) -> Int32 {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError(path: path, operation: "open for appending", errno: errno) }
        return fd
    }

    /// Bytes of the last line when the file does not end with a newline, else nil.
    private static func partialTail(path: String, size: Int64) throws(FileError) -> Int? {
        guard let tail = try readTail(path, maximum: Int(min(size, 1 << 20))) else { return nil }
        guard let last = tail.bytes.last, last != UInt8(ascii: "\n") else { return nil }
        if let newline = tail.bytes.lastIndex(of: UInt8(ascii: "\n")) { return tail.bytes.count - newline - 1 }
        return tail.bytes.count
    }

    /// The last `maximum` bytes of a file (`cut`: the file is longer), nil if it does not exist.
    private static func readTail(_ path: String, maximum: Int) throws(FileError) -> (bytes: [UInt8], cut: Bool)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw FileError(path: path, operation: "open for reading", errno: errno)
        }
        defer { closeDescriptor(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw FileError(path: path, operation: "fstat", errno: errno) }
        let size = Int(st.st_size)
        let count = min(size, maximum)
        let start = size - count
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(start + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        return (Array(bytes.prefix(done)), start > 0)
    }

    private func writeAll(_ bytes: [UInt8]) throws(FileError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, operation: "write", errno: errno)
            }
            done += n
            size += Int64(n)
        }
    }

    /// Makes the renames of a rotation durable (best effort: not every file system allows it).
    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        closeDescriptor(fd)
    }
}

/// `close(2)` under a name the class's own `close()` does not shadow.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
