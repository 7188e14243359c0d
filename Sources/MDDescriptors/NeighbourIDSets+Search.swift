import MDCore
import MDGeometry

extension NeighbourIDSets {
    /// Searches and appends in one pass, without a ``NeighbourList``: one row per centre
    /// (in `centres` order) with the ids of the environment atoms at `0 < d < cutoff − 1e-6` — the
    /// rows ``append(from:ids:environment:cutoff:)`` builds from
    /// `search.compute(positions:cell:centres:environment:)` with `environment` as the mask
    /// (same rule: centre and coincident atoms excluded, `d < cutoff − 1e-6` as dynsight, an atom seen
    /// through several images counted once).
    ///
    /// The search streams each centre's pairs on `workers` workers
    /// (``NeighbourSearch/forEachCentre(positions:cell:centres:environment:workers:_:)``); each
    /// worker keeps the atom **indices** of a row, de-duplicated and put in ascending order
    /// with a bitmap over the indices (a sort when the row's index range is much wider than
    /// the row), then the rows are mapped to ids and appended in centre order. When `ids` is
    /// ascending (frames sorted by id) index order is id order and no id is sorted; otherwise
    /// each row's ids are sorted after mapping. The result does not depend on `workers`.
    /// `search.cutoff` must be at least `cutoff` (pairs beyond the search cutoff are never
    /// seen). On a thrown error nothing is appended.
    /// - Parameter ids: atom id per position row (`positions.count / 3` of them).
    public mutating func append(
        searching search: NeighbourSearch, positions: [Double], cell: Cell?, centres: [Int32],
        environment: [Int32], ids: [Int64], cutoff: Double, workers: Int = 1
    ) throws(GeometryError) {
        let atomCount = positions.count / 3
        precondition(ids.count == atomCount, "one id per atom")
        let workerCount = max(1, workers)
        let rows = RowScratch(centreCount: centres.count, atomCount: atomCount, workers: workerCount)
        defer { rows.deallocate() }
        try search.forEachCentre(
            positions: positions, cell: cell, centres: centres, environment: environment, workers: workerCount
        ) { worker, k, pairs in
            rows.collect(worker: worker, centre: k, pairs: pairs, cutoff: cutoff)
        }
        append(rows: rows, ids: ids)
    }

    /// Appends the rows of `rows` (atom indices per centre, in centre order) as ids. When
    /// `ids` is ascending (frames sorted by id) index order is id order and no id is sorted;
    /// otherwise each row's ids are sorted after mapping.
    mutating func append(rows: RowScratch, ids: [Int64]) {
        var ascending = true
        for i in ids.indices.dropFirst() where ids[i - 1] >= ids[i] {
            ascending = false
            break
        }
        ids.withUnsafeBufferPointer { id in
            for k in 0..<rows.centreCount {
                let row = rows.row(k)
                let start = self.ids.count
                for j in row { self.ids.append(id[Int(j)]) }
                if !ascending { self.ids[start...].sort() }
                offsets.append(self.ids.count)
            }
        }
    }
}
