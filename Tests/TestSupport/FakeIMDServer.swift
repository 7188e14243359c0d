import Foundation
import MDIMD

#if canImport(Glibc)
import Glibc
#endif

/// An IMD server speaking the protocol as LAMMPS's `fix imd` does (`imd-protocol.md` §3–§5),
/// over a real loopback TCP socket: the peer the client tests talk to. It records what the
/// client sends and how long GO took.
public final class FakeIMDServer: @unchecked Sendable {
    public struct Script {
        public init() {}
        public var version: Int32 = 3
        public var order: IMDByteOrder = .littleEndian
        public var session = IMDSessionInfo(time: true, energies: false, box: true, coordinates: true, wrapped: true, velocities: false, forces: false)
        public var atoms = 4
        public var frames = 3
        /// Steps per frame until the client sends TRATE (TIME's step = the next multiple of the rate).
        public var rate: Int64 = 10
        public var dt = 0.002
        /// Raw bytes sent instead of the frames (protocol violations).
        public var garbage: [UInt8]? = nil
        /// Close after this many bytes of the last frame (a crash mid-frame).
        public var truncateLastFrameAt: Int? = nil
        /// After the frames, keep the connection open and wait for the client's messages (s).
        public var lingerSeconds = 0.0
        /// Seconds between frames (the server reads client messages meanwhile).
        public var frameInterval = 0.01
        /// Sessions to serve (a LAMMPS restarting on the same port).
        public var sessions = 1
    }

    public let port: UInt16
    private let listenFD: Int32
    private let script: Script
    private let lock = NSLock()
    private var _received: [IMDHeader] = []
    private var _goDelay: Double?
    private var _rate: Int64?
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    /// What the client sent, in order (headers only: soaplens never sends bodies).
    public var received: [IMDHeader] { lock.withLock { _received } }
    /// Seconds from the handshake to GO.
    public var goDelay: Double? { lock.withLock { _goDelay } }

    public init(_ script: Script) throws {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 4) == 0 else { throw IMDError(.io, "fake server: bind/listen failed") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &addr) { _ = $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        listenFD = fd
        port = UInt16(bigEndian: addr.sin_port)
    }

    public var address: IMDAddress { IMDAddress(host: "127.0.0.1", port: port) }

    /// Serves in the background.
    public func start() {
        let t = Thread { [self] in
            for _ in 0..<script.sessions { serveOne() }
            done.signal()
        }
        thread = t
        t.start()
    }

    /// Waits until every session was served.
    public func wait(timeout: Double = 20) -> Bool { done.wait(timeout: .now() + timeout) == .success }

    deinit { close(listenFD) }

    /// The positions of frame `k`, atom `i` (float32-exact values).
    public static func position(frame k: Int, atom i: Int) -> [Float] {
        [Float(i) * 1.25 + Float(k) * 0.5, Float(i) * -0.75 + 10, 3.0625 + Float(k)]
    }

    public static func box(frame k: Int) -> [Float] { [20 + Float(k), 0, 0, 0.5, 18, 0, 0.25, -0.125, 30] }

    private func serveOne() {
        let fd = accept(listenFD, nil, nil)
        guard fd >= 0 else { return }
        defer {
            // A graceful close: what the client still sends is read, so the kernel does not
            // reset the connection and discard the frames still in flight.
            shutdown(fd, Int32(SHUT_WR))
            var sink = [UInt8](repeating: 0, count: 4096)
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while poll(&p, 1, 2000) == 1, sink.withUnsafeMutableBytes({ recv(fd, $0.baseAddress, $0.count, 0) }) > 0 {}
            close(fd)
        }
        lock.withLock { _rate = nil }
        let o = script.order
        var hs = IMDHeader(.handshake).bytes.prefix(4).map { $0 }
        hs += o.bytes(UInt32(bitPattern: script.version))
        var out = hs
        if script.version == 3 {
            out += IMDHeader(.sessionInfo, length: 7).bytes + script.session.flags
        }
        write(fd, out)
        let t0 = Date()
        // GO, as LAMMPS: within 1 s or give up.
        guard let go = readHeader(fd, timeout: 1.0), go.type == IMDMessageType.go.rawValue else { return }
        lock.withLock {
            _goDelay = Date().timeIntervalSince(t0)
            _received.append(go)
        }
        if let garbage = script.garbage {
            write(fd, garbage)
        } else {
            var step: Int64 = 0
            for k in 0..<script.frames {
                // As LAMMPS: the next output step is the next multiple of the (possibly new) rate.
                let rate = lock.withLock { _rate ?? script.rate }
                step = (step / rate + 1) * rate
                var frame: [UInt8] = []
                if script.version == 3 && script.session.time {
                    frame += IMDHeader(.time, length: 1).bytes
                    frame += o.bytes(script.dt.bitPattern)
                    frame += o.bytes((Double(step) * script.dt).bitPattern)
                    frame += o.bytes(UInt64(bitPattern: step))
                }
                if script.version == 3 && script.session.box {
                    frame += IMDHeader(.box, length: 1).bytes
                    for v in Self.box(frame: k) { frame += o.bytes(v.bitPattern) }
                }
                frame += IMDHeader(.fcoords, length: Int32(script.atoms)).bytes
                for i in 0..<script.atoms { for v in Self.position(frame: k, atom: i) { frame += o.bytes(v.bitPattern) } }
                if script.version == 3 && script.session.velocities {
                    frame += IMDHeader(.velocities, length: Int32(script.atoms)).bytes
                    for i in 0..<script.atoms { for v in Self.position(frame: k, atom: i) { frame += o.bytes((v * 0.01).bitPattern) } }
                }
                if k == script.frames - 1, let cut = script.truncateLastFrameAt {
                    write(fd, Array(frame.prefix(cut)))
                    return
                }
                write(fd, frame)
                if !pollMessages(fd, seconds: script.frameInterval) { return }
            }
        }
        _ = pollMessages(fd, seconds: script.lingerSeconds)
    }

    /// Records client messages for `seconds`; returns false at DISCONNECT or KILL (LAMMPS
    /// then closes the connection).
    private func pollMessages(_ fd: Int32, seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        repeat {
            guard let h = readHeader(fd, timeout: max(0.001, min(0.05, end.timeIntervalSinceNow))) else { continue }
            lock.withLock {
                _received.append(h)
                if h.type == IMDMessageType.trate.rawValue, h.length >= 1 { _rate = Int64(h.length) }
            }
            if h.type == IMDMessageType.disconnect.rawValue || h.type == IMDMessageType.kill.rawValue { return false }
        } while Date() < end
        return true
    }

    private func readHeader(_ fd: Int32, timeout: Double) -> IMDHeader? {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var b = [UInt8](repeating: 0, count: 8)
        var got = 0
        while got < 8 {
            let n = b.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, 8 - got, 0) }
            if n <= 0 { return nil }
            got += n
        }
        return IMDHeader(bigEndianBytes: b)
    }

    private func write(_ fd: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }
}
