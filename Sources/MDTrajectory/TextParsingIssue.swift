/// A problem found by a helper that does not know the file, line or frame; the reader adds
/// them when it turns the issue into a ``TrajectoryError``.
struct TextParsingIssue: Error, Sendable, Equatable {
    var kind: TrajectoryError.Kind
    var message: String

    init(_ kind: TrajectoryError.Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
