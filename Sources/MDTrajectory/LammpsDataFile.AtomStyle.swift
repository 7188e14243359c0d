extension LammpsDataFile {
    /// The LAMMPS atom styles whose `Atoms` lines ``LammpsDataFile`` decodes, and which
    /// columns hold the id, the type and `x y z` in each (the `read_data` table of styles).
    ///
    /// Every style may be followed by three integer image flags `ix iy iz`. Other styles
    /// (`sphere`, `dipole`, `hybrid`, …) are reported as unsupported.
    public enum AtomStyle: String, Sendable, CaseIterable {
        /// `id type x y z`
        case atomic
        /// `id type q x y z`
        case charge
        /// `id mol type q x y z`
        case full
        /// `id mol type x y z`
        case molecular
        /// `id mol type x y z`
        case bond
        /// `id mol type x y z`
        case angle

        /// The names of the columns, without image flags.
        public var columnNames: [String] {
            switch self {
            case .atomic: return ["id", "type", "x", "y", "z"]
            case .charge: return ["id", "type", "q", "x", "y", "z"]
            case .full: return ["id", "mol", "type", "q", "x", "y", "z"]
            case .molecular, .bond, .angle: return ["id", "mol", "type", "x", "y", "z"]
            }
        }

        /// Number of columns without image flags.
        public var columnCount: Int { columnNames.count }

        /// 0-based column of the atom type.
        var typeColumn: Int { columnNames.firstIndex(of: "type")! }
        /// 0-based column of `x` (`y` and `z` follow it).
        var xColumn: Int { columnNames.firstIndex(of: "x")! }
        /// 0-based column of the molecule id, if the style has one.
        var moleculeColumn: Int? { columnNames.firstIndex(of: "mol") }
        /// 0-based column of the charge, if the style has one.
        var chargeColumn: Int? { columnNames.firstIndex(of: "q") }

        /// `atomic: id type x y z`, with ` ix iy iz` appended when `imageFlags`.
        func describeColumns(imageFlags: Bool) -> String {
            "\(rawValue): \(columnNames.joined(separator: " "))\(imageFlags ? " ix iy iz" : "")"
        }

        /// The style of `Atoms` lines with `count` columns when nothing names it: only 5 and
        /// 8 columns (`atomic`, without and with image flags) are unambiguous among all LAMMPS
        /// styles; for any other count the issue says which supported styles would fit.
        static func inferred(columnCount count: Int) -> Result<AtomStyle, TextParsingIssue> {
            if count == 5 || count == 8 { return .success(.atomic) }
            var candidates: [String] = []
            for (columns, styles) in [(6, "charge: id type q x y z, or molecular/bond/angle: id mol type x y z"),
                                      (7, "full: id mol type q x y z")] {
                if count == columns { candidates.append(styles) }
                if count == columns + 3 { candidates.append("\(styles), each with ix iy iz") }
            }
            let fits = candidates.isEmpty
                ? "no supported style (\(allCases.map(\.rawValue).joined(separator: ", "))) has \(count) columns, with or without image flags"
                : "it could be \(candidates.joined(separator: "; ")), among other LAMMPS styles"
            return .failure(.init(
                .format,
                "Atoms: cannot tell the atom style from \(count) columns (\(fits)); name it on the section line (e.g. 'Atoms # full') or pass atomStyle"))
        }
    }
}
