/// LENS, the Local Environments and Neighbours Shuffling descriptor (Crippa et al., PNAS 2023):
///
///     δ_i(t) = |C_i(t) Δ C_i(t+k)| / (|C_i(t)| + |C_i(t+k)|)
///
/// where C_i(t) is the set of neighbour **ids** of atom i at frame t (ids, not positions in the
/// frame: dumps come unsorted), Δ the symmetric difference and k the lag (1 in the study).
/// δ is in [0, 1]: 0 when the neighbourhood is unchanged, 1 when it is entirely new.
/// Edge cases (conventions §2): both sets empty → 0 (nothing to reshuffle, e.g. an isolated
/// atom); exactly one empty → 1.
public enum Lens {
    /// How far inside r_cut a neighbour must lie, Å: dynsight's `compute_lens` keeps
    /// `0 < d² < (r_cut − 1e-6)²`, so a pair within 1e-6 Å of the cutoff is not a neighbour
    /// (conventions §2). It matters: on the bundled 100-frame Cu(211) run one pair sits there.
    public static let cutoffMargin = 1e-6

    /// The largest distance that is *not* a neighbour any more: pairs with
    /// `0 < d < neighbourLimit(cutoff)` are neighbours.
    @inlinable
    public static func neighbourLimit(_ cutoff: Double) -> Double { cutoff - cutoffMargin }

    /// δ between two sorted, duplicate-free id lists, by a merge: O(|a| + |b|), no allocation.
    @inlinable
    public static func delta<A: RandomAccessCollection<Int64>, B: RandomAccessCollection<Int64>>(_ a: A, _ b: B) -> Double {
        let total = a.count + b.count
        guard total > 0 else { return 0 }
        var common = 0
        var i = a.startIndex
        var j = b.startIndex
        while i != a.endIndex && j != b.endIndex {
            let x = a[i]
            let y = b[j]
            if x == y {
                common += 1
                i = a.index(after: i)
                j = b.index(after: j)
            } else if x < y {
                i = a.index(after: i)
            } else {
                j = b.index(after: j)
            }
        }
        return Double(total - 2 * common) / Double(total)
    }
}
