extension Frame {
    /// Checks everything the analysis relies on: array lengths agree with the atom count,
    /// coordinates are finite, ids are unique, type indices name a species, and the cell is
    /// present, finite and non-degenerate along every periodic axis (non-periodic axes, e.g.
    /// an isolated nanoparticle, need no cell). O(N) time plus an O(N) id set.
    ///
    /// - Throws: the first ``FrameValidationError`` found.
    public func validate() throws(FrameValidationError) {
        let n = ids.count
        if types.count != n {
            throw .arrayLength(name: "types", expected: n, actual: types.count)
        }
        if positions.count != 3 * n {
            throw .arrayLength(name: "positions", expected: 3 * n, actual: positions.count)
        }
        if let v = velocities, v.count != 3 * n {
            throw .arrayLength(name: "velocities", expected: 3 * n, actual: v.count)
        }
        if let t = time, !t.isFinite { throw .nonFiniteTime }
        for k in 0..<(3 * n) where !positions[k].isFinite {
            throw .nonFinite(array: "positions", atomIndex: k / 3, id: ids[k / 3])
        }
        if let v = velocities {
            for k in 0..<(3 * n) where !v[k].isFinite {
                throw .nonFinite(array: "velocities", atomIndex: k / 3, id: ids[k / 3])
            }
        }
        let speciesCount = species.count
        for i in 0..<n where types[i] < 0 || Int(types[i]) >= speciesCount {
            throw .typeOutOfRange(atomIndex: i, type: types[i], speciesCount: speciesCount)
        }
        try checkUniqueIDs()
        if let cell {
            if !cell.isFinite { throw .nonFiniteCell }
            if cell.isDegenerate() {
                throw .degenerateCell(independence: cell.periodicIndependence, periodicity: periodicity)
            }
        }
    }

    /// Ids must be unique. Ascending ids (what soaplens's readers and most publishers send)
    /// are checked by one linear scan; other orders by hashing.
    private func checkUniqueIDs() throws(FrameValidationError) {
        let n = ids.count
        var ascending = true
        var i = 1
        while i < n {
            if ids[i - 1] >= ids[i] {
                ascending = false
                break
            }
            i += 1
        }
        if ascending { return }
        var seen = Set<Int64>(minimumCapacity: n)
        for k in 0..<n where !seen.insert(ids[k]).inserted {
            let first = ids.firstIndex(of: ids[k])!
            throw .duplicateID(ids[k], firstIndex: first, secondIndex: k)
        }
    }
}
