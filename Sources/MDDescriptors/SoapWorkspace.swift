/// Scratch memory of one worker of ``SoapCalculator``: allocated once per worker and frame,
/// reused for every centre the worker handles (nothing is allocated per centre or atom).
///
/// Per centre the pairs (its own position if it is in the environment, and its neighbours)
/// are grouped by species into segments ordered by radial-table interval and padded to a
/// multiple of 8 with dummy pairs (radial factors zero), so harmonics are computed eight pairs
/// at a time; each segment is then processed in blocks of ``block`` pairs (harmonics, radial
/// factors, and the contraction `C_l += Y_lᵀ R_l` accumulating in pair order, one register
/// accumulator per coefficient).
struct SoapWorkspace {
    /// Pairs (padding included) one centre may use.
    private(set) var capacity: Int
    let lanes: Int
    let lCount: Int
    /// Displacement components and distance per pair; distance −1 marks padding.
    private(set) var x: UnsafeMutablePointer<Double>
    private(set) var y: UnsafeMutablePointer<Double>
    private(set) var z: UnsafeMutablePointer<Double>
    private(set) var r: UnsafeMutablePointer<Double>
    /// Per pair: offset of its table interval (in doubles) and its local coordinate t.
    private(set) var tableOffset: UnsafeMutablePointer<Int>
    private(set) var t: UnsafeMutablePointer<Double>
    /// `r^l Y_lm` of the block's pair b at `[lm·block + b]`.
    let harmonics: UnsafeMutablePointer<Double>
    /// `R_{nl}` of the block's pair b at `[(l·block + b)·lanes + n]`.
    let radial: UnsafeMutablePointer<Double>
    /// `c^s_{nlm}` at `[(s·(l_max+1)² + lm)·lanes + n]`.
    let coefficients: UnsafeMutablePointer<Double>
    /// One power-spectrum row of `lanes` values.
    let row: UnsafeMutablePointer<Double>
    /// Segment start per species, then the padded total (speciesCount + 1 entries).
    let starts: UnsafeMutablePointer<Int>
    /// End of the real pairs of each species segment (padding follows up to the next start).
    let cursor: UnsafeMutablePointer<Int>
    /// Counting-sort buckets: one per (species, table interval).
    let buckets: UnsafeMutablePointer<Int>

    init(capacity: Int, lCount: Int, lanes: Int, speciesCount: Int, intervals: Int) {
        self.capacity = capacity
        self.lanes = lanes
        self.lCount = lCount
        let harmonicCount = lCount * lCount
        x = .allocate(capacity: capacity)
        y = .allocate(capacity: capacity)
        z = .allocate(capacity: capacity)
        r = .allocate(capacity: capacity)
        tableOffset = .allocate(capacity: capacity)
        t = .allocate(capacity: capacity)
        harmonics = .allocate(capacity: harmonicCount * Self.block)
        radial = .allocate(capacity: lCount * Self.block * lanes)
        coefficients = .allocate(capacity: speciesCount * harmonicCount * lanes)
        row = .allocate(capacity: lanes)
        starts = .allocate(capacity: speciesCount + 1)
        cursor = .allocate(capacity: speciesCount)
        buckets = .allocate(capacity: speciesCount * intervals)
        radial.initialize(repeating: 0, count: lCount * Self.block * lanes)
        coefficients.initialize(repeating: 0, count: speciesCount * harmonicCount * lanes)
    }

    /// Pairs per block of the harmonics, radial and contraction stages (a multiple of 8): the
    /// block's harmonics (81 × 64 doubles for l_max = 8) and radial factors (9 × 64 × 8) stay
    /// in L1/L2 while they are contracted.
    static let block = 64

    /// Makes room for `needed` pairs (padding included), reallocating the per-pair arrays
    /// (contents not kept) to at least 1.5× the old capacity when they are too small. Called
    /// per centre by the streaming path, it allocates only while the capacity ramps up.
    mutating func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        let larger = max(needed, capacity + capacity / 2)
        for p in [x, y, z, r, t] { p.deallocate() }
        tableOffset.deallocate()
        x = .allocate(capacity: larger)
        y = .allocate(capacity: larger)
        z = .allocate(capacity: larger)
        r = .allocate(capacity: larger)
        tableOffset = .allocate(capacity: larger)
        t = .allocate(capacity: larger)
        capacity = larger
    }

    func deallocate() {
        for p in [x, y, z, r, t, harmonics, radial, coefficients, row] { p.deallocate() }
        tableOffset.deallocate()
        starts.deallocate()
        cursor.deallocate()
        buckets.deallocate()
    }
}
