import Foundation
import MDCore
import MDTrajectory
import Testing

/// Locates the committed fixtures (Tests/Fixtures/trajectories) and their ASE-derived
/// expectations, and makes unique temporary files for tests that write their own input.
enum FixturePaths {
    /// Tests/Fixtures/trajectories.
    static let trajectories = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/trajectories")

    /// Absolute path of a fixture file.
    static func trajectory(_ name: String) -> String {
        trajectories.appendingPathComponent(name).path
    }

    /// A fresh path in the temporary directory (the file is not created).
    static func temporaryPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("soaplens-test-\(UUID().uuidString)\(suffix)").path
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    static func writeTemporary(_ text: String, suffix: String) throws -> String {
        let path = temporaryPath(suffix)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The expectations JSON next to a fixture (`<name>.json`), as recorded from ASE.
    static func expectations(_ name: String) throws -> Expectations {
        let data = try Data(contentsOf: trajectories.appendingPathComponent(name + ".json"))
        return try JSONDecoder().decode(Expectations.self, from: data)
    }
}

/// What ASE read from a fixture (see scripts/fixtures/make_trajectory_fixtures.py).
struct Expectations: Decodable {
    struct FrameData: Decodable {
        var step: Int64
        var cell: [[Double]]
        var origin: [Double]
        var pbc: [Bool]
        var positions: [String: [Double]]?
        var symbols: [String: String]?
        var velocities: [String: [Double]]?
        var time: Double?
    }

    var frames: Int
    var natoms: [Int]
    var frame_data: [FrameData]
}

/// The malformed fixtures and where their errors must point.
struct MalformedCase: Decodable {
    var line: Int
    var frame: Int
    var kind: String
    var complete_frames: Int?
}

/// Reads every frame of `reader`.
func readAll(_ reader: any TrajectoryReader) throws(TrajectoryError) -> [Frame] {
    var frames: [Frame] = []
    while let f = try reader.next() { frames.append(f) }
    return frames
}

/// Compares a frame with ASE's record to `tolerance` (Å, Å/ps).
func expectFrame(_ frame: Frame, matches e: Expectations.FrameData, natoms: Int, tolerance: Double = 1e-9, checkVelocities: Bool = true,
                 sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(frame.step == e.step, sourceLocation: sourceLocation)
    #expect(frame.atomCount == natoms, sourceLocation: sourceLocation)
    let cell = try #require(frame.cell, sourceLocation: sourceLocation)
    for r in 0..<3 {
        let v = cell.vector(r)
        for d in 0..<3 {
            #expect(abs(v[d] - e.cell[r][d]) <= tolerance, "cell[\(r)][\(d)] \(v[d]) vs \(e.cell[r][d])", sourceLocation: sourceLocation)
        }
        #expect(abs(cell.origin[r] - e.origin[r]) <= tolerance, "origin[\(r)]", sourceLocation: sourceLocation)
    }
    #expect(cell.periodicity.array == e.pbc, sourceLocation: sourceLocation)
    #expect(frame.ids == frame.ids.sorted(), "atoms sorted by id", sourceLocation: sourceLocation)
    for (key, expected) in e.positions ?? [:] {
        let index = try #require(frame.ids.firstIndex(of: Int64(key)!), sourceLocation: sourceLocation)
        let p = frame.position(index)
        for d in 0..<3 {
            #expect(abs(p[d] - expected[d]) <= tolerance, "id \(key) axis \(d): \(p[d]) vs \(expected[d])", sourceLocation: sourceLocation)
        }
    }
    for (key, expected) in checkVelocities ? e.velocities ?? [:] : [:] {
        let index = try #require(frame.ids.firstIndex(of: Int64(key)!), sourceLocation: sourceLocation)
        let v = try #require(frame.velocities, sourceLocation: sourceLocation)
        for d in 0..<3 {
            #expect(abs(v[3 * index + d] - expected[d]) <= 1e-9 * max(1, abs(expected[d])), "velocity id \(key)", sourceLocation: sourceLocation)
        }
    }
    if let t = e.time {
        let time = try #require(frame.time, sourceLocation: sourceLocation)
        #expect(abs(time - t) <= 1e-12, sourceLocation: sourceLocation)
    }
}

/// A thread-safe flag and counter for follow-mode tests.
final class FollowControl: @unchecked Sendable {
    private let lock = NSLock()
    private var writerDone = false
    private var pollsAfterDone = 0

    func finishWriting() {
        lock.lock()
        writerDone = true
        lock.unlock()
    }

    /// `true` once the writer is done and the reader has polled at least twice since (so it
    /// has read everything written before the flag was set).
    func shouldStop() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard writerDone else { return false }
        pollsAfterDone += 1
        return pollsAfterDone > 2
    }
}

/// Appends `data` to `path` in chunks of `chunk` bytes (cutting lines and frames anywhere),
/// pausing `pause` seconds between chunks, then calls `done`.
func appendInChunks(_ data: Data, to path: String, chunk: Int, pause: Double, done: @escaping @Sendable () -> Void) -> Thread {
    let thread = Thread {
        let handle = FileHandle(forWritingAtPath: path)!
        var offset = 0
        while offset < data.count {
            let end = min(offset + chunk, data.count)
            handle.seekToEndOfFile()
            handle.write(data.subdata(in: offset..<end))
            offset = end
            Thread.sleep(forTimeInterval: pause)
        }
        try? handle.close()
        done()
    }
    thread.start()
    return thread
}
