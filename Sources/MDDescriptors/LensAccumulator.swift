/// Online LENS for a fixed list of centres: keeps the neighbour-id sets of the last `lag + 1`
/// frames in a ring and, for each new frame t, returns δ for the interval (t − lag, t).
///
/// Memory: `lag + 1` frames of neighbour sets, independent of the run's length. The ring's
/// buffers are reused, so after the first `lag + 1` frames nothing is allocated per frame
/// except the returned row.
///
/// A gap in the frame sequence or a new segment must not produce a δ across it: call
/// ``reset()``; the next `lag` frames then return nil (the intervals that would span the
/// break are skipped, and the caller reports them).
public struct LensAccumulator: Sendable {
    /// Number of centres (every pushed frame must have this many rows).
    public let centreCount: Int
    /// Frames between the two ends of each interval (k ≥ 1).
    public let lag: Int
    private var ring: [NeighbourIDSets]
    private var filled = 0
    private var newest = -1

    public init(centreCount: Int, lag: Int = 1) {
        precondition(lag >= 1, "the LENS lag is at least one frame")
        self.centreCount = centreCount
        self.lag = lag
        ring = Array(repeating: NeighbourIDSets(), count: lag + 1)
    }

    /// Frames pushed since the last reset.
    public var framesSinceReset: Int { filled }

    /// Forgets the history (new segment, or a gap in the sequence).
    public mutating func reset() {
        filled = 0
        newest = -1
    }

    /// Gives the caller the ring slot to fill with the next frame's sets (avoids a copy);
    /// then call ``commit()``.
    public mutating func withNextSlot<R>(_ body: (inout NeighbourIDSets) throws -> R) rethrows -> R {
        let slot = (newest + 1) % ring.count
        ring[slot].removeAll()
        return try body(&ring[slot])
    }

    /// Takes the slot filled by ``withNextSlot(_:)`` as the newest frame and returns δ for
    /// every centre over the interval (t − lag, t), or nil while fewer than `lag + 1` frames
    /// have been pushed since the last reset.
    public mutating func commit() -> [Double]? {
        let slot = (newest + 1) % ring.count
        precondition(ring[slot].centreCount == centreCount, "a frame must have one neighbour set per centre")
        newest = slot
        filled += 1
        guard filled > lag else { return nil }
        let old = ring[(slot + 1) % ring.count]
        let new = ring[slot]
        var out = [Double](repeating: 0, count: centreCount)
        for k in 0..<centreCount {
            out[k] = Lens.delta(old.row(k), new.row(k))
        }
        return out
    }

    /// Pushes a frame's sets (copying them into the ring) and returns δ as ``commit()``.
    public mutating func push(_ sets: NeighbourIDSets) -> [Double]? {
        withNextSlot { $0 = sets }
        return commit()
    }
}
