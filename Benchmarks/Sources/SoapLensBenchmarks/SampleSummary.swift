/// Order statistics of a set of measurements (any unit): median, p90, p99, mean, extremes.
struct SampleSummary: Sendable {
    let count: Int
    let minimum: Double
    let median: Double
    let p90: Double
    let p99: Double
    let maximum: Double
    let mean: Double

    /// Summarises `values` (must not be empty). Quantiles use the nearest-rank definition:
    /// the q-quantile is the smallest value with at least q × count values at or below it.
    init(_ values: [Double]) {
        precondition(!values.isEmpty, "no samples to summarise")
        let sorted = values.sorted()
        count = sorted.count
        minimum = sorted[0]
        maximum = sorted[sorted.count - 1]
        median = Self.quantile(sorted, 0.5)
        p90 = Self.quantile(sorted, 0.9)
        p99 = Self.quantile(sorted, 0.99)
        mean = sorted.reduce(0, +) / Double(sorted.count)
    }

    /// Nearest-rank quantile of an ascending array.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
