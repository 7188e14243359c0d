import Foundation
import MDCore
import MDIMD
import Testing
import TestSupport

/// Reads every frame of a session until the server closes it.
private func readAll(_ c: IMDConnection, limit: Int = 100) throws -> [IMDFrame] {
    var frames: [IMDFrame] = []
    while frames.count < limit {
        switch try c.next(stop: { false }) {
        case .frame(let f): frames.append(f)
        case .ended, .stopped: return frames
        }
    }
    return frames
}

private func open(_ server: FakeIMDServer) throws -> IMDConnection {
    let c = try IMDConnection.open(server.address, stop: { false })
    return try #require(c)
}

@Suite("IMD client against an IMD server on loopback TCP")
struct IMDConnectionTests {
    @Test("v3, little-endian: handshake, session info, GO at once, TIME/BOX/FCOORDS decoded exactly")
    func version3() throws {
        var script = FakeIMDServer.Script()
        script.atoms = 5
        script.frames = 4
        let server = try FakeIMDServer(script)
        server.start()
        let c = try open(server)
        #expect(c.version == 3)
        #expect(c.byteOrder == .littleEndian)
        #expect(c.session.packetOrder == [.time, .box, .fcoords])
        let frames = try readAll(c)
        #expect(server.wait())
        #expect(frames.count == 4)
        // GO was the first message and came well inside LAMMPS's 1 s.
        #expect(server.received.first?.messageType == .go)
        #expect(try #require(server.goDelay) < 0.5)
        for (k, f) in frames.enumerated() {
            #expect(f.index == UInt64(k))
            #expect(f.step == Int64(k + 1) * 10)
            #expect(f.dt == 0.002)
            #expect(f.time == Double(Int64(k + 1) * 10) * 0.002)
            #expect(f.box == FakeIMDServer.box(frame: k).map(Double.init))
            #expect(f.atomCount == 5)
            for i in 0..<5 {
                #expect(Array(f.positions[3 * i..<3 * i + 3]) == FakeIMDServer.position(frame: k, atom: i).map(Double.init))
            }
            #expect(f.wireBytes == 32 + 44 + 8 + 12 * 5)
        }
        #expect(c.atomCount == 5)
    }

    @Test("v2 from a big-endian server: byte order detected from the handshake, coordinates only")
    func version2BigEndian() throws {
        var script = FakeIMDServer.Script()
        script.version = 2
        script.order = .bigEndian
        script.frames = 3
        let server = try FakeIMDServer(script)
        server.start()
        let c = try open(server)
        #expect(c.version == 2)
        #expect(c.byteOrder == .bigEndian)
        #expect(c.session == .version2)
        let frames = try readAll(c)
        #expect(frames.count == 3)
        for (k, f) in frames.enumerated() {
            #expect(f.step == nil && f.time == nil && f.box == nil)
            #expect(Array(f.positions[9..<12]) == FakeIMDServer.position(frame: k, atom: 3).map(Double.init))
        }
        #expect(server.wait())
    }

    @Test("v3 with velocities")
    func velocities() throws {
        var script = FakeIMDServer.Script()
        script.session.velocities = true
        script.order = .bigEndian
        let server = try FakeIMDServer(script)
        server.start()
        let c = try open(server)
        let frames = try readAll(c)
        #expect(frames.count == 3)
        let v = try #require(frames[1].velocities)
        #expect(v[3] == Double(FakeIMDServer.position(frame: 1, atom: 1)[0] * 0.01))
        #expect(server.wait())
    }

    @Test("a packet out of order is a protocol error naming the frame and what was expected")
    func outOfOrder() throws {
        var script = FakeIMDServer.Script()
        script.garbage = IMDHeader(.fcoords, length: 4).bytes + [UInt8](repeating: 0, count: 48)
        let server = try FakeIMDServer(script)
        server.start()
        let c = try open(server)
        let error = #expect(throws: IMDError.self) { try c.next(stop: { false }) }
        #expect(error?.kind == .protocolViolation)
        #expect(error?.description.contains("frame 0: expected TIME (12), got FCOORDS (2)") == true)
        _ = server.wait()
    }

    @Test("an impossible atom count is refused before allocating")
    func hugeCount() throws {
        var script = FakeIMDServer.Script()
        script.session = .version2
        script.version = 2
        script.garbage = IMDHeader(.fcoords, length: Int32.max).bytes
        let server = try FakeIMDServer(script)
        server.start()
        let c = try open(server)
        let error = #expect(throws: IMDError.self) { try c.next(stop: { false }) }
        #expect(error?.description.contains("impossible length 2147483647") == true)
        _ = server.wait()
    }

    @Test("a connection cut in the middle of a frame is an error, at a frame boundary the end")
    func truncated() throws {
        var script = FakeIMDServer.Script()
        script.truncateLastFrameAt = 50
        let server = try FakeIMDServer(script)
        server.start()
        let c = try open(server)
        _ = try c.next(stop: { false })
        _ = try c.next(stop: { false })
        let error = #expect(throws: IMDError.self) { try c.next(stop: { false }) }
        #expect(error?.kind == .closed)
        #expect(error?.description.contains("in the middle of") == true)
        _ = server.wait()
    }

