/// One centre's pairs as ``NeighbourSearch/forEachCentre(positions:cell:centres:environment:workers:_:)``
/// hands them to its body: structure-of-arrays views of a buffer owned by the search's worker,
/// valid only during that call (the next centre of the same worker overwrites it).
///
/// Pair `p` is the neighbour atom `neighbours[p]` (index into the frame arrays) at the
/// displacement `(dx[p], dy[p], dz[p]) = r̃_j + n·cell − r̃_i` (Å, wrapped positions, see
/// ``NeighbourList``) and distance `distances[p] = |d|` (Å), with `distances[p] ≤ cutoff`.
/// The pairs are in grid-scan order — the order of an unordered
/// (`orderedPairs: false`) ``NeighbourList`` of the same search, with bit-identical
/// displacements and distances — whatever ``NeighbourSearch/orderedPairs`` says. The lattice
/// image of a pair is not reported.
public struct NeighbourPairs {
    /// Atom index of each pair's neighbour.
    public let neighbours: UnsafeBufferPointer<Int32>
    /// Displacement components, Å.
    public let dx: UnsafeBufferPointer<Double>
    public let dy: UnsafeBufferPointer<Double>
    public let dz: UnsafeBufferPointer<Double>
    /// `|d|`, Å.
    public let distances: UnsafeBufferPointer<Double>

    /// Number of pairs.
    @inlinable
    public var count: Int { neighbours.count }

    /// The displacement of pair `p`, Å.
    @inlinable
    public func displacement(_ p: Int) -> SIMD3<Double> { SIMD3(dx[p], dy[p], dz[p]) }
}

/// A worker's growable pair buffer (structure of arrays), reused for every centre it visits.
struct PairBuffer {
    private(set) var capacity: Int
    var count = 0
    private(set) var neighbours: UnsafeMutablePointer<Int32>
    private(set) var dx: UnsafeMutablePointer<Double>
    private(set) var dy: UnsafeMutablePointer<Double>
    private(set) var dz: UnsafeMutablePointer<Double>
    private(set) var distances: UnsafeMutablePointer<Double>

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        neighbours = .allocate(capacity: self.capacity)
        dx = .allocate(capacity: self.capacity)
        dy = .allocate(capacity: self.capacity)
        dz = .allocate(capacity: self.capacity)
        distances = .allocate(capacity: self.capacity)
    }

    func deallocate() {
        neighbours.deallocate()
        dx.deallocate()
        dy.deallocate()
        dz.deallocate()
        distances.deallocate()
    }

    @inline(__always)
    mutating func append(_ j: Int32, _ x: Double, _ y: Double, _ z: Double, _ d: Double) {
        if count == capacity { grow() }
        neighbours[count] = j
        dx[count] = x
        dy[count] = y
        dz[count] = z
        distances[count] = d
        count += 1
    }

    private mutating func grow() {
        let larger = 2 * capacity
        func moved<T>(_ old: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let new = UnsafeMutablePointer<T>.allocate(capacity: larger)
            new.moveInitialize(from: old, count: count)
            old.deallocate()
            return new
        }
        neighbours = moved(neighbours)
        dx = moved(dx)
        dy = moved(dy)
        dz = moved(dz)
        distances = moved(distances)
        capacity = larger
    }

    /// Read-only views of the current contents.
    var pairs: NeighbourPairs {
        NeighbourPairs(
            neighbours: UnsafeBufferPointer(start: neighbours, count: count),
            dx: UnsafeBufferPointer(start: dx, count: count),
            dy: UnsafeBufferPointer(start: dy, count: count),
            dz: UnsafeBufferPointer(start: dz, count: count),
            distances: UnsafeBufferPointer(start: distances, count: count))
    }
}
