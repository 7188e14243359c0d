import Foundation
import MDWire
import ZeroMQ

/// Entry point: loads the frames, runs the selected benchmarks `runs` times each, prints one
/// console line per run and appends JSON lines to `--json` for `scripts/summarize.py`.
@main
struct SoapLensBenchmarks {
    static func main() {
        do {
            try run(BenchmarkOptions(arguments: Array(CommandLine.arguments.dropFirst())))
        } catch {
            FileHandle.standardError.write(Data("SoapLensBenchmarks: \(error)\n".utf8))
            exit(2)
        }
    }

    static func run(_ options: BenchmarkOptions) throws {
        var output: FileHandle?
        if let path = options.jsonPath {
            if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
            guard let handle = FileHandle(forWritingAtPath: path) else { throw BenchmarkError("cannot write \(path)") }
            handle.seekToEndOfFile()
            output = handle
        }
        func emit(_ r: BenchmarkResult) {
            print(r.consoleLine())
            output?.write(Data((r.jsonLine() + "\n").utf8))
        }
        if options.selected.contains("lens") { try runLens(options, emit: emit) }
        if options.selected.contains("soap") { try runSoap(options, emit: emit) }
        if options.selected.contains("pass") { try runPass(options, emit: emit) }
        if !options.selected.isDisjoint(with: BenchmarkOptions.learning) { try runLearning(options, emit: emit) }
        if options.selected.contains("hdbscan") { try runHDBSCAN(options, emit: emit) }
        if options.selected.contains("online") { try runOnline(options, emit: emit) }
        guard !options.selected.isDisjoint(with: ["codec", "push", "pubsub"]) else {
            try output?.close()
            return
        }
        let loadStart = MonotonicClock.seconds()
        let frames = try BenchmarkFrames.load(dumpPath: options.dumpPath, synthetic: options.synthetic, limit: options.frameLimit)
        let v = ZMQ.version
        print("frames: \(frames.source), \(frames.atomCount) atoms, loaded in \(String(format: "%.2f", MonotonicClock.seconds() - loadStart)) s; libzmq \(v.major).\(v.minor).\(v.patch)")
        let precisions: [WireEncoder.Precision] = [.float64, .float32]
        if options.selected.contains("codec") {
            let codec = CodecBenchmark(frames: frames, secondsPerRun: options.codecSeconds)
            for p in precisions {
                for run in 1...options.runs { emit(codec.encode(precision: p, run: run)) }
                for run in 1...options.runs { emit(try codec.decode(precision: p, run: run)) }
            }
        }
        let ingest = IngestBenchmark(frames: frames)
        if options.selected.contains("codec") {
            for p in precisions {
                for run in 1...options.runs {
                    emit(try ingest.process(precision: p, secondsPerRun: options.codecSeconds, run: run))
                }
            }
            let fixedOrder = IngestBenchmark(frames: frames.withFixedOrder())
            for run in 1...options.runs {
                emit(try fixedOrder.process(precision: .float64, secondsPerRun: options.codecSeconds, run: run, variantSuffix: " same order"))
            }
        }
        if options.selected.contains("push") {
            for p in precisions {
                // Warm-up session (connections, allocator, page faults), not reported.
                _ = try ingest.push(precision: p, count: 200, run: 0)
                for run in 1...options.runs { emit(try ingest.push(precision: p, count: options.pushFrames, run: run)) }
            }
        }
        if options.selected.contains("pubsub") {
            for rate in options.rates {
                let count = max(20, Int(rate * options.pubsubSeconds))
                for run in 1...options.runs {
                    emit(try ingest.pubsub(precision: .float64, rate: rate, count: count, run: run))
                }
            }
        }
        try output?.close()
    }

    /// Benchmark 4 (``SoapBenchmark``): the Cu(211) frame and, with `--soap-au309`, the Au-309
    /// icosahedron.
    static func runSoap(_ options: BenchmarkOptions, emit: (BenchmarkResult) -> Void) throws {
        let bench = try SoapBenchmark.load(dumpPath: options.dumpPath, au309Path: options.soapAu309Path)
        print("soap: \(bench.systems.map { "\($0.name) (\($0.centres.count) centres)" }.joined(separator: ", ")); \(CPUAffinity.allowedCPUCount()) CPU(s) allowed")
        for run in 1...options.runs {
            for result in try bench.run(run: run, calls: options.soapCalls, variantSuffix: options.soapVariant) { emit(result) }
        }
    }

