/// The LENS neighbour sets of every centre at one frame, in compressed rows: centre k's
/// neighbours are `ids[offsets[k] ..< offsets[k+1]]`, sorted ascending and unique (an atom
/// seen through several periodic images counts once).
///
/// Buffers keep their capacity across ``removeAll()``, so a ring of these reaches a steady
/// state with no allocation per frame.
public struct NeighbourIDSets: Sendable, Equatable {
    /// Row starts; `centreCount + 1` entries once complete.
    public internal(set) var offsets: [Int] = [0]
    /// Neighbour ids, row after row.
    public internal(set) var ids: [Int64] = []

    public init() {}

    /// Builds from one array per centre (each is sorted and de-duplicated here).
    public init(_ rows: [[Int64]]) {
        for row in rows {
            ids.append(contentsOf: row.sorted())
            finishRow(deduplicatingFrom: offsets[offsets.count - 1])
        }
    }

    /// Number of complete rows (centres).
    public var centreCount: Int { offsets.count - 1 }

    /// The sorted ids of centre `k`.
    public func row(_ k: Int) -> ArraySlice<Int64> { ids[offsets[k]..<offsets[k + 1]] }

    /// Empties the sets, keeping the storage.
    public mutating func removeAll() {
        offsets.removeAll(keepingCapacity: true)
        offsets.append(0)
        ids.removeAll(keepingCapacity: true)
    }

    /// Appends one neighbour id to the row being built.
    public mutating func appendToCurrentRow(_ id: Int64) { ids.append(id) }

    /// Closes the row being built: sorts the ids appended since the last row and removes
    /// duplicates.
    public mutating func finishRow() {
        finishRow(deduplicatingFrom: offsets[offsets.count - 1])
    }

    private mutating func finishRow(deduplicatingFrom start: Int) {
        ids[start...].sort()
        var write = start
        for read in start..<ids.count where read == start || ids[read] != ids[write - 1] {
            ids[write] = ids[read]
            write += 1
        }
        ids.removeSubrange(write...)
        offsets.append(ids.count)
    }
}
