import Foundation
import MDCore
import MDTrajectory
import Testing

@Suite struct LammpsDumpReaderTests {
    // MARK: real LAMMPS output against ASE

    @Test(arguments: [
        "cu_ortho.dump", "cu_ortho.dump.gz", "cu_atom.dump", "cu_triclinic.dump", "cu_slab.dump", "cu_unsorted.dump",
    ])
    func matchesASE(_ name: String) throws {
        let expected = try FixturePaths.expectations(name)
        let reader = try LammpsDumpReader(path: FixturePaths.trajectory(name))
        let frames = try readAll(reader)
        #expect(frames.count == expected.frames)
        for (k, frame) in frames.enumerated() {
            try expectFrame(frame, matches: expected.frame_data[k], natoms: expected.natoms[k])
            #expect(frame.sequence == UInt64(k))
            #expect(frame.runID == "")
            try frame.validate()
        }
        #expect(try reader.next() == nil, "stays at the end")
    }

    @Test func triclinicHasTimeElementsAndVelocities() throws {
        let reader = try LammpsDumpReader(
            path: FixturePaths.trajectory("cu_triclinic.dump"), options: SourceOptions(speciesMap: [1: "Ag"]))
        let frames = try readAll(reader)
        #expect(frames.count == 5)
        for f in frames {
            #expect(f.species == ["Cu"], "element column wins over --species")
            #expect(f.provenance.species == .file)
            #expect(f.provenance.time == .file)
            #expect(f.provenance.ids == .file)
            #expect(abs(f.time! - Double(f.step) * 0.002) < 1e-12)
            #expect(f.velocities?.count == 3 * f.atomCount)
            let cell = try #require(f.cell)
            #expect(!cell.isOrthogonal)
            #expect(cell.a.y == 0 && cell.a.z == 0 && cell.b.z == 0)
        }
        #expect(frames[0].provenance.source.hasSuffix("cu_triclinic.dump"))
    }

