/// Why a frame is not fit for analysis. Each case names the offending atom or field.
public enum FrameValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An array's length disagrees with the atom count.
    case arrayLength(name: String, expected: Int, actual: Int)
    /// A position or velocity component is NaN or infinite.
    case nonFinite(array: String, atomIndex: Int, id: Int64)
    /// Two atoms share an id.
    case duplicateID(Int64, firstIndex: Int, secondIndex: Int)
    /// A type index outside `0 ..< species.count`.
    case typeOutOfRange(atomIndex: Int, type: Int32, speciesCount: Int)
    /// A periodic axis but no cell.
    case missingCell(periodicity: Periodicity)
    /// The cell has NaN or infinite entries.
    case nonFiniteCell
    /// The periodic cell vectors are zero or linearly dependent.
    case degenerateCell(independence: Double, periodicity: Periodicity)
    /// A time that is NaN or infinite.
    case nonFiniteTime

    /// A short stable code for counters (`rejected{reason=...}`).
    public var code: String {
        switch self {
        case .arrayLength: return "array-size"
        case .nonFinite: return "non-finite"
        case .duplicateID: return "duplicate-id"
        case .typeOutOfRange: return "type-range"
        case .missingCell: return "missing-cell"
        case .nonFiniteCell: return "non-finite-cell"
        case .degenerateCell: return "degenerate-cell"
        case .nonFiniteTime: return "non-finite-time"
        }
    }

    public var description: String {
        switch self {
        case let .arrayLength(name, expected, actual):
            return "array '\(name)' has \(actual) values, expected \(expected)"
        case let .nonFinite(array, index, id):
            return "non-finite \(array) for atom index \(index) (id \(id))"
        case let .duplicateID(id, first, second):
            return "duplicate atom id \(id) at indices \(first) and \(second)"
        case let .typeOutOfRange(index, type, count):
            return "atom index \(index) has type index \(type), outside 0..<\(count) species"
        case let .missingCell(p):
            return "periodic axes (\(p)) but no cell"
        case .nonFiniteCell:
            return "cell has non-finite entries"
        case let .degenerateCell(independence, p):
            return "degenerate cell along periodic axes (\(p)): independence \(independence)"
        case .nonFiniteTime:
            return "time is not finite"
        }
    }
}
