import Foundation
import MDCore
import MDTrajectory
import Testing

/// Malformed data files: each error names the file and the line, says what was expected,
/// and has the right kind.
@Suite struct LammpsDataFileErrorTests {
    /// A valid file; the cases edit its lines (1-based numbers in the comments).
    static let base = [
        "error cases",  // 1
        "",  // 2
        "3 atoms",  // 3
        "2 atom types",  // 4
        "",  // 5
        "0 10 xlo xhi",  // 6
        "0 10 ylo yhi",  // 7
        "0 10 zlo zhi",  // 8
        "",  // 9
        "Atoms # atomic",  // 10
        "",  // 11
        "1 1 1 1 1",  // 12
        "2 2 2 2 2",  // 13
        "3 1 3 3 3",  // 14
        "",  // 15
        "Velocities",  // 16
        "",  // 17
        "1 0 0 0",  // 18
        "2 0 0 0",  // 19
        "3 0 0 0",  // 20
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Line number → new text (`nil` deletes the line); applied to ``base``.
        var edits: [Int: String?] = [:]
        /// Lines inserted after line `after` (0: at the top), applied after the edits, by the
        /// original numbering.
        var insert: (after: Int, lines: [String])?
        var atomStyle: LammpsDataFile.AtomStyle?
        /// The line the error must name (`nil`: none).
        var line: Int?
        var kind: TrajectoryError.Kind = .format
        var message: String

        var testDescription: String { name }

        var text: String {
            var out: [String] = []
            if let insert, insert.after == 0 { out += insert.lines }
            for (k, original) in LammpsDataFileErrorTests.base.enumerated() {
                let number = k + 1
                if let edit = edits[number] {
                    if let edit { out.append(edit) }
                } else {
                    out.append(original)
                }
                if let insert, insert.after == number { out += insert.lines }
            }
            return out.joined(separator: "\n") + "\n"
        }
    }

