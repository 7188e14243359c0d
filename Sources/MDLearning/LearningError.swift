/// Why a learning step (PCA, clustering, transitions, merging) cannot run, with what a user
/// needs to find the cause: the offending parameter and value, the row and column of a bad
/// input value, the LAPACK routine and its `info`.
public enum LearningError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No rows (or no columns) where some are needed; the argument says what was empty.
    case emptyInput(String)
    /// Rows of another width than the model's (e.g. χ of 577 numbers against a 325-wide PCA).
    case dimensionMismatch(expected: Int, got: Int, context: String)
    /// A NaN or infinity in the input, at (row, column) of the rows as given.
    case nonFiniteValue(row: Int, column: Int)
    /// A parameter outside its domain, e.g. `n_components = 0` or a variance fraction ≥ 1.
    case invalidParameter(name: String, value: String, reason: String)
    /// A LAPACK routine returned `info ≠ 0`.
    case lapackFailure(routine: String, info: Int32)

    public var description: String {
        switch self {
        case .emptyInput(let what): "no input: \(what)"
        case .dimensionMismatch(let expected, let got, let context): "\(context): expected \(expected) columns, got \(got)"
        case .nonFiniteValue(let row, let column): "non-finite value at row \(row), column \(column)"
        case .invalidParameter(let name, let value, let reason): "\(name) = \(value): \(reason)"
        case .lapackFailure(let routine, let info): "LAPACK \(routine) failed with info = \(info)"
        }
    }
}
