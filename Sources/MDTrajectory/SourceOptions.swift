import MDCore

/// What the user tells a reader about things the file does not carry. Shared by every reader
/// and every publisher (`--species`, `--dt`, `--pbc`).
public struct SourceOptions: Sendable, Hashable {
    /// Numeric LAMMPS type → element name (`--species 1=Cu,2=O`). Takes precedence over
    /// names in the file only when the file has none.
    public var speciesMap: [Int: String]
    /// MD time per step, ps (`--dt`). Used when the file has steps but no times.
    public var timestep: Double?
    /// Periodicity to assume when the file does not say (LAMMPS dumps do say; extxyz
    /// without `pbc=` defaults to periodic when a `Lattice` is given, as ASE does).
    public var periodicity: Periodicity?

    public init(speciesMap: [Int: String] = [:], timestep: Double? = nil, periodicity: Periodicity? = nil) {
        self.speciesMap = speciesMap
        self.timestep = timestep
        self.periodicity = periodicity
    }

    /// Parses `1=Cu,2=O` (the `--species` option).
    public static func parseSpeciesMap(_ text: String) throws(SourceOptionsError) -> [Int: String] {
        var map: [Int: String] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard parts.count == 2, let type = Int(parts[0]), !parts[1].isEmpty else {
                throw SourceOptionsError("bad --species entry '\(item)': expected TYPE=NAME, e.g. 1=Cu")
            }
            if map[type] != nil {
                throw SourceOptionsError("type \(type) is given twice in --species")
            }
            map[type] = String(parts[1])
        }
        return map
    }
}

/// A malformed command-line source option.
public struct SourceOptionsError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