    @Test func unsortedIDsComeOutSorted() throws {
        // The fixture really is unsorted (2 MPI ranks, no dump_modify sort).
        let text = try String(contentsOfFile: FixturePaths.trajectory("cu_unsorted.dump"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        let fileIDs = lines[9..<(9 + 108)].map { Int64($0.split(separator: " ")[0])! }
        #expect(fileIDs != fileIDs.sorted())

        let frame = try #require(try LammpsDumpReader(path: FixturePaths.trajectory("cu_unsorted.dump")).next())
        #expect(frame.ids == Array(1...108))
        // The atom on the first atom line keeps its coordinates after sorting.
        let first = lines[9].split(separator: " ").map(String.init)
        let index = try #require(frame.ids.firstIndex(of: Int64(first[0])!))
        for d in 0..<3 {
            #expect(frame.positions[3 * index + d] == Double(first[2 + d])!)
            #expect(frame.velocities![3 * index + d] == Double(first[5 + d])!)
        }
    }

    @Test func speciesFromTypesMapAndOptions() throws {
        let path = FixturePaths.trajectory("cu_ortho.dump")
        let plain = try #require(try LammpsDumpReader(path: path).next())
        #expect(plain.species == ["type1"])
        #expect(plain.provenance.species == .typesOnly)
        #expect(plain.provenance.time == .absent)
        #expect(plain.time == nil)

        let mapped = try #require(
            try LammpsDumpReader(path: path, options: SourceOptions(speciesMap: [1: "Cu", 2: "O"], timestep: 0.002)).next())
        #expect(mapped.species == ["Cu"])
        #expect(mapped.types.allSatisfy { $0 == 0 })
        #expect(mapped.provenance.species == .mapped)
        #expect(mapped.provenance.time == .stepTimesDt)
        #expect(mapped.time == 0)

        let reader = try LammpsDumpReader(path: path, options: SourceOptions(speciesMap: [2: "O"]))
        let error = try #require(throws: TrajectoryError.self) { try reader.next() }
        #expect(error.kind == .options)
        #expect(error.line == 10)
        #expect(error.frame == 0)
        #expect(error.description.contains("cu_ortho.dump:10:"))
        #expect(error.description.contains("type 1"))
    }

    @Test func timeFromStepTimesDt() throws {
        let reader = try LammpsDumpReader(
            path: FixturePaths.trajectory("cu_ortho.dump.gz"), options: SourceOptions(timestep: 0.001))
        let frames = try readAll(reader)
        #expect(frames.map(\.step) == [0, 25, 50, 75, 100])
        #expect(frames.map { $0.time! } == [0, 0.025, 0.05, 0.075, 0.1])
    }

    // MARK: malformed files

    @Test(arguments: [
        "bad_number.dump", "bad_columns.dump", "bad_missing_item.dump", "bad_negative_count.dump", "truncated.dump",
        "bad_unknown_type.dump",
    ])
    func malformedNamesFileAndLine(_ name: String) throws {
        let cases = try JSONDecoder().decode(
            [String: MalformedCase].self,
            from: Data(contentsOf: FixturePaths.trajectories.appendingPathComponent("malformed.json")))
        let expected = try #require(cases[name])
        let reader = try LammpsDumpReader(path: FixturePaths.trajectory(name))
        var complete = 0
        let error = try #require(throws: TrajectoryError.self) {
            while try reader.next() != nil { complete += 1 }
        }
        #expect(complete == expected.frame, "every frame before the bad one is returned")
        if let c = expected.complete_frames { #expect(complete == c) }
        #expect(error.kind.rawValue == expected.kind)
        #expect(error.line == expected.line)
        #expect(error.frame == expected.frame)
        #expect(error.file == FixturePaths.trajectory(name))
        #expect(error.description.hasPrefix("\(FixturePaths.trajectory(name)):\(expected.line): "))
        // The reader keeps reporting the error instead of returning garbage.
        #expect(throws: TrajectoryError.self) { try reader.next() }
    }

    @Test func malformedMessagesAreSpecific() throws {
        func message(_ name: String) throws -> String {
            let reader = try LammpsDumpReader(path: FixturePaths.trajectory(name))
            let error = try #require(throws: TrajectoryError.self) { while try reader.next() != nil {} }
            return error.message
        }
        #expect(try message("bad_number.dump").contains("'1.2.3'"))
        #expect(try message("bad_columns.dump").contains("expected 5 columns (id type x y z), found 4"))
        #expect(try message("bad_missing_item.dump").contains("NUMBER OF ATOMS"))
        #expect(try message("bad_negative_count.dump").contains("-5"))
        #expect(try message("bad_unknown_type.dump").contains("type 2"))
    }

    @Test func truncatedFileViaSkip() throws {
        let reader = try LammpsDumpReader(path: FixturePaths.trajectory("truncated.dump"))
        #expect(try reader.skip())
        #expect(try reader.skip())
        #expect(try reader.next()?.step == 50)
        let error = try #require(throws: TrajectoryError.self) { _ = try reader.skip() }
        #expect(error.kind == .truncated)
        #expect(error.line == 3 * 117 + 1)
    }

    // MARK: skip

    @Test func skipMatchesNext() throws {
        let path = FixturePaths.trajectory("cu_triclinic.dump")
        let all = try readAll(try LammpsDumpReader(path: path))
        let reader = try LammpsDumpReader(path: path)
        #expect(try reader.skip())
        #expect(try reader.skip())
        let third = try #require(try reader.next())
        #expect(third.step == all[2].step)
        #expect(third.sequence == 2)
        #expect(third.positions == all[2].positions)
        #expect(try reader.skip())
        #expect(try reader.skip())
        #expect(try !reader.skip())
        #expect(try reader.next() == nil)
    }

    // MARK: synthetic dumps for the corners real runs do not reach

    /// One frame of a dump with the given box section and atom section.
    private func dump(step: Int = 0, box: String, columns: String, atoms: [String], extra: String = "") -> String {
        "\(extra)ITEM: TIMESTEP\n\(step)\nITEM: NUMBER OF ATOMS\n\(atoms.count)\n\(box)\nITEM: ATOMS \(columns)\n"
            + atoms.map { $0 + "\n" }.joined()
    }

    @Test func triclinicBoundingBoxWithNegativeTilts() throws {
        // xy = -1, xz = 2, yz = -0.5; true box x ∈ [0, 10], y ∈ [1, 9], z ∈ [-2, 3].
        let xy = -1.0, xz = 2.0, yz = -0.5
        let xloB = 0 + min(0, xy, xz, xy + xz), xhiB = 10 + max(0, xy, xz, xy + xz)
        let yloB = 1 + min(0, yz), yhiB = 9 + max(0, yz)
        let box = "ITEM: BOX BOUNDS xy xz yz pp ff pp\n\(xloB) \(xhiB) \(xy)\n\(yloB) \(yhiB) \(xz)\n-2 3 \(yz)"
        let text = dump(box: box, columns: "id type xs ys zs", atoms: ["2 1 0.5 0.5 0.5", "1 1 0 0 0"])
        let path = try FixturePaths.writeTemporary(text, suffix: ".dump")
        let frame = try #require(try LammpsDumpReader(path: path).next())
        let cell = try #require(frame.cell)
        #expect(cell.a == SIMD3(10, 0, 0))
        #expect(cell.b == SIMD3(xy, 8, 0))
        #expect(cell.c == SIMD3(xz, yz, 5))
        #expect(cell.origin == SIMD3(0, 1, -2))
        #expect(cell.periodicity == Periodicity(true, false, true))
        #expect(frame.ids == [1, 2])
        #expect(frame.position(0) == SIMD3(0, 1, -2))
        let centre = cell.origin + 0.5 * (cell.a + cell.b + cell.c)
        #expect(simd_distance(frame.position(1), centre) < 1e-12)
    }

    @Test func generalTriclinicBox() throws {
        let box = "ITEM: BOX BOUNDS abc origin pp pp fm\n3 1 0 -1\n0 4 1 0.5\n1 0 5 2"
        let text = dump(box: box, columns: "id type xsu ysu zsu", atoms: ["1 1 1 0 0", "2 1 0.5 0.5 1"])
        let path = try FixturePaths.writeTemporary(text, suffix: ".dump")
        let frame = try #require(try LammpsDumpReader(path: path).next())
        let cell = try #require(frame.cell)
        #expect(cell.a == SIMD3(3, 1, 0) && cell.b == SIMD3(0, 4, 1) && cell.c == SIMD3(1, 0, 5))
        #expect(cell.origin == SIMD3(-1, 0.5, 2))
        #expect(cell.periodicity == Periodicity(true, true, false))
        #expect(frame.position(0) == SIMD3(2, 1.5, 2))
        #expect(simd_distance(frame.position(1), SIMD3(-1, 0.5, 2) + SIMD3(1.5, 0.5, 0) + SIMD3(0, 2, 0.5) + SIMD3(1, 0, 5)) < 1e-12)
    }

    @Test func noIDColumnGivesFileOrderAndExtraColumnsAreIgnored() throws {
        let box = "ITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10"
        let text = dump(box: box, columns: "fx q x y z c_pe type", atoms: ["9 9 1 2 3 -1 2", "9 9 4 5 6 -1 1"])
            + dump(step: 10, box: box, columns: "fx q x y z c_pe type", atoms: ["9 9 1.5 2 3 -1 2", "9 9 4 5 6 -1 1"])
        let path = try FixturePaths.writeTemporary(text, suffix: ".dump")
        let frames = try readAll(try LammpsDumpReader(path: path, options: SourceOptions(speciesMap: [1: "Cu", 2: "O"])))
        #expect(frames.count == 2)
        #expect(frames[0].ids == [1, 2])
        #expect(frames[0].provenance.ids == .fileOrder)
        #expect(frames[0].species == ["Cu", "O"])
        #expect(frames[0].types == [1, 0])
        #expect(frames[1].positions == [1.5, 2, 3, 4, 5, 6])
        #expect(frames[1].velocities == nil)
    }

    @Test func speciesFixedByFirstFrameSortedByType() throws {
        let box = "ITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10"
        let text = dump(box: box, columns: "id type x y z", atoms: ["1 3 0 0 0", "2 1 1 1 1"])
            + dump(step: 1, box: box, columns: "id type x y z", atoms: ["1 3 0 0 0", "2 2 1 1 1"])
        let path = try FixturePaths.writeTemporary(text, suffix: ".dump")
        let reader = try LammpsDumpReader(path: path)
        let first = try #require(try reader.next())
        #expect(first.species == ["type1", "type3"])
        #expect(first.types == [1, 0])
        let error = try #require(throws: TrajectoryError.self) { try reader.next() }
        #expect(error.kind == .format)
        #expect(error.line == 22)
        #expect(error.frame == 1)
    }

    @Test func elementsAndTypeLabels() throws {
        let box = "ITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10"
        let elements = dump(box: box, columns: "id element x y z", atoms: ["1 O 0 0 0", "2 Cu 1 1 1", "3 O 2 2 2"])
            + dump(step: 5, box: box, columns: "id element x y z", atoms: ["1 O 0 0 0", "2 Cu 1 1 1", "3 Zn 2 2 2"])
        let reader = try LammpsDumpReader(path: try FixturePaths.writeTemporary(elements, suffix: ".dump"))
        let first = try #require(try reader.next())
        #expect(first.species == ["O", "Cu"])
        #expect(first.types == [0, 1, 0])
        let error = try #require(throws: TrajectoryError.self) { try reader.next() }
        #expect(error.line == 24)
        #expect(error.message.contains("'Zn'"))

        let labels = dump(box: box, columns: "id type x y z", atoms: ["1 Cu 0 0 0", "2 O 1 1 1"])
        let labelled = try #require(try LammpsDumpReader(path: try FixturePaths.writeTemporary(labels, suffix: ".dump")).next())
        #expect(labelled.species == ["Cu", "O"])
        #expect(labelled.provenance.species == .file)
    }

    @Test func realUnitsConvertTimeAndVelocity() throws {
        let box = "ITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10"
        let text = dump(
            step: 1000, box: box, columns: "id type x y z vx vy vz", atoms: ["1 1 0 0 0 0.01 -0.02 0.5"],
            extra: "ITEM: UNITS\nreal\nITEM: TIME\n1000\n")
        let frame = try #require(try LammpsDumpReader(path: try FixturePaths.writeTemporary(text, suffix: ".dump")).next())
        #expect(abs(frame.time! - 1.0) < 1e-12)
        let v = try #require(frame.velocities)
        #expect(abs(v[0] - 10) < 1e-12 && abs(v[1] + 20) < 1e-12 && abs(v[2] - 500) < 1e-12)

        let si = dump(box: box, columns: "id type x y z", atoms: ["1 1 0 0 0"], extra: "ITEM: UNITS\nsi\n")
        let error = try #require(throws: TrajectoryError.self) {
            try LammpsDumpReader(path: try FixturePaths.writeTemporary(si, suffix: ".dump")).next()
        }
        #expect(error.kind == .unsupported)
        #expect(error.line == 2)
    }

