import Foundation
import Testing
import ZeroMQ

@Suite("PUB/SUB and XPUB")
struct PubSubTests {
    /// A multipart message with empty parts, sizes around libzmq's small-message boundary (33 B),
    /// odd sizes, and a 10 MB part.
    static let bigMessage: [[UInt8]] = [
        bytes("frame"), [], [0x2A], patternBytes(count: 29, seed: 1), patternBytes(count: 33, seed: 2),
        patternBytes(count: 34, seed: 3), [], patternBytes(count: 255, seed: 4), patternBytes(count: 65_539, seed: 5),
        patternBytes(count: 10 * 1024 * 1024, seed: 6),
    ]

    @Test("multipart messages of many sizes survive PUB/SUB", arguments: ["tcp", "inproc"])
    func multipartRoundTrip(transport: String) throws {
        let context = try ZMQContext()
        let publisher = try ZMQSocket(context: context, type: .pub)
        let subscriber = try ZMQSocket(context: context, type: .sub)
        let endpoint = try publisher.bind(transport == "tcp" ? "tcp://127.0.0.1:*" : uniqueInproc())
        if transport == "tcp" {
            #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
            #expect(!endpoint.hasSuffix(":*"))
        }
        try subscriber.subscribe("frame")
        try subscriber.connect(endpoint)
        try awaitSubscription(publisher: publisher, subscriber: subscriber, topic: "frame")

        let messages: [[[UInt8]]] = [
            [bytes("frame")], [bytes("frame"), []], [bytes("frame"), [], [], [1, 2, 3]], Self.bigMessage,
            [bytes("frame"), bytes("last")],
        ]
        for message in messages { #expect(try publisher.send(message)) }
        for expected in messages {
            let received = try #require(try subscriber.receive(timeoutMilliseconds: 5000))
            #expect(received.map(\.count) == expected.map(\.count))
            #expect(received == expected)
        }
        // Nothing else is pending: no leftover part of a multipart message.
        #expect(try subscriber.receive(timeoutMilliseconds: 0) == nil)
    }

    @Test("SUB receives only messages whose first part starts with a subscribed prefix")
    func topicFiltering() throws {
        let context = try ZMQContext()
        let publisher = try ZMQSocket(context: context, type: .pub)
        let subscriber = try ZMQSocket(context: context, type: .sub)
        let endpoint = try publisher.bind("tcp://127.0.0.1:*")
        try subscriber.subscribe("frame")
        try subscriber.subscribe([0x00, 0xFF])
        try subscriber.connect(endpoint)
        try awaitSubscription(publisher: publisher, subscriber: subscriber, topic: "frame")

        let sent: [[[UInt8]]] = [
            [bytes("control"), bytes("a")], [bytes("fram"), bytes("b")], [bytes("frame"), bytes("c")],
            [bytes("Frame"), bytes("d")], [bytes("frames"), bytes("e")], [[0x00], bytes("f")],
            [[0x00, 0xFF, 0x01], bytes("g")], [[], bytes("h")], [bytes("frame"), bytes("end")],
        ]
        for message in sent { try publisher.send(message) }
        var received: [String] = []
        while received.last != "end" {
            let message = try #require(try subscriber.receive(timeoutMilliseconds: 2000))
            received.append(String(decoding: message[1], as: UTF8.self))
        }
        #expect(received == ["c", "e", "g", "end"])
        #expect(try subscriber.receive(timeoutMilliseconds: 50) == nil)
    }

    @Test("XPUB sees subscribe (1 + topic) and unsubscribe (0 + topic) messages")
    func xpubSeesSubscriptions() throws {
        let context = try ZMQContext()
        let publisher = try ZMQSocket(context: context, type: .xpub)
        try publisher.setXPubVerbose(true)
        let subscriber = try ZMQSocket(context: context, type: .sub)
        let endpoint = try publisher.bind("tcp://127.0.0.1:*")
        try subscriber.connect(endpoint)
        try subscriber.subscribe("frame")
        try subscriber.subscribe("control")

        // The subscription message tells the publisher that the subscriber has joined: no probe
        // messages and no sleeps are needed (the fix for the slow joiner).
        var subscriptions: Set<[UInt8]> = []
        for _ in 0..<2 {
            let message = try #require(try publisher.receive(timeoutMilliseconds: 5000))
            #expect(message.count == 1)
            subscriptions.insert(message[0])
        }
        #expect(subscriptions == [[1] + bytes("frame"), [1] + bytes("control")])
        try publisher.send([bytes("frame"), bytes("first")])
        #expect(try subscriber.receive(timeoutMilliseconds: 5000) == [bytes("frame"), bytes("first")])

        try subscriber.unsubscribe("frame")
        #expect(try publisher.receive(timeoutMilliseconds: 5000) == [[0] + bytes("frame")])
        // After the unsubscription reached the publisher, "frame" is filtered there.
        try publisher.send([bytes("frame"), bytes("dropped")])
        try publisher.send([bytes("control"), bytes("kept")])
        #expect(try subscriber.receive(timeoutMilliseconds: 5000) == [bytes("control"), bytes("kept")])
    }

    @Test("inproc connect before bind works once the publisher binds")
    func inprocConnectBeforeBind() throws {
        let context = try ZMQContext()
        let name = uniqueInproc()
        let subscriber = try ZMQSocket(context: context, type: .sub)
        try subscriber.subscribe("")
        try subscriber.connect(name)
        let publisher = try ZMQSocket(context: context, type: .xpub)
        #expect(try publisher.bind(name) == name)
        #expect(try publisher.receive(timeoutMilliseconds: 5000) == [[1]])
        try publisher.send([bytes("x")])
        #expect(try subscriber.receive(timeoutMilliseconds: 5000) == [bytes("x")])
    }
}
