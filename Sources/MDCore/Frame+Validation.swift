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
        var seen = [Int64: Int](minimumCapacity: n)
        for i in 0..<n {
            if let first = seen.updateValue(i, forKey: ids[i]) {
                throw .duplicateID(ids[i], firstIndex: first, secondIndex: i)
            }
        }
        if let cell {
            if !cell.isFinite { throw .nonFiniteCell }
            if cell.isDegenerate() {
                throw .degenerateCell(independence: cell.periodicIndependence, periodicity: periodicity)
            }
        }
    }
}
