import MDCore
import MDWire

/// Benchmark 1: the pure wire codec, no sockets. Times every single `WireEncoder.encode`
/// and `WireDecoder.decode` call (decode includes header parsing, array checks and
/// `Frame.validate()`), cycling over the frame set, after a warm-up pass.
struct CodecBenchmark {
    let frames: BenchmarkFrames
    /// Minimum measuring time per run, seconds.
    let secondsPerRun: Double
    /// Minimum timed calls per run.
    let minimumCalls = 300

    func encode(precision: WireEncoder.Precision, run: Int) -> BenchmarkResult {
        let input = frames.frames
        var sink = 0
        for f in input { sink &+= WireEncoder.encode(f, sentAt: 1.7e9, precision: precision).count }  // warm-up
        var samples: [Double] = []
        samples.reserveCapacity(1 << 16)
        var bytes = 0
        var busy: UInt64 = 0
        let start = MonotonicClock.nanoseconds()
        var i = 0
        while samples.count < minimumCalls || Double(MonotonicClock.nanoseconds() - start) * 1e-9 < secondsPerRun {
            let frame = input[i % input.count]
            let t0 = MonotonicClock.nanoseconds()
            let parts = WireEncoder.encode(frame, sentAt: 1.7e9, precision: precision)
            let t1 = MonotonicClock.nanoseconds()
            busy += t1 - t0
            samples.append(Double(t1 - t0) * 1e-3)
            for p in parts { bytes += p.count }
            sink &+= parts.count
            i += 1
        }
        return result("codec.encode", precision, run, samples, bytes: bytes, busySeconds: Double(busy) * 1e-9, sink: sink)
    }

    func decode(precision: WireEncoder.Precision, run: Int) throws -> BenchmarkResult {
        let messages = frames.frames.map { WireEncoder.encode($0, sentAt: 1.7e9, precision: precision) }
        let sizes = messages.map { $0.reduce(0) { $0 + $1.count } }
        var sink = 0
        for m in messages { sink &+= try Self.decodedAtoms(m) }  // warm-up, and proves every message decodes
        var samples: [Double] = []
        samples.reserveCapacity(1 << 16)
        var bytes = 0
        var busy: UInt64 = 0
        let start = MonotonicClock.nanoseconds()
        var i = 0
        while samples.count < minimumCalls || Double(MonotonicClock.nanoseconds() - start) * 1e-9 < secondsPerRun {
            let k = i % messages.count
            let t0 = MonotonicClock.nanoseconds()
            let message = try? WireDecoder.decode(messages[k])
            let t1 = MonotonicClock.nanoseconds()
            guard case let .frame(frame)? = message else { throw BenchmarkError("message \(k) did not decode to a frame") }
            busy += t1 - t0
            samples.append(Double(t1 - t0) * 1e-3)
            bytes += sizes[k]
            sink &+= frame.atomCount
            i += 1
        }
        return result("codec.decode", precision, run, samples, bytes: bytes, busySeconds: Double(busy) * 1e-9, sink: sink)
    }

    private static func decodedAtoms(_ parts: [[UInt8]]) throws -> Int {
        do {
            guard case let .frame(f) = try WireDecoder.decode(parts) else {
                throw BenchmarkError("a benchmark frame decoded to a control message")
            }
            return f.atomCount
        } catch {
            throw BenchmarkError("a benchmark frame failed to decode: \(error)")
        }
    }

    private func result(
        _ name: String, _ precision: WireEncoder.Precision, _ run: Int, _ samples: [Double], bytes: Int,
        busySeconds: Double, sink: Int
    ) -> BenchmarkResult {
        let s = SampleSummary(samples)
        return BenchmarkResult(
            benchmark: name, variant: precision == .float64 ? "float64" : "float32", run: run,
            metrics: [
                "us_per_frame_p50": s.median, "us_per_frame_p99": s.p99, "us_per_frame_mean": s.mean,
                "frames_per_s": Double(samples.count) / busySeconds,
                "mb_per_s": Double(bytes) / busySeconds / 1e6,
                "message_bytes": Double(bytes) / Double(samples.count),
            ],
            notes: ["frames": frames.source, "atoms": String(frames.atomCount), "calls": String(samples.count), "checksum": String(sink)])
    }
}
