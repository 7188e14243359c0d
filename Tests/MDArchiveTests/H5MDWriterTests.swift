import Foundation
import HDF5Kit
import MDArchive
import MDCore
import Testing

@Suite struct H5MDWriterTests {
    @Test func seriesAppendAndReadBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("soaplens-archive-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let w = try H5MDWriter(path: path, periodicity: Periodicity(true, true, false), creatorVersion: "test")
            try w.writeIDs("centres", [3, 7, 9], attributes: ["selection": .string("z > 12")])
            let s = try w.addSeries("lens", columns: 3, attributes: ["r_cut": .double(6), "lag_frames": .int(1)])
            for k in 0..<100 {
                try s.append(step: Int64(k * 200), time: Double(k), values: [Double(k), 0.5, -Double(k)])
            }
            #expect(s.count == 100)
            try w.flush()
        }
        let f = try HDF5File.open(path)
        #expect(try f.root.openGroup("h5md").readAttribute("version", as: Int32.self) == [1, 1])
        #expect(try f.openGroup("particles/all/box").readStringAttribute("boundary") == ["periodic", "periodic", "none"])
        #expect(try f.openDataset("particles/all/centres").read(as: Int64.self) == [3, 7, 9])
        let value = try f.openDataset("particles/all/lens/value")
        #expect(try value.shape == [100, 3])
        let rows = try value.read(frames: 98..<100, as: Double.self)
        #expect(rows == [98, 0.5, -98, 99, 0.5, -99])
        #expect(try f.openDataset("particles/all/lens/step").read(as: Int64.self).last == 19800)
        #expect(try f.openDataset("particles/all/lens/time").readStringAttribute("unit") == ["ps"])
        #expect(try value.readScalarAttribute("r_cut", as: Double.self) == 6)
        #expect(try f.openGroup("particles/all/lens").readScalarAttribute("lag_frames", as: Int64.self) == 1)
    }
}
