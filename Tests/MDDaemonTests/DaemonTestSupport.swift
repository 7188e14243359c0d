import Foundation
import Logging
import MDCore
import MDDaemon
import MDIngest
import MDTrajectory
import ZeroMQ

/// Paths of the committed fixtures.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("soaplens-daemon-\(UUID().uuidString)\(suffix)").path
    }

    /// Every frame of a file, read directly (the reference a replay is compared with).
    static func readAll(_ path: String, options: SourceOptions = SourceOptions()) throws -> [Frame] {
        let reader = try TrajectoryOpener.open(path: path, options: options)
        var out: [Frame] = []
        while let f = try reader.next() { out.append(f) }
        return out
    }
}

/// A logger that drops everything (tests check results, not log lines).
let quietLogger: Logger = {
    var l = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    l.logLevel = .critical
    return l
}()

/// Runs a replay on its own thread; `wait()` returns its summary or error.
final class BackgroundReplay: @unchecked Sendable {
    let driver: ReplayDriver
    let stop = StopFlag()
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<ReplaySummary, any Error>?

    init(context: ZMQContext, options: ReplayOptions) throws {
        driver = try ReplayDriver(context: context, options: options, logger: quietLogger)
    }

    var endpoint: String { driver.endpoint }

    func start() {
        let thread = Thread { [self] in
            result = Result { try driver.run(stop: stop) }
            driver.close()
            done.signal()
        }
        thread.start()
    }

    func wait(seconds: Double = 30) throws -> ReplaySummary {
        guard done.wait(timeout: .now() + seconds) == .success else {
            stop.set()
            throw TestTimeout(what: "replay")
        }
        return try result!.get()
    }
}

struct TestTimeout: Error { var what: String }

/// Receives until an `end` control message or the time limit.
func receiveRun(_ sub: FrameSubscriber, seconds: Double = 20) throws -> (frames: [Frame], events: [IngestEvent]) {
    var frames: [Frame] = []
    var events: [IngestEvent] = []
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        guard let batch = try sub.receiveOnce(timeoutMilliseconds: 50) else { continue }
        events += batch
        for e in batch {
            if case let .frame(f, _) = e { frames.append(f) }
            if case .segmentEnd = e { return (frames, events) }
        }
    }
    throw TestTimeout(what: "end of run")
}
