/// The result of one ``NeighbourSearch``: every pair (centre i, neighbour j, lattice image n)
/// with `|r_j + n·cell − r_i| ≤ cutoff`, in compressed sparse row (CSR) form.
///
/// Pairs of centre `k` (the `k`-th entry of ``centres``) occupy `offsets[k] ..< offsets[k+1]`
/// of the per-pair arrays, sorted by neighbour index, then by shift `(na, nb, nc)`
/// lexicographically, so the output does not depend on threading or binning.
///
/// * Images beyond the nearest one are all listed: in a cell narrower than the cutoff an atom
///   appears once per image in range, and so do images of the centre itself (shift ≠ 0).
/// * The centre itself at zero shift is never listed. Distinct atoms at the same place
///   (distance 0) are: consumers apply their own lower bound (LENS keeps `0 < d < r_cut`,
///   SOAP keeps `d ≤ R`).
/// * Shifts and displacements refer to the positions *wrapped* into the cell along the
///   periodic axes (fractional coordinates in `[0, 1)` relative to `Cell.origin`), so
///   `displacement = r̃_j + (na·a + nb·b + nc·c) − r̃_i` with `r̃` wrapped. Along a
///   non-periodic axis the shift is always 0.
public struct NeighbourList: Sendable, Equatable {
    /// The centre indices searched, as given.
    public var centres: [Int32]
    /// `centres.count + 1` offsets into the per-pair arrays; `offsets[0] == 0`.
    public var offsets: [Int]
    /// Atom index (into the frame arrays) of each pair's neighbour.
    public var neighbours: [Int32]
    /// Three per pair: the lattice image `(na, nb, nc)` of the neighbour.
    public var shifts: [Int32]
    /// Three per pair: `r̃_j + shift·cell − r̃_i`, Å, from the wrapped positions.
    public var displacements: [Double]
    /// `|displacement|`, Å.
    public var distances: [Double]

    public init(
        centres: [Int32], offsets: [Int], neighbours: [Int32], shifts: [Int32],
        displacements: [Double], distances: [Double]
    ) {
        self.centres = centres
        self.offsets = offsets
        self.neighbours = neighbours
        self.shifts = shifts
        self.displacements = displacements
        self.distances = distances
    }

    /// An empty list for `centres` (no pairs).
    public init(emptyFor centres: [Int32]) {
        self.init(
            centres: centres, offsets: [Int](repeating: 0, count: centres.count + 1),
            neighbours: [], shifts: [], displacements: [], distances: [])
    }

    /// Number of pairs over all centres.
    public var pairCount: Int { neighbours.count }

    /// The pair range of centre `k` (its position in ``centres``, not its atom index).
    @inlinable
    public func pairs(ofCentre k: Int) -> Range<Int> {
        offsets[k] ..< offsets[k + 1]
    }

    /// Number of pairs of centre `k` (its position in ``centres``).
    @inlinable
    public func neighbourCount(ofCentre k: Int) -> Int {
        offsets[k + 1] - offsets[k]
    }

    /// The lattice image of pair `p`.
    @inlinable
    public func shift(_ p: Int) -> SIMD3<Int32> {
        SIMD3(shifts[3 * p], shifts[3 * p + 1], shifts[3 * p + 2])
    }

    /// The displacement vector of pair `p`, Å.
    @inlinable
    public func displacement(_ p: Int) -> SIMD3<Double> {
        SIMD3(displacements[3 * p], displacements[3 * p + 1], displacements[3 * p + 2])
    }
}
