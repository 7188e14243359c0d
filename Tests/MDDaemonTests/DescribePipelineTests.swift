import Foundation
import HDF5Kit
import MDCore
import MDDaemon
import MDTrajectory
import Testing

@Suite struct DescribePipelineTests {
    static let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/cu211-900K.dump.gz").path

    static func reference(_ name: String) throws -> [Double] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("lens/\(name)")))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
        }
    }

    @Test func describeLensWritesTheReferenceSeries() throws {
        let output = Fixtures.temporaryPath(".h5")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let options = DescribeOptions(
            files: [Self.bundled], source: SourceOptions(speciesMap: [1: "Cu"], timestep: 0.005), stop: 40, cutoff: 6,
            window: 20, polyorder: 2, centres: try Selection(parsing: "z > 28.09"), output: output)
        let summary = try DescribePipeline(options: options, logger: quietLogger).run()
        #expect(summary.frames == 40)
        #expect(summary.centres == 900)
        #expect(summary.intervals == 39)
        #expect(summary.smoothedRows == 39)
        #expect(summary.warnings.isEmpty)

        let file = try HDF5File.open(output)
        let raw = try file.openDataset("particles/all/lens/value").read(as: Double.self)  // intervals × centres
        let smoothed = try file.openDataset("particles/all/lens_smoothed/value").read(as: Double.self)
        let refRaw = try Self.reference("centres_env_raw.bin")  // centres × intervals
        let refSmoothed = try Self.reference("centres_env_sg20.bin")
        var worstRaw = 0.0, worstSmoothed = 0.0
        for k in 0..<39 {
            for i in 0..<900 {
                worstRaw = max(worstRaw, abs(raw[k * 900 + i] - refRaw[i * 39 + k]))
                worstSmoothed = max(worstSmoothed, abs(smoothed[k * 900 + i] - refSmoothed[i * 39 + k]))
            }
        }
        #expect(worstRaw <= 1e-15)
        #expect(worstSmoothed <= 1e-12)
        // Row k is the interval from frame k to k+1, labelled with frame k's step and time.
        #expect(try file.openDataset("particles/all/lens/step").read(as: Int64.self).prefix(3) == [0, 200, 400])
        #expect(try file.openDataset("particles/all/lens/time").read(as: Double.self).prefix(3) == [0, 1, 2])
        let smoothedGroup = try file.openGroup("particles/all/lens_smoothed")
        #expect(try smoothedGroup.readScalarAttribute("sg_window", as: Int64.self) == 20)
        #expect(try smoothedGroup.readScalarAttribute("lag_frames", as: Int64.self) == 10)
        #expect(try smoothedGroup.readScalarAttribute("r_cut", as: Double.self) == 6)
        let centres = try file.openDataset("particles/all/centres")
        #expect(try centres.read(as: Int64.self).count == 900)
        #expect(try centres.readStringAttribute("selection") == ["z > 28.09"])
        #expect(try file.openGroup("particles/all/box").readStringAttribute("boundary") == ["periodic", "periodic", "none"])
    }

    @Test func tooFewFramesForTheWindowIsAWarningNotACrash() throws {
        let output = Fixtures.temporaryPath(".h5")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let options = DescribeOptions(
            files: [Fixtures.path("trajectories/cu_ortho.dump")], window: 20, output: output)
        let summary = try DescribePipeline(options: options, logger: quietLogger).run()
        #expect(summary.intervals == summary.frames - 1)
        #expect(summary.smoothedRows == 0)
        #expect(summary.warnings.count == 1)
        let file = try HDF5File.open(output)
        #expect(try file.openDataset("particles/all/lens_smoothed/value").shape == [0, 108])
    }

    @Test func anEmptySelectionIsRefused() throws {
        let options = DescribeOptions(
            files: [Fixtures.path("trajectories/cu_ortho.dump")], centres: try Selection(parsing: "z > 1000"),
            output: Fixtures.temporaryPath(".h5"))
        #expect(throws: StageError.self) { try DescribePipeline(options: options, logger: quietLogger).run() }
    }
}

