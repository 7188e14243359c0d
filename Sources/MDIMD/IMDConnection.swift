#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A client session with one IMD server (LAMMPS `fix imd`): connects, reads the handshake
/// (byte order and version 2 or 3), the v3 session info, sends GO at once (LAMMPS gives a
/// client 1 s and then aborts the whole run), then reads frames.
///
/// Blocking, for one dedicated reader thread; every wait polls in steps of at most
/// `pollMilliseconds` and asks `stop()` in between, so a signal always ends it promptly.
/// Sends use `MSG_NOSIGNAL`: a server that vanished is an error, not a SIGPIPE.
public final class IMDConnection {
    /// What ``next(stop:)`` found.
    public enum Next: Sendable {
        /// A complete frame.
        case frame(IMDFrame)
        /// The server closed the connection between two frames (LAMMPS finished or restarts).
        case ended
        /// `stop()` returned true while waiting.
        case stopped
    }

    public let address: IMDAddress
    /// Protocol version the server speaks: 2 or 3.
    public let version: Int32
    /// The server's byte order (bodies are raw native arrays of its machine).
    public let byteOrder: IMDByteOrder
    /// What every frame carries.
    public let session: IMDSessionInfo
    /// Frames received so far in this session.
    public private(set) var framesReceived: UInt64 = 0
    /// Bytes received so far (handshake included).
    public private(set) var bytesReceived: UInt64 = 0
    /// Atoms per frame, fixed by the first frame (LAMMPS keeps the fix group's count).
    public private(set) var atomCount: Int?

    private var fd: Int32
    /// The server has closed its end (end of file seen).
    private var peerClosed = false
    private let pollMilliseconds: Int32
    private var scratch: [UInt8] = []

    /// Largest atom count accepted in one packet: anything above is taken for garbage
    /// (12 bytes per atom; 100 M atoms = 1.2 GB per frame).
    public static let maxAtoms = 100_000_000

    /// Connects to `address` and completes the handshake.
    /// - Parameters:
    ///   - connectTimeoutSeconds: how long one TCP connect may take.
    ///   - handshakeTimeoutSeconds: how long to wait for the handshake once connected; nil =
    ///     until `stop()` (LAMMPS sends it only at the `run`'s setup, which may be minutes
    ///     after `fix imd` opened the port, e.g. after a minimisation).
    ///   - onConnected: called once the TCP connection stands, before the handshake arrives.
    public static func open(
        _ address: IMDAddress, connectTimeoutSeconds: Double = 5, handshakeTimeoutSeconds: Double? = nil,
        pollMilliseconds: Int32 = 100, stop: () -> Bool, onConnected: () -> Void = {}
    ) throws(IMDError) -> IMDConnection? {
        let fd = try connectSocket(address, timeoutSeconds: connectTimeoutSeconds)
        var closeOnExit = true
        defer { if closeOnExit { Glibc.close(fd) } }
        onConnected()
        var head = [UInt8](repeating: 0, count: IMDHeader.size)
        let deadline = handshakeTimeoutSeconds.map { monotonic() + $0 }
        guard try readExactly(fd, &head, 0, IMDHeader.size, pollMilliseconds: pollMilliseconds, stop: stop, deadline: deadline, what: "the handshake from \(address)") else {
            return nil
        }
        let header = IMDHeader(bigEndianBytes: head)
        guard header.type == IMDMessageType.handshake.rawValue else {
            throw IMDError(.protocolViolation, "\(address) is not an IMD server: the first message is \(IMDMessageType.describe(header.type)), not HANDSHAKE (4)")
        }
        guard let (order, version) = IMDByteOrder.detect(handshakeLength: head[4..<8]) else {
            throw IMDError(.protocolViolation, "\(address) speaks IMD version bytes \(head[4..<8].map { String($0) }.joined(separator: " ")): neither 2 nor 3 in either byte order")
        }
        var session = IMDSessionInfo.version2
        var received = UInt64(IMDHeader.size)
        if version == 3 {
            // SESSIONINFO follows the handshake at once; read it within a second.
            var info = [UInt8](repeating: 0, count: IMDHeader.size + 7)
            guard try readExactly(fd, &info, 0, IMDHeader.size, pollMilliseconds: pollMilliseconds, stop: stop, deadline: monotonic() + 5, what: "SESSIONINFO from \(address)") else { return nil }
            let h = IMDHeader(bigEndianBytes: info)
            guard h.type == IMDMessageType.sessionInfo.rawValue, h.length == 7 else {
                throw IMDError(.protocolViolation, "\(address): IMD v3 handshake followed by \(IMDMessageType.describe(h.type)) of length \(h.length), not SESSIONINFO (10) of length 7")
            }
            guard try readExactly(fd, &info, IMDHeader.size, 7, pollMilliseconds: pollMilliseconds, stop: stop, deadline: monotonic() + 5, what: "SESSIONINFO flags from \(address)") else { return nil }
            session = IMDSessionInfo(flags: Array(info[IMDHeader.size...]))
            received += UInt64(info.count)
        }
        // GO at once: LAMMPS waits only 1 s for it.
        try sendAll(fd, IMDHeader(.go).bytes, to: address)
        guard session.coordinates else {
            _ = try? sendAll(fd, IMDHeader(.disconnect).bytes, to: address)
            throw IMDError(.unusable, "\(address) sends no coordinates (`fix imd … coordinates no`): soaplens needs them; remove that keyword")
        }
        closeOnExit = false
        let c = IMDConnection(fd: fd, address: address, version: version, byteOrder: order, session: session, pollMilliseconds: pollMilliseconds)
        c.bytesReceived = received
        return c
    }