    @Test("stop while waiting returns promptly; disconnect sends DISCONNECT and TRATE reaches the server")
    func stopAndDisconnect() throws {
        var script = FakeIMDServer.Script()
        script.frames = 0
        script.lingerSeconds = 5
        let server = try FakeIMDServer(script)
        server.start()
        let c = try open(server)
        try c.setRate(25)
        let stopAt = Date().addingTimeInterval(0.3)
        let t0 = Date()
        guard case .stopped = try c.next(stop: { Date() > stopAt }) else {
            Issue.record("expected .stopped")
            return
        }
        #expect(Date().timeIntervalSince(t0) < 1.0)
        #expect(c.disconnect(drainSeconds: 3))  // the server closes after DISCONNECT
        #expect(server.wait())
        let got = server.received.map(\.type)
        #expect(got == [IMDMessageType.go.rawValue, IMDMessageType.trate.rawValue, IMDMessageType.disconnect.rawValue])
        #expect(server.received[1].length == 25)
    }

    @Test("v2 detach: catches up with the server's latest frame, then DISCONNECT; the server closes")
    func disconnectAfterLatestFrame() throws {
        var script = FakeIMDServer.Script()
        script.version = 2
        script.session = .version2
        script.frames = 500
        script.frameInterval = 0.005
        let server = try FakeIMDServer(script)
        server.start()
        let c = try open(server)
        guard case .frame = try c.next(stop: { false }) else {
            Issue.record("expected a frame")
            return
        }
        Thread.sleep(forTimeInterval: 0.2)  // frames pile up in the socket meanwhile
        let before = c.framesReceived
        #expect(c.disconnect(catchUpSeconds: 5))
        #expect(c.framesReceived > before + 5)  // it read the backlog before detaching
        #expect(c.framesReceived < 500)
        #expect(server.wait())
        #expect(server.received.last?.messageType == .disconnect)
    }

    @Test("nobody listening: refused, with a hint at fix imd")
    func refused() throws {
        // A port just released: nothing listens there.
        let port = try FakeIMDServer(FakeIMDServer.Script()).port
        let error = #expect(throws: IMDError.self) { try IMDConnection.open(IMDAddress(host: "127.0.0.1", port: port), stop: { false }) }
        #expect(error?.kind == .refused)
        #expect(error?.description.contains("fix imd \(port)") == true)
    }
}

@Suite("IMD handshake, headers and addresses")
struct IMDCodingTests {
    @Test("byte order and version from the handshake's length field")
    func detect() {
        #expect(IMDByteOrder.detect(handshakeLength: [3, 0, 0, 0]).map { "\($0.0) \($0.1)" } == "littleEndian 3")
        #expect(IMDByteOrder.detect(handshakeLength: [0, 0, 0, 2]).map { "\($0.0) \($0.1)" } == "bigEndian 2")
        #expect(IMDByteOrder.detect(handshakeLength: [1, 0, 0, 0]) == nil)
        #expect(IMDByteOrder.detect(handshakeLength: [0, 0, 0, 4]) == nil)
    }

    @Test("headers are big-endian both ways")
    func header() {
        let h = IMDHeader(.trate, length: 258)
        #expect(h.bytes == [0, 0, 0, 8, 0, 0, 1, 2])
        #expect(IMDHeader(bigEndianBytes: h.bytes) == h)
        #expect(IMDHeader(.go).bytes == [0, 0, 0, 3, 0, 0, 0, 0])
        #expect(IMDHeader(.disconnect).bytes == [0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test("session info flags in LAMMPS's order")
    func sessionInfo() {
        let s = IMDSessionInfo(flags: [1, 0, 1, 1, 0, 1, 1])
        #expect(s.time && !s.energies && s.box && s.coordinates && !s.wrapped && s.velocities && s.forces)
        #expect(s.packetOrder == [.time, .box, .fcoords, .velocities, .forces])
        #expect(s.flags == [1, 0, 1, 1, 0, 1, 1])
    }

    @Test("addresses: HOST:PORT, [v6]:PORT, PORT; errors name the text")
    func addresses() throws {
        #expect(try IMDAddress(parsing: "localhost:5678") == IMDAddress(host: "localhost", port: 5678))
        #expect(try IMDAddress(parsing: "[::1]:6000") == IMDAddress(host: "::1", port: 6000))
        #expect(try IMDAddress(parsing: "5678") == IMDAddress(host: "127.0.0.1", port: 5678))
        #expect(IMDAddress(host: "::1", port: 1).description == "[::1]:1")
        for bad in ["host:", "host:0", "host:70000", ":12", "[::1]12", "x"] {
            let e = #expect(throws: IMDError.self) { try IMDAddress(parsing: bad) }
            #expect(e?.description.contains("'\(bad)'") == true)
        }
    }
}