@Suite struct DescribeSoapTests {
    /// dscribe 2.1.2's compressed spectra of frame 0 (Tests/Fixtures/soap, cu211 system).
    static func dscribeReference() throws -> (ids: [Int64], rows: [[Double]]) {
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("soap/soap_fixtures.json")))) as! [String: Any]
        let systems = (meta["systems"] as? [String: Any]) ?? meta
        let cu = systems["cu211"] as! [String: Any]
        let ids = (cu["ids"] as! [NSNumber]).map(\.int64Value)
        let flat = try DescribePipelineTests.reference("../soap/cu211.soap.bin")
        let width = flat.count / ids.count
        return (ids, (0..<ids.count).map { Array(flat[($0 * width)..<(($0 + 1) * width)]) })
    }

    /// dscribe's compressed single-species vector → SOAPify's full layout, unit length.
    static func fullNormalised(_ c: [Double], nMax: Int = 8, lMax: Int = 8) -> [Double] {
        var out = [Double](repeating: 0, count: (lMax + 1) * nMax * nMax)
        var k = 0
        for l in 0...lMax {
            for n in 0..<nMax {
                for m in n..<nMax {
                    out[l * nMax * nMax + n * nMax + m] = c[k]
                    out[l * nMax * nMax + m * nMax + n] = c[k]
                    k += 1
                }
            }
        }
        let norm = out.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return out.map { $0 / norm }
    }

    @Test func describeSoapWritesDscribeSpectra() throws {
        let (ids, rows) = try Self.dscribeReference()
        let chosen = Array(ids.prefix(5))
        let output = Fixtures.temporaryPath(".h5")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let options = DescribeOptions(
            files: [DescribePipelineTests.bundled], source: SourceOptions(speciesMap: [1: "Cu"], timestep: 0.005), stop: 1,
            cutoff: 6, centres: try Selection(parsing: "id " + chosen.map(String.init).joined(separator: " ")),
            output: output, computeLens: false, soap: SoapOptions())
        let summary = try DescribePipeline(options: options, logger: quietLogger).run()
        #expect(summary.soapFrames == 1)
        #expect(summary.soapFeatures == 576)
        let file = try HDF5File.open(output)
        let value = try file.openDataset("particles/all/soap/value")
        #expect(try value.shape == [1, 5, 576])
        let written = try value.read(as: Double.self)
        let centres = try file.openDataset("particles/all/centres").read(as: Int64.self)
        #expect(centres == chosen.sorted())
        var worst = 0.0
        for (r, id) in centres.enumerated() {
            let expected = Self.fullNormalised(rows[ids.firstIndex(of: id)!])
            for f in 0..<576 { worst = max(worst, abs(written[r * 576 + f] - expected[f])) }
        }
        #expect(worst <= 1e-9, "max |p − p_dscribe| = \(worst) on unit vectors")
        let soap = try file.openGroup("particles/all/soap")
        #expect(try soap.readScalarAttribute("n_max", as: Int64.self) == 8)
        #expect(try soap.readScalarAttribute("r_cut", as: Double.self) == 6)
        #expect(try soap.readStringAttribute("layout") == ["full"])
        #expect(try soap.readAttribute("species", as: Int64.self) == [29])
    }

    /// `--lens --soap` runs one neighbour search per frame for both; what it writes equals
    /// what `--lens` and `--soap` write alone.
    @Test func lensAndSoapTogetherEqualEachAlone() throws {
        func run(lens: Bool, soap: Bool) throws -> (String, DescribeSummary) {
            let output = Fixtures.temporaryPath(".h5")
            let options = DescribeOptions(
                files: [DescribePipelineTests.bundled], source: SourceOptions(speciesMap: [1: "Cu"], timestep: 0.005), stop: 8, cutoff: 4,
                window: 5, polyorder: 2, centres: try Selection(parsing: "z > 30.5 and y < 10"), output: output,
                computeLens: lens, soap: soap ? SoapOptions(nMax: 3, lMax: 3, threads: 2) : nil)
            return (output, try DescribePipeline(options: options, logger: quietLogger).run())
        }
        let (both, summary) = try run(lens: true, soap: true)
        let (lensOnly, _) = try run(lens: true, soap: false)
        let (soapOnly, _) = try run(lens: false, soap: true)
        defer { for path in [both, lensOnly, soapOnly] { try? FileManager.default.removeItem(atPath: path) } }
        #expect(summary.soapFrames == 8)
        #expect(summary.intervals == 7)
        #expect(summary.centres > 20)
        let combined = try HDF5File.open(both)
        for (name, path) in [("lens", lensOnly), ("lens_smoothed", lensOnly), ("soap", soapOnly)] {
            let alone = try HDF5File.open(path)
            let a = try combined.openDataset("particles/all/\(name)/value").read(as: Double.self)
            let b = try alone.openDataset("particles/all/\(name)/value").read(as: Double.self)
            #expect(!a.isEmpty)
            #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "\(name)")
        }
    }
}