    private init(fd: Int32, address: IMDAddress, version: Int32, byteOrder: IMDByteOrder, session: IMDSessionInfo, pollMilliseconds: Int32) {
        self.fd = fd
        self.address = address
        self.version = version
        self.byteOrder = byteOrder
        self.session = session
        self.pollMilliseconds = pollMilliseconds
    }

    deinit { close() }

    /// Seconds a frame, once begun, may take to arrive completely (LAMMPS writes all its
    /// packets in one burst; a longer stall means the server is stuck or gone).
    public static let midFrameStallSeconds = 30.0

    /// Reads the next frame: the session's packets in their fixed order, each checked.
    /// `stop()` is asked only between frames: a frame once begun is read to its end, so the
    /// stream stays in step and a DISCONNECT can follow a frame at once (see
    /// ``disconnect(drainSeconds:catchUpSeconds:)``).
    public func next(stop: () -> Bool) throws(IMDError) -> Next {
        guard fd >= 0 else { return .ended }
        var frame = IMDFrame(index: framesReceived)
        let order = session.packetOrder
        var head = [UInt8](repeating: 0, count: IMDHeader.size)
        for (k, expected) in order.enumerated() {
            let midFrame = k > 0
            do {
                guard try Self.readExactly(
                    fd, &head, 0, IMDHeader.size, pollMilliseconds: pollMilliseconds, stop: midFrame ? { false } : stop,
                    deadline: midFrame ? Self.monotonic() + Self.midFrameStallSeconds : nil, what: "\(expected.name) header of frame \(framesReceived) from \(address)")
                else {
                    return .stopped
                }
            } catch let e where e.kind == .closed {
                peerClosed = true
                if !midFrame { return .ended }
                throw e
            }
            let header = IMDHeader(bigEndianBytes: head)
            guard header.type == expected.rawValue else {
                throw IMDError(.protocolViolation, "\(address), frame \(framesReceived): expected \(expected.name) (\(expected.rawValue)), got \(IMDMessageType.describe(header.type)) with length \(header.length) (packet order this session: \(order.map(\.name).joined(separator: ", ")))")
            }
            frame.wireBytes += IMDHeader.size
            let bodyBytes: Int
            switch expected {
            case .time:
                guard header.length >= 1, header.length <= 16 else { throw badLength(header, expected) }
                bodyBytes = 24 * Int(header.length)
            case .energies:
                guard header.length >= 1, header.length <= 16 else { throw badLength(header, expected) }
                bodyBytes = 40 * Int(header.length)
            case .box:
                guard header.length >= 1, header.length <= 16 else { throw badLength(header, expected) }
                bodyBytes = 36 * Int(header.length)
            default:
                let n = Int(header.length)
                guard n > 0, n <= Self.maxAtoms else { throw badLength(header, expected) }
                if let atomCount, n != atomCount {
                    throw IMDError(.protocolViolation, "\(address), frame \(framesReceived): \(expected.name) carries \(n) atoms, the session \(atomCount) (the fix group changed size?)")
                }
                atomCount = n
                bodyBytes = 12 * n
            }
            if scratch.count < bodyBytes { scratch = [UInt8](repeating: 0, count: bodyBytes) }
            do {
                _ = try Self.readExactly(
                    fd, &scratch, 0, bodyBytes, pollMilliseconds: pollMilliseconds, stop: { false },
                    deadline: Self.monotonic() + Self.midFrameStallSeconds, what: "\(expected.name) of frame \(framesReceived) from \(address)")
            } catch let e where e.kind == .closed {
                peerClosed = true
                throw e
            }
            frame.wireBytes += bodyBytes
            decode(expected, count: Int(header.length), into: &frame)
        }
        framesReceived += 1
        bytesReceived += UInt64(frame.wireBytes)
        return .frame(frame)
    }