    static let cases: [Case] = [
        // Atoms lines
        Case(name: "columns", edits: [14: "3 1 3 3"], line: 14,
             message: "Atoms: expected 5 columns (atomic: id type x y z), got 4"),
        Case(name: "columns on the first line", edits: [12: "1 1 1 1"], line: 12,
             message: "Atoms: expected 5 or 8 columns (atomic: id type x y z, then optionally ix iy iz), got 4"),
        Case(name: "image flags on some lines only", edits: [12: "1 1 1 1 1 0 0 0"], line: 13,
             message: "Atoms: expected 8 columns (atomic: id type x y z ix iy iz), got 5"),
        Case(name: "not a number", edits: [13: "2 2 2 1.2.3 2"], line: 13,
             message: "Atoms: column 4 (y) is not a finite number: '1.2.3'"),
        Case(name: "not a finite number", edits: [13: "2 2 2 2 nan"], line: 13,
             message: "Atoms: column 5 (z) is not a finite number: 'nan'"),
        Case(name: "image flag not an integer", edits: [12: "1 1 1 1 1 0 0 0.5"], line: 12,
             message: "Atoms: column 8 (iz) is not an integer image flag: '0.5'"),
        Case(name: "id zero", edits: [12: "0 1 1 1 1"], line: 12,
             message: "Atoms: column 1 (id) is not a positive integer: '0'"),
        Case(name: "duplicate id", edits: [14: "2 1 3 3 3"], line: 14,
             message: "Atoms: duplicate atom id 2 (first on line 13)"),
        Case(name: "duplicate id out of order", edits: [12: "3 1 1 1 1", 14: "1 1 3 3 3", 13: "3 2 2 2 2"], line: 13,
             message: "Atoms: duplicate atom id 3 (first on line 12)"),
        Case(name: "type above atom types", edits: [13: "2 3 2 2 2"], line: 13,
             message: "Atoms: type 3 is out of range (the header's 2 atom types, line 4)"),
        Case(name: "type zero", edits: [13: "2 0 2 2 2"], line: 13,
             message: "Atoms: type 0 is out of range (the header's 2 atom types, line 4)"),
        Case(name: "type label without labels", edits: [13: "2 Cu 2 2 2"], line: 13,
             message: "Atoms: type 'Cu' is neither a number nor an atom type label (no Atom Type Labels section before this one)"),
        Case(name: "unknown type label", edits: [13: "2 Ag 2 2 2"],
             insert: (after: 9, lines: ["Atom Type Labels", "", "1 Cu", "2 O", ""]), line: 18,
             message: "Atoms: type 'Ag' is neither a number nor an atom type label (labels: Cu, O)"),

        // counts
        Case(name: "fewer atoms than the header", edits: [14: nil], line: 15,
             message: "Atoms: expected 3 lines (the header's 3 atoms, line 3), found 2 before 'Velocities'"),
        Case(name: "more atoms than the header", edits: [3: "2 atoms"], line: 14,
             message: "Atoms: more lines than the header's 2 atoms (line 3): '3 1 3 3 3'"),
        Case(name: "file ends in Atoms", edits: [3: "4 atoms", 15: nil, 16: nil, 17: nil, 18: nil, 19: nil, 20: nil], line: 14,
             message: "Atoms: expected 4 lines (the header's 4 atoms, line 3), found 3 before the end of the file"),
        Case(name: "file ends in Velocities", edits: [20: nil], line: 19,
             message: "Velocities: expected 3 lines (the header's 3 atoms, line 3), found 2 before the end of the file"),
        Case(name: "missing Atoms section", edits: [10: nil, 11: nil, 12: nil, 13: nil, 14: nil, 15: nil], line: 14,
             message: "no Atoms section (the header says 3 atoms, line 3; sections: Velocities)"),
        Case(name: "second Atoms section", insert: (after: 20, lines: ["", "Atoms", "", "4 1 1 1 1"]), line: 22,
             message: "a second Atoms section (the first is on line 10)"),
        Case(name: "no atoms line in the header", edits: [3: nil], line: 9,
             message: "Atoms: the header has no 'N atoms' line"),
        Case(name: "no atom types line in the header", edits: [4: nil], line: 9,
             message: "Atoms: the header has no 'N atom types' line"),

        // atom styles
        Case(name: "ambiguous column count", edits: [10: "Atoms", 12: "1 1 0 1 1 1", 13: "2 2 0 2 2 2", 14: "3 1 0 3 3 3"], line: 12,
             message: "Atoms: cannot tell the atom style from 6 columns (it could be charge: id type q x y z, or molecular/bond/angle: id mol type x y z, among other LAMMPS styles); name it on the section line (e.g. 'Atoms # full') or pass atomStyle"),
        Case(name: "ambiguous column count with image flags", edits: [10: "Atoms", 12: "1 1 1 0 1 1 1 0 0 0"], line: 12,
             message: "Atoms: cannot tell the atom style from 10 columns (it could be full: id mol type q x y z, each with ix iy iz, among other LAMMPS styles); name it on the section line (e.g. 'Atoms # full') or pass atomStyle"),
        Case(name: "no style has that many columns", edits: [10: "Atoms", 12: "1 1 1 1"], line: 12,
             message: "Atoms: cannot tell the atom style from 4 columns (no supported style (atomic, charge, full, molecular, bond, angle) has 4 columns, with or without image flags); name it on the section line (e.g. 'Atoms # full') or pass atomStyle"),
        Case(name: "unsupported style", edits: [10: "Atoms # sphere"], line: 10, kind: .unsupported,
             message: "Atoms: atom style 'sphere' is not supported (supported: atomic, charge, full, molecular, bond, angle)"),
        Case(name: "style parameter contradicts the file", atomStyle: .charge, line: 10, kind: .options,
             message: "Atoms: the section line names atom style 'atomic', but atomStyle is 'charge'"),
        Case(name: "style parameter on the wrong columns", edits: [10: "Atoms"], atomStyle: .charge, line: 12,
             message: "Atoms: expected 6 or 9 columns (charge: id type q x y z, then optionally ix iy iz), got 5"),

        // header
        Case(name: "unknown header keyword", edits: [4: "2 atom kinds"], line: 4,
             message: "unknown header keyword 'atom kinds'"),
        Case(name: "header count not an integer", edits: [3: "3.5 atoms"], line: 3,
             message: "atoms: expected a non-negative integer, got '3.5'"),
        Case(name: "header line without a keyword", edits: [3: "3 # atoms"], line: 3,
             message: "expected a header line such as '108 atoms', found '3 # atoms'"),
        Case(name: "box upside down", edits: [7: "10 0 ylo yhi"], line: 7,
             message: "ylo yhi: the upper bound 0 is not above the lower bound 10"),
        Case(name: "box line with one number", edits: [8: "10 zlo zhi"], line: 8,
             message: "zlo zhi: expected 2 numbers before 'zlo zhi', got 1"),
        Case(name: "tilt not a number", insert: (after: 8, lines: ["0 x1 0 xy xz yz"]), line: 9,
             message: "unknown header keyword 'x1 0 xy xz yz'"),
        Case(name: "tilts missing one", insert: (after: 8, lines: ["0 0 xy xz yz"]), line: 9,
             message: "xy xz yz: expected 3 numbers before 'xy xz yz', got 2"),
        Case(name: "general triclinic", edits: [6: "10 0 0 avec"], line: 6, kind: .unsupported,
             message: "general triclinic boxes ('avec') are not supported: LAMMPS runs (and IMD sends) them rotated to its restricted frame; write the data file without 'triclinic/general'"),
        Case(name: "header line after the sections", insert: (after: 20, lines: ["", "5 bonds"]), line: 22,
             message: "Velocities: more lines than the header's 3 atoms (line 3): '5 bonds'"),

        // Masses and labels
        Case(name: "mass twice", insert: (after: 9, lines: ["Masses", "", "1 1.0", "1 2.0", ""]), line: 13,
             message: "Masses: type 1 appears twice (first on line 12)"),
        Case(name: "mass not positive", insert: (after: 9, lines: ["Masses", "", "1 1.0", "2 -2.0", ""]), line: 13,
             message: "Masses: the mass of type 2 must be a positive number, got '-2.0'"),
        Case(name: "mass line columns", insert: (after: 9, lines: ["Masses", "", "1 1.0 3", "2 2.0", ""]), line: 12,
             message: "Masses: expected 2 columns (type mass), got 3"),
        Case(name: "masses short", insert: (after: 9, lines: ["Masses", "", "1 1.0", ""]), line: 14,
             message: "Masses: expected 2 lines (the header's 2 atom types, line 4), found 1 before 'Atoms'"),
        Case(name: "mass of a type above atom types", insert: (after: 9, lines: ["Masses", "", "1 1.0", "3 2.0", ""]), line: 13,
             message: "Masses: type 3 is out of range (the header's 2 atom types, line 4)"),
        Case(name: "label twice", insert: (after: 9, lines: ["Atom Type Labels", "", "1 Cu", "2 Cu", ""]), line: 13,
             message: "Atom Type Labels: label 'Cu' is already type 1 (line 12)"),
        Case(name: "label starting with a digit", insert: (after: 9, lines: ["Atom Type Labels", "", "1 Cu", "2 2H", ""]), line: 13,
             message: "Atom Type Labels: label '2H' starts with a digit"),
        Case(name: "label for a type above atom types", insert: (after: 9, lines: ["Atom Type Labels", "", "1 Cu", "3 O", ""]), line: 13,
             message: "Atom Type Labels: type '3' is not in 1 … 2 (the header's atom types, line 4)"),
    ]