    /// Benchmark 5 (``PassBenchmark``): SOAP + LENS with separate searches and with one shared.
    static func runPass(_ options: BenchmarkOptions, emit: (BenchmarkResult) -> Void) throws {
        let bench = try PassBenchmark.load(dumpPath: options.dumpPath)
        print("pass: cu211, \(bench.centres.count) centres; \(CPUAffinity.allowedCPUCount()) CPU(s) allowed")
        for run in 1...options.runs {
            for result in try bench.run(run: run, calls: options.soapCalls) { emit(result) }
        }
    }

    /// Benchmark 6 (``LearningBenchmark``): PCA and GMM fitting on the 400k χ rows.
    static func runLearning(_ options: BenchmarkOptions, emit: (BenchmarkResult) -> Void) throws {
        let loadStart = MonotonicClock.seconds()
        var bench = try LearningBenchmark.load(path: options.learningRowsPath)
        bench.gmmComponents = options.gmmComponents
        bench.gmmIterations = options.gmmIterations
        print("learning: \(bench.count) × \(LearningBenchmark.featureCount) rows from \(bench.path), read in \(String(format: "%.2f", MonotonicClock.seconds() - loadStart)) s; \(CPUAffinity.allowedCPUCount()) CPU(s) allowed, OpenBLAS threads \(LearningBenchmark.blasThreads().map(String.init) ?? "unknown")")
        for run in 1...options.runs {
            for result in try bench.run(
                run: run, selected: options.selected, labelsPath: options.learningLabelsPath,
                checkPath: options.learningCheckPath, warmUp: run == 1)
            { emit(result) }
        }
    }

    /// Benchmark 8 (``OnlineAssignmentBenchmark``): the daemon's per-frame assignment budget.
    static func runOnline(_ options: BenchmarkOptions, emit: (BenchmarkResult) -> Void) throws {
        let bench = try LearningBenchmark.load(path: options.learningRowsPath)
        let online = OnlineAssignmentBenchmark(rows: bench.rows, count: bench.count)
        print("online: \(bench.count) χ rows from \(bench.path); \(CPUAffinity.allowedCPUCount()) CPU(s) allowed")
        for run in 1...options.runs {
            for result in try online.run(run: run) { emit(result) }
        }
    }

    /// Benchmark 7 (``HDBSCANBenchmark``): HDBSCAN* fit, soft clustering and prediction.
    static func runHDBSCAN(_ options: BenchmarkOptions, emit: (BenchmarkResult) -> Void) throws {
        let loadStart = MonotonicClock.seconds()
        let bench = try HDBSCANBenchmark.load(prefix: options.hdbscanPrefix, sizes: options.hdbscanSizes)
        print("hdbscan: \(bench.sets.map { String($0.count) }.joined(separator: ", ")) rows × \(HDBSCANBenchmark.width) + \(bench.heldCount) held-back rows, read in \(String(format: "%.2f", MonotonicClock.seconds() - loadStart)) s; \(CPUAffinity.allowedCPUCount()) CPU(s) allowed, activeProcessorCount \(ProcessInfo.processInfo.activeProcessorCount)")
        if let dir = options.hdbscanLabelsDir { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        for run in 1...options.runs {
            for result in try bench.run(run: run, labelsDir: options.hdbscanLabelsDir, warmUp: run == 1) { emit(result) }
        }
    }

    /// Benchmark 3 (``LensBenchmark``): frames are read before any timing; δ of the first run
    /// goes to `--lens-delta` for the comparison with dynsight.
    static func runLens(_ options: BenchmarkOptions, emit: (BenchmarkResult) -> Void) throws {
        let loadStart = MonotonicClock.seconds()
        let bench = try LensBenchmark.load(dumpPath: options.dumpPath, frameCount: options.lensFrames)
        print("lens: \(bench.source), \(bench.centres.count) centres (z > \(LensBenchmark.zThreshold) Å in frame 0), r_cut \(LensBenchmark.cutoff) Å, loaded in \(String(format: "%.2f", MonotonicClock.seconds() - loadStart)) s; \(CPUAffinity.allowedCPUCount()) CPU(s) allowed")
        for run in 1...options.runs {
            let outcome = try bench.run(run: run, laps: options.lensLaps)
            emit(outcome.lens)
            emit(outcome.smoothing)
            let streamed = try bench.run(run: run, laps: options.lensLaps, streaming: true)
            emit(streamed.lens)
            guard streamed.delta == outcome.delta else {
                throw BenchmarkError("LENS: the streaming route's δ differs from the list route's")
            }
            if run == 1, let path = options.lensDeltaPath {
                try LensBenchmark.write(delta: outcome.delta, to: path)
                print("lens: δ (\(bench.centres.count) × \(bench.frames.count - 1), float64 LE) written to \(path)")
            }
        }
    }
}
