import Foundation
import ServiceLifecycle

/// Runs a service's blocking loop on a thread of its own, so blocking socket calls stay off
/// Swift's cooperative pool: returns (or throws) when the loop does; a graceful shutdown of
/// the service group (SIGINT/SIGTERM) sets the loop's stop flag, which it checks at least once
/// per poll.
enum DedicatedThread {
    static func run(named name: String, _ loop: @escaping @Sendable (StopFlag) throws -> Void) async throws {
        let stop = StopFlag()
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let thread = Thread {
                    do {
                        try loop(stop)
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = name
                thread.start()
            }
        } onGracefulShutdown: {
            stop.set()
        }
    }
}
