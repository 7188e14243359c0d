import Foundation
import HDF5Kit
import Testing

@Suite("HDF5Group and attributes")
struct HDF5GroupTests {
    @Test("groups, existence, kinds, child names and hard links")
    func groupsAndLinks() throws {
        let tmp = TemporaryHDF5File()
        do {
            let file = try HDF5File.create(tmp.path)
            let position = try file.root.createGroup("particles/all/position")
            let step = try position.createDataset("step", type: .int64, shape: [3])
            try step.write([0, 10, 20] as [Int64])
            _ = try file.root.createGroup("particles/b")
            try file.root.createHardLink("particles/all/box/edges/step", to: "/particles/all/position/step")
            let edges = try file.openGroup("particles/all/box/edges")
            try edges.createHardLink("time", to: "/particles/all/position/step")
        }
        let file = try HDF5File.open(tmp.path, mode: .readWrite)
        #expect(file.isWritable)
        #expect(try file.exists("particles/all/position/step"))
        #expect(try file.exists("/particles/all"))
        #expect(try !file.exists("particles/none/step"))
        #expect(try !file.exists("particles/all/position/step/deeper"))
        #expect(try file.kind(of: "particles/all") == .group)
        #expect(try file.kind(of: "particles/all/position/step") == .dataset)
        #expect(try file.kind(of: "nothing") == nil)
        #expect(try file.openGroup("particles").childNames() == ["all", "b"])
        #expect(try file.openGroup("particles/all").childNames() == ["box", "position"])
        // The link and the original are one object: a write through one shows in the other.
        try file.openDataset("particles/all/box/edges/step").write([5, 15, 25] as [Int64])
        #expect(try file.openDataset("particles/all/position/step").read(as: Int64.self) == [5, 15, 25])
        #expect(try file.openDataset("particles/all/box/edges/time").read(as: Int64.self) == [5, 15, 25])
        #expect(try file.openGroup("particles/all").path == "/particles/all")
    }

    @Test("attributes of every kind on groups and datasets")
    func attributes() throws {
        let tmp = TemporaryHDF5File()
        do {
            let file = try HDF5File.create(tmp.path)
            let box = try file.root.createGroup("particles/all/box")
            try box.writeAttribute("dimension", scalar: Int32(3))
            try box.writeAttribute("boundary", strings: ["periodic", "periodic", "none"])
            try box.writeAttribute("fixedBoundary", strings: ["periodic", "none"], variableLength: false)
            try file.root.createGroup("h5md").writeAttribute("version", [1, 1] as [Int32])
            let value = try box.createDataset("edges", type: .float64, shape: [3])
            try value.writeAttribute("unit", string: "Ang")
            try value.writeAttribute("fixedUnit", string: "nm", variableLength: false)
            try value.writeAttribute("r_cut", scalar: 4.5)
            try value.writeAttribute("weights", [0.25, 0.5] as [Double])
            try value.writeAttribute("f", [1.5] as [Float])
            try value.writeAttribute("big", scalar: Int64(1) << 40)
            try value.writeAttribute("bytes", [1, 2, 255] as [UInt8])
            try value.writeAttribute("empty", strings: [])
            try value.writeAttribute("r_cut", scalar: 5.0)  // replaces
        }
        let file = try HDF5File.open(tmp.path)
        let box = try file.openGroup("particles/all/box")
        #expect(try box.readScalarAttribute("dimension", as: Int32.self) == 3)
        #expect(try box.readScalarAttribute("dimension", as: Double.self) == 3)
        #expect(try box.readStringAttribute("boundary") == ["periodic", "periodic", "none"])
        #expect(try box.readStringAttribute("fixedBoundary") == ["periodic", "none"])
        #expect(try box.attributeNames() == ["boundary", "dimension", "fixedBoundary"])
        #expect(try box.attributeElementClass("boundary") == .string)
        #expect(try file.openGroup("h5md").readAttribute("version", as: Int32.self) == [1, 1])
        let value = try file.openDataset("particles/all/box/edges")
        #expect(try value.hasAttribute("unit"))
        #expect(try !value.hasAttribute("units"))
        #expect(try value.readStringAttribute("unit") == ["Ang"])
        #expect(try value.readStringAttribute("fixedUnit") == ["nm"])
        #expect(try value.readScalarAttribute("r_cut", as: Double.self) == 5.0)
        #expect(try value.readAttribute("weights", as: Double.self) == [0.25, 0.5])
        #expect(try value.readAttribute("f", as: Double.self) == [1.5])
        #expect(try value.readScalarAttribute("big", as: Int64.self) == 1 << 40)
        #expect(try value.readAttribute("bytes", as: UInt8.self) == [1, 2, 255])
        #expect(try value.readStringAttribute("empty") == [])
        let notNumber = #expect(throws: HDF5Error.self) { try value.readAttribute("unit", as: Double.self) }
        #expect(notNumber?.kind == .mismatch)
        let notScalar = #expect(throws: HDF5Error.self) { try value.readScalarAttribute("weights", as: Double.self) }
        #expect(notScalar?.kind == .mismatch)
        let missing = #expect(throws: HDF5Error.self) { try value.readStringAttribute("nope") }
        #expect(missing?.object == "/particles/all/box/edges")
        #expect(missing?.kind == .library)
    }

    @Test("reads a file written by h5py: VL strings, fixed strings, float32")
    func h5pyFixture() throws {
        let file = try HDF5File.open(hdf5KitFixture("h5py_kinds.h5"))
        let g = try file.openGroup("g")
        #expect(try g.readStringAttribute("vl_scalar") == ["périodique"])
        #expect(try g.readStringAttribute("vl_list") == ["periodic", "none", "periodic"])
        #expect(try g.readStringAttribute("fixed_list") == ["ab", "cde"])
        #expect(try g.readAttribute("ints", as: Int64.self) == [1, 1])
        #expect(try g.readScalarAttribute("pi", as: Float.self) == 3.25)
        let names = try g.openDataset("names")
        #expect(names.isVariableLengthString)
        #expect(try names.readStrings() == ["Cu", "Ag", "Cu"])
        #expect(try g.openDataset("fixed_names").readStrings() == ["Cu", "Ag"])
        let f32 = try g.openDataset("f32")
        #expect(f32.elementClass == .float && f32.elementSize == 4)
        #expect(try f32.shape == [4, 3])
        let row = try f32.read(frames: 2..<3, as: Double.self)
        let expected: [Float] = [6, 7, 8].map { Float($0) * Float(0.1) }
        #expect(row == expected.map(Double.init))
        #expect(try f32.readStringAttribute("unit") == ["nm"])
        #expect(try g.childNames() == ["f32", "fixed_names", "names"])
    }

    @Test("objects may be used from several threads")
    func concurrentReads() async throws {
        let path = hdf5KitFixture("h5py_kinds.h5")
        try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask { try HDF5File.open(path).openDataset("g/names").readStrings() }
            }
            for try await names in group { #expect(names == ["Cu", "Ag", "Cu"]) }
        }
    }
}
