import Foundation
import Logging

/// `--summary-json FILE`: a command's summary as indented JSON with sorted keys (stable for
/// scripts and tests), written atomically (a reader never sees half a file).
public enum SummaryJSON {
    static func write(_ summary: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(summary).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The same at the end of a daemon's life: a failure is logged, not thrown.
    public static func write(_ summary: some Encodable, to path: String, logger: Logger) {
        do {
            try write(summary, to: path)
        } catch {
            logger.error("cannot write the summary JSON", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}
