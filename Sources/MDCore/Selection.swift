/// An atom selection, written the same way on the command line and in configuration files:
///
///     all | none
///     id 1-900            id 1 5 7-9,12        (atom ids, inclusive ranges)
///     type 1              type 1 2             (LAMMPS type numbers)
///     element Cu          element O H          (species names)
///     x < 10.5   y >= 3   z > 12.0             (Cartesian coordinate, Å, as given in the frame)
///     A and B    A or B    not A    ( A )      (`and` binds tighter than `or`)
///
/// A selection is resolved once, on the first frame of a segment, into a list of atom ids
/// (``resolve(in:typeNames:)``); that list, not the rule, is what analyses keep using, so
/// atoms that later move across a coordinate threshold stay selected.
public indirect enum Selection: Sendable, Equatable, CustomStringConvertible {
    case all
    case none
    /// Inclusive id ranges.
    case ids([ClosedRange<Int64>])
    /// LAMMPS type numbers.
    case types([Int])
    /// Species names.
    case elements([String])
    /// A coordinate compared with a value (Å).
    case coordinate(axis: Int, comparison: Comparison, value: Double)
    case and(Selection, Selection)
    case or(Selection, Selection)
    case not(Selection)

    /// A comparison operator of coordinate rules.
    public enum Comparison: String, Sendable, Equatable, CaseIterable {
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="

        func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            }
        }
    }

    /// Parses the selection grammar above.
    public init(parsing text: String) throws(SelectionError) {
        var parser = SelectionParser(text: text)
        self = try parser.parse()
    }

    /// Canonical text (parses back to an equal selection).
    public var description: String {
        switch self {
        case .all: return "all"
        case .none: return "none"
        case let .ids(ranges):
            return "id " + ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: " ")
        case let .types(t): return "type " + t.map(String.init).joined(separator: " ")
        case let .elements(e): return "element " + e.joined(separator: " ")
        case let .coordinate(axis, comparison, value):
            return "\(["x", "y", "z"][axis]) \(comparison.rawValue) \(value)"
        case let .and(a, b): return "(\(a) and \(b))"
        case let .or(a, b): return "(\(a) or \(b))"
        case let .not(a): return "not \(a)"
        }
    }

    /// Whether each atom of `frame` is selected, in frame order.
    /// - Parameter typeNames: LAMMPS type number → species name, for `type N` rules when the
    ///   frame's species carry element names (`--species 1=Cu`); without it `type N` matches
    ///   species named `typeN`.
    public func mask(in frame: Frame, typeNames: [Int: String] = [:]) -> [Bool] {
        (0..<frame.atomCount).map { matches(atom: $0, in: frame, typeNames: typeNames) }
    }

    /// The ids of the selected atoms, ascending.
    public func resolve(in frame: Frame, typeNames: [Int: String] = [:]) -> [Int64] {
        let m = mask(in: frame, typeNames: typeNames)
        return zip(frame.ids, m).compactMap { $1 ? $0 : nil }.sorted()
    }

    /// Whether atom `i` (position in the frame) is selected.
    public func matches(atom i: Int, in frame: Frame, typeNames: [Int: String] = [:]) -> Bool {
        switch self {
        case .all: return true
        case .none: return false
        case let .ids(ranges):
            let id = frame.ids[i]
            return ranges.contains { $0.contains(id) }
        case let .types(numbers):
            let name = frame.species[Int(frame.types[i])]
            return numbers.contains { name == "type\($0)" || typeNames[$0] == name }
        case let .elements(names):
            return names.contains(frame.species[Int(frame.types[i])])
        case let .coordinate(axis, comparison, value):
            return comparison.holds(frame.positions[3 * i + axis], value)
        case let .and(a, b):
            return a.matches(atom: i, in: frame, typeNames: typeNames) && b.matches(atom: i, in: frame, typeNames: typeNames)
        case let .or(a, b):
            return a.matches(atom: i, in: frame, typeNames: typeNames) || b.matches(atom: i, in: frame, typeNames: typeNames)
        case let .not(a):
            return !a.matches(atom: i, in: frame, typeNames: typeNames)
        }
    }
}
