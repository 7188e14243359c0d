import Foundation
import Testing
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

@Suite("threads and signals")
struct ThreadingTests {
    @Test("two threads, each owning its socket, exchange 10k request/reply messages", arguments: ["tcp", "inproc"])
    func pingPong(transport: String) throws {
        let context = try ZMQContext()
        let count = 10_000
        let endpoint = LockedBox<String?>(nil)
        let ready = DispatchSemaphore(value: 0)
        let echoDone = DispatchSemaphore(value: 0)
        let echoed = LockedBox(0)
        let address = transport == "tcp" ? "tcp://127.0.0.1:*" : uniqueInproc()

        // The echo thread creates, binds and uses its own socket.
        let echo = Thread {
            defer { echoDone.signal() }
            do {
                let socket = try ZMQSocket(context: context, type: .pair)
                endpoint.set(try socket.bind(address))
                ready.signal()
                for _ in 0..<count {
                    guard let message = try socket.receive(timeoutMilliseconds: 5000) else { return }
                    var reply = message
                    reply[1] = withUnsafeBytes(of: message[1].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } &+ 1, Array.init)
                    try socket.send(reply)
                    echoed.set(echoed.get() + 1)
                }
            } catch {
                ready.signal()
            }
        }
        echo.start()
        #expect(ready.wait(timeout: .now() + 5) == .success)
        let bound = try #require(endpoint.get())

        let seconds = LockedBox(0.0)
        try runBounded(seconds: 15, "ping-\(transport)") {
            let socket = try ZMQSocket(context: context, type: .pair)
            try socket.connect(bound)
            let payload = patternBytes(count: 100, seed: 9)
            let (_, elapsed) = try measure {
                for index in 0..<UInt32(count) {
                    try socket.send([bytes("ping"), withUnsafeBytes(of: index, Array.init), payload])
                    let reply = try #require(try socket.receive(timeoutMilliseconds: 5000))
                    try #require(reply.count == 3)
                    #expect(reply[1].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) } == index + 1)
                    if reply[2] != payload { Issue.record("payload changed at \(index)"); return }
                }
            }
            seconds.set(elapsed)
        }
        #expect(echoDone.wait(timeout: .now() + 5) == .success)
        #expect(echoed.get() == count)
        print("ZeroMQ \(transport) PAIR round trip, 2 threads, 100 B payload: "
            + String(format: "%.1f µs per round trip over %d (%.2f s)", seconds.get() / Double(count) * 1e6, count, seconds.get()))
    }

    @Test("one-way PUSH/PULL throughput between two threads over tcp")
    func throughput() throws {
        let context = try ZMQContext()
        let pull = try ZMQSocket(context: context, type: .pull)
        let endpoint = try pull.bind("tcp://127.0.0.1:*")
        let count = 10_000
        let partSize = 10_800  // 900 atoms × 3 × Float32, as in a small frame
        let sender = Thread {
            guard let push = try? ZMQSocket(context: context, type: .push), (try? push.connect(endpoint)) != nil else { return }
            let header = bytes("{\"natoms\":900}")
            let positions = patternBytes(count: partSize, seed: 3)
            for _ in 0..<count { _ = try? push.send([bytes("frame"), header, positions]) }
        }
        let (received, seconds) = try measure { () throws -> Int in
            sender.start()
            var received = 0
            while received < count, let message = try pull.receive(timeoutMilliseconds: 5000) {
                #expect(message.count == 3 && message[2].count == partSize)
                received += 1
            }
            return received
        }
        #expect(received == count)
        print("ZeroMQ tcp PUSH→PULL, 3 parts (10.8 KB): "
            + String(format: "%.0f messages/s, %.0f MB/s", Double(count) / seconds, Double(count * partSize) / seconds / 1e6))
    }

    #if canImport(Glibc)
    @Test("receive retries after signals (EINTR) and keeps the timeout")
    func receiveSurvivesSignals() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: poll() returns EINTR
        #expect(sigaction(SIGUSR2, &action, nil) == 0)

        let context = try ZMQContext()
        let endpoint = uniqueInproc()
        let receiverThread = LockedBox<pthread_t?>(nil)
        let results = LockedBox<[String]>([])
        let finished = DispatchSemaphore(value: 0)

        let receiver = Thread {
            defer { finished.signal() }
            // Foundation's Thread starts with most signals blocked; let SIGUSR2 in.
            var mask = sigset_t()
            sigemptyset(&mask)
            sigaddset(&mask, SIGUSR2)
            pthread_sigmask(SIG_UNBLOCK, &mask, nil)
            do {
                let pull = try ZMQSocket(context: context, type: .pull)
                try pull.bind(endpoint)
                receiverThread.set(pthread_self())
                // 1: nothing arrives: nil after the full timeout despite the signals.
                let (empty, waited) = try measure { try pull.receive(timeoutMilliseconds: 400) }
                results.set(results.get() + ["empty=\(empty == nil) waited=\(waited >= 0.39)"])
                // 2: a message arrives after the signals: it is received (blocking receive).
                let message = try pull.receive()
                results.set(results.get() + ["message=\(message.map { $0.map { String(decoding: $0, as: UTF8.self) } } ?? [])"])
            } catch {
                results.set(results.get() + ["error=\(error)"])
            }
        }
        receiver.start()
        let start = Date()
        while receiverThread.get() == nil && Date().timeIntervalSince(start) < 5 { usleep(1000) }
        let thread = try #require(receiverThread.get())
        // Signal the receiver repeatedly during both receives.
        for _ in 0..<30 {
            pthread_kill(thread, SIGUSR2)
            usleep(20_000)
        }
        let push = try ZMQSocket(context: context, type: .push)
        try push.connect(endpoint)
        try push.send([bytes("after"), bytes("signals")])
        #expect(finished.wait(timeout: .now() + 5) == .success)
        #expect(results.get() == ["empty=true waited=true", "message=[\"after\", \"signals\"]"])
    }
    #endif
}
