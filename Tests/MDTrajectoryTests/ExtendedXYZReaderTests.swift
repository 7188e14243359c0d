import Foundation
import MDCore
import MDTrajectory
import Testing

@Suite struct ExtendedXYZReaderTests {
    @Test func aseFileMatchesASE() throws {
        let name = "cu_triclinic.extxyz"
        let expected = try FixturePaths.expectations(name)
        let frames = try readAll(try ExtendedXYZReader(path: FixturePaths.trajectory(name)))
        #expect(frames.count == expected.frames)
        for (k, frame) in frames.enumerated() {
            try expectFrame(frame, matches: expected.frame_data[k], natoms: expected.natoms[k], checkVelocities: false)
            #expect(frame.species == ["Cu"])
            #expect(frame.provenance.species == .file)
            #expect(frame.provenance.ids == .file)
            #expect(frame.provenance.time == .file)
            #expect(frame.velocities == nil)
            #expect(frame.sequence == UInt64(k))
            try frame.validate()
        }
    }

    @Test func agreesWithTheDumpItWasMadeFrom() throws {
        // ASE wrote the extxyz from cu_triclinic.dump with 8 decimals.
        let dump = try readAll(try LammpsDumpReader(path: FixturePaths.trajectory("cu_triclinic.dump")))
        let xyz = try readAll(try ExtendedXYZReader(path: FixturePaths.trajectory("cu_triclinic.extxyz")))
        #expect(dump.count == xyz.count)
        for (d, x) in zip(dump, xyz) {
            #expect(d.step == x.step)
            #expect(d.ids == x.ids)
            for k in 0..<d.positions.count { #expect(abs(d.positions[k] - x.positions[k]) < 1e-7) }
            #expect(abs(d.cell!.volume - x.cell!.volume) < 1e-9)
        }
    }

    @Test func commentLineKeysAndExtraColumns() throws {
        let text = """
            3
            Lattice="10 0 0 0 11 0 1 0 12" Origin="-1 -2 -3" pbc="T T F" comment="two words" \
            Properties=species:S:1:velo:R:3:pos:R:3:Z:I:1:id:I:1:forces:R:3 step=40 time=0.08 flag
            O 9 9 9 1.0 2.0 3.0 8 12 0 0 0
            Cu 9 9 9 4.5 5.0 6.0 29 3 0 0 0
            O 9 9 9 -1 -2 -3 8 7 0 0 0

            """
        let frame = try #require(try ExtendedXYZReader(path: try FixturePaths.writeTemporary(text, suffix: ".xyz")).next())
        let cell = try #require(frame.cell)
        #expect(cell.rowMajor == [10, 0, 0, 0, 11, 0, 1, 0, 12])
        #expect(cell.origin == SIMD3(-1, -2, -3))
        #expect(cell.periodicity == Periodicity(true, true, false))
        #expect(frame.step == 40)
        #expect(frame.time == 0.08)
        #expect(frame.ids == [3, 7, 12])
        #expect(frame.species == ["O", "Cu"])
        #expect(frame.types == [1, 0, 0])
        #expect(frame.positions == [4.5, 5, 6, -1, -2, -3, 1, 2, 3])
    }

    @Test func defaultsWithoutOptionalKeys() throws {
        let text = "2\n\nAr 0 0 0\nAr 1 1 1\n2\nLattice=\"5 0 0 0 5 0 0 0 5\"\nAr 0 0 0\nAr 1 1 1\n"
        let path = try FixturePaths.writeTemporary(text, suffix: ".xyz")
        let frames = try readAll(try ExtendedXYZReader(path: path, options: SourceOptions(timestep: 0.5)))
        #expect(frames.count == 2)
        #expect(frames[0].cell == nil)
        #expect(frames[0].periodicity == .none)
        #expect(frames[0].ids == [1, 2])
        #expect(frames[0].provenance.ids == .fileOrder)
        #expect(frames.map(\.step) == [0, 1])
        #expect(frames.map(\.time) == [0, 0.5])
        #expect(frames[0].provenance.time == .stepTimesDt)
        #expect(frames[1].cell?.periodicity == .all)

        let overridden = try readAll(
            try ExtendedXYZReader(path: path, options: SourceOptions(periodicity: Periodicity(true, false, false))).dropFirstFrame())
        #expect(overridden[0].cell?.periodicity == Periodicity(true, false, false))
        let none = try #require(try ExtendedXYZReader(path: path).next())
        #expect(none.time == nil && none.provenance.time == .absent)
    }

    @Test func timestepKeyFromASEsLammpsReader() throws {
        let text = "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3 timestep=1200 pbc=\"T T T\"\nCu 0 0 0\n"
        let frame = try #require(try ExtendedXYZReader(path: try FixturePaths.writeTemporary(text, suffix: ".xyz")).next())
        #expect(frame.step == 1200)
    }

    @Test func errorsNameFileLineAndFrame() throws {
        func failure(_ text: String) throws -> (TrajectoryError, Int) {
            let path = try FixturePaths.writeTemporary(text, suffix: ".xyz")
            let reader = try ExtendedXYZReader(path: path)
            var complete = 0
            let e = try #require(throws: TrajectoryError.self) { while try reader.next() != nil { complete += 1 } }
            #expect(e.description.hasPrefix("\(path):"))
            return (e, complete)
        }
        let good = "2\nLattice=\"5 0 0 0 5 0 0 0 5\"\nCu 0 0 0\nO 1 1 1\n"
        var (e, n) = try failure(good + "2\nLattice=\"5 0 0 0 5 0 0 0 5\"\nCu 0 0 0\nZn 1 1 1\n")
        #expect(e.kind == .format && e.line == 8 && e.frame == 1 && n == 1 && e.message.contains("'Zn'"))
        (e, n) = try failure(good + "2\nLattice=\"5 0 0 0 5 0 0 0 5\"\nCu 0 0 0\nO 1 x 1\n")
        #expect(e.kind == .format && e.line == 8 && e.message.contains("'x'"))
        (e, n) = try failure(good + "2\nLattice=\"5 0 0 0 5 0 0 0 5\"\nCu 0 0 0\nO 1 1\n")
        #expect(e.kind == .format && e.line == 8 && e.message.contains("found 3"))
        (e, n) = try failure(good + "two\n")
        #expect(e.kind == .format && e.line == 5)
        (e, n) = try failure(good + "2\nLattice=\"5 0 0 0 5 0\"\nCu 0 0 0\nO 1 1 1\n")
        #expect(e.kind == .format && e.line == 6 && e.message.contains("Lattice") || e.message.contains("lattice"))
        (e, n) = try failure(good + "2\npbc=\"T T T\"\nCu 0 0 0\nO 1 1 1\n")
        #expect(e.kind == .format && e.line == 6)
        (e, n) = try failure(good + "2\nProperties=species:S:1:pos:R:3 comment=\"open\nCu 0 0 0\nO 1 1 1\n")
        #expect(e.kind == .format && e.line == 6)
        (e, n) = try failure(good + good + "2\nLattice=\"5 0 0 0 5 0 0 0 5\"\nCu 0 0")
        #expect(e.kind == .truncated && e.line == 9 && e.frame == 2 && n == 2)
    }

    @Test func skipCountsLines() throws {
        let path = FixturePaths.trajectory("cu_triclinic.extxyz")
        let all = try readAll(try ExtendedXYZReader(path: path))
        let reader = try ExtendedXYZReader(path: path)
        #expect(try reader.skip())
        #expect(try reader.skip())
        #expect(try reader.skip())
        let fourth = try #require(try reader.next())
        #expect(fourth.step == all[3].step && fourth.positions == all[3].positions && fourth.sequence == 3)
        #expect(try reader.skip())
        #expect(try !reader.skip())
    }

    @Test func followMode() throws {
        let source = try Data(contentsOf: URL(fileURLWithPath: FixturePaths.trajectory("cu_triclinic.extxyz")))
        let path = FixturePaths.temporaryPath(".extxyz")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let control = FollowControl()
        let reader = try ExtendedXYZReader(
            path: path, follow: FollowOptions(pollInterval: 0.002, stopRequested: { control.shouldStop() }))
        _ = appendInChunks(source, to: path, chunk: 3001, pause: 0.002) { control.finishWriting() }
        let frames = try readAll(reader)
        #expect(frames.map(\.step) == [0, 25, 50, 75, 100])
    }
}

extension ExtendedXYZReader {
    /// Skips the first frame and returns the reader (for chaining in tests).
    fileprivate func dropFirstFrame() throws(TrajectoryError) -> ExtendedXYZReader {
        _ = try skip()
        return self
    }
}
