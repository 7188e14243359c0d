import Foundation
import Testing
import ZeroMQ

@Suite("PUSH/PULL, timeouts and limits")
struct PushPullTests {
    @Test("PUSH/PULL over tcp delivers every message, in order, intact")
    func pushPullTCP() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context: context, type: .pull)
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        let push = try ZMQSocket(context: context, type: .push)
        try push.connect(endpoint)
        let count = 2000
        for seq in 0..<count {
            let payload = patternBytes(count: seq % 97 * 13, seed: UInt64(seq))
            try push.send([bytes("frame"), withUnsafeBytes(of: UInt64(seq).littleEndian, Array.init), payload])
        }
        for seq in 0..<count {
            let message = try #require(try pull.receive(timeoutMilliseconds: 5000))
            try #require(message.count == 3)
            let number = message[1].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
            #expect(UInt64(littleEndian: number) == UInt64(seq))
            #expect(message[2] == patternBytes(count: seq % 97 * 13, seed: UInt64(seq)))
        }
    }

    @Test("sending from raw buffers copies their bytes")
    func sendRawBuffers() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context: context, type: .pull)
        let endpoint = try pull.bind(uniqueInproc())
        let push = try ZMQSocket(context: context, type: .push)
        try push.connect(endpoint)
        var positions: [Double] = (0..<3000).map { Double($0) * 0.25 - 17 }
        let header = bytes("{\"natoms\":1000}")
        let sent = try positions.withUnsafeBytes { raw in
            try header.withUnsafeBytes { headerRaw in
                try push.send([headerRaw, raw, UnsafeRawBufferPointer(start: nil, count: 0)])
            }
        }
        #expect(sent)
        positions[0] = 99  // the message must hold a copy
        let message = try #require(try pull.receive(timeoutMilliseconds: 5000))
        #expect(message.count == 3)
        #expect(message[0] == header)
        #expect(message[1].count == 3000 * 8)
        #expect(message[1].withUnsafeBytes { $0.loadUnaligned(as: Double.self) } == -17)
        #expect(message[2].isEmpty)
    }

    @Test("receive with a timeout returns nil when nothing arrives")
    func receiveTimeout() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context: context, type: .pull)
        try pull.bind("tcp://127.0.0.1:*")
        let (immediate, immediateSeconds) = try measure { try pull.receive(timeoutMilliseconds: 0) }
        #expect(immediate == nil)
        #expect(immediateSeconds < 0.5)
        let (waited, waitedSeconds) = try measure { try pull.receive(timeoutMilliseconds: 80) }
        #expect(waited == nil)
        #expect(waitedSeconds >= 0.075 && waitedSeconds < 2)
        #expect(try pull.waitReadable(timeoutMilliseconds: 20) == false)

        // The socket-level receive timeout makes a blocking receive return nil too.
        try pull.setReceiveTimeout(milliseconds: 40)
        let (blocking, blockingSeconds) = try measure { try pull.receive() }
        #expect(blocking == nil)
        #expect(blockingSeconds >= 0.035 && blockingSeconds < 2)
    }

    @Test("dontWait send on a PUSH without peers returns false; a send timeout too")
    func sendWithoutPeer() throws {
        let context = try ZMQContext()
        let push = try ZMQSocket(context: context, type: .push)
        #expect(try push.send([bytes("nobody")], dontWait: true) == false)
        #expect(try push.waitWritable(timeoutMilliseconds: 10) == false)
        try push.bind("tcp://127.0.0.1:*")
        #expect(try push.send([bytes("still"), bytes("nobody")], dontWait: true) == false)
        try push.setSendTimeout(milliseconds: 30)
        let (sent, seconds) = try measure { try push.send([bytes("timeout")]) }
        #expect(sent == false)
        #expect(seconds >= 0.025 && seconds < 2)
    }

    @Test("a full high-water mark makes dontWait sends fail until the receiver drains")
    func highWaterMark() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context: context, type: .pull)
        try pull.setReceiveHighWaterMark(5)
        let endpoint = try pull.bind(uniqueInproc())
        let push = try ZMQSocket(context: context, type: .push)
        try push.setSendHighWaterMark(5)
        try push.connect(endpoint)
        var accepted = 0
        while try push.send([bytes("m"), bytes("\(accepted)")], dontWait: true) {
            accepted += 1
            try #require(accepted < 1000, "the high-water mark never applied")
        }
        #expect(accepted >= 5)
        for index in 0..<accepted {
            #expect(try pull.receive(timeoutMilliseconds: 2000) == [bytes("m"), bytes("\(index)")])
        }
        #expect(try push.waitWritable(timeoutMilliseconds: 2000))
    }

    @Test("ZMQ_MAXMSGSIZE drops an oversize message; later normal messages still arrive")
    func maxMessageSize() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context: context, type: .pull)
        let limit = 4096
        try pull.setMaxMessageSize(Int64(limit))
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        let push = try ZMQSocket(context: context, type: .push)
        try push.setReconnectInterval(milliseconds: 10, max: 50)
        try push.connect(endpoint)

        try push.send([bytes("ok"), bytes("before")])
        #expect(try pull.receive(timeoutMilliseconds: 5000) == [bytes("ok"), bytes("before")])

        // The peer is disconnected when the oversize frame's header arrives; normal messages sent
        // right behind it in the same tcp stream can be lost with the connection, so keep sending
        // numbered ones until one gets through the reconnected session.
        try push.send([bytes("big"), [UInt8](repeating: 7, count: 1_000_000)])
        var sawNormal = false
        let deadline = Date().addingTimeInterval(8)
        var seq = 0
        while !sawNormal && Date() < deadline {
            try push.send([bytes("ok"), bytes("after-\(seq)")])
            seq += 1
            while let message = try pull.receive(timeoutMilliseconds: 25) {
                #expect(message.reduce(0) { $0 + $1.count } <= limit)
                #expect(message[0] == bytes("ok"))
                sawNormal = true
            }
        }
        #expect(sawNormal, "no message arrived after the oversize one")
    }

    @Test("frames at odd offsets are copied intact (receivers must not assume alignment)")
    func unalignedFrames() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context: context, type: .pull)
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        let push = try ZMQSocket(context: context, type: .push)
        try push.connect(endpoint)
        let values: [Float] = (0..<301).map { Float($0) * 1.5 - 3 }
        for shift in 0..<8 {
            // A header part of `shift` bytes before each array, and the array bytes themselves
            // starting at an odd offset inside a larger buffer.
            var buffer = [UInt8](repeating: 0xEE, count: shift)
            values.withUnsafeBytes { buffer.append(contentsOf: $0) }
            let arrayPart = Array(buffer[shift...])
            try push.send([[UInt8](repeating: 0xAB, count: 40 + shift), arrayPart, buffer])
            let message = try #require(try pull.receive(timeoutMilliseconds: 5000))
            #expect(message[0] == [UInt8](repeating: 0xAB, count: 40 + shift))
            #expect(message[1] == arrayPart)
            #expect(message[2] == buffer)
            let decoded: [Float] = message[2].withUnsafeBytes { raw in
                (0..<values.count).map { raw.loadUnaligned(fromByteOffset: shift + $0 * 4, as: Float.self) }
            }
            #expect(decoded == values)
        }
    }
}
