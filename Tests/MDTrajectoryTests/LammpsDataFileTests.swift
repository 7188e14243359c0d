import Foundation
import MDCore
import MDTrajectory
import Testing

/// Hand-written LAMMPS data files: every value read back. LAMMPS (22 Jul 2025) reads
/// ``orthogonalAtomic`` and ``triclinicFull`` too (checked by hand with `read_data`).
@Suite struct LammpsDataFileTests {
    /// Orthogonal, atomic, image flags, unsorted ids, comments everywhere, ignored header
    /// keywords, Masses and a Velocities section.
    static let orthogonalAtomic = """
        # Cu/Ag by hand: the title line is skipped even when it looks like a comment

        4 atoms   # trailing comment
        2 atom types
        0 bonds
        0 bond types

        -1.5 8.5 xlo xhi
        0.0 10.0 ylo yhi
        -2 18 zlo zhi

        Masses

        1 63.546 # Cu
        2 107.8682

        Atoms # atomic

        3 2 1.0 2.0 3.0 0 3 0
        1 1 0.5 0.25 -0.125 -1 0 0
        4 1 8.0 9.5 17.5 0 2 0 # trailing comment
        2 2 -1.0e-1 9E0 0 1 -1 0
        # a comment line between sections

        Velocities

        1 0.1 0.2 0.3
        2 0 0 0
        3 0 0 0
        4 0 0 0
        """

