/// Why the alert engine refuses a rule, a model, its settings or a frame, with what a user needs
/// to find the cause (the rule's name; the frame's MD step and the offending array).
public enum AlertError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A rule with a parameter outside its domain (persistence < 1, negative cooldown, a
    /// non-finite threshold, an empty FROM or TO set, a duplicate name, a macro id outside the model).
    case invalidRule(name: String, reason: String)
    /// An engine or model setting outside its domain (e.g. `maxAlertsPerFrame = 0`).
    case invalidParameter(name: String, value: String, reason: String)
    /// A per-atom array of the frame at MD step `step` with the wrong number of values.
    case wrongLength(array: String, expected: Int, got: Int, step: Int64)
    /// A cluster label of the frame at MD step `step` outside the model's 0..<classCount.
    case labelOutsideModel(array: String, label: Int32, atomIndex: Int, classCount: Int, step: Int64)
    /// A frame of another run than the engine's (one engine per run).
    case otherRun(expected: String, got: String, step: Int64)
    /// An analysed index that does not come after the previous frame's (frames must come in order).
    case indexNotIncreasing(previous: Int, got: Int, step: Int64)

    public var description: String {
        switch self {
        case .invalidRule(let name, let reason): "rule \(name): \(reason)"
        case .invalidParameter(let name, let value, let reason): "\(name) = \(value): \(reason)"
        case .wrongLength(let array, let expected, let got, let step):
            "frame at step \(step): \(array) has \(got) values, expected \(expected)"
        case .labelOutsideModel(let array, let label, let atomIndex, let classCount, let step):
            "frame at step \(step): \(array)[\(atomIndex)] = \(label) is outside the model's 0..<\(classCount)"
        case .otherRun(let expected, let got, let step):
            "frame at step \(step) belongs to run \(got), the engine's run is \(expected)"
        case .indexNotIncreasing(let previous, let got, let step):
            "frame at step \(step): analysed index \(got) does not come after \(previous)"
        }
    }
}