    private func badLength(_ h: IMDHeader, _ t: IMDMessageType) -> IMDError {
        IMDError(.protocolViolation, "\(address), frame \(framesReceived): \(t.name) with impossible length \(h.length)")
    }

    private func decode(_ type: IMDMessageType, count: Int, into frame: inout IMDFrame) {
        let order = byteOrder
        scratch.withUnsafeBytes { raw in
            switch type {
            case .time:
                frame.dt = Double(bitPattern: order.uint64(raw, at: 0))
                frame.time = Double(bitPattern: order.uint64(raw, at: 8))
                frame.step = Int64(bitPattern: order.uint64(raw, at: 16))
            case .box:
                var box: [Double] = []
                order.decodeFloat32(raw, count: 9, into: &box)
                frame.box = box
            case .fcoords:
                order.decodeFloat32(raw, count: 3 * count, into: &frame.positions)
            case .velocities:
                var v: [Double] = []
                order.decodeFloat32(raw, count: 3 * count, into: &v)
                frame.velocities = v
            case .forces:
                var f: [Double] = []
                order.decodeFloat32(raw, count: 3 * count, into: &f)
                frame.forces = f
            default:
                break  // ENERGIES: LAMMPS never sends them; read and ignored
            }
        }
    }

    /// Asks the server for a frame every `steps` MD steps (TRATE; LAMMPS ignores values < 1).
    public func setRate(_ steps: Int32) throws(IMDError) {
        precondition(steps >= 1, "TRATE must be ≥ 1")
        try send(IMDHeader(.trate, length: steps))
    }

    /// Sends one header-only message.
    public func send(_ header: IMDHeader) throws(IMDError) {
        guard fd >= 0 else { throw IMDError(.closed, "\(address): the IMD connection is closed") }
        try Self.sendAll(fd, header.bytes, to: address)
    }

    /// Detaches cleanly: sends DISCONNECT, then reads and discards what the server still
    /// sends until it closes its end (or `drainSeconds` pass), so a LAMMPS blocked writing a
    /// frame into a full socket gets to read the DISCONNECT. Closing without DISCONNECT
    /// leaves LAMMPS 22Jul2025 looping at 100 % CPU. Returns `true` when the server closed.
    ///
    /// With IMD v2 it first catches up with the server's latest frame (``catchUp(seconds:)``,
    /// at most `catchUpSeconds`; 0 when the stream is out of step after an error).
    @discardableResult
    public func disconnect(drainSeconds: Double = 3, catchUpSeconds: Double = 10) -> Bool {
        if version == 2 && catchUpSeconds > 0 { catchUp(seconds: catchUpSeconds) }
        return detach(with: .disconnect, drainSeconds: drainSeconds)
    }

    /// Ends the simulation (IMD KILL: LAMMPS stops with "LAMMPS terminated on IMD request").
    /// Only when the user asked for it.
    @discardableResult
    public func kill(drainSeconds: Double = 3) -> Bool {
        detach(with: .kill, drainSeconds: drainSeconds)
    }

