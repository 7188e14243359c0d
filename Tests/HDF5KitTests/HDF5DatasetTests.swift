import Foundation
import HDF5Kit
import Testing

@Suite("HDF5Dataset round trips")
struct HDF5DatasetTests {
    @Test("every element type round-trips and converts")
    func everyElementType() throws {
        let tmp = TemporaryHDF5File()
        do {
            let file = try HDF5File.create(tmp.path)
            try file.root.createDataset("d", type: .float64, shape: [2, 3]).write([1.5, -2, 3, 4, 5, 6.25] as [Double])
            try file.root.createDataset("f", type: .float32, shape: [4]).write([0.1, 0.2, 0.3, 1e30] as [Float])
            try file.root.createDataset("i", type: .int32, shape: [3]).write([-7, 0, Int32.max] as [Int32])
            try file.root.createDataset("l", type: .int64, shape: [2]).write([Int64.min, 1 << 40] as [Int64])
            try file.root.createDataset("u", type: .uint8, shape: [3]).write([0, 17, 255] as [UInt8])
        }
        let file = try HDF5File.open(tmp.path)
        #expect(try file.openDataset("d").read(as: Double.self) == [1.5, -2, 3, 4, 5, 6.25])
        #expect(try file.openDataset("d").shape == [2, 3])
        #expect(try file.openDataset("f").read(as: Float.self) == [0.1, 0.2, 0.3, 1e30])
        let widened = try file.openDataset("f").read(as: Double.self)
        #expect(widened[0] == Double(Float(0.1)))
        #expect(try file.openDataset("i").read(as: Int32.self) == [-7, 0, Int32.max])
        #expect(try file.openDataset("i").read(as: Int64.self) == [-7, 0, Int64(Int32.max)])
        #expect(try file.openDataset("i").read(as: Double.self) == [-7, 0, Double(Int32.max)])
        #expect(try file.openDataset("l").read(as: Int64.self) == [Int64.min, 1 << 40])
        #expect(try file.openDataset("u").read(as: UInt8.self) == [0, 17, 255])
        #expect(try file.openDataset("u").read(as: Int32.self) == [0, 17, 255])
        let f = try file.openDataset("f")
        #expect(f.elementClass == .float && f.elementSize == 4 && !f.isString)
        let l = try file.openDataset("l")
        #expect(l.elementClass == .integer && l.elementSize == 8)
        #expect(try l.chunkShape == nil)
        #expect(!file.isWritable)
    }

    @Test("chunked, gzip+shuffle, extended frame by frame, read by hyperslab")
    func chunkedExtendHyperslab() throws {
        let tmp = TemporaryHDF5File()
        let atoms = 50
        func frame(_ k: Int) -> [Float] { (0..<(atoms * 3)).map { Float(k) * 1000 + Float($0) * 0.5 } }
        do {
            let file = try HDF5File.create(tmp.path, mode: .exclusive)
            let layout = HDF5DatasetLayout.frames(chunk: [4, atoms, 3], gzipLevel: 4, shuffle: true)
            let ds = try file.root.createDataset("particles/all/position/value", type: .float32,
                                                 shape: [0, atoms, 3], layout: layout)
            #expect(try ds.maxShape == [nil, atoms, 3])
            for k in 0..<10 {
                try ds.extend(toFrames: k + 1)
                try ds.write(frame(k), atFrame: k)
            }
            try file.flush()
            #expect(try ds.shape == [10, atoms, 3])
            // Two frames at once in the middle, overwriting frames 3 and 4 with the same data.
            try ds.write(frame(3) + frame(4), atFrame: 3)
        }
        let ds = try HDF5File.open(tmp.path).openDataset("/particles/all/position/value")
        #expect(try ds.shape == [10, atoms, 3])
        #expect(try ds.chunkShape == [4, atoms, 3])
        #expect(try ds.frameCount == 10)
        for k in [0, 3, 9] {
            #expect(try ds.read(frames: k..<(k + 1), as: Float.self) == frame(k))
        }
        let pair = try ds.read(frames: 4..<6, as: Double.self)
        #expect(pair == (frame(4) + frame(5)).map(Double.init))
        #expect(try ds.read(frames: 2..<2, as: Float.self).isEmpty)
        #expect(try ds.read(as: Float.self).count == 10 * atoms * 3)
        let error = #expect(throws: HDF5Error.self) { try ds.read(frames: 9..<11, as: Float.self) }
        #expect(error?.kind == .mismatch)
        #expect(error?.object == "/particles/all/position/value")
    }

    @Test("wrong counts, missing objects and existing files are typed errors with context")
    func errors() throws {
        let tmp = TemporaryHDF5File()
        let file = try HDF5File.create(tmp.path)
        let ds = try file.root.createDataset("x", type: .int32, shape: [3])
        let countError = #expect(throws: HDF5Error.self) { try ds.write([1, 2] as [Int32]) }
        #expect(countError?.kind == .mismatch)
        let missing = #expect(throws: HDF5Error.self) { try file.openDataset("/no/such") }
        #expect(missing?.kind == .library)
        #expect(missing?.file == tmp.path)
        #expect(missing?.object == "/no/such")
        #expect(missing?.operation == "H5Dopen2")
        #expect(missing?.detail.isEmpty == false)
        let exclusive = #expect(throws: HDF5Error.self) { try HDF5File.create(tmp.path, mode: .exclusive) }
        #expect(exclusive?.operation == "H5Fcreate (exclusive)")
        let absent = #expect(throws: HDF5Error.self) { try HDF5File.open(tmp.path + ".absent") }
        #expect(absent?.file == tmp.path + ".absent")
        let strings = try file.root.createStringDataset("s", strings: ["a"])
        #expect(throws: HDF5Error.self) { try strings.read(as: Double.self) }
        #expect(throws: HDF5Error.self) { try ds.readStrings() }
    }

    @Test("string datasets: variable-length and fixed-length UTF-8")
    func stringDatasets() throws {
        let tmp = TemporaryHDF5File()
        let names = ["Cu", "Ag", "périodique", ""]
        do {
            let file = try HDF5File.create(tmp.path)
            _ = try file.root.createStringDataset("Trajectories/run/Types", strings: names)
            _ = try file.root.createStringDataset("fixed", strings: names, variableLength: false)
        }
        let file = try HDF5File.open(tmp.path)
        let vl = try file.openDataset("Trajectories/run/Types")
        #expect(vl.isString && vl.isVariableLengthString)
        #expect(try vl.readStrings() == names)
        let fixed = try file.openDataset("fixed")
        #expect(fixed.isString && !fixed.isVariableLengthString)
        #expect(fixed.elementSize == "périodique".utf8.count)
        #expect(try fixed.readStrings() == names)
    }
}
