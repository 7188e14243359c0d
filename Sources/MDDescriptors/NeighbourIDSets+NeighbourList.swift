import MDGeometry

extension NeighbourIDSets {
    /// Appends one row per centre of `list`: the ids of the neighbours that belong to the LENS
    /// environment and lie at `0 < d < cutoff − 1e-6` (conventions §2, dynsight's rule,
    /// ``Lens/neighbourLimit(_:)``: the centre itself and any coincident atom excluded; an atom
    /// seen through several periodic images counts once).
    /// - Parameters:
    ///   - ids: atom ids of the frame, indexed like the neighbour list's atom indices.
    ///   - environment: `environment[j]` is true when atom j is in the LENS environment.
    public mutating func append(from list: NeighbourList, ids: [Int64], environment: [Bool], cutoff: Double) {
        let limit = Lens.neighbourLimit(cutoff)
        for k in 0..<list.centres.count {
            for p in list.pairs(ofCentre: k) {
                let j = Int(list.neighbours[p])
                let d = list.distances[p]
                if environment[j] && d > 0 && d < limit { appendToCurrentRow(ids[j]) }
            }
            finishRow()
        }
    }
}
