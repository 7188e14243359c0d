import Foundation
import Testing
import ZeroMQ

/// A unique inproc endpoint, so that tests running in parallel never collide.
func uniqueInproc(_ label: String = #function) -> String {
    "inproc://zeromq-tests-\(label.filter(\.isLetter))-\(UUID().uuidString)"
}

/// `[UInt8]` of a UTF-8 string.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
func patternBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state)
    }
}

/// Waits until a SUB socket receives what a PUB socket publishes on `topic` (the "slow joiner":
/// a PUB drops messages until the subscription has reached it). Sends probes until one arrives,
/// then a unique sync marker, and reads until the marker: afterwards no stale probe is queued.
func awaitSubscription(publisher: ZMQSocket, subscriber: ZMQSocket, topic: String) throws {
    let probe = [bytes(topic), bytes("probe")]
    let deadline = Date().addingTimeInterval(5)
    var joined = false
    while !joined {
        try #require(Date() < deadline, "subscriber never joined")
        try publisher.send(probe)
        joined = try subscriber.receive(timeoutMilliseconds: 20) != nil
    }
    let marker = [bytes(topic), bytes("sync-\(UUID().uuidString)")]
    try publisher.send(marker)
    while true {
        try #require(Date() < deadline, "sync marker never arrived")
        let message = try #require(try subscriber.receive(timeoutMilliseconds: 2000))
        if message == marker { return }
        #expect(message == probe)
    }
}

/// Runs `body` on a new thread and waits at most `seconds` for it; records an issue on timeout
/// (the thread is then abandoned, so a hang fails the test instead of stalling the run).
/// Returns the body's error, if any, after re-throwing it.
func runBounded(seconds: Double, _ name: String, _ body: @escaping @Sendable () throws -> Void) throws {
    let done = DispatchSemaphore(value: 0)
    let outcome = LockedBox<(any Error)?>(nil)
    let thread = Thread {
        do { try body() } catch { outcome.set(error) }
        done.signal()
    }
    thread.name = name
    thread.start()
    let finished = done.wait(timeout: .now() + seconds) == .success
    try #require(finished, "\(name) did not finish within \(seconds) s")
    if let error = outcome.get() { throw error }
}

/// A value shared between threads under a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}

/// Seconds elapsed while running `body`.
func measure<T>(_ body: () throws -> T) rethrows -> (result: T, seconds: Double) {
    let clock = ContinuousClock()
    var result: T?
    let elapsed = try clock.measure { result = try body() }
    let (s, atto) = elapsed.components
    return (result!, Double(s) + Double(atto) * 1e-18)
}
