import Foundation
import HDF5Kit
import MDCore
import MDTrajectory
import Testing

@Suite("H5MDReader")
struct H5MDReaderTests {
    /// |a − b| ≤ tolerance · max(1, |b|).
    private func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    private func readAll(_ reader: H5MDReader) throws -> [Frame] {
        var frames: [Frame] = []
        while let f = try reader.next() { frames.append(f) }
        return frames
    }

    @Test("fixtures match MDAnalysis / numpy expectations",
          arguments: [
            ("mda_ortho_nm.h5md", "mda_ortho_nm"), ("mda_tri.h5md", "mda_tri"),
            ("lammps_all.h5", "lammps_all"), ("soapify_tri.h5", "soapify_tri"),
            ("fixed_rate.h5md", "fixed_rate"),
          ])
    func fixture(file: String, stem: String) throws {
        let expected = try h5mdFixtureExpectation(stem)
        let reader = try H5MDReader(path: h5mdFixturePath(file))
        #expect(reader.frameCount == expected.frames)
        #expect(reader.atomCount == expected.atoms)
        if let group = expected.group { #expect(reader.group == group) }
        let frames = try readAll(reader)
        #expect(try reader.next() == nil)
        try #require(frames.count == expected.frames)
        // float32 data: compare to float32 precision; float64 data: to double precision.
        let tolerance = expected.singlePrecision ? 3e-6 : 1e-9
        for (k, frame) in frames.enumerated() {
            try frame.validate()
            #expect(frame.sequence == UInt64(k))
            #expect(frame.step == expected.steps[k])
            if let times = expected.times {
                #expect(close(try #require(frame.time), times[k], 1e-6))
                #expect(frame.provenance.time == .file)
            } else {
                #expect(frame.time == nil)
                #expect(frame.provenance.time == .absent)
            }
            let cell = try #require(frame.cell)
            #expect(cell.periodicity.array == expected.periodicity)
            #expect(cell.origin == .zero)
            for (a, b) in zip(cell.rowMajor, expected.cells[k]) { #expect(close(a, b, tolerance)) }
            #expect(frame.species == expected.species)
            #expect(frame.singlePrecision == expected.singlePrecision)
            #expect(frame.ids == (1...Int64(expected.atoms)).map { $0 })
            #expect(frame.provenance.ids == (expected.idsFromFile ? .file : .fileOrder))
        }
        for check in expected.checks {
            let frame = frames[check.frame]
            let i = try #require(frame.ids.firstIndex(of: check.id))
            let p = frame.position(i)
            for axis in 0..<3 { #expect(close(p[axis], check.position[axis], tolerance), "frame \(check.frame) id \(check.id)") }
            if let v = check.velocity {
                let velocities = try #require(frame.velocities)
                for axis in 0..<3 { #expect(close(velocities[3 * i + axis], v[axis], tolerance)) }
            }
            if let species = check.species { #expect(frame.species[Int(frame.types[i])] == species) }
        }
    }

    @Test("layouts and groups are recognised")
    func layouts() throws {
        let mda = try H5MDReader(path: h5mdFixturePath("mda_tri.h5md"))
        #expect(mda.layout == .h5md && mda.group == "trajectory")
        let lammps = try H5MDReader(path: h5mdFixturePath("lammps_all.h5"))
        #expect(lammps.layout == .h5md && lammps.group == "all")
        let soapify = try H5MDReader(path: h5mdFixturePath("soapify_tri.h5"), group: "cu_tri")
        #expect(soapify.layout == .soapify)
        let missing = #expect(throws: TrajectoryError.self) {
            try H5MDReader(path: h5mdFixturePath("lammps_all.h5"), group: "water")
        }
        #expect(missing?.kind == .format)
        #expect(missing?.dataset == "/particles/water")
    }

    @Test("species map names LAMMPS types; a missing type is an options error")
    func speciesMap() throws {
        let expected = try h5mdFixtureExpectation("lammps_all")
        let options = SourceOptions(speciesMap: [1: "Cu", 2: "Ag"])
        let reader = try H5MDReader(path: h5mdFixturePath("lammps_all.h5"), options: options)
        let frame = try #require(try reader.next())
        #expect(frame.species == expected.mappedSpecies)
        #expect(frame.provenance.species == .mapped)
        let partial = try H5MDReader(path: h5mdFixturePath("lammps_all.h5"), options: SourceOptions(speciesMap: [1: "Cu"]))
        let error = #expect(throws: TrajectoryError.self) { try partial.next() }
        #expect(error?.kind == .options)
        #expect(error?.frame == 0)
        #expect(error?.dataset == "/particles/all/species/value")
        let fixed = try H5MDReader(path: h5mdFixturePath("fixed_rate.h5md"), options: options)
        #expect(try fixed.next()?.species == ["Cu", "Ag"])
    }

    @Test("skip advances without decoding; --dt gives SOAPify frames a time")
    func skipAndTimestep() throws {
        let reader = try H5MDReader(path: h5mdFixturePath("soapify_tri.h5"), options: SourceOptions(timestep: 0.5))
        #expect(try reader.skip())
        #expect(try reader.skip())
        let frame = try #require(try reader.next())
        #expect(frame.step == 2 && frame.sequence == 2)
        #expect(frame.time == 1.0)
        #expect(frame.provenance.time == .stepTimesDt)
        #expect(frame.provenance.species == .file)
        #expect(try reader.skip() && reader.skip())
        #expect(try !reader.skip())
        #expect(try reader.next() == nil)
    }

    @Test("an archive written with HDF5Kit (nm, fs, shuffled ids, 3x3 edges) reads back")
    func writtenArchive() throws {
        let tmp = H5MDFixtureTemporaryFile()
        let n = 4, atoms = 3
        let ids: [Int32] = [30, 10, 20]
        do {
            let file = try HDF5File.create(tmp.path)
            let all = try file.root.createGroup("particles/all")
            let box = try all.createGroup("box")
            try box.writeAttribute("dimension", scalar: Int32(3))
            try box.writeAttribute("boundary", strings: ["periodic", "periodic", "none"])
            let value = try all.createDataset("position/value", type: .float64, shape: [0, atoms, 3],
                                              layout: .frames(chunk: [2, atoms, 3], gzipLevel: 1, shuffle: true))
            try value.writeAttribute("unit", string: "nm")
            let step = try all.createDataset("position/step", type: .int64, shape: [0], layout: .frames(chunk: [16]))
            let time = try all.createDataset("position/time", type: .float64, shape: [0], layout: .frames(chunk: [16]))
            try time.writeAttribute("unit", string: "fs")
            let edges = try box.createDataset("edges/value", type: .float64, shape: [0, 3, 3], layout: .frames())
            try edges.writeAttribute("unit", string: "nm")
            try box.createHardLink("edges/step", to: "/particles/all/position/step")
            try box.createHardLink("edges/time", to: "/particles/all/position/time")
            try all.createDataset("id", type: .int32, shape: [atoms]).write(ids)
            try all.createDataset("species", type: .int32, shape: [atoms]).write([2, 1, 2] as [Int32])
            for k in 0..<n {
                for d in [value, step, time, edges] { try d.extend(toFrames: k + 1) }
                try value.write((0..<(3 * atoms)).map { Double($0) + 0.1 * Double(k) }, atFrame: k)
                try step.write([Int64(1000 + 10 * k)], atFrame: k)
                try time.write([Double(20 * k)], atFrame: k)
                try edges.write([2, 0, 0, 0.5, 2, 0, 0, 0, 3 + Double(k)], atFrame: k)
            }
        }
        let reader = try H5MDReader(path: tmp.path)
        let frames = try readAll(reader)
        try #require(frames.count == n)
        let f = frames[3]
        try f.validate()
        #expect(f.step == 1030)
        #expect(close(try #require(f.time), 0.06, 1e-12))
        #expect(f.ids == [10, 20, 30])
        #expect(f.species == ["type1", "type2"])
        #expect(f.types == [0, 1, 1])
        // id 10 was atom 1 in the file: positions (3, 4, 5) + 0.3 nm → Å.
        #expect(close(f.positions[0], 33, 1e-12) && close(f.positions[2], 53, 1e-12))
        #expect(close(f.positions[6], 3, 1e-12))  // id 30 was atom 0
        let cell = try #require(f.cell)
        #expect(cell.rowMajor == [20, 0, 0, 5, 20, 0, 0, 0, 60])
        #expect(cell.periodicity == Periodicity(true, true, false))
        #expect(!f.singlePrecision)
    }

    @Test("inconsistent files are format or unsupported errors naming the dataset")
    func errors() throws {
        func make(_ build: (HDF5Group) throws -> Void) throws -> H5MDFixtureTemporaryFile {
            let tmp = H5MDFixtureTemporaryFile()
            let file = try HDF5File.create(tmp.path)
            let all = try file.root.createGroup("particles/all")
            try all.createGroup("box").writeAttribute("boundary", strings: ["none", "none", "none"])
            try build(all)
            return tmp
        }
        func openError(_ tmp: H5MDFixtureTemporaryFile) -> TrajectoryError? {
            #expect(throws: TrajectoryError.self) { try H5MDReader(path: tmp.path) }
        }
        let unit = try make { all in
            try all.createDataset("position/value", type: .float32, shape: [1, 2, 3]).writeAttribute("unit", string: "furlong")
            try all.createDataset("position/step", type: .int32, shape: [1])
        }
        let unitError = openError(unit)
        #expect(unitError?.kind == .unsupported)
        #expect(unitError?.dataset == "/particles/all/position/value")
        #expect(unitError?.message.contains("furlong") == true)

        let steps = try make { all in
            _ = try all.createDataset("position/value", type: .float32, shape: [3, 2, 3])
            _ = try all.createDataset("position/step", type: .int32, shape: [2])
        }
        let stepError = openError(steps)
        #expect(stepError?.kind == .format)
        #expect(stepError?.dataset == "/particles/all/position/step")

        let species = try make { all in
            _ = try all.createDataset("position/value", type: .float32, shape: [1, 2, 3])
            _ = try all.createDataset("position/step", type: .int32, shape: [1])
            _ = try all.createDataset("species", type: .int32, shape: [3])
        }
        let speciesError = openError(species)
        #expect(speciesError?.kind == .format)
        #expect(speciesError?.dataset == "/particles/all/species")

        let periodicWithoutEdges = try make { all in
            try all.openGroup("box").writeAttribute("boundary", strings: ["periodic", "periodic", "periodic"])
            _ = try all.createDataset("position/value", type: .float32, shape: [1, 2, 3])
            _ = try all.createDataset("position/step", type: .int32, shape: [1])
        }
        #expect(openError(periodicWithoutEdges)?.dataset == "/particles/all/box/edges")

        let timeUnit = try make { all in
            _ = try all.createDataset("position/value", type: .float32, shape: [1, 2, 3])
            _ = try all.createDataset("position/step", type: .int32, shape: [1])
            try all.createDataset("position/time", type: .float32, shape: [1]).writeAttribute("unit", string: "year")
        }
        #expect(openError(timeUnit)?.dataset == "/particles/all/position/time")

        let notH5MD = H5MDFixtureTemporaryFile()
        _ = try HDF5File.create(notH5MD.path).root.createGroup("other")
        #expect(openError(notH5MD)?.kind == .format)

        let absent = #expect(throws: TrajectoryError.self) { try H5MDReader(path: "/nonexistent/x.h5md") }
        #expect(absent?.kind == .io)
        #expect(absent?.file == "/nonexistent/x.h5md")

        // A clusterless, non-periodic file without edges is fine: no cell.
        let cluster = try make { all in
            try all.createDataset("position/value", type: .float32, shape: [1, 2, 3]).write([0, 0, 0, 1, 1, 1] as [Float])
            try all.createDataset("position/step", type: .int32, shape: [1]).write([7] as [Int32])
        }
        let frame = try #require(try H5MDReader(path: cluster.path).next())
        #expect(frame.cell == nil && frame.step == 7)
        #expect(frame.species == ["type1"] && frame.provenance.species == .typesOnly)
        #expect(frame.provenance.ids == .fileOrder)
    }

    @Test("time-dependent species: a bad type in frame 1 names frame 1")
    func perFrameError() throws {
        let tmp = H5MDFixtureTemporaryFile()
        do {
            let file = try HDF5File.create(tmp.path)
            let all = try file.root.createGroup("particles/all")
            try all.createGroup("box").writeAttribute("boundary", strings: ["none", "none", "none"])
            _ = try all.createDataset("position/value", type: .float32, shape: [2, 2, 3])
            try all.createDataset("position/step", type: .int32, shape: [2]).write([0, 1] as [Int32])
            try all.createDataset("species/value", type: .int32, shape: [2, 2]).write([1, 2, 1, 3] as [Int32])
            try all.createHardLink("species/step", to: "/particles/all/position/step")
        }
        let reader = try H5MDReader(path: tmp.path, options: SourceOptions(speciesMap: [1: "Cu", 2: "Ag"]))
        #expect(try reader.next()?.species == ["Cu", "Ag"])
        let error = #expect(throws: TrajectoryError.self) { try reader.next() }
        #expect(error?.frame == 1)
        #expect(error?.kind == .options)
        #expect(error?.description.contains("/particles/all/species/value") == true)
    }
}
