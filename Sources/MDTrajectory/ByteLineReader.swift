import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered reader of `\n`-terminated lines from a plain file (read(2)) or a gzip file
/// (zlib's gzread), returning each line as a view into its own buffer: no allocation per line.
///
/// Built for streaming trajectories and for tailing a file that is still being written: at
/// the end of the data a line without its newline is kept back (unless the caller asks for
/// it), and a later call reads whatever the writer has appended since. A trailing `\r` is
/// dropped, so CRLF files read like LF files.
///
/// The returned buffer is valid until the next call to ``nextLine(acceptPartialLastLine:)``,
/// and it is followed in memory by a NUL byte, so C parsers such as `strtod` stop at its end.
public final class ByteLineReader {
    /// The path as given.
    public let path: String
    /// `true` when the file is read through zlib (gzip magic bytes or a `.gz` name).
    public let isCompressed: Bool
    /// 1-based number of the last line returned; 0 before the first.
    public private(set) var lineNumber = 0
    /// `true` when the last line returned had no newline (the end of the file cut it).
    public private(set) var lastLineWasUnterminated = false

    private var fd: Int32 = -1
    private var gz: gzFile?
    private var buffer: UnsafeMutablePointer<UInt8>
    /// Allocated size of `buffer`; one byte is always kept free for the NUL sentinel.
    private var capacity: Int
    /// Start of the bytes not yet returned as lines.
    private var start = 0
    /// End of the valid bytes.
    private var end = 0
    /// Where the newline search resumes (everything in `start ..< scanned` has no newline).
    private var scanned = 0

    /// Opens `path` for reading. gzip is recognised by its magic bytes (`1f 8b`) or, for a
    /// file that is still empty (follow mode), by the `.gz` suffix.
    ///
    /// - Parameter chunkSize: bytes requested per read; the buffer grows beyond it only for
    ///   lines longer than a chunk.
    public init(path: String, chunkSize: Int = 1 << 16) throws(TrajectoryError) {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        if descriptor < 0 {
            throw TrajectoryError(.io, file: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        var magic: (UInt8, UInt8) = (0, 0)
        let got = withUnsafeMutableBytes(of: &magic) { pread(descriptor, $0.baseAddress, 2, 0) }
        let compressed = (got == 2 && magic.0 == 0x1f && magic.1 == 0x8b)
            || (got < 2 && path.lowercased().hasSuffix(".gz"))
        isCompressed = compressed
        capacity = max(chunkSize, 64) + 1
        buffer = .allocate(capacity: capacity)
        buffer[0] = 0
        if compressed {
            // gzdopen takes ownership of the descriptor.
            guard let handle = gzdopen(descriptor, "rb") else {
                close(descriptor)
                buffer.deallocate()
                throw TrajectoryError(.io, file: path, "cannot open as gzip")
            }
            gzbuffer(handle, UInt32(max(chunkSize, 8192)))
            gz = handle
        } else {
            fd = descriptor
        }
    }

    deinit {
        if let gz { gzclose(gz) }
        if fd >= 0 { close(fd) }
        buffer.deallocate()
    }

    /// Bytes read from the file but not yet returned: the start of an incomplete line.
    public var pendingByteCount: Int { end - start }

    /// The next line without its terminator, or `nil` when no complete line is available.
    ///
    /// At the end of the data, a final line that lacks its newline is returned when
    /// `acceptPartialLastLine` is `true` (a finished file without a trailing newline) and
    /// kept for a later call otherwise (a file that is still being written).
    public func nextLine(acceptPartialLastLine: Bool) throws(TrajectoryError) -> UnsafeBufferPointer<UInt8>? {
        while true {
            if scanned < end,
                let hit = memchr(buffer + scanned, Int32(UInt8(ascii: "\n")), end - scanned)
            {
                let newline = buffer.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                lastLineWasUnterminated = false
                return emitLine(upTo: newline, consumed: newline + 1)
            }
            scanned = end
            let n = try fill()
            if n > 0 { continue }
            if acceptPartialLastLine && end > start {
                lastLineWasUnterminated = true
                return emitLine(upTo: end, consumed: end)
            }
            return nil
        }
    }

    private func emitLine(upTo lineEnd: Int, consumed: Int) -> UnsafeBufferPointer<UInt8> {
        var stop = lineEnd
        if stop > start && buffer[stop - 1] == UInt8(ascii: "\r") { stop -= 1 }
        buffer[stop] = 0
        let line = UnsafeBufferPointer(start: buffer + start, count: stop - start)
        start = consumed
        scanned = consumed
        lineNumber += 1
        return line
    }

    /// Reads more bytes after `end`, compacting or growing the buffer first. Returns the
    /// number of bytes read; 0 at the (current) end of the file.
    private func fill() throws(TrajectoryError) -> Int {
        if start > 0 {
            let live = end - start
            if live > 0 { memmove(buffer, buffer + start, live) }
            scanned -= start
            end = live
            start = 0
        }
        if capacity - 1 - end < capacity / 4 {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * capacity)
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity *= 2
        }
        let room = capacity - 1 - end
        if let gz {
            let n = gzread(gz, buffer + end, UInt32(room))
            if n < 0 {
                var code: Int32 = 0
                let message = gzerror(gz, &code).map { String(cString: $0) } ?? "unknown zlib error"
                if code == Z_BUF_ERROR {
                    // The compressed stream stops early: a writer is still at work or crashed.
                    gzclearerr(gz)
                    return 0
                }
                throw TrajectoryError(.io, file: path, line: lineNumber + 1, "gzip read failed: \(message)")
            }
            if n == 0 {
                // Clear the EOF flag so that a later call sees data appended meanwhile.
                gzclearerr(gz)
            }
            end += Int(n)
            buffer[end] = 0
            return Int(n)
        }
        while true {
            let n = read(fd, buffer + end, room)
            if n < 0 {
                if errno == EINTR { continue }
                throw TrajectoryError(
                    .io, file: path, line: lineNumber + 1, "read failed: \(String(cString: strerror(errno)))")
            }
            end += n
            buffer[end] = 0
            return n
        }
    }
}
