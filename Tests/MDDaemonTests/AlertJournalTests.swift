@testable import MDDaemon
import Foundation
import Testing

/// The daemon's alert journal: appended line by line, and a torn last line (a crash while
/// writing) closed with a newline on reopening, so the next alert starts a line of its own.
@Suite struct AlertJournalTests {
    @Test func appendsLinesAndClosesATornLastLine() throws {
        let path = Fixtures.temporaryPath(".journal.jsonl")
        do {
            let journal = try AlertJournal(path: path)
            try journal.append([Data("{\"a\":1}".utf8), Data("{\"a\":2}".utf8)])
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"a\":1}\n{\"a\":2}\n")
        // A crash in the middle of the third line.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"a\":".utf8))
        try handle.close()
        let reopened = try AlertJournal(path: path)
        try reopened.append([Data("{\"a\":3}".utf8)])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"a\":1}\n{\"a\":2}\n{\"a\":\n{\"a\":3}\n")
        // A clean file gets no extra newline.
        let again = try AlertJournal(path: path)
        try again.append([Data("{\"a\":4}".utf8)])
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("{\"a\":3}\n{\"a\":4}\n"))
    }

    @Test func anUnwritablePathIsNamed() {
        #expect(throws: StageError.self) { try AlertJournal(path: "/nonexistent-dir/journal.jsonl") }
        do {
            _ = try AlertJournal(path: "/nonexistent-dir/journal.jsonl")
        } catch {
            #expect("\(error)".contains("cannot open the alert journal /nonexistent-dir/journal.jsonl"))
        }
    }
}
