/// Savitzky–Golay smoothing of many series at once (e.g. one LENS series per atom), fed one
/// sample per series at a time, with output identical to ``SavitzkyGolay/filter(_:)`` (hence
/// to SciPy's `savgol_filter`, mode `interp`) on each complete series.
///
/// ## When rows are emitted
/// Let `w` be the window, `h = ⌊w/2⌋` and `t` the 0-based index of the sample just pushed.
/// - At `t = w−1`, the `h` head rows `0 … h−1` (SciPy's `interp` fit to the first `w` samples).
/// - At every `t ≥ 2h`, the interior row `k = t − h`, whose window `[t−w+1, t]` is now
///   complete; its lag is ``lagFrames`` `= h` samples. (For odd `w`, `2h = w−1`, so the first
///   interior row comes together with the head rows.)
/// - At ``finish()``, the `h` tail rows `n−h … n−1` (fit to the last `w` samples), where `n` is
///   the segment length.
/// Every index `0 … n−1` is emitted exactly once, in increasing order.
///
/// ## Short segments
/// A segment with `0 < n < w` samples has no SciPy result (`interp` needs `n ≥ w`):
/// ``finish()`` throws ``SignalError/seriesTooShort(length:window:)`` and those samples produce
/// no output. An empty segment finishes silently with no rows.
///
/// ## Memory and cost
/// A ring of the last `w` samples, stored slot-major (`ring[slot · S + s]`, `S` = series), so
/// memory is `w · S` doubles whatever the series length. A push costs `w · S` multiply-adds per
/// emitted row over contiguous memory; the only allocations are the returned rows.
public struct StreamingSavitzkyGolay: Sendable {
    /// The filter applied to every series.
    public let filter: SavitzkyGolay
    /// Number of series `S`; every push carries exactly `S` values.
    public let seriesCount: Int
    /// Samples pushed in the current segment.
    public private(set) var sampleCount: Int = 0
    /// The last `w` samples of every series: `ring[(t mod w) · S + s]` holds sample `t` of series `s`.
    private var ring: [Double]

    /// A streaming filter for `seriesCount ≥ 0` series.
    public init(filter: SavitzkyGolay, seriesCount: Int) {
        precondition(seriesCount >= 0, "seriesCount must be non-negative")
        self.filter = filter
        self.seriesCount = seriesCount
        ring = [Double](repeating: 0, count: filter.window * seriesCount)
    }

    /// Lag of interior rows in samples, `⌊w/2⌋` (see ``SavitzkyGolay/lagFrames``).
    public var lagFrames: Int { filter.lagFrames }

    /// Appends one sample to every series (`values[s]` for series `s`;
    /// `values.count == seriesCount`, checked by a precondition) and returns the rows that became
    /// final, in increasing index order: each is the row's index in the series and its smoothed
    /// value for every series.
    public mutating func push(_ values: [Double]) -> [(index: Int, values: [Double])] {
        let w = filter.window
        let seriesCount = seriesCount
        precondition(values.count == seriesCount, "push needs \(seriesCount) values, got \(values.count)")
        let t = sampleCount
        let slot = t % w
        ring.withUnsafeMutableBufferPointer { r in
            values.withUnsafeBufferPointer { v in
                for s in 0..<seriesCount { r[slot * seriesCount + s] = v[s] }
            }
        }
        sampleCount = t + 1
        let h = w / 2
        var rows: [(index: Int, values: [Double])] = []
        if t == w - 1 {
            // Samples 0 … w−1 sit in slots 0 … w−1: no wrap yet.
            rows.reserveCapacity(h + 1)
            for i in 0..<h {
                rows.append((i, combine(filter.headWeights, row: i, firstSlot: 0)))
            }
        }
        if t >= 2 * h {
            // Window [t−w+1, t]; sample t−w+1 is in slot (t+1) mod w.
            rows.append((t - h, combine(filter.coefficients, row: 0, firstSlot: sampleCount % w)))
        }
        return rows
    }

    /// Ends the segment: returns the tail rows `n−h … n−1` from SciPy's `interp` fit to the last
    /// `w` samples, then resets for a new segment. Together with the rows returned by
    /// ``push(_:)``, the segment's output equals ``SavitzkyGolay/filter(_:)`` on each series.
    /// - Throws: ``SignalError/seriesTooShort(length:window:)`` if `0 < n < w`; the segment is
    ///   discarded (and the filter reset) in that case too. Returns `[]` for an empty segment.
    public mutating func finish() throws(SignalError) -> [(index: Int, values: [Double])] {
        let n = sampleCount
        let w = filter.window
        defer { reset() }
        if n == 0 { return [] }
        guard n >= w else { throw .seriesTooShort(length: n, window: w) }
        let h = w / 2
        var rows: [(index: Int, values: [Double])] = []
        rows.reserveCapacity(h)
        for i in 0..<h {
            // Window [n−w, n−1]; sample n−w is in slot n mod w.
            rows.append((n - h + i, combine(filter.tailWeights, row: i, firstSlot: n % w)))
        }
        return rows
    }

    /// Forgets the current segment (a new, independent series starts with the next push).
    public mutating func reset() {
        sampleCount = 0
    }

    /// `out[s] = Σ_j weights[row·w + j] · ring[((firstSlot + j) mod w) · S + s]`, summed in
    /// increasing `j` like the batch filter (so both give identical results).
    private func combine(_ weights: [Double], row: Int, firstSlot: Int) -> [Double] {
        let w = filter.window
        let seriesCount = seriesCount
        return [Double](unsafeUninitializedCapacity: seriesCount) { out, initialized in
            for s in 0..<seriesCount { out.initializeElement(at: s, to: 0) }
            ring.withUnsafeBufferPointer { r in
                weights.withUnsafeBufferPointer { g in
                    var slot = firstSlot
                    for j in 0..<w {
                        let weight = g[row * w + j]
                        let base = slot * seriesCount
                        for s in 0..<seriesCount { out[s] += weight * r[base + s] }
                        slot += 1
                        if slot == w { slot = 0 }
                    }
                }
            }
            initialized = seriesCount
        }
    }
}
