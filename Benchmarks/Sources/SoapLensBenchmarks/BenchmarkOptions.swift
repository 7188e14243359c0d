/// Command-line options of `SoapLensBenchmarks` (plain parsing: the benchmark package adds
/// no dependencies of its own).
struct BenchmarkOptions {
    /// Which benchmarks: `codec`, `push`, `pubsub`, `lens`, `soap`, `pass` (SOAP + LENS, one search),
    /// `learning` (= `pca` + `gmm` on 400k χ rows; needs `Benchmarks/scripts/learning_data.py`'s file).
    /// `hdbscan` (HDBSCAN* on PCA-reduced χ rows; needs `Benchmarks/scripts/hdbscan_data.py`'s files).
    /// `online` (the daemon's per-frame assignment against a fitted model; the learning file).
    /// The default is every benchmark but the learning, HDBSCAN* and online ones.
    var selected: Set<String> = Self.known.subtracting(Self.learning).subtracting(["hdbscan", "online"])
    static let known: Set<String> = ["codec", "push", "pubsub", "lens", "soap", "pass", "learning", "pca", "gmm", "hdbscan", "online"]
    static let learning: Set<String> = ["learning", "pca", "gmm"]
    /// Measurement runs per variant (medians and spreads are taken over these).
    var runs = 3
    /// Minimum timed seconds per codec run.
    var codecSeconds = 1.0
    /// Frames per PUSH/PULL run.
    var pushFrames = 3000
    /// Publish rates for PUB/SUB, frames/s.
    var rates: [Double] = [100, 1000]
    /// Seconds per PUB/SUB run (frames = rate × seconds).
    var pubsubSeconds = 2.0
    /// LAMMPS dump to publish (default: the bundled `data/cu211-900K.dump.gz`).
    var dumpPath: String?
    /// Use synthetic frames even if the dump exists.
    var synthetic = false
    /// Frames loaded (and cycled over).
    var frameLimit = 100
    /// Append JSON lines here.
    var jsonPath: String?
    /// Frames of the LENS benchmark (the first ones of the dump).
    var lensFrames = 40
    /// Timed laps over the LENS frames per run (after one warm-up lap).
    var lensLaps = 5
    /// Write the LENS δ (float64 LE, centres × intervals) here, for the dynsight check.
    var lensDeltaPath: String?
    /// Au-309 positions for the SOAP benchmark (`x y z` per line; `soap_peer.py --write-au309`).
    var soapAu309Path: String?
    /// Timed calls per SOAP run and system.
    var soapCalls = 20
    /// Appended to the SOAP variant (e.g. ` haswell` for a `-target-cpu haswell` build).
    var soapVariant = ""
    /// Rows of the learning benchmark (float64 LE, 577 per row).
    var learningRowsPath = LearningBenchmark.defaultRowsPath
    /// GMM initial labels (int32 LE): read if present, else computed with KMeans and written.
    var learningLabelsPath = LearningBenchmark.defaultLabelsPath
    /// Write the fitted values here (JSON, + `.projected.f64`, `.labels.i32`) for `learning_peer.py --swift-check`.
    var learningCheckPath: String?
    /// GMM components and (fixed) EM iterations.
    var gmmComponents = 7
    var gmmIterations = 100
    /// HDBSCAN* inputs: `<prefix>-<n>x5.f64` per training size and `<prefix>-held-9000x5.f64`.
    var hdbscanPrefix = HDBSCANBenchmark.defaultPrefix
    /// HDBSCAN* training sizes (rows).
    var hdbscanSizes = [71_100, 424_000]
    /// Directory where run 1 writes the HDBSCAN* labels for `hdbscan_peer.py --swift-labels`.
    var hdbscanLabelsDir: String?

    static let usage = """
        usage: SoapLensBenchmarks [--only codec,push,pubsub,lens,soap,pass] [--runs N] [--codec-seconds S]
                                  [--push-frames N] [--rates R1,R2] [--pubsub-seconds S]
                                  [--dump FILE | --synthetic] [--frames N] [--json FILE]
                                  [--lens-frames N] [--lens-laps N] [--lens-delta FILE]
                                  [--soap-au309 FILE] [--soap-calls N] [--soap-variant TEXT]
                                  [--learning-rows FILE] [--learning-labels FILE] [--learning-check FILE]
                                  [--gmm-components K] [--gmm-iterations N]
                                  [--hdbscan-prefix PREFIX] [--hdbscan-sizes N1,N2] [--hdbscan-labels DIR]
               --only learning (= pca,gmm), --only hdbscan and --only online are never selected by default.
        """

    init(arguments: [String]) throws {
        var args = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let v = args.popFirst() else { throw BenchmarkError("\(flag) needs a value\n\(Self.usage)") }
            return v
        }
        func number(_ flag: String) throws -> Double {
            let text = try value(flag)
            guard let x = Double(text), x > 0 else { throw BenchmarkError("\(flag) needs a positive number, got '\(text)'") }
            return x
        }
        while let flag = args.popFirst() {
            switch flag {
            case "--only":
                selected = Set(try value(flag).split(separator: ",").map(String.init))
                let unknown = selected.subtracting(Self.known)
                guard unknown.isEmpty else { throw BenchmarkError("unknown benchmark(s) \(unknown.sorted()); known: \(Self.known.sorted().joined(separator: ", "))") }
            case "--runs": runs = Int(try number(flag))
            case "--codec-seconds": codecSeconds = try number(flag)
            case "--push-frames": pushFrames = Int(try number(flag))
            case "--rates":
                rates = try value(flag).split(separator: ",").map { text throws in
                    guard let r = Double(text), r > 0 else { throw BenchmarkError("--rates: bad rate '\(text)'") }
                    return r
                }
            case "--pubsub-seconds": pubsubSeconds = try number(flag)
            case "--dump": dumpPath = try value(flag)
            case "--synthetic": synthetic = true
            case "--frames": frameLimit = Int(try number(flag))
            case "--json": jsonPath = try value(flag)
            case "--lens-frames": lensFrames = Int(try number(flag))
            case "--lens-laps": lensLaps = Int(try number(flag))
            case "--lens-delta": lensDeltaPath = try value(flag)
            case "--soap-au309": soapAu309Path = try value(flag)
            case "--soap-calls": soapCalls = Int(try number(flag))
            case "--soap-variant": soapVariant = try value(flag)
            case "--learning-rows": learningRowsPath = try value(flag)
            case "--learning-labels": learningLabelsPath = try value(flag)
            case "--learning-check": learningCheckPath = try value(flag)
            case "--gmm-components": gmmComponents = Int(try number(flag))
            case "--gmm-iterations": gmmIterations = Int(try number(flag))
            case "--hdbscan-prefix": hdbscanPrefix = try value(flag)
            case "--hdbscan-sizes":
                hdbscanSizes = try value(flag).split(separator: ",").map { text throws in
                    guard let n = Int(text), n > 0 else { throw BenchmarkError("--hdbscan-sizes: bad size '\(text)'") }
                    return n
                }
            case "--hdbscan-labels": hdbscanLabelsDir = try value(flag)
            case "-h", "--help": throw BenchmarkError(Self.usage)
            default: throw BenchmarkError("unknown option '\(flag)'\n\(Self.usage)")
            }
        }
    }
}
