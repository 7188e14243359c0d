import Foundation
import MDCore
import MDTrajectory
import Testing

/// Data files written by real LAMMPS (`write_data`), against what LAMMPS printed about the
/// same system (see scripts/fixtures/make_lammps_data.py and Tests/Fixtures/lammps-data).
@Suite struct LammpsDataFileLAMMPSTests {
    /// Tests/Fixtures/lammps-data.
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lammps-data")

    /// `<name>.json`: the box LAMMPS printed (`%.17g`) and its `write_dump` of every atom.
    struct Expectation: Decodable {
        var style: String
        var periodicity: [Bool]
        var box_printed: [String: String]
        var natoms: Int
        var ntypes: Int
        var masses: [Double]
        var labels: [String]?
        var atom_columns: String
        /// `id type x y z ix iy iz [mol q]` per atom, sorted by id.
        var atoms: [[Double]]
    }

    static func expectation(_ dataFile: String) throws -> Expectation {
        let stem = dataFile.replacingOccurrences(of: ".data.gz", with: "").replacingOccurrences(of: ".data", with: "")
        let json = try Data(contentsOf: directory.appendingPathComponent(stem + ".json"))
        return try JSONDecoder().decode(Expectation.self, from: json)
    }

    static func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-12 * max(1, abs(b))
    }

    @Test(arguments: ["cu211_atomic.data", "cu211_atomic.data.gz", "cu_triclinic_full.data"])
    func matchesWhatLAMMPSPrinted(_ name: String) throws {
        let e = try Self.expectation(name)
        let periodicity = Periodicity(e.periodicity[0], e.periodicity[1], e.periodicity[2])
        let data = try LammpsDataFile(path: Self.directory.appendingPathComponent(name).path, periodicity: periodicity)
        #expect(data.title.hasPrefix("LAMMPS data file via write_data"))

        // The box, from the numbers LAMMPS printed.
        var box: [String: Double] = [:]
        for (key, text) in e.box_printed {
            let value = try #require(Double(text), "\(key) = '\(text)'")
            box[key] = value
        }
        let expectedCell = Cell(
            a: SIMD3(box["xhi"]! - box["xlo"]!, 0, 0),
            b: SIMD3(box["xy"]!, box["yhi"]! - box["ylo"]!, 0),
            c: SIMD3(box["xz"]!, box["yz"]!, box["zhi"]! - box["zlo"]!),
            origin: SIMD3(box["xlo"]!, box["ylo"]!, box["zlo"]!), periodicity: periodicity)
        for axis in 0..<3 {
            for d in 0..<3 {
                #expect(Self.close(data.cell.vector(axis)[d], expectedCell.vector(axis)[d]), "cell[\(axis)][\(d)]")
            }
            #expect(Self.close(data.cell.origin[axis], expectedCell.origin[axis]), "origin[\(axis)]")
        }
        #expect(data.cell.periodicity == periodicity)

        #expect(data.atomStyle.rawValue == e.style)
        #expect(data.atomCount == e.natoms)
        #expect(data.atomTypeCount == e.ntypes)
        #expect(data.masses == e.masses)
        #expect(data.typeLabels == e.labels)

        // Every atom, from LAMMPS's own dump.
        #expect(data.ids == e.atoms.map { Int64($0[0]) })
        #expect(data.contiguousTags)
        #expect(data.types == e.atoms.map { Int32($0[1]) })
        let images = try #require(data.imageFlags)
        for (i, row) in e.atoms.enumerated() {
            for d in 0..<3 {
                #expect(Self.close(data.positions[3 * i + d], row[2 + d]), "atom \(row[0]) axis \(d)")
                #expect(images[3 * i + d] == Int32(row[5 + d]), "atom \(row[0]) image \(d)")
            }
        }
        // The fixtures exercise both signs of image flags.
        #expect(images.contains(-1) && images.contains(1))

        if e.atom_columns.hasSuffix("mol q") {
            #expect(data.moleculeIDs == e.atoms.map { Int64($0[8]) })
            #expect(data.charges == e.atoms.map { $0[9] })
            #expect(Set(data.moleculeIDs ?? []).count > 1)
        } else {
            #expect(data.moleculeIDs == nil && data.charges == nil)
        }
    }

    @Test func gzipReadsLikePlain() throws {
        let plainPath = Self.directory.appendingPathComponent("cu211_atomic.data").path
        let gzPath = plainPath + ".gz"
        let head = try #require(FileHandle(forReadingAtPath: gzPath)).readData(ofLength: 2)
        #expect(Array(head) == [0x1f, 0x8b])
        let plain = try LammpsDataFile(path: plainPath, periodicity: Periodicity(true, true, false))
        var gz = try LammpsDataFile(path: gzPath, periodicity: Periodicity(true, true, false))
        #expect(gz.path == gzPath)
        gz.path = plainPath
        #expect(gz == plain)
    }
}
