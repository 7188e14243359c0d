import MDCore

extension LammpsDataFile {
    /// The header of a data file (the lines between the title and the first section): the
    /// counts and box lines the reader uses, with the line each came from for later messages.
    ///
    /// A header line is numbers followed by a keyword (`108 atoms`, `0 7.23 xlo xhi`,
    /// `1.8 -1.4 1.1 xy xz yz`). The topology counts (`bonds`, `angle types`, `extra special
    /// per atom`, …) are accepted and ignored; an unknown keyword is an error, as in LAMMPS.
    struct Header: Sendable {
        /// `N atoms` and its line.
        var atomCount: Int?
        var atomCountLine = 0
        /// `N atom types` and its line.
        var atomTypeCount: Int?
        var atomTypeCountLine = 0
        /// Box bounds; an axis without its line keeps LAMMPS's default −0.5 … 0.5.
        var low = SIMD3<Double>(repeating: -0.5)
        var high = SIMD3<Double>(repeating: 0.5)
        /// `xy xz yz`, when the box is triclinic.
        var tilts: SIMD3<Double>?

        /// Header keywords that take one integer and are not needed here.
        static let ignoredKeywords: Set<String> = [
            "bonds", "angles", "dihedrals", "impropers",
            "bond types", "angle types", "dihedral types", "improper types",
            "extra bond per atom", "extra angle per atom", "extra dihedral per atom",
            "extra improper per atom", "extra special per atom",
            "ellipsoids", "lines", "triangles", "bodies",
            "crossterms",  // fix cmap
        ]

        /// Applies one header line: `values` are its leading numbers as written, `keyword` the
        /// words after them joined by single spaces.
        mutating func apply(keyword: String, values: [String], line: Int) throws(TextParsingIssue) {
            switch keyword {
            case "atoms":
                atomCount = try Self.count(keyword, values)
                atomCountLine = line
            case "atom types":
                let n = try Self.count(keyword, values)
                guard n <= Int(Int32.max) else {
                    throw TextParsingIssue(.unsupported, "atom types: \(n) types are more than this reader holds (\(Int32.max))")
                }
                atomTypeCount = n
                atomTypeCountLine = line
            case "xlo xhi", "ylo yhi", "zlo zhi":
                let v = try Self.numbers(keyword, values, 2)
                guard v[1] > v[0] else {
                    throw TextParsingIssue(.format, "\(keyword): the upper bound \(values[1]) is not above the lower bound \(values[0])")
                }
                let axis = keyword == "xlo xhi" ? 0 : keyword == "ylo yhi" ? 1 : 2
                low[axis] = v[0]
                high[axis] = v[1]
            case "xy xz yz":
                let v = try Self.numbers(keyword, values, 3)
                tilts = SIMD3(v[0], v[1], v[2])
            case "avec", "bvec", "cvec", "abc origin":
                throw TextParsingIssue(
                    .unsupported,
                    "general triclinic boxes ('\(keyword)') are not supported: LAMMPS runs (and IMD sends) them rotated to its restricted frame; write the data file without 'triclinic/general'")
            default:
                guard Self.ignoredKeywords.contains(keyword) else {
                    throw TextParsingIssue(.format, "unknown header keyword '\(keyword)'")
                }
                _ = try Self.count(keyword, values)
            }
        }

        /// The cell of the box lines: `a = (xhi−xlo, 0, 0)`, `b = (xy, yhi−ylo, 0)`,
        /// `c = (xz, yz, zhi−zlo)`, origin `(xlo, ylo, zlo)` (a data file gives the box itself,
        /// not the bounding box of a dump).
        func cell(periodicity: Periodicity) -> Cell {
            let l = high - low
            let t = tilts ?? .zero
            return Cell(
                a: SIMD3(l.x, 0, 0), b: SIMD3(t.x, l.y, 0), c: SIMD3(t.y, t.z, l.z),
                origin: low, periodicity: periodicity)
        }

        /// The single non-negative integer of a count line.
        private static func count(_ keyword: String, _ values: [String]) throws(TextParsingIssue) -> Int {
            guard values.count == 1 else {
                throw TextParsingIssue(.format, "\(keyword): expected one integer before '\(keyword)', got \(values.count) values")
            }
            guard let v = Int(values[0]), v >= 0 else {
                throw TextParsingIssue(.format, "\(keyword): expected a non-negative integer, got '\(values[0])'")
            }
            return v
        }

        /// The `n` finite numbers of a box line.
        private static func numbers(_ keyword: String, _ values: [String], _ n: Int) throws(TextParsingIssue) -> [Double] {
            guard values.count == n else {
                throw TextParsingIssue(.format, "\(keyword): expected \(n) numbers before '\(keyword)', got \(values.count)")
            }
            var result: [Double] = []
            for s in values {
                guard let v = Double(s), v.isFinite else {
                    throw TextParsingIssue(.format, "\(keyword): '\(s)' is not a finite number")
                }
                result.append(v)
            }
            return result
        }
    }
}
