import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The daemon's own record of the alerts it publishes (`[logging] alerts_jsonl`,
/// `--alerts-jsonl`): each message body verbatim, one line each, appended and made durable
/// (write + fsync) *before* the message is sent, so after a crash the journal holds at least
/// every alert any subscriber can have seen. A torn last line left by a crash is closed with a
/// newline on reopening, so the next line starts clean.
final class AlertJournal {
    let path: String
    private let fd: Int32
    init(path: String) throws {
        self.path = path
        // Read-write so the last byte can be checked; O_APPEND still puts every write at the end.
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw StageError("cannot open the alert journal \(path): \(String(cString: strerror(errno)))") }
        self.fd = fd
        // A crash in the middle of a line leaves no newline at the end: start on a new one.
        var st = stat()
        var last: UInt8 = 0
        if fstat(fd, &st) == 0, st.st_size > 0, pread(fd, &last, 1, off_t(st.st_size - 1)) == 1, last != UInt8(ascii: "\n") {
            try write([UInt8(ascii: "\n")])
        }
    }

    deinit { close(fd) }

    /// Appends the bodies, one line each, and fsyncs once for the batch.
    func append(_ bodies: [Data]) throws {
        guard !bodies.isEmpty else { return }
        var bytes: [UInt8] = []
        for body in bodies {
            bytes += body
            bytes.append(UInt8(ascii: "\n"))
        }
        try write(bytes)
        guard fsync(fd) == 0 else { throw StageError("cannot fsync the alert journal \(path): \(String(cString: strerror(errno)))") }
    }

    private func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StageError("cannot write the alert journal \(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }
}
