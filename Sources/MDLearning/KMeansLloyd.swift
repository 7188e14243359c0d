/// One k-means fit's buffers and scikit-learn's `_kmeans_single_lloyd` on them.
///
/// Allocated once per `KMeans.fit` (all n_init runs reuse it); the rows are the *centred*
/// data (sklearn subtracts the column means before clustering dense data "for more accurate
/// distance computations", and adds them back to the centres at the end).
final class KMeansLloyd {
    let n: Int
    let d: Int
    let k: Int
    let method: KMeansDistanceMethod
    /// Centred rows, n × d.
    let x: UnsafeMutablePointer<Double>
    /// The current centres (k × d) and the next ones.
    var centres: UnsafeMutablePointer<Double>
    var centresNew: UnsafeMutablePointer<Double>
    let centreNorms: UnsafeMutablePointer<Double>
    let weights: UnsafeMutablePointer<Double>
    let shift: UnsafeMutablePointer<Double>
    let labels: UnsafeMutablePointer<Int32>
    let labelsOld: UnsafeMutablePointer<Int32>
    let scratch: UnsafeMutablePointer<Double>
    /// n doubles: distances for empty-cluster relocation and k-means++.
    let work1: UnsafeMutablePointer<Double>
    let work2: UnsafeMutablePointer<Double>

    init(centredRows: UnsafeBufferPointer<Double>, count n: Int, width d: Int, clusters k: Int, method: KMeansDistanceMethod) {
        self.n = n
        self.d = d
        self.k = k
        self.method = method.resolved(width: d)
        x = .allocate(capacity: n * d)
        x.initialize(from: centredRows.baseAddress!, count: n * d)
        centres = .allocate(capacity: k * d)
        centres.initialize(repeating: 0, count: k * d)
        centresNew = .allocate(capacity: k * d)
        centresNew.initialize(repeating: 0, count: k * d)
        centreNorms = .allocate(capacity: k)
        centreNorms.initialize(repeating: 0, count: k)
        weights = .allocate(capacity: k)
        weights.initialize(repeating: 0, count: k)
        shift = .allocate(capacity: k)
        shift.initialize(repeating: 0, count: k)
        labels = .allocate(capacity: n)
        labels.initialize(repeating: -1, count: n)
        labelsOld = .allocate(capacity: n)
        labelsOld.initialize(repeating: -1, count: n)
        scratch = .allocate(capacity: KMeansAssignment.chunk * k)
        scratch.initialize(repeating: 0, count: KMeansAssignment.chunk * k)
        work1 = .allocate(capacity: n)
        work1.initialize(repeating: 0, count: n)
        work2 = .allocate(capacity: n)
        work2.initialize(repeating: 0, count: n)
    }

    deinit {
        for p in [x, centres, centresNew, centreNorms, weights, shift, scratch, work1, work2] { p.deallocate() }
        labels.deallocate()
        labelsOld.deallocate()
    }

    /// k-means++ centres into `centres`.
    func seedPlusPlus(generator: inout SeededGenerator) {
        KMeansPlusPlus.seed(
            x: x, count: n, width: d, clusters: k, generator: &generator, centres: centres, closest: work1, cumulative: work2)
    }

    /// One Lloyd step (`lloyd_iter_chunked_dense`): labels from `centres`; with
    /// `updateCentres`, the new centres into `centresNew` (empty clusters relocated, then
    /// averaged) and the per-centre shift ‖new − old‖ into `shift`.
    func step(updateCentres: Bool) {
        for j in 0..<k {
            var s = 0.0
            for f in 0..<d { s += centres[j * d + f] * centres[j * d + f] }
            centreNorms[j] = s
        }
        if updateCentres {
            centresNew.update(repeating: 0, count: k * d)
            weights.update(repeating: 0, count: k)
            KMeansAssignment.assign(
                rows: x, count: n, width: d, centres: centres, centreSquaredNorms: centreNorms, clusters: k,
                labels: labels, scratch: scratch, method: method, sums: centresNew, counts: weights)
            relocateEmptyClusters()
            averageCentres()
            for j in 0..<k {
                shift[j] = RowMatrix.squaredDistance(centresNew + j * d, centres + j * d, d).squareRoot()
            }
        } else {
            KMeansAssignment.assign(
                rows: x, count: n, width: d, centres: centres, centreSquaredNorms: centreNorms, clusters: k,
                labels: labels, scratch: scratch, method: method)
        }
    }

    /// sklearn `_relocate_empty_clusters_dense`: each empty cluster takes one of the rows
    /// farthest from their (old) centre, farthest first, and that row leaves its cluster's
    /// sums. sklearn takes the farthest rows from `np.argpartition`, whose order among several
    /// is unspecified; here they are taken in decreasing distance (lower row first on ties).
    func relocateEmptyClusters() {
        var empty: [Int] = []
        for j in 0..<k where weights[j] == 0 { empty.append(j) }
        guard !empty.isEmpty else { return }
        var maximum = 0.0
        for i in 0..<n {
            work1[i] = RowMatrix.squaredDistance(x + i * d, centres + Int(labels[i]) * d, d)
            maximum = max(maximum, work1[i])
        }
        // More clusters than distinct rows: relocating is pointless (sklearn returns here).
        if maximum == 0 { return }
        let far = (0..<n).sorted { work1[$0] > work1[$1] || (work1[$0] == work1[$1] && $0 < $1) }
        for (index, newCluster) in empty.enumerated() {
            let row = far[index]
            let oldCluster = Int(labels[row])
            for f in 0..<d {
                centresNew[oldCluster * d + f] -= x[row * d + f]
                centresNew[newCluster * d + f] = x[row * d + f]
            }
            weights[newCluster] = 1
            weights[oldCluster] -= 1
        }
    }

    /// sklearn `_average_centers`: sums / weight; a still-empty cluster takes the centre of the
    /// heaviest cluster (first maximum).
    func averageCentres() {
        var heaviest = 0
        for j in 1..<max(k, 1) where weights[j] > weights[heaviest] { heaviest = j }
        for j in 0..<k {
            if weights[j] > 0 {
                let alpha = 1.0 / weights[j]
                for f in 0..<d { centresNew[j * d + f] *= alpha }
            } else {
                for f in 0..<d { centresNew[j * d + f] = centresNew[heaviest * d + f] }
            }
        }
    }

    /// sklearn `_kmeans_single_lloyd` from the centres in `centres`; `tolerance` is already
    /// scaled by the data variance. Afterwards `centres` and `labels` hold the result.
    func run(maxIterations: Int, tolerance: Double) -> (inertia: Double, iterations: Int) {
        labels.update(repeating: -1, count: n)
        labelsOld.update(repeating: -1, count: n)
        var strict = false
        var iteration = 0
        for i in 0..<maxIterations {
            iteration = i
            step(updateCentres: true)
            swap(&centres, &centresNew)
            if memcmpEqual(labels, labelsOld, n) {
                strict = true
                break
            }
            var total = 0.0
            for j in 0..<k { total += shift[j] * shift[j] }
            if total <= tolerance { break }
            labelsOld.update(from: labels, count: n)
        }
        if !strict {
            // A final E-step so the labels match the returned centres.
            step(updateCentres: false)
        }
        let inertia = KMeansAssignment.inertia(rows: x, count: n, width: d, centres: centres, labels: labels)
        return (inertia, iteration + 1)
    }

    private func memcmpEqual(_ a: UnsafePointer<Int32>, _ b: UnsafePointer<Int32>, _ count: Int) -> Bool {
        for i in 0..<count where a[i] != b[i] { return false }
        return true
    }
}