    @Test(arguments: cases)
    func errorNamesFileAndLine(_ c: Case) throws {
        let path = try FixturePaths.writeTemporary(c.text, suffix: ".data")
        let error = try #require(throws: TrajectoryError.self) {
            try LammpsDataFile(path: path, periodicity: .all, atomStyle: c.atomStyle)
        }
        #expect(error.kind == c.kind)
        #expect(error.file == path)
        #expect(error.line == c.line)
        #expect(error.frame == nil)
        #expect(error.message == c.message)
        #expect(error.description == "\(path):\(c.line.map(String.init) ?? "?"): \(c.message)")
    }

    @Test func baseIsValid() throws {
        let c = Case(name: "valid", line: nil, message: "")
        let data = try LammpsDataFile(path: FixturePaths.writeTemporary(c.text, suffix: ".data"), periodicity: .all)
        #expect(data.ids == [1, 2, 3])
        #expect(data.types == [1, 2, 1])
    }

    @Test func emptyAndMissingFiles() throws {
        let empty = try FixturePaths.writeTemporary("", suffix: ".data")
        let error = try #require(throws: TrajectoryError.self) { try LammpsDataFile(path: empty, periodicity: .all) }
        #expect(error.kind == .format)
        #expect(error.line == nil)
        #expect(error.description == "\(empty): empty file (a LAMMPS data file starts with a title line)")

        let missing = FixturePaths.temporaryPath(".data")
        let io = try #require(throws: TrajectoryError.self) { try LammpsDataFile(path: missing, periodicity: .all) }
        #expect(io.kind == .io)
        #expect(io.file == missing)
    }
}
