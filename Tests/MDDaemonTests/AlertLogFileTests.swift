import Foundation
import MDDaemon
import Testing

/// A file's size, bytes.
func fileSize(_ path: String) throws -> Int64 {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).int64Value
}

/// The listener's log file: appending, rotation, crash recovery, reading back.
@Suite struct AlertLogFileTests {
    /// A fresh temporary directory, removed by the caller's `defer`.
    static func temporaryDirectory() throws -> String {
        let path = Fixtures.temporaryPath("-alertlog")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    private func line(_ n: Int, width: Int = 24) -> [UInt8] {
        let text = "{\"type\":\"alert\",\"n\":\(n)}"
        return Array((text + String(repeating: " ", count: max(0, width - text.count))).utf8)
    }

    @Test func appendsOneLinePerRecordAndKeepsWhatWasThere() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/alerts.jsonl"
        try "{\"type\":\"gap\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        for policy in AlertLogFile.FsyncPolicy.allCases {
            let log = try AlertLogFile(path: path, fsync: policy)
            #expect(log.partialTailBytes == nil)
            try log.append(Array("{\"p\":\"\(policy.rawValue)\"}".utf8))
            try log.close()
        }
        #expect(Self.read(path) == "{\"type\":\"gap\"}\n{\"p\":\"line\"}\n{\"p\":\"second\"}\n{\"p\":\"never\"}\n")
    }

    @Test func rotationShiftsFilesKeepsKAndLosesNothing() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/alerts.jsonl"
        // 25-byte records, at most 100 bytes per file: 4 records per file.
        let log = try AlertLogFile(path: path, rotateBytes: 100, keep: 2)
        for n in 0..<14 { try log.append(line(n)) }
        try log.close()
        #expect(log.rotations == 3)
        let files = [path + ".2", path + ".1", path]
        let sizes = try files.map { try fileSize($0) }
        #expect(sizes == [100, 100, 50])
        #expect(!FileManager.default.fileExists(atPath: path + ".3"))
        // The kept files hold records 4...13 in order, every one whole (0...3 went with the oldest file).
        let all = files.map(Self.read).joined()
        let expected = (4..<14).map { String(decoding: line($0), as: UTF8.self) + "\n" }.joined()
        #expect(all == expected)
        // Reading back gives them in order too.
        let recovered = try AlertLogFile.recover(path: path, keep: 2)
        #expect(recovered.map(\.bytes) == (4..<14).map { line($0) })
        #expect(recovered.first?.path == path + ".2")
        #expect(recovered.last?.path == path)
        #expect(recovered.last?.line == 2)
    }

    @Test func aLineLargerThanTheLimitGoesAloneIntoAFreshFile() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/alerts.jsonl"
        let log = try AlertLogFile(path: path, rotateBytes: 50, keep: 3)
        try log.append(line(1))
        try log.append(line(2, width: 80))
        try log.append(line(3))
        try log.close()
        #expect(Self.read(path + ".2") == String(decoding: line(1), as: UTF8.self) + "\n")
        #expect(Self.read(path + ".1") == String(decoding: line(2, width: 80), as: UTF8.self) + "\n")
        #expect(Self.read(path) == String(decoding: line(3), as: UTF8.self) + "\n")
    }

    @Test func aPartialLastLineIsReportedSkippedAndClosedOff() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/alerts.jsonl"
        try "{\"type\":\"alert\",\"n\":1}\n{\"type\":\"al".write(toFile: path, atomically: true, encoding: .utf8)
        let recovered = try AlertLogFile.recover(path: path, keep: 5)
        #expect(recovered.map { String(decoding: $0.bytes, as: UTF8.self) } == ["{\"type\":\"alert\",\"n\":1}"])
        let log = try AlertLogFile(path: path)
        #expect(log.partialTailBytes == 11)
        try log.append(Array("{\"type\":\"alert\",\"n\":2}".utf8))
        try log.close()
        #expect(Self.read(path) == "{\"type\":\"alert\",\"n\":1}\n{\"type\":\"al\n{\"type\":\"alert\",\"n\":2}\n")
        // Opened again, the file ends cleanly.
        #expect(try AlertLogFile(path: path).partialTailBytes == nil)
    }

    @Test func recoveryReadsNewestFirstWithinTheBudget() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/alerts.jsonl"
        let log = try AlertLogFile(path: path, rotateBytes: 100, keep: 5)
        for n in 0..<12 { try log.append(line(n)) }
        try log.close()
        // 60 bytes: all of FILE (records 8...11 = 100 bytes) is more than the budget; its last
        // 60 bytes hold two whole records and the end of a cut one, which is dropped.
        #expect(try AlertLogFile.recover(path: path, keep: 5, budget: 60).map(\.bytes) == [line(10), line(11)])
        // 110 bytes: FILE and the tail of FILE.1 (10 bytes: inside record 7, dropped).
        #expect(try AlertLogFile.recover(path: path, keep: 5, budget: 110).map(\.bytes) == (8..<12).map { line($0) })
        #expect(try AlertLogFile.recover(path: dir + "/none.jsonl", keep: 5).isEmpty)
    }

    @Test func anUnwritablePathIsATypedErrorNamingIt() throws {
        let path = "/nonexistent-soaplens-dir/alerts.jsonl"
        #expect {
            _ = try AlertLogFile(path: path)
        } throws: { error in
            guard let e = error as? AlertLogFile.FileError else { return false }
            return e.path == path && e.description.contains(path) && e.description.contains("open")
        }
    }
}