    @Test func headerProblems() throws {
        func failure(_ text: String) throws -> TrajectoryError {
            let reader = try LammpsDumpReader(path: try FixturePaths.writeTemporary(text, suffix: ".dump"))
            return try #require(throws: TrajectoryError.self) { while try reader.next() != nil {} }
        }
        let ok = "ITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10"
        var e = try failure(dump(box: "ITEM: BOX BOUNDS pm pp pp\n0 10\n0 10\n0 10", columns: "id type x y z", atoms: ["1 1 0 0 0"]))
        #expect(e.kind == .format && e.line == 5 && e.message.contains("'pm'"))
        e = try failure(dump(box: "ITEM: BOX BOUNDS pp pp pp\n0 10\n0 ten\n0 10", columns: "id type x y z", atoms: ["1 1 0 0 0"]))
        #expect(e.kind == .format && e.line == 7 && e.message.contains("'ten'"))
        e = try failure(dump(box: ok, columns: "id type vx vy vz", atoms: ["1 1 0 0 0"]))
        #expect(e.kind == .format && e.line == 9 && e.message.contains("no position columns"))
        e = try failure(dump(box: ok, columns: "id type x y z", atoms: ["1 1 0 0 0"], extra: "ITEM: BONDS\n"))
        #expect(e.kind == .unsupported && e.line == 1)
        e = try failure("hello\n")
        #expect(e.kind == .format && e.line == 1 && e.message.contains("ITEM:"))
        e = try failure(dump(box: ok, columns: "id type x y z", atoms: ["1 1 0 0 0", "2 1 0 0 nan0"]))
        #expect(e.kind == .format && e.line == 11)
    }

