import Foundation

/// One measurement run of one benchmark variant, written as one JSON line; the summary
/// script (`Benchmarks/scripts/summarize.py`) groups lines by `benchmark` and `variant` and
/// reports the median and the spread over runs.
struct BenchmarkResult: Sendable, Codable {
    /// Benchmark name, e.g. `codec.encode`, `ingest.push`, `ingest.pubsub`.
    var benchmark: String
    /// Variant within the benchmark, e.g. `float64`, `float32@1000fps`.
    var variant: String
    /// 1-based run index.
    var run: Int
    /// Metric name → value. Units are in the names: `_us`, `_ms`, `_per_s`, `mb_per_s` (10⁶ B/s).
    var metrics: [String: Double]
    /// Free-form context (frame source, atom count, message size).
    var notes: [String: String]

    /// The result as one compact JSON line (keys sorted, so lines diff cleanly).
    func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self), let text = String(data: data, encoding: .utf8) else {
            return "{}"
        }
        return text
    }

    /// A one-line human-readable rendering for the console.
    func consoleLine() -> String {
        let values = metrics.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.format($0.value))" }
        return "\(benchmark) [\(variant)] run \(run): " + values.joined(separator: " ")
    }

    private static func format(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e9 { return String(Int(x)) }
        return String(format: abs(x) >= 100 ? "%.1f" : "%.3f", x)
    }
}
