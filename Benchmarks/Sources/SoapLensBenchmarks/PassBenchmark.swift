import MDCore
import MDDescriptors
import MDGeometry
import MDTrajectory

/// Benchmark 5: SOAP and LENS of one Cu(211) frame, the study's settings (SOAP n = l = 8,
/// r_cut 6 Å, environment all atoms; LENS r_cut 6 Å, environment the centres; centres the
/// 900 atoms with z > 28.09 Å), computed two ways on the same frame:
///
/// * `separate`: ``SoapCalculator`` with its own search (radius 9.717 Å), then LENS's own
///   search (6 Å) into ``NeighbourIDSets``;
/// * `shared`: one ``DescriptorPass`` — one search at 9.717 Å over the union of the
///   environments, each consumer filtering its view.
///
/// The two agree exactly (checked on the warm-up call: SOAP rows bit-identical, sets equal).
/// Per run: one untimed call each, then `calls` timed calls alternating the two.
struct PassBenchmark {
    let frame: Frame
    let centres: [Int32]

    static func load(dumpPath: String?) throws -> PassBenchmark {
        let path = dumpPath ?? BenchmarkFrames.bundledDumpPath
        let reader = try LammpsDumpReader(path: path, options: SourceOptions(speciesMap: [1: "Cu"], timestep: 0.005))
        guard let frame = try reader.next() else { throw BenchmarkError("\(path) has no frame") }
        // The SOAP benchmark's centres: z > 28.09 Å in frame 0.
        let centres = (0..<Int32(frame.atomCount)).filter { frame.positions[3 * Int($0) + 2] > LensBenchmark.zThreshold }
        return PassBenchmark(frame: frame, centres: centres)
    }

    func run(run: Int, calls: Int) throws -> [BenchmarkResult] {
        let cores = CPUAffinity.allowedCPUCount()
        let variant = cores == 1 ? "1 core" : "\(cores) cores"
        let calculator = try SoapCalculator(settings: SoapSettings(rCut: 6, species: [29]), threads: cores)
        let all = (0..<Int32(frame.atomCount)).map { $0 }
        let numbers = Array(repeating: 29, count: frame.atomCount)
        let lensSearch = NeighbourSearch(cutoff: 6, orderedPairs: false)
        let pass = DescriptorPass(soap: calculator, lensCutoff: 6, workers: cores)
        var separate = NeighbourIDSets(), shared = NeighbourIDSets()

        func runSeparate() throws -> SoapSpectra {
            separate.removeAll()
            let spectra = try calculator.compute(
                positions: frame.positions, cell: frame.cell, atomicNumbers: numbers, centres: centres, environment: all)
            try separate.append(
                searching: lensSearch, positions: frame.positions, cell: frame.cell, centres: centres,
                environment: centres, ids: frame.ids, cutoff: 6, workers: cores)
            return spectra
        }
        func runShared() throws -> SoapSpectra? {
            shared.removeAll()
            return try pass.compute(
                positions: frame.positions, cell: frame.cell, ids: frame.ids, atomicNumbers: numbers, centres: centres,
                soapEnvironment: all, lensEnvironment: centres, lensSets: &shared
            ).soap
        }
        let a = try runSeparate(), b = try runShared()
        guard let b, a.values.map(\.bitPattern) == b.values.map(\.bitPattern), separate == shared else {
            throw BenchmarkError("the shared search disagrees with the separate ones")
        }
        var times: [String: [Double]] = ["separate": [], "shared": []]
        for _ in 0..<calls {
            var t0 = MonotonicClock.nanoseconds()
            _ = try runSeparate()
            times["separate"]!.append(Double(MonotonicClock.nanoseconds() - t0) * 1e-6)
            t0 = MonotonicClock.nanoseconds()
            _ = try runShared()
            times["shared"]!.append(Double(MonotonicClock.nanoseconds() - t0) * 1e-6)
        }
        return ["separate", "shared"].map { way in
            let s = SampleSummary(times[way]!)
            return BenchmarkResult(
                benchmark: "soap_lens.\(way).cu211", variant: variant, run: run,
                metrics: [
                    "ms_per_frame_p50": s.median, "ms_per_frame_p90": s.p90, "ms_per_frame_mean": s.mean,
                    "ms_per_frame_min": s.minimum,
                ],
                notes: [
                    "centres": String(centres.count), "atoms": String(frame.atomCount), "soap_r_cut_A": "6",
                    "lens_r_cut_A": "6", "threads": String(cores), "calls": String(calls),
                ])
        }
    }
}
