import Foundation
import Testing
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

@Suite("context and socket lifetime")
struct LifetimeTests {
    /// The orders in which a context and two connected sockets are given up.
    enum Teardown: CaseIterable {
        case closePublisherFirst, closeSubscriberFirst, releaseContextFirst, releaseWithoutClose,
             closeTwice, closeOnAnotherThread
    }

    /// Builds a connected PUB/SUB pair, moves one message, and tears everything down in `order`.
    /// Everything created here is dead when the function returns, so its duration includes
    /// `zmq_ctx_term`.
    static func exchangeAndTearDown(_ order: Teardown, transport: String) throws {
        var context: ZMQContext? = try ZMQContext()
        var publisher: ZMQSocket? = try ZMQSocket(context: context!, type: .pub)
        var subscriber: ZMQSocket? = try ZMQSocket(context: context!, type: .sub)
        let endpoint = try publisher!.bind(transport == "tcp" ? "tcp://127.0.0.1:*" : uniqueInproc())
        try subscriber!.subscribe("t")
        try subscriber!.connect(endpoint)
        try awaitSubscription(publisher: publisher!, subscriber: subscriber!, topic: "t")
        // Leave an unread message behind in the subscriber and one in flight from the publisher.
        try publisher!.send([bytes("t"), bytes("unread")])
        switch order {
        case .closePublisherFirst:
            publisher!.close()
            subscriber!.close()
        case .closeSubscriberFirst:
            subscriber!.close()
            publisher!.close()
        case .releaseContextFirst:
            context = nil  // the sockets keep it alive; it terminates after both are released
            publisher = nil
            subscriber = nil
        case .releaseWithoutClose:
            subscriber = nil
            publisher = nil
        case .closeTwice:
            publisher!.close(lingerMilliseconds: 0)
            publisher!.close()
            subscriber!.close()
            #expect(publisher!.isClosed && subscriber!.isClosed)
        case .closeOnAnotherThread:
            let box = LockedBox<ZMQSocket?>(subscriber)
            subscriber = nil
            let thread = Thread { box.get()?.close(); box.set(nil) }
            thread.start()
            publisher!.close()
            while box.get() != nil { usleep(1000) }
        }
        publisher = nil
        subscriber = nil
        context = nil
    }

    @Test("context teardown never hangs, whatever the order sockets are closed or released in")
    func teardownInAnyOrder() throws {
        try runBounded(seconds: 15, "teardown-loop") {
            for iteration in 0..<36 {
                let order = Teardown.allCases[iteration % Teardown.allCases.count]
                try Self.exchangeAndTearDown(order, transport: iteration % 2 == 0 ? "inproc" : "tcp")
            }
        }
    }

    #if canImport(Glibc)
    @Test("a PUSH with messages queued toward a dead peer delays teardown by its linger only")
    func lingerBoundsTeardown() throws {
        #expect(ZMQSocket.defaultLingerMilliseconds(for: .push) == 1000)
        #expect(ZMQSocket.defaultLingerMilliseconds(for: .pull) == 0)
        #expect(ZMQSocket.defaultLingerMilliseconds(for: .sub) == 0)

        // A port held by a plain tcp socket that is bound but not listening: connections to it
        // are refused, and no parallel test can be handed the same ephemeral port meanwhile.
        let reserved = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(reserved >= 0)
        defer { Glibc.close(reserved) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(reserved, $0, length) == 0 && getsockname(reserved, $0, &length) == 0
            }
        }
        try #require(bound)
        let deadEndpoint = "tcp://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"

        @Sendable func queueAndTearDown(linger: Int32?) throws {
            let context = try ZMQContext()
            let push = try ZMQSocket(context: context, type: .push)
            try push.connect(deadEndpoint)  // queues toward the (absent) peer
            for index in 0..<10 { #expect(try push.send([bytes("queued \(index)")], dontWait: true)) }
            push.close(lingerMilliseconds: linger)
        }
        try runBounded(seconds: 10, "linger") {
            let (_, zero) = try measure { try queueAndTearDown(linger: 0) }
            #expect(zero < 0.5)
            let (_, defaultLinger) = try measure { try queueAndTearDown(linger: nil) }
            #expect(defaultLinger >= 0.9 && defaultLinger < 4, "teardown took \(defaultLinger) s")
        }
    }
    #endif

    @Test("a closed socket reports ENOTSOCK with the operation; close is idempotent")
    func closedSocket() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .pair)
        socket.close()
        socket.close()
        #expect(socket.isClosed)
        let error = try #require(throws: ZMQError.self) { try socket.connect("inproc://closed") }
        #expect(error.errno == ENOTSOCK)
        #expect(error.operation == "zmq_connect")
        #expect(error.endpoint == "inproc://closed")
        #expect(throws: ZMQError.self) { try socket.receive(timeoutMilliseconds: 0) }
        #expect(throws: ZMQError.self) { try socket.send([[1]]) }
    }
}
