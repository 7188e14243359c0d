#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed-memory histogram of latencies with logarithmic buckets (about 2 % relative
/// resolution from 1 µs to 1000 s), for p50/p99 over an unbounded stream.
public struct LatencyHistogram: Sendable {
    /// Smallest resolved latency, seconds.
    public static let minimum = 1e-6
    /// Buckets per factor of 10.
    public static let bucketsPerDecade = 120
    private static let decades = 9
    private var counts: [UInt64]
    /// Number of recorded values.
    public private(set) var count: UInt64 = 0
    /// Largest recorded value, seconds.
    public private(set) var maximum: Double = 0
    /// Sum of recorded values, seconds.
    public private(set) var sum: Double = 0

    public init() {
        counts = Array(repeating: 0, count: Self.bucketsPerDecade * Self.decades + 1)
    }

    /// Records one latency in seconds (negative values, from clock skew between hosts, count as 0).
    public mutating func record(_ seconds: Double) {
        let s = seconds.isFinite ? max(0, seconds) : 0
        counts[Self.bucket(s)] += 1
        count += 1
        sum += s
        maximum = max(maximum, s)
    }

    /// The q-quantile (0…1) in seconds, or nil when empty. Reports the bucket's upper edge,
    /// so the answer is at most ~2 % above the true value.
    public func quantile(_ q: Double) -> Double? {
        guard count > 0 else { return nil }
        let rank = UInt64((q * Double(count)).rounded(.up))
        var seen: UInt64 = 0
        for (i, c) in counts.enumerated() {
            seen += c
            if seen >= max(rank, 1) { return min(Self.upperEdge(i), maximum) }
        }
        return maximum
    }

    /// Mean latency in seconds, or nil when empty.
    public var mean: Double? { count > 0 ? sum / Double(count) : nil }

    private static func bucket(_ s: Double) -> Int {
        guard s > minimum else { return 0 }
        let k = Int((log10(s / minimum) * Double(bucketsPerDecade)).rounded(.up))
        return min(max(k, 0), bucketsPerDecade * decades)
    }

    private static func upperEdge(_ i: Int) -> Double {
        minimum * pow(10, Double(i) / Double(bucketsPerDecade))
    }
}
