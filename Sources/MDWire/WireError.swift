import MDCore

/// Why a received message was rejected. ``code`` is the stable reason used by the daemon's
/// counters (`docs/wire-protocol.md` lists them); ``description`` says what is wrong for a
/// person and names the run and sequence number once they are known.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable reason code, e.g. `part-count`, `header-field`, `non-finite`.
    public var code: String
    /// What is wrong.
    public var message: String
    /// The run id, when the header could be read that far.
    public var runID: String?
    /// The frame's sequence number, when the header could be read that far.
    public var sequence: UInt64?

    public init(code: String, message: String, runID: String? = nil, sequence: UInt64? = nil) {
        self.code = code
        self.message = message
        self.runID = runID
        self.sequence = sequence
    }

    public var description: String {
        var where_ = ""
        if let runID { where_ += "run \(runID) " }
        if let sequence { where_ += "seq \(sequence) " }
        return where_.isEmpty ? "\(code): \(message)" : "\(where_)\(code): \(message)"
    }

    static func topic(_ bytes: [UInt8]) -> WireError {
        let shown = bytes.prefix(32).map { (32...126).contains($0) ? String(UnicodeScalar($0)) : "." }.joined()
        return WireError(code: "topic", message: "unknown topic '\(shown)' (\(bytes.count) bytes); expected 'frame' or 'control'")
    }
    static func partCount(_ message: String) -> WireError { WireError(code: "part-count", message: message) }
    static func headerJSON(_ message: String) -> WireError { WireError(code: "header-json", message: message) }
    static func field(_ key: String, _ message: String) -> WireError {
        WireError(code: "header-field", message: "header field '\(key)': \(message)")
    }
    static func version(_ message: String) -> WireError { WireError(code: "version", message: message) }
    static func arraySpec(_ message: String) -> WireError { WireError(code: "array-spec", message: message) }
    static func arraySize(_ message: String) -> WireError { WireError(code: "array-size", message: message) }
    static func invalid(_ e: FrameValidationError) -> WireError { WireError(code: e.code, message: e.description) }
}
