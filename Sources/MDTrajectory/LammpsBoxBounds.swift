import MDCore

/// The `ITEM: BOX BOUNDS` section of a LAMMPS dump: its header words and the conversion of
/// its three lines to a ``Cell``.
///
/// Three forms exist:
/// - orthogonal, `ITEM: BOX BOUNDS pp pp ff`, lines `lo hi`;
/// - restricted triclinic, `ITEM: BOX BOUNDS xy xz yz pp pp pp`, lines `lo_bound hi_bound
///   tilt`: the bounds are those of the *bounding box* of the parallelepiped, so
///   `xlo = xlo_bound − min(0, xy, xz, xy+xz)`, `xhi = xhi_bound − max(0, xy, xz, xy+xz)`,
///   `ylo = ylo_bound − min(0, yz)`, `yhi = yhi_bound − max(0, yz)` and the cell is
///   `a = (xhi−xlo, 0, 0)`, `b = (xy, yhi−ylo, 0)`, `c = (xz, yz, zhi−zlo)`;
/// - general triclinic (LAMMPS ≥ 17Apr2024), `ITEM: BOX BOUNDS abc origin pp pp pp`, lines
///   `ax ay az ox`, `bx by bz oy`, `cx cy cz oz`: the cell vectors and the origin directly.
///
/// Each boundary word is two letters (lower, upper face); an axis is periodic only for
/// `pp`, and `f`, `s`, `m` in any pairing mean a non-periodic axis.
struct LammpsBoxBounds: Sendable, Equatable {
    enum Shape: Sendable, Equatable {
        case orthogonal
        /// Positions of `xy`, `xz`, `yz` among the three tilt values (line order).
        case restrictedTriclinic(xy: Int, xz: Int, yz: Int)
        case general
    }

    var shape: Shape
    /// `nil` when the header has no boundary words (dumps older than 2009).
    var periodicity: Periodicity?

    /// Numbers expected on each of the three lines.
    var valuesPerLine: Int {
        switch shape {
        case .orthogonal: return 2
        case .restrictedTriclinic: return 3
        case .general: return 4
        }
    }

    /// Parses the words after `ITEM: BOX BOUNDS`; the error is a message for the user.
    static func parse(words: [String]) -> Result<LammpsBoxBounds, TextParsingIssue> {
        var rest = words[...]
        var shape = Shape.orthogonal
        if rest.first == "abc" {
            guard rest.dropFirst().first == "origin" else {
                return .failure(.init(.format, "expected 'abc origin' in ITEM: BOX BOUNDS"))
            }
            shape = .general
            rest = rest.dropFirst(2)
        } else if let first = rest.first, ["xy", "xz", "yz"].contains(first) {
            let labels = Array(rest.prefix(3))
            guard let ixy = labels.firstIndex(of: "xy"), let ixz = labels.firstIndex(of: "xz"),
                let iyz = labels.firstIndex(of: "yz")
            else {
                return .failure(.init(.format, "expected the tilt labels 'xy xz yz' in ITEM: BOX BOUNDS"))
            }
            shape = .restrictedTriclinic(xy: ixy, xz: ixz, yz: iyz)
            rest = rest.dropFirst(3)
        }
        if rest.isEmpty { return .success(LammpsBoxBounds(shape: shape, periodicity: nil)) }
        guard rest.count == 3 else {
            return .failure(.init(.format, "expected three boundary words (e.g. 'pp pp ff') in ITEM: BOX BOUNDS, found \(rest.count)"))
        }
        var periodicity = Periodicity.none
        for (axis, word) in rest.enumerated() {
            let letters = Array(word.utf8)
            let legal: Set<UInt8> = [UInt8(ascii: "p"), UInt8(ascii: "f"), UInt8(ascii: "s"), UInt8(ascii: "m")]
            guard letters.count == 2, letters.allSatisfy(legal.contains) else {
                return .failure(.init(.format, "unknown boundary '\(word)' in ITEM: BOX BOUNDS (expected two of p, f, s, m)"))
            }
            let periodicLetters = letters.filter { $0 == UInt8(ascii: "p") }.count
            if periodicLetters == 1 {
                return .failure(.init(.format, "boundary '\(word)' is periodic on one face only"))
            }
            periodicity[axis] = periodicLetters == 2
        }
        return .success(LammpsBoxBounds(shape: shape, periodicity: periodicity))
    }

    /// The cell of three lines of `valuesPerLine` numbers each, flattened row by row.
    func cell(values v: [Double], defaultPeriodicity: Periodicity) -> Cell {
        let pbc = periodicity ?? defaultPeriodicity
        switch shape {
        case .orthogonal:
            return Cell.orthogonal(
                SIMD3(v[1] - v[0], v[3] - v[2], v[5] - v[4]), origin: SIMD3(v[0], v[2], v[4]), periodicity: pbc)
        case let .restrictedTriclinic(ixy, ixz, iyz):
            let tilts = [v[2], v[5], v[8]]
            let xy = tilts[ixy], xz = tilts[ixz], yz = tilts[iyz]
            let xlo = v[0] - min(0, xy, xz, xy + xz)
            let xhi = v[1] - max(0, xy, xz, xy + xz)
            let ylo = v[3] - min(0, yz)
            let yhi = v[4] - max(0, yz)
            let zlo = v[6], zhi = v[7]
            return Cell(
                a: SIMD3(xhi - xlo, 0, 0), b: SIMD3(xy, yhi - ylo, 0), c: SIMD3(xz, yz, zhi - zlo),
                origin: SIMD3(xlo, ylo, zlo), periodicity: pbc)
        case .general:
            return Cell(
                a: SIMD3(v[0], v[1], v[2]), b: SIMD3(v[4], v[5], v[6]), c: SIMD3(v[8], v[9], v[10]),
                origin: SIMD3(v[3], v[7], v[11]), periodicity: pbc)
        }
    }
}
