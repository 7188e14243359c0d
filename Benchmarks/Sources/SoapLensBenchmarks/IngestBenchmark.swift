import MDCore
import MDIngest
import MDWire
import ZeroMQ

/// Benchmark 2: ingest over real ZeroMQ tcp loopback inside one process. A
/// ``PublisherThread`` (its own ZeroMQ context, like a separate engine) sends frames; this
/// thread runs `FrameSubscriber.run` (decode, validate, sort by id, track sequence numbers)
/// until the run's `end` arrives. Rates and latencies come from the subscriber's own
/// `IngestStatistics`.
struct IngestBenchmark {
    let frames: BenchmarkFrames

    /// `FrameSubscriber.process` alone, no transport: decode + validation + sort by id +
    /// run tracking, per message, timed call by call over one long run (the subscriber's
    /// socket is bound to an unused inproc endpoint and never read).
    /// `variantSuffix` is appended to the variant name (e.g. ` same order`).
    func process(precision: WireEncoder.Precision, secondsPerRun: Double, run: Int, variantSuffix: String = "") throws -> BenchmarkResult {
        let context = try ZMQContext()
        let subscriber = try FrameSubscriber(
            context: context,
            options: FrameSubscriber.Options(mode: .pull, endpoint: "inproc://process-benchmark-\(run)", bind: true))
        defer { subscriber.close() }
        let source = frames.frames
        func message(_ i: Int) -> [[UInt8]] {
            var f = source[i % source.count]
            f.runID = "process-\(run)"
            f.sequence = UInt64(i)
            return WireEncoder.encode(f, sentAt: WallClock.now(), precision: precision)
        }
        // Pre-encode one lap of the frame set; `seq` must increase, so patching it per call
        // would cost an encode: instead encode laps lazily in batches outside the timed region.
        var samples: [Double] = []
        var busy: UInt64 = 0
        var bytes = 0
        var i = 0
        let start = MonotonicClock.nanoseconds()
        while samples.count < 300 || Double(MonotonicClock.nanoseconds() - start) * 1e-9 < secondsPerRun {
            let batch = (i..<(i + source.count)).map(message)
            for parts in batch {
                let t0 = MonotonicClock.nanoseconds()
                let events = subscriber.process(parts)
                let t1 = MonotonicClock.nanoseconds()
                guard case .frame? = events.last else { throw BenchmarkError("process: message \(i) was not accepted: \(events)") }
                if i >= source.count {  // the first lap is the warm-up
                    busy += t1 - t0
                    samples.append(Double(t1 - t0) * 1e-3)
                    bytes += parts.reduce(0) { $0 + $1.count }
                }
                i += 1
            }
        }
        let s = SampleSummary(samples)
        return BenchmarkResult(
            benchmark: "ingest.process", variant: (precision == .float64 ? "float64" : "float32") + variantSuffix, run: run,
            metrics: [
                "us_per_frame_p50": s.median, "us_per_frame_p99": s.p99, "us_per_frame_mean": s.mean,
                "frames_per_s": Double(samples.count) / (Double(busy) * 1e-9),
                "mb_per_s": Double(bytes) / (Double(busy) * 1e-9) / 1e6,
                "message_bytes": Double(bytes) / Double(samples.count),
            ],
            notes: ["frames": frames.source, "atoms": String(frames.atomCount), "calls": String(samples.count)])
    }

    /// PUSH → PULL, lossless, unpaced: the publisher sends as fast as back-pressure allows.
    func push(precision: WireEncoder.Precision, count: Int, run: Int) throws -> BenchmarkResult {
        let stats = try session(mode: .push, precision: precision, count: count, rate: nil, runID: "push-\(run)")
        return result("ingest.push", precision == .float64 ? "float64" : "float32", run, stats, expected: count)
    }

    /// XPUB → SUB at a fixed publish rate (frames/s): gaps should be 0 and the latency is the
    /// unloaded transport + decode latency.
    func pubsub(precision: WireEncoder.Precision, rate: Double, count: Int, run: Int) throws -> BenchmarkResult {
        let stats = try session(mode: .publish, precision: precision, count: count, rate: rate, runID: "pubsub-\(run)")
        let name = (precision == .float64 ? "float64" : "float32") + "@\(Int(rate))fps"
        return result("ingest.pubsub", name, run, stats, expected: count)
    }

    private func session(
        mode: FramePublisher.Mode, precision: WireEncoder.Precision, count: Int, rate: Double?, runID: String
    ) throws -> IngestStatistics {
        let publisherContext = try ZMQContext()
        let subscriberContext = try ZMQContext()
        let (publisher, endpoint) = try PublisherThread.start(
            context: publisherContext, mode: mode, frames: frames.frames, count: count, runID: runID,
            precision: precision, rate: rate)
        let subscriber = try FrameSubscriber(
            context: subscriberContext,
            options: FrameSubscriber.Options(mode: mode == .push ? .pull : .subscribe, endpoint: endpoint))
        defer { subscriber.close() }
        // Generous deadline: the expected duration plus 20 s, in case `end` is lost (PUB/SUB).
        let deadline = MonotonicClock.seconds() + 20 + (rate.map { Double(count) / $0 } ?? 0)
        var accepted = 0
        try subscriber.run(until: { MonotonicClock.seconds() > deadline }) { event in
            switch event {
            case .frame:
                accepted += 1
                return .proceed
            case let .segmentEnd(record):
                return record.runID == runID ? .stop : .proceed
            case let .rejected(code, message):
                fatalError("benchmark frame rejected (\(code)): \(message)")
            case .segmentStart, .reconnected:
                return .proceed
            }
        }
        try publisher.join()
        guard accepted > 0 else { throw BenchmarkError("no frames arrived from \(endpoint)") }
        return subscriber.statistics
    }

    private func result(_ name: String, _ variant: String, _ run: Int, _ s: IngestStatistics, expected: Int) -> BenchmarkResult {
        let fps = s.framesPerSecond ?? 0
        let messageBytes = Double(s.bytes) / Double(max(s.received, 1))
        var metrics: [String: Double] = [
            "frames": Double(s.frames), "frames_per_s": fps, "mb_per_s": fps * messageBytes / 1e6,
            "latency_ms_max": s.latency.maximum * 1e3,
            "gaps": Double(s.gaps), "rejected": Double(s.rejectedTotal), "message_bytes": messageBytes,
            "reconnects": Double(s.reconnects),
        ]
        if let p50 = s.latency.quantile(0.5), let p99 = s.latency.quantile(0.99) {
            metrics["latency_ms_p50"] = p50 * 1e3
            metrics["latency_ms_p99"] = p99 * 1e3
        }
        return BenchmarkResult(
            benchmark: name, variant: variant, run: run, metrics: metrics,
            notes: ["frames": frames.source, "atoms": String(frames.atomCount), "published": String(expected)])
    }
}
