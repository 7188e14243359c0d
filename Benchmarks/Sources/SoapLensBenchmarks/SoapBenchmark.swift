import Foundation
import MDCore
import MDDescriptors
import MDTrajectory

/// Benchmark 4: SOAP per frame with `SoapCalculator.compute` (neighbour search streamed per
/// centre + spectra), the study's settings: GTO, `n_max = l_max = 8`, σ = 1 Å, full layout,
/// normalised (dscribe 2.1.2 conventions; the search radius is `r_cut + 3.717 Å`).
///
/// Systems (the same as `Benchmarks/scripts/soap_peer.py` feeds to dscribe):
/// * `cu211`: frame 0 of `data/cu211-900K.dump.gz` (2400 Cu, `p p f`), centres the 900 atoms
///   with z > 28.09 Å, environment all atoms, r_cut 6 Å (search radius 9.717 Å);
/// * `au309`: the Au-309 Mackay icosahedron (`ase.cluster.Icosahedron('Au', noshells=5)`,
///   positions read from the file `soap_peer.py --write-au309` writes), no cell, all 309
///   centres, r_cut 4.48 Å; skipped when no file is given.
///
/// `threads` = the CPUs the process may run on (`taskset`). Per run: one untimed call, then
/// `calls` timed calls; per-run median, p90 and mean ms per frame.
struct SoapBenchmark {
    struct System {
        var name: String
        var positions: [Double]
        var cell: Cell?
        var numbers: [Int]
        var centres: [Int32]
        var rCut: Double
        var species: Int
    }

    let systems: [System]

    static func load(dumpPath: String?, au309Path: String?) throws -> SoapBenchmark {
        let path = dumpPath ?? BenchmarkFrames.bundledDumpPath
        let reader = try LammpsDumpReader(path: path, options: SourceOptions(speciesMap: [1: "Cu"], timestep: 0.005))
        guard let frame = try reader.next() else { throw BenchmarkError("\(path) has no frame") }
        let centres = (0..<frame.atomCount).filter { frame.positions[3 * $0 + 2] > LensBenchmark.zThreshold }.map { Int32($0) }
        var systems = [System(
            name: "cu211", positions: frame.positions, cell: frame.cell,
            numbers: Array(repeating: 29, count: frame.atomCount), centres: centres, rCut: 6, species: 29)]
        if let au309Path {
            let text = try String(contentsOfFile: au309Path, encoding: .utf8)
            var positions: [Double] = []
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let fields = line.split(separator: " ").compactMap { Double($0) }
                guard fields.count == 3 else { throw BenchmarkError("\(au309Path): expected 'x y z' per line, got '\(line)'") }
                positions += fields
            }
            let n = positions.count / 3
            guard n == 309 else { throw BenchmarkError("\(au309Path): expected 309 atoms, got \(n)") }
            systems.append(System(
                name: "au309", positions: positions, cell: nil, numbers: Array(repeating: 79, count: n),
                centres: (0..<Int32(n)).map { $0 }, rCut: 4.48, species: 79))
        }
        return SoapBenchmark(systems: systems)
    }

    func run(run: Int, calls: Int, variantSuffix: String) throws -> [BenchmarkResult] {
        let cores = CPUAffinity.allowedCPUCount()
        let variant = (cores == 1 ? "1 core" : "\(cores) cores") + variantSuffix
        var results: [BenchmarkResult] = []
        for system in systems {
            let settings = try SoapSettings(rCut: system.rCut, species: [system.species])
            let calculator = try SoapCalculator(settings: settings, threads: cores)
            let environment = (0..<Int32(system.numbers.count)).map { $0 }
            var checksum = 0.0
            var times: [Double] = []
            for call in 0...calls {  // call 0 is the warm-up
                let t0 = MonotonicClock.nanoseconds()
                let spectra = try calculator.compute(
                    positions: system.positions, cell: system.cell, atomicNumbers: system.numbers,
                    centres: system.centres, environment: environment)
                let t1 = MonotonicClock.nanoseconds()
                if call == 0 {
                    checksum = spectra.values.reduce(0, +)
                } else {
                    times.append(Double(t1 - t0) * 1e-6)
                }
            }
            let s = SampleSummary(times)
            results.append(BenchmarkResult(
                benchmark: "soap.swift.\(system.name)", variant: variant, run: run,
                metrics: [
                    "ms_per_frame_p50": s.median, "ms_per_frame_p90": s.p90, "ms_per_frame_mean": s.mean,
                    "ms_per_frame_min": s.minimum, "us_per_centre_p50": s.median * 1e3 / Double(system.centres.count),
                ],
                notes: [
                    "system": system.name, "centres": String(system.centres.count),
                    "atoms": String(system.numbers.count), "r_cut_A": String(system.rCut),
                    "search_radius_A": String(settings.searchRadius), "n_max": "8", "l_max": "8",
                    "threads": String(cores), "calls": String(calls), "checksum": String(checksum),
                ]))
        }
        return results
    }
}
