/// Puts per-atom arrays in ascending id order, as analyses and ASE expect; a no-op (one
/// O(N) check) for a frame that is already sorted.
enum TextParsingIDSort {
    /// Sorts `ids` ascending and applies the same permutation to `types`, `positions`
    /// (N × 3) and `velocities` (N × 3, or empty).
    static func sortByID(ids: inout [Int64], types: inout [Int32], positions: inout [Double], velocities: inout [Double]) {
        let n = ids.count
        var sorted = true
        for i in 1..<max(n, 1) where ids[i - 1] > ids[i] {
            sorted = false
            break
        }
        if sorted { return }
        let order = ids.indices.sorted { ids[$0] < ids[$1] }
        var newIDs = [Int64](repeating: 0, count: n)
        var newTypes = [Int32](repeating: 0, count: n)
        var newPositions = [Double](repeating: 0, count: 3 * n)
        let hasVelocities = velocities.count == 3 * n && n > 0
        var newVelocities = [Double](repeating: 0, count: hasVelocities ? 3 * n : 0)
        for (to, from) in order.enumerated() {
            newIDs[to] = ids[from]
            newTypes[to] = types[from]
            for d in 0..<3 { newPositions[3 * to + d] = positions[3 * from + d] }
            if hasVelocities {
                for d in 0..<3 { newVelocities[3 * to + d] = velocities[3 * from + d] }
            }
        }
        ids = newIDs
        types = newTypes
        positions = newPositions
        if hasVelocities { velocities = newVelocities }
    }
}
