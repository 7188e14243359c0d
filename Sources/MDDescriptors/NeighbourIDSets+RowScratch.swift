import MDGeometry

extension NeighbourIDSets {
    /// Per-frame scratch of ``NeighbourIDSets/append(searching:positions:cell:centres:environment:ids:cutoff:workers:)``:
    /// one growable index buffer and one bitmap over the atom indices per worker, and where each
    /// centre's row landed. Workers write only their own buffers and their own centres' slots.
    struct RowScratch: @unchecked Sendable {
        let workers: Int
        let words: Int
        /// Per worker: the rows it built, back to back.
        let buffers: UnsafeMutablePointer<[Int32]>
        /// Per worker: `words` 64-bit words, all zero between rows.
        let bitmaps: UnsafeMutablePointer<UInt64>
        /// Per centre: worker, start and count of its row.
        let owner: UnsafeMutablePointer<Int>
        let start: UnsafeMutablePointer<Int>
        let count: UnsafeMutablePointer<Int>
        let centreCount: Int

        init(centreCount: Int, atomCount: Int, workers: Int) {
            self.workers = workers
            self.centreCount = centreCount
            words = (atomCount + 63) / 64
            buffers = .allocate(capacity: workers)
            buffers.initialize(repeating: [], count: workers)
            bitmaps = .allocate(capacity: max(1, workers * words))
            bitmaps.initialize(repeating: 0, count: max(1, workers * words))
            owner = .allocate(capacity: max(1, centreCount))
            start = .allocate(capacity: max(1, centreCount))
            count = .allocate(capacity: max(1, centreCount))
            owner.initialize(repeating: 0, count: max(1, centreCount))
            start.initialize(repeating: 0, count: max(1, centreCount))
            count.initialize(repeating: 0, count: max(1, centreCount))
        }

        func deallocate() {
            buffers.deinitialize(count: workers)
            buffers.deallocate()
            bitmaps.deallocate()
            owner.deallocate()
            start.deallocate()
            count.deallocate()
        }

        /// Row of centre `k`: the indices `j` of its pairs with `0 < d < cutoff − 1e-6`
        /// (``Lens/neighbourLimit(_:)``, dynsight's rule; and
        /// `inEnvironment[j]` when a mask is given: the search ran over more atoms), ascending
        /// and unique, appended to the worker's buffer.
        func collect(
            worker w: Int, centre k: Int, pairs: NeighbourPairs, cutoff: Double, inEnvironment: UnsafePointer<Bool>? = nil
        ) {
            let bits = bitmaps + w * words
            let limit = Lens.neighbourLimit(cutoff)
            var lowWord = Int.max, highWord = -1, marked = 0
            for p in 0..<pairs.count {
                let d = pairs.distances[p]
                guard d > 0, d < limit else { continue }
                let j = Int(pairs.neighbours[p])
                if let inEnvironment, !inEnvironment[j] { continue }
                let word = j >> 6
                bits[word] |= 1 &<< UInt64(j & 63)
                lowWord = min(lowWord, word)
                highWord = max(highWord, word)
                marked += 1
            }
            let first = buffers[w].count
            owner[k] = w
            start[k] = first
            if marked > 0 {
                if highWord - lowWord < 8 * marked + 8 {
                    // Dense enough: read the bits back in order, clearing them.
                    for word in lowWord...highWord {
                        var v = bits[word]
                        bits[word] = 0
                        while v != 0 {
                            buffers[w].append(Int32(word << 6 + v.trailingZeroBitCount))
                            v &= v &- 1
                        }
                    }
                } else {
                    // Sparse over a wide index range: sort the marked indices instead.
                    for p in 0..<pairs.count {
                        let d = pairs.distances[p]
                        guard d > 0, d < limit else { continue }
                        let j = Int(pairs.neighbours[p])
                        if let inEnvironment, !inEnvironment[j] { continue }
                        let mask: UInt64 = 1 &<< UInt64(j & 63)
                        if bits[j >> 6] & mask != 0 {
                            bits[j >> 6] &= ~mask
                            buffers[w].append(Int32(j))
                        }
                    }
                    buffers[w][first...].sort()
                }
            }
            count[k] = buffers[w].count - first
        }

        /// The indices of centre `k`'s row.
        func row(_ k: Int) -> ArraySlice<Int32> {
            buffers[owner[k]][start[k] ..< start[k] + count[k]]
        }
    }
}
