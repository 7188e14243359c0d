import MDCore

/// Why a neighbour search cannot run. Each case names the offending value, atom or axis.
public enum GeometryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which index list an out-of-range or duplicate index came from.
    public enum IndexList: String, Sendable, Equatable {
        /// The list of centres searched around.
        case centres
        /// The list of atoms that may be neighbours.
        case environment
    }

    /// The cutoff is zero, negative, NaN or infinite (Å).
    case invalidCutoff(Double)
    /// The positions array does not hold `3 × N` values.
    case positionCount(Int)
    /// More atoms than an `Int32` index can address.
    case tooManyAtoms(Int)
    /// A centre or environment entry outside `0 ..< atomCount`; `position` is its place in
    /// the list.
    case indexOutOfRange(list: IndexList, position: Int, index: Int32, atomCount: Int)
    /// The same atom appears twice in the environment (it would be listed twice).
    case duplicateEnvironmentIndex(Int32)
    /// A position of an atom used by the search (centre or environment) is NaN or infinite.
    case nonFinitePosition(atomIndex: Int)
    /// The cell has NaN or infinite entries.
    case nonFiniteCell
    /// The periodic cell vectors are zero or linearly dependent (``Cell/periodicIndependence``).
    case degenerateCell(independence: Double, periodicity: Periodicity)
    /// The cell is so thin along `axis` compared with the cutoff that one centre would have
    /// to visit more than ``NeighbourSearch/maximumImageVisits`` periodic images.
    case tooManyImages(axis: Int, perpendicularWidth: Double, cutoff: Double)

    /// A short stable code for counters and logs.
    public var code: String {
        switch self {
        case .invalidCutoff: return "invalid-cutoff"
        case .positionCount: return "position-count"
        case .tooManyAtoms: return "too-many-atoms"
        case .indexOutOfRange: return "index-range"
        case .duplicateEnvironmentIndex: return "duplicate-environment-index"
        case .nonFinitePosition: return "non-finite-position"
        case .nonFiniteCell: return "non-finite-cell"
        case .degenerateCell: return "degenerate-cell"
        case .tooManyImages: return "too-many-images"
        }
    }

    public var description: String {
        switch self {
        case let .invalidCutoff(r):
            return "cutoff \(r) Å is not a positive finite number"
        case let .positionCount(n):
            return "positions hold \(n) values, not a multiple of 3"
        case let .tooManyAtoms(n):
            return "\(n) atoms exceed the Int32 index range"
        case let .indexOutOfRange(list, position, index, count):
            return "\(list.rawValue)[\(position)] = \(index) is outside 0..<\(count)"
        case let .duplicateEnvironmentIndex(index):
            return "atom index \(index) appears twice in the environment"
        case let .nonFinitePosition(index):
            return "non-finite position for atom index \(index)"
        case .nonFiniteCell:
            return "cell has non-finite entries"
        case let .degenerateCell(independence, p):
            return "degenerate cell along periodic axes (\(p)): independence \(independence)"
        case let .tooManyImages(axis, width, cutoff):
            return "cell axis \(axis) is \(width) Å wide, too thin for a \(cutoff) Å cutoff"
        }
    }
}