    /// Reads (and discards) frames until one has just been written, i.e. a frame completes
    /// and nothing more is waiting, or `seconds` pass. LAMMPS 22Jul2025 with IMD v2 and
    /// `nowait yes` handles a DISCONNECT by closing the client socket and, when that happens
    /// on an output step, still writes that step's frame to it and crashes (seen here: about
    /// one detach in ten with `trate 10`). Just after a frame, the next `trate − 1` steps are
    /// no output steps; with `trate 1` no moment is safe.
    private func catchUp(seconds: Double) {
        let deadline = Self.monotonic() + seconds
        while fd >= 0 {
            guard case .frame = (try? next(stop: { Self.monotonic() > deadline })) else { return }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&p, 1, 0) == 0 { return }  // caught up: LAMMPS has just written this frame
            if Self.monotonic() > deadline { return }
        }
    }

    /// Sends a header-only DISCONNECT or KILL, drains until the server closes, closes.
    private func detach(with type: IMDMessageType, drainSeconds: Double) -> Bool {
        guard fd >= 0 else { return true }
        defer { close() }
        guard (try? send(IMDHeader(type))) != nil else { return false }
        return drain(seconds: drainSeconds)
    }

    private func drain(seconds: Double) -> Bool {
        let deadline = Self.monotonic() + seconds
        var sink = [UInt8](repeating: 0, count: 1 << 16)
        while Self.monotonic() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, 100)
            if r < 0 && errno != EINTR { return false }
            if r <= 0 { continue }
            let n = sink.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 {
                peerClosed = true
                return true
            }
            if n < 0 && errno != EINTR && errno != EAGAIN { return false }
        }
        return false
    }

    /// Closes the socket without a word (prefer ``disconnect(drainSeconds:)``).
    ///
    /// Once LAMMPS has closed its end, the close is abortive (SO_LINGER 0: a reset instead of
    /// a FIN). LAMMPS closed first, so its side of the connection would otherwise sit in
    /// TIME_WAIT for a minute, and LAMMPS binds its port without SO_REUSEADDR: the next LAMMPS
    /// on the same port would fail with "bind to socket failed: Address already in use"
    /// (seen here). The reset ends that state at once; nothing is left to deliver either way.
    public func close() {
        guard fd >= 0 else { return }
        if peerClosed {
            var abort = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, socklen_t(MemoryLayout<linger>.size))
        }
        Glibc.close(fd)
        fd = -1
    }

    // MARK: sockets

    static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }

    /// Resolves and connects (non-blocking connect bounded by `timeoutSeconds`), TCP_NODELAY.
    static func connectSocket(_ address: IMDAddress, timeoutSeconds: Double) throws(IMDError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard rc == 0, let first = list else {
            throw IMDError(.address, "cannot resolve \(address.host): \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = IMDError(.refused, "\(address): connection refused")
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let ai = node {
            node = ai.pointee.ai_next
            let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 { lastError = IMDError(.io, "\(address): socket: \(errorText())"); continue }
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var r = Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen)
            if r != 0 && errno == EINPROGRESS {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let pr = poll(&p, 1, Int32(max(1, timeoutSeconds * 1000)))
                if pr == 1 {
                    var err: Int32 = 0
                    var len = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
                    r = err == 0 ? 0 : -1
                    errno = err
                } else {
                    r = -1
                    errno = pr == 0 ? ETIMEDOUT : errno
                }
            }
            if r != 0 {
                let e = errno
                lastError = e == ECONNREFUSED
                    ? IMDError(.refused, "\(address): connection refused (is LAMMPS running with `fix imd \(address.port)`?)")
                    : IMDError(.io, "\(address): connect: \(String(cString: strerror(e)))")
                Glibc.close(fd)
                continue
            }
            _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return fd
        }
        throw lastError
    }

    /// Reads exactly `count` bytes into `buffer[offset...]`. Returns false when `stop()`
    /// became true first; throws `.closed` at EOF and `.io` on errors or past `deadline`.
    static func readExactly(
        _ fd: Int32, _ buffer: inout [UInt8], _ offset: Int, _ count: Int, pollMilliseconds: Int32,
        stop: () -> Bool, deadline: Double?, what: String
    ) throws(IMDError) -> Bool {
        var got = 0
        while got < count {
            if stop() { return false }
            if let deadline, monotonic() > deadline {
                throw IMDError(.io, "timed out waiting for \(what)")
            }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let pr = poll(&p, 1, pollMilliseconds)
            if pr < 0 {
                if errno == EINTR { continue }
                throw IMDError(.io, "poll while reading \(what): \(errorText())")
            }
            if pr == 0 { continue }
            let n = buffer.withUnsafeMutableBytes { raw in
                recv(fd, raw.baseAddress! + offset + got, count - got, 0)
            }
            if n == 0 {
                throw IMDError(.closed, got == 0 ? "the server closed the connection before \(what)" : "the server closed the connection in the middle of \(what) (\(got) of \(count) bytes)")
            }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw IMDError(.io, "reading \(what): \(errorText())")
            }
            got += n
        }
        return true
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8], to address: IMDAddress) throws(IMDError) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw IMDError(.io, "sending to \(address): \(errorText())")
            }
            sent += n
        }
    }
}
