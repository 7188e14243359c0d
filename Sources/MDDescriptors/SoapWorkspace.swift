/// Scratch memory of one worker of ``SoapCalculator``: allocated once per worker and frame,
/// reused for every centre the worker handles (nothing is allocated per centre or atom).
///
/// Per centre the pairs (its own position if it is in the environment, and its neighbours)
/// are grouped by species into segments ordered by radial-table interval and padded to a
/// multiple of 4 with dummy pairs (radial factors zero), so harmonics are computed four pairs
/// at a time and the contraction `C_l = Y_lᵀ R_l` runs over whole segments.
struct SoapWorkspace {
    /// Pairs (padding included) one centre may use.
    let capacity: Int
    let lanes: Int
    /// Displacement components and distance per pair; distance −1 marks padding.
    let x: UnsafeMutablePointer<Double>
    let y: UnsafeMutablePointer<Double>
    let z: UnsafeMutablePointer<Double>
    let r: UnsafeMutablePointer<Double>
    /// Per pair: offset of its table interval (in doubles) and its local coordinate t.
    let tableOffset: UnsafeMutablePointer<Int>
    let t: UnsafeMutablePointer<Double>
    /// `r^l Y_lm` of pair p at `[lm·capacity + p]`.
    let harmonics: UnsafeMutablePointer<Double>
    /// `R_{nl}` of pair p at `[(l·capacity + p)·lanes + n]`.
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
        let harmonicCount = lCount * lCount
        x = .allocate(capacity: capacity)
        y = .allocate(capacity: capacity)
        z = .allocate(capacity: capacity)
        r = .allocate(capacity: capacity)
        tableOffset = .allocate(capacity: capacity)
        t = .allocate(capacity: capacity)
        harmonics = .allocate(capacity: harmonicCount * capacity)
        radial = .allocate(capacity: lCount * capacity * lanes)
        coefficients = .allocate(capacity: speciesCount * harmonicCount * lanes)
        row = .allocate(capacity: lanes)
        starts = .allocate(capacity: speciesCount + 1)
        cursor = .allocate(capacity: speciesCount)
        buckets = .allocate(capacity: speciesCount * intervals)
        radial.initialize(repeating: 0, count: lCount * capacity * lanes)
        coefficients.initialize(repeating: 0, count: speciesCount * harmonicCount * lanes)
    }

    func deallocate() {
        for p in [x, y, z, r, t, harmonics, radial, coefficients, row] { p.deallocate() }
        tableOffset.deallocate()
        starts.deallocate()
        cursor.deallocate()
        buckets.deallocate()
    }
}
