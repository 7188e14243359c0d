import Foundation
import MDTrajectory
import Testing

@Suite struct ByteLineReaderTests {
    private func lines(_ reader: ByteLineReader, partial: Bool = true) throws -> [String] {
        var out: [String] = []
        while let line = try reader.nextLine(acceptPartialLastLine: partial) {
            out.append(String(decoding: line, as: UTF8.self))
        }
        return out
    }

    @Test func splitsLinesWithAndWithoutFinalNewline() throws {
        let a = try ByteLineReader(path: try FixturePaths.writeTemporary("one\ntwo\r\n\nthree", suffix: ".txt"))
        #expect(try lines(a) == ["one", "two", "", "three"])
        #expect(a.lineNumber == 4)
        let b = try ByteLineReader(path: try FixturePaths.writeTemporary("one\ntwo\n", suffix: ".txt"))
        #expect(try lines(b) == ["one", "two"])
        let empty = try ByteLineReader(path: try FixturePaths.writeTemporary("", suffix: ".txt"))
        #expect(try lines(empty) == [])
    }

    @Test func linesLongerThanTheChunkGrowTheBuffer() throws {
        let long = String(repeating: "0123456789", count: 500)
        let reader = try ByteLineReader(path: try FixturePaths.writeTemporary("a\n\(long)\nb\n\(long)", suffix: ".txt"), chunkSize: 64)
        #expect(try lines(reader) == ["a", long, "b", long])
    }

    @Test func lineIsFollowedByNUL() throws {
        let reader = try ByteLineReader(path: try FixturePaths.writeTemporary("1.5 2\nx", suffix: ".txt"), chunkSize: 64)
        let first = try #require(try reader.nextLine(acceptPartialLastLine: true))
        #expect(first.baseAddress![first.count] == 0)
        let last = try #require(try reader.nextLine(acceptPartialLastLine: true))
        #expect(last.count == 1 && last.baseAddress![1] == 0)
    }

    @Test func keepsPartialLastLineUntilTheWriterFinishesIt() throws {
        let path = try FixturePaths.writeTemporary("first\nsec", suffix: ".txt")
        let reader = try ByteLineReader(path: path, chunkSize: 64)
        #expect(try reader.nextLine(acceptPartialLastLine: false).map { String(decoding: $0, as: UTF8.self) } == "first")
        #expect(try reader.nextLine(acceptPartialLastLine: false) == nil)
        #expect(reader.pendingByteCount == 3)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("ond\nthi".utf8))
        try handle.close()
        #expect(try lines(reader, partial: false) == ["second"])
        #expect(try lines(reader, partial: true) == ["thi"])
        #expect(reader.lineNumber == 3)
    }

    @Test func gzipMatchesPlainText() throws {
        let plain = try ByteLineReader(path: FixturePaths.trajectory("cu_ortho.dump"))
        let gz = try ByteLineReader(path: FixturePaths.trajectory("cu_ortho.dump.gz"), chunkSize: 1000)
        #expect(!plain.isCompressed)
        #expect(gz.isCompressed)
        let a = try lines(plain)
        #expect(a.count == 5 * 117)
        #expect(try lines(gz) == a)
    }

    @Test func missingFileIsAnIOError() throws {
        let path = FixturePaths.temporaryPath(".txt")
        let error = try #require(throws: TrajectoryError.self) { try ByteLineReader(path: path) }
        #expect(error.kind == .io)
        #expect(error.file == path)
    }
}