    @Test func orthogonalAtomicWithImageFlags() throws {
        let path = try FixturePaths.writeTemporary(Self.orthogonalAtomic, suffix: ".data")
        let data = try LammpsDataFile(path: path, periodicity: Periodicity(true, true, false))
        #expect(data.path == path)
        #expect(data.title == "# Cu/Ag by hand: the title line is skipped even when it looks like a comment")
        #expect(data.atomStyle == .atomic)
        #expect(data.atomCount == 4)
        #expect(data.atomTypeCount == 2)
        #expect(data.cell == Cell(
            a: SIMD3(10, 0, 0), b: SIMD3(0, 10, 0), c: SIMD3(0, 0, 20), origin: SIMD3(-1.5, 0, -2),
            periodicity: Periodicity(true, true, false)))
        #expect(data.ids == [1, 2, 3, 4])
        #expect(data.contiguousTags)
        #expect(data.types == [1, 2, 2, 1])
        #expect(data.positions == [0.5, 0.25, -0.125, -0.1, 9, 0, 1, 2, 3, 8, 9.5, 17.5])
        #expect(data.imageFlags == [-1, 0, 0, 1, -1, 0, 0, 3, 0, 0, 2, 0])
        #expect(data.masses == [63.546, 107.8682])
        #expect(data.typeLabels == nil)
        #expect(data.moleculeIDs == nil)
        #expect(data.charges == nil)
    }

    @Test func crlfLineEndingsReadTheSame() throws {
        let unix = try LammpsDataFile(
            path: FixturePaths.writeTemporary(Self.orthogonalAtomic, suffix: ".data"), periodicity: .all)
        let dos = try LammpsDataFile(
            path: FixturePaths.writeTemporary(Self.orthogonalAtomic.replacingOccurrences(of: "\n", with: "\r\n"), suffix: ".data"),
            periodicity: .all)
        var same = dos
        same.path = unix.path
        #expect(same == unix)
    }

    /// Triclinic, full, type labels (in Masses and Atoms), non-contiguous ids, no image
    /// flags, and Pair Coeffs, Bond Coeffs, Velocities and Bonds sections to skip.
    static let triclinicFull = """
        LAMMPS data file for one water molecule

        3 atoms
        2 atom types
        2 bonds
        1 bond types
        2 extra bond per atom

        0 4 xlo xhi
        1 6 ylo yhi
        2 9 zlo zhi
        0.5 -0.25 0.75 xy xz yz

        Atom Type Labels

        1 O
        2 H

        Pair Coeffs # lj/cut/coul/long

        1 0.1553 3.166
        2 0 0

        Masses

        O 15.9994
        H 1.008

        Bond Coeffs # harmonic

        1 450 1.0

        Atoms # full

        10 7 O -0.8476 1 2 3
        12 7 2 0.4238 1.5 2.5 3.5
        11 8 H 0.4238 0.5 1.5 2.5

        Velocities

        10 0 0 0
        11 0 0 0
        12 0 0 0

        Bonds

        1 1 10 11
        2 1 10 12
        """

    @Test func triclinicFullWithLabels() throws {
        let path = try FixturePaths.writeTemporary(Self.triclinicFull, suffix: ".data")
        let data = try LammpsDataFile(path: path, periodicity: .all)
        #expect(data.title == "LAMMPS data file for one water molecule")
        #expect(data.atomStyle == .full)
        #expect(data.atomCount == 3)
        #expect(data.atomTypeCount == 2)
        #expect(data.cell == Cell(
            a: SIMD3(4, 0, 0), b: SIMD3(0.5, 5, 0), c: SIMD3(-0.25, 0.75, 7), origin: SIMD3(0, 1, 2), periodicity: .all))
        #expect(data.ids == [10, 11, 12])
        #expect(!data.contiguousTags)
        #expect(data.types == [1, 2, 2])
        #expect(data.moleculeIDs == [7, 8, 7])
        #expect(data.charges == [-0.8476, 0.4238, 0.4238])
        #expect(data.positions == [1, 2, 3, 0.5, 1.5, 2.5, 1.5, 2.5, 3.5])
        #expect(data.imageFlags == nil)
        #expect(data.masses == [15.9994, 1.008])
        #expect(data.typeLabels == ["O", "H"])
    }

    /// A data file whose Atoms line names no style: `head`, then `lines` as the atoms.
    static func unnamed(_ lines: [String], style: String = "", types: Int = 2) -> String {
        """
        no style here

        \(lines.count) atoms
        \(types) atom types
        0 5 xlo xhi
        0 5 ylo yhi
        0 5 zlo zhi

        Atoms\(style)

        \(lines.joined(separator: "\n"))
        """
    }

    @Test func styleInferredFromFiveOrEightColumns() throws {
        let five = try LammpsDataFile(
            path: FixturePaths.writeTemporary(Self.unnamed(["2 1 1 2 3", "1 2 4 5 6"]), suffix: ".data"), periodicity: .all)
        #expect(five.atomStyle == .atomic)
        #expect(five.ids == [1, 2])
        #expect(five.types == [2, 1])
        #expect(five.positions == [4, 5, 6, 1, 2, 3])
        #expect(five.imageFlags == nil)

        let eight = try LammpsDataFile(
            path: FixturePaths.writeTemporary(Self.unnamed(["1 1 1 2 3 0 0 -3", "2 2 4 5 6 7 0 0"]), suffix: ".data"),
            periodicity: .all)
        #expect(eight.atomStyle == .atomic)
        #expect(eight.positions == [1, 2, 3, 4, 5, 6])
        #expect(eight.imageFlags == [0, 0, -3, 7, 0, 0])
    }

    @Test(arguments: [
        (LammpsDataFile.AtomStyle.charge, ["1 1 -0.5 1 2 3", "2 2 0.5 4 5 6"], [Int64]?.none, [-0.5, 0.5] as [Double]?),
        (.full, ["1 4 1 -0.5 1 2 3", "2 5 2 0.5 4 5 6"], [4, 5], [-0.5, 0.5]),
        (.molecular, ["1 4 1 1 2 3", "2 5 2 4 5 6"], [4, 5], nil),
        (.bond, ["1 4 1 1 2 3", "2 5 2 4 5 6"], [4, 5], nil),
        (.angle, ["1 4 1 1 2 3 1 1 1", "2 5 2 4 5 6 0 0 0"], [4, 5], nil),
    ])
    func styleFromTheParameter(style: LammpsDataFile.AtomStyle, lines: [String], molecules: [Int64]?, charges: [Double]?) throws {
        let path = try FixturePaths.writeTemporary(Self.unnamed(lines), suffix: ".data")
        let data = try LammpsDataFile(path: path, periodicity: .all, atomStyle: style)
        #expect(data.atomStyle == style)
        #expect(data.ids == [1, 2])
        #expect(data.types == [1, 2])
        #expect(data.positions == [1, 2, 3, 4, 5, 6])
        #expect(data.moleculeIDs == molecules)
        #expect(data.charges == charges)
        #expect(data.imageFlags == (lines[0].split(separator: " ").count > style.columnCount ? [1, 1, 1, 0, 0, 0] : nil))

        // The same file naming its style agrees with the parameter and with no parameter.
        let named = try FixturePaths.writeTemporary(Self.unnamed(lines, style: " # \(style.rawValue)"), suffix: ".data")
        #expect(try LammpsDataFile(path: named, periodicity: .all, atomStyle: style).atomStyle == style)
        let fromComment = try LammpsDataFile(path: named, periodicity: .all)
        #expect(fromComment.atomStyle == style)
        #expect(fromComment.positions == data.positions)
    }

    @Test func columnNames() {
        #expect(LammpsDataFile.AtomStyle.atomic.columnNames == ["id", "type", "x", "y", "z"])
        #expect(LammpsDataFile.AtomStyle.charge.columnNames == ["id", "type", "q", "x", "y", "z"])
        #expect(LammpsDataFile.AtomStyle.full.columnNames == ["id", "mol", "type", "q", "x", "y", "z"])
        for style in [LammpsDataFile.AtomStyle.molecular, .bond, .angle] {
            #expect(style.columnNames == ["id", "mol", "type", "x", "y", "z"])
        }
        #expect(LammpsDataFile.AtomStyle.full.columnCount == 7)
    }

    @Test func noAtomsAndDefaultBox() throws {
        // LAMMPS's default box is -0.5 … 0.5 on an axis without its line; with 0 atoms the
        // Atoms section may be absent.
        let path = try FixturePaths.writeTemporary("empty box\n\n0 atoms\n1 atom types\n0 3 ylo yhi\n", suffix: ".data")
        let data = try LammpsDataFile(path: path, periodicity: .none)
        #expect(data.atomCount == 0)
        #expect(data.contiguousTags)
        #expect(data.atomTypeCount == 1)
        #expect(data.cell == Cell.orthogonal(SIMD3(1, 3, 1), origin: SIMD3(-0.5, 0, -0.5), periodicity: .none))
        #expect(data.ids.isEmpty && data.types.isEmpty && data.positions.isEmpty)
        #expect(data.masses == nil && data.imageFlags == nil)

        let titleOnly = try LammpsDataFile(path: FixturePaths.writeTemporary("just a title", suffix: ".data"), periodicity: .all)
        #expect(titleOnly.title == "just a title")
        #expect(titleOnly.atomCount == 0 && titleOnly.atomTypeCount == 0)
    }

    @Test func emptyAtomsSectionNamesItsStyle() throws {
        let path = try FixturePaths.writeTemporary(Self.unnamed([], style: " # full"), suffix: ".data")
        let data = try LammpsDataFile(path: path, periodicity: .all)
        #expect(data.atomCount == 0)
        #expect(data.atomStyle == .full)
        #expect(data.moleculeIDs == [] && data.charges == [])
    }

    @Test func unknownSectionsAreSkipped() throws {
        // A fix-defined section (fix cmap's CMAP with its 'crossterms' header line) between
        // known ones, and sections that come before Atoms.
        let text = """
            cmap

            2 atoms
            1 atom types
            1 crossterms
            0 1 xlo xhi
            0 1 ylo yhi
            0 1 zlo zhi

            Masses

            1 12.011

            CMAP

            1 1 1 2 1 2 1

            Atoms # molecular

            1 1 1 0.1 0.2 0.3
            2 1 1 0.4 0.5 0.6
            """
        let data = try LammpsDataFile(path: FixturePaths.writeTemporary(text, suffix: ".data"), periodicity: .all)
        #expect(data.atomStyle == .molecular)
        #expect(data.moleculeIDs == [1, 1])
        #expect(data.positions == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
        #expect(data.masses == [12.011])
    }
}
