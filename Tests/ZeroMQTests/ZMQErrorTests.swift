import Foundation
import Testing
import ZeroMQ

@Suite("errors and library facts")
struct ZMQErrorTests {
    @Test("binding to an invalid endpoint throws an error naming the endpoint", arguments: [
        "tcp://127.0.0.1:99999", "tcp://127.0.0.1:0000070000", "tcp://no-such-interface-xyz:5555", "garbage", "bogus://somewhere", "tcp://",
    ])
    func invalidBind(endpoint: String) throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .pub)
        let error = try #require(throws: ZMQError.self) { try socket.bind(endpoint) }
        #expect(error.operation == "zmq_bind")
        #expect(error.endpoint == endpoint)
        #expect(error.description.contains(endpoint))
        #expect(!error.message.isEmpty)
        #expect(!error.isTimeout && !error.isTerminated)
    }

    @Test("connecting to garbage throws; the socket stays usable")
    func invalidConnect() throws {
        let context = try ZMQContext()
        let socket = try ZMQSocket(context: context, type: .sub)
        for endpoint in ["garbage", "tcp://", "tcp://127.0.0.1", "tcp://127.0.0.1:65536", "nope://x:1", ""] {
            let error = try #require(throws: ZMQError.self) { try socket.connect(endpoint) }
            #expect(error.operation == "zmq_connect")
            #expect(error.description.contains("zmq_connect(\(endpoint))"))
        }
        let publisher = try ZMQSocket(context: context, type: .xpub)
        let good = try publisher.bind(uniqueInproc())
        try socket.subscribe("")
        try socket.connect(good)
        #expect(try publisher.receive(timeoutMilliseconds: 5000) == [[1]])
    }

    @Test("binding the same tcp port twice fails with EADDRINUSE")
    func addressInUse() throws {
        let context = try ZMQContext()
        let first = try ZMQSocket(context: context, type: .pull)
        let endpoint = try first.bind("tcp://127.0.0.1:*")
        #expect(try first.lastEndpoint == endpoint)
        let second = try ZMQSocket(context: context, type: .pull)
        let error = try #require(throws: ZMQError.self) { try second.bind(endpoint) }
        #expect(error.errno == EADDRINUSE)
        #expect(error.description.contains(endpoint))
    }

    @Test("options that do not fit the socket type or value are rejected with the option name")
    func badOptions() throws {
        let context = try ZMQContext()
        let push = try ZMQSocket(context: context, type: .push)
        let error = try #require(throws: ZMQError.self) { try push.subscribe("frame") }
        #expect(error.errno == EINVAL)
        #expect(error.operation == "zmq_setsockopt(ZMQ_SUBSCRIBE)")
        #expect(throws: ZMQError.self) { try push.setSendHighWaterMark(-5) }
        #expect(throws: ZMQError.self) { try push.send([] as [[UInt8]]) }
        #expect(throws: ZMQError.self) { try ZMQContext(ioThreads: -1) }
        try push.setOption(17 /* ZMQ_LINGER */, int32: 250)
        #expect(try push.option(int32: 17) == 250)
    }

    @Test("ZMQError classifies EAGAIN and ETERM and uses zmq_strerror")
    func classification() {
        let timeout = ZMQError(errno: EAGAIN, operation: "zmq_msg_recv")
        #expect(timeout.isTimeout && !timeout.isTerminated)
        #expect(timeout.message == String(cString: strerror(EAGAIN)))
        #expect(timeout.description == "zmq_msg_recv: \(timeout.message) (errno \(EAGAIN))")
        let terminated = ZMQError(errno: 156_384_712 + 53, operation: "zmq_poll")
        #expect(terminated.isTerminated && !terminated.isTimeout)
        #expect(terminated.message == "Context was terminated")
    }

    @Test("the linked libzmq is version 4.x")
    func version() {
        let version = ZMQ.version
        #expect(version.major == 4)
        #expect(version.minor >= 3)
    }
}
