/// What each column of a LAMMPS `ITEM: ATOMS` line holds, decided once per header.
///
/// Positions come from the first complete triple in the order `x y z` (wrapped), `xu yu zu`
/// (unwrapped), `xs ys zs` (scaled), `xsu ysu zsu` (scaled unwrapped), as ASE does; other
/// columns (forces, charges, computes) are ignored.
struct LammpsColumnLayout: Sendable, Equatable {
    /// The meaning of one column.
    enum Role: UInt8, Sendable {
        case ignored, id, type, label, x, y, z, vx, vy, vz
    }

    /// Where positions come from.
    enum Coordinates: String, Sendable {
        case wrapped = "x y z"
        case unwrapped = "xu yu zu"
        case scaled = "xs ys zs"
        case scaledUnwrapped = "xsu ysu zsu"

        /// `true` for fractional coordinates (multiply by the cell).
        var isScaled: Bool { self == .scaled || self == .scaledUnwrapped }
    }

    /// Which column names species.
    enum SpeciesColumn: Sendable, Equatable {
        /// `element`: names.
        case element
        /// `type`: numbers (or LAMMPS type labels, found when reading the first atom).
        case type
        /// Neither: every atom is type 1.
        case none
    }

    var names: [String]
    var roles: [Role]
    var coordinates: Coordinates
    var hasID: Bool
    var hasVelocities: Bool
    var species: SpeciesColumn

    /// The layout of the column names after `ITEM: ATOMS`.
    static func parse(names: [String]) -> Result<LammpsColumnLayout, TextParsingIssue> {
        if names.isEmpty { return .failure(.init(.format, "ITEM: ATOMS names no columns")) }
        var roles = [Role](repeating: .ignored, count: names.count)
        func index(_ name: String) -> Int? { names.firstIndex(of: name) }
        var coordinates: Coordinates?
        let triples: [(Coordinates, [String])] = [
            (.wrapped, ["x", "y", "z"]), (.unwrapped, ["xu", "yu", "zu"]),
            (.scaled, ["xs", "ys", "zs"]), (.scaledUnwrapped, ["xsu", "ysu", "zsu"]),
        ]
        for (kind, triple) in triples {
            let found = triple.compactMap(index)
            if found.count == 3 {
                coordinates = kind
                roles[found[0]] = .x
                roles[found[1]] = .y
                roles[found[2]] = .z
                break
            }
        }
        guard let coordinates else {
            return .failure(.init(.format, "ITEM: ATOMS has no position columns (x y z, xu yu zu, xs ys zs or xsu ysu zsu)"))
        }
        let velocityColumns = ["vx", "vy", "vz"].compactMap(index)
        let hasVelocities = velocityColumns.count == 3
        if hasVelocities {
            roles[velocityColumns[0]] = .vx
            roles[velocityColumns[1]] = .vy
            roles[velocityColumns[2]] = .vz
        }
        let idColumn = index("id")
        if let idColumn { roles[idColumn] = .id }
        var species = SpeciesColumn.none
        if let e = index("element") {
            roles[e] = .label
            species = .element
        } else if let t = index("type") {
            roles[t] = .type
            species = .type
        }
        return .success(
            LammpsColumnLayout(
                names: names, roles: roles, coordinates: coordinates, hasID: idColumn != nil,
                hasVelocities: hasVelocities, species: species))
    }
}
