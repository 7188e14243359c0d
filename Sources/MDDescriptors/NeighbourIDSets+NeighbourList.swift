import MDGeometry

extension NeighbourIDSets {
    /// Appends one row per centre of `list`: the ids of the neighbours that belong to the LENS
    /// environment and lie at `0 < d < cutoff` (conventions §2: the centre itself and any
    /// coincident atom excluded; dynsight's strict `d < r_cut`; an atom seen through several
    /// periodic images counts once).
    /// - Parameters:
    ///   - ids: atom ids of the frame, indexed like the neighbour list's atom indices.
    ///   - environment: `environment[j]` is true when atom j is in the LENS environment.
    public mutating func append(from list: NeighbourList, ids: [Int64], environment: [Bool], cutoff: Double) {
        for k in 0..<list.centres.count {
            for p in list.pairs(ofCentre: k) {
                let j = Int(list.neighbours[p])
                let d = list.distances[p]
                if environment[j] && d > 0 && d < cutoff { appendToCurrentRow(ids[j]) }
            }
            finishRow()
        }
    }
}
