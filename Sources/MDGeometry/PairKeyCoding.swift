/// Packs a pair's neighbour index and lattice image into one `UInt64` whose numeric order is
/// the output order: neighbour index, then `(na, nb, nc)` lexicographically.
///
/// Layout, high to low bits: `j` (31 bits), `na − min_a` (`bits_a`), `nb − min_b` (`bits_b`),
/// `nc − min_c` (`bits_c`), where `min_k ... max_k` bounds the images one search can reach
/// along axis `k` (0 ... 0 on a non-periodic axis). A search only keeps these 8-byte keys per
/// pair, sorts them, and recomputes displacement and distance from `(j, n)` with the same
/// floating-point operations when it writes the output, so sorting moves 8 bytes, not 48.
struct PairKeyCoding: Sendable {
    /// Smallest image per axis.
    let minimum: SIMD3<Int>
    /// Bit width per axis.
    let bits: SIMD3<Int>
    /// Bits below the neighbour index.
    let shiftBits: Int

    /// A coding for images `minimum[k] ... maximum[k]`; `nil` when they do not fit beside a
    /// 31-bit atom index.
    init?(minimum: SIMD3<Int>, maximum: SIMD3<Int>) {
        var bits = SIMD3<Int>.zero
        for k in 0..<3 {
            let span = maximum[k] - minimum[k]
            bits[k] = span > 0 ? (Int.bitWidth - span.leadingZeroBitCount) : 0
        }
        let total = bits[0] + bits[1] + bits[2]
        guard total + 31 <= 64 else { return nil }
        self.minimum = minimum
        self.bits = bits
        shiftBits = total
    }

    /// The image bits of `n`, to be or-ed with `encode(neighbour:)`.
    @inline(__always)
    func encode(shift m0: Int, _ m1: Int, _ m2: Int) -> UInt64 {
        let u0 = UInt64(m0 - minimum[0]), u1 = UInt64(m1 - minimum[1]), u2 = UInt64(m2 - minimum[2])
        return (u0 << UInt64(bits[1] + bits[2])) | (u1 << UInt64(bits[2])) | u2
    }

    /// The neighbour bits of atom `j`.
    @inline(__always)
    func encode(neighbour j: Int32) -> UInt64 {
        UInt64(UInt32(j)) << UInt64(shiftBits)
    }

    /// The neighbour index of `key`.
    @inline(__always)
    func neighbour(_ key: UInt64) -> Int32 {
        Int32(truncatingIfNeeded: key >> UInt64(shiftBits))
    }

    /// The image of `key`.
    @inline(__always)
    func shift(_ key: UInt64) -> SIMD3<Int> {
        let m2 = Int(key & ((1 << UInt64(bits[2])) - 1))
        let m1 = Int((key >> UInt64(bits[2])) & ((1 << UInt64(bits[1])) - 1))
        let m0 = Int((key >> UInt64(bits[1] + bits[2])) & ((1 << UInt64(bits[0])) - 1))
        return SIMD3(m0, m1, m2) &+ minimum
    }

    /// Sorts keys ascending in place without allocating (the standard library's sort may
    /// allocate a merge buffer): introsort — median-of-three quicksort, insertion sort below
    /// 16 keys, heapsort past a depth of 2·log₂ n.
    /// `depthLimit` overrides the quicksort depth (0 sorts by heapsort alone; for tests).
    static func sort(_ keys: UnsafeMutableBufferPointer<UInt64>, depthLimit: Int? = nil) {
        guard keys.count > 1 else { return }
        let depth = depthLimit ?? 2 * (Int.bitWidth - keys.count.leadingZeroBitCount)
        introsort(keys, 0, keys.count, depth)
    }

    private static func introsort(_ a: UnsafeMutableBufferPointer<UInt64>, _ low: Int, _ high: Int, _ depth: Int) {
        var low = low, high = high, depth = depth
        while high - low > 16 {
            if depth == 0 {
                heapsort(a, low, high)
                return
            }
            depth -= 1
            // Median of three as the pivot, then a Hoare partition.
            let mid = low + (high - low) / 2
            if a[mid] < a[low] { a.swapAt(mid, low) }
            if a[high - 1] < a[low] { a.swapAt(high - 1, low) }
            if a[high - 1] < a[mid] { a.swapAt(high - 1, mid) }
            let pivot = a[mid]
            var i = low - 1, j = high
            while true {
                repeat { i += 1 } while a[i] < pivot
                repeat { j -= 1 } while pivot < a[j]
                if i >= j { break }
                a.swapAt(i, j)
            }
            // Recurse into the smaller side, loop on the larger (stack depth O(log n)).
            if j + 1 - low < high - j - 1 {
                introsort(a, low, j + 1, depth)
                low = j + 1
            } else {
                introsort(a, j + 1, high, depth)
                high = j + 1
            }
        }
        insertionSort(a, low, high)
    }

    @inline(__always)
    private static func insertionSort(_ a: UnsafeMutableBufferPointer<UInt64>, _ low: Int, _ high: Int) {
        guard high - low > 1 else { return }
        for i in (low + 1)..<high {
            let item = a[i]
            var j = i
            while j > low && item < a[j - 1] {
                a[j] = a[j - 1]
                j -= 1
            }
            a[j] = item
        }
    }

    private static func heapsort(_ a: UnsafeMutableBufferPointer<UInt64>, _ low: Int, _ high: Int) {
        let n = high - low
        func siftDown(_ root: Int, _ end: Int) {
            let item = a[low + root]
            var hole = root
            while true {
                var child = 2 * hole + 1
                if child >= end { break }
                if child + 1 < end && a[low + child] < a[low + child + 1] { child += 1 }
                if !(item < a[low + child]) { break }
                a[low + hole] = a[low + child]
                hole = child
            }
            a[low + hole] = item
        }
        var start = n / 2
        while start > 0 {
            start -= 1
            siftDown(start, n)
        }
        var end = n
        while end > 1 {
            end -= 1
            a.swapAt(low, low + end)
            siftDown(0, end)
        }
    }
}