    @Test func crlfAndMissingFinalNewline() throws {
        let box = "ITEM: BOX BOUNDS pp pp pp\n0 10\n0 10\n0 10"
        var text = dump(box: box, columns: "id type x y z", atoms: ["1 1 0.25 0 0", "2 1 1 1 1.5"])
        text = text.replacingOccurrences(of: "\n", with: "\r\n")
        text.removeLast()  // "\r\n" is one Character
        let frame = try #require(try LammpsDumpReader(path: try FixturePaths.writeTemporary(text, suffix: ".dump")).next())
        #expect(frame.positions == [0.25, 0, 0, 1, 1, 1.5])
    }

    @Test func missingFileIsIOError() throws {
        let path = FixturePaths.temporaryPath(".dump")
        let error = try #require(throws: TrajectoryError.self) { try LammpsDumpReader(path: path) }
        #expect(error.kind == .io)
        #expect(error.description.hasPrefix(path))
    }

    // MARK: follow mode

    @Test func followModeWaitsForAWriterThatCutsLinesAndFrames() throws {
        let source = try Data(contentsOf: URL(fileURLWithPath: FixturePaths.trajectory("cu_ortho.dump")))
        let reference = try readAll(try LammpsDumpReader(path: FixturePaths.trajectory("cu_ortho.dump")))
        let path = FixturePaths.temporaryPath(".dump")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let control = FollowControl()
        let reader = try LammpsDumpReader(
            path: path, follow: FollowOptions(pollInterval: 0.002, stopRequested: { control.shouldStop() }))
        _ = appendInChunks(source, to: path, chunk: 997, pause: 0.003) { control.finishWriting() }
        let frames = try readAll(reader)
        #expect(frames.count == reference.count)
        for (a, b) in zip(frames, reference) {
            #expect(a.step == b.step)
            #expect(a.positions == b.positions)
            #expect(a.ids == b.ids)
        }
    }

    @Test func followModeStopsQuietlyInsideAnIncompleteFrame() throws {
        let source = try Data(contentsOf: URL(fileURLWithPath: FixturePaths.trajectory("truncated.dump")))
        let path = FixturePaths.temporaryPath(".dump")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let control = FollowControl()
        let reader = try LammpsDumpReader(
            path: path, follow: FollowOptions(pollInterval: 0.002, stopRequested: { control.shouldStop() }))
        _ = appendInChunks(source, to: path, chunk: 4096, pause: 0.002) { control.finishWriting() }
        let frames = try readAll(reader)
        #expect(frames.map(\.step) == [0, 25, 50])
    }
}

private func simd_distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double {
    let d = a - b
    return (d * d).sum().squareRoot()
}
