/// The recent labels of every analysed atom, for rules that look back a few frames
/// (persistence: "the new state held K frames"; bursts: "LENS above x for K frames"): a ring
/// of the last ``depth`` analysed frames, with per atom its micro and macro label, its
/// smoothed LENS value and its novelty score. Memory is fixed at depth × atoms × 20 bytes
/// (64 × 900 atoms: 1.2 MB), whatever the run's length; the oldest frame is overwritten.
///
/// Frames are numbered by the caller (the analysed frame's index in its run); a sequence
/// break (``clear()``) empties the ring, so a look-back never spans lost frames.
public struct LabelHistory: Sendable {
    /// Frames kept.
    public let depth: Int
    /// Atoms per frame (the centres, in the model's order).
    public let atomCount: Int
    private var micro: [Int32]
    private var macro: [Int32]
    private var lens: [Double]
    private var novelty: [Double]
    private var steps: [Int64]
    /// Frames stored (≤ depth).
    public private(set) var count = 0
    /// Slot of the newest frame.
    private var newest = -1

    /// One atom's entry in one frame.
    public struct Entry: Sendable, Equatable {
        public var step: Int64
        public var micro: Int32
        public var macro: Int32
        public var lens: Double
        public var novelty: Double
    }

    public init(depth: Int, atomCount: Int) throws(LearningError) {
        guard depth >= 1 else { throw .invalidParameter(name: "depth", value: "\(depth)", reason: "must be ≥ 1") }
        guard atomCount >= 1 else { throw .invalidParameter(name: "atomCount", value: "\(atomCount)", reason: "must be ≥ 1") }
        self.depth = depth
        self.atomCount = atomCount
        micro = [Int32](repeating: -1, count: depth * atomCount)
        macro = micro
        lens = [Double](repeating: .nan, count: depth * atomCount)
        novelty = lens
        steps = [Int64](repeating: 0, count: depth)
    }

    /// Appends one analysed frame (atomCount values in each array; novelty NaN when unknown).
    public mutating func append(step: Int64, micro m: [Int32], macro a: [Int32], lens l: [Double], novelty v: [Double]) throws(LearningError) {
        for (name, n) in [("micro", m.count), ("macro", a.count), ("lens", l.count), ("novelty", v.count)] where n != atomCount {
            throw .dimensionMismatch(expected: atomCount, got: n, context: "LabelHistory.append: \(name) of step \(step)")
        }
        newest = (newest + 1) % depth
        let base = newest * atomCount
        for i in 0..<atomCount {
            micro[base + i] = m[i]
            macro[base + i] = a[i]
            lens[base + i] = l[i]
            novelty[base + i] = v[i]
        }
        steps[newest] = step
        count = min(count + 1, depth)
    }

    /// Forgets every frame (a sequence break).
    public mutating func clear() {
        count = 0
        newest = -1
    }

    /// Atom `atom`'s entry `back` frames before the newest (0: the newest), nil beyond what is stored.
    public func entry(atom: Int, back: Int) -> Entry? {
        guard back >= 0, back < count, atom >= 0, atom < atomCount else { return nil }
        let slot = (newest - back + depth) % depth
        let i = slot * atomCount + atom
        return Entry(step: steps[slot], micro: micro[i], macro: macro[i], lens: lens[i], novelty: novelty[i])
    }

    /// Atom `atom`'s entries, newest first (at most ``count``).
    public func entries(atom: Int) -> [Entry] { (0..<count).compactMap { entry(atom: atom, back: $0) } }

    /// How many of the newest frames in a row atom `atom` has had macro label `label`
    /// (0 if the newest differs): the persistence of its current state.
    public func macroRun(atom: Int, label: Int32) -> Int {
        var k = 0
        while let e = entry(atom: atom, back: k), e.macro == label { k += 1 }
        return k
    }
}
