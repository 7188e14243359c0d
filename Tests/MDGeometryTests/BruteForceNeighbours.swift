import MDCore
import MDGeometry
import Testing

/// One pair of the O(N²) reference search.
struct ReferencePair {
    var neighbour: Int32
    var displacement: SIMD3<Double>
    var distance: Double
}

/// The reference: every centre against every environment atom and every lattice image in a
/// range proven large enough, on the positions exactly as given (not wrapped).
///
/// Range: with `D` the diagonal of the box holding all positions, an image `n` in range has
/// `|n·B| ≤ cutoff + D`. Projecting `n·B` on the unit vector of periodic vector `p_k`
/// orthogonal to the other periodic vectors gives `|n_k| w_k ≤ cutoff + D`, where `w_k` is the
/// distance of `p_k` from their span. So `|n_k| ≤ ⌈(cutoff + D) / w_k⌉`.
enum BruteForce {
    static func imageBounds(positions: [Double], cell: Cell?, cutoff: Double) -> [Int] {
        guard let cell, cell.periodicity.isAnyPeriodic else { return [0, 0, 0] }
        var lo = SIMD3<Double>(repeating: .infinity)
        var hi = SIMD3<Double>(repeating: -.infinity)
        for i in 0..<(positions.count / 3) {
            let r = SIMD3(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2])
            lo = pointwiseMin(lo, r)
            hi = pointwiseMax(hi, r)
        }
        let span = hi - lo
        let diagonal = (span * span).sum().squareRoot()
        let periodicAxes = (0..<3).filter { cell.periodicity[$0] }
        return (0..<3).map { k in
            guard cell.periodicity[k] else { return 0 }
            let p = cell.vector(k)
            let others = periodicAxes.filter { $0 != k }.map(cell.vector)
            let width: Double
            switch others.count {
            case 0: width = length(p)
            case 1:
                let q = others[0]
                width = length(p - (dot(p, q) / dot(q, q)) * q)
            default:
                let n = cross(others[0], others[1])
                width = abs(dot(p, n)) / length(n)
            }
            return Int(((cutoff + diagonal) / width).rounded(.up))
        }
    }

    /// Pairs per centre (in the order of `centres`), unsorted.
    static func neighbours(
        positions: [Double], cell: Cell?, centres: [Int32], environment: [Int32], cutoff: Double
    ) -> [[ReferencePair]] {
        let bounds = imageBounds(positions: positions, cell: cell, cutoff: cutoff)
        var images: [(SIMD3<Int32>, SIMD3<Double>)] = []
        for na in -bounds[0]...bounds[0] {
            for nb in -bounds[1]...bounds[1] {
                for nc in -bounds[2]...bounds[2] {
                    let t = cell.map { Double(na) * $0.a + Double(nb) * $0.b + Double(nc) * $0.c } ?? .zero
                    images.append((SIMD3(Int32(na), Int32(nb), Int32(nc)), t))
                }
            }
        }
        let tx = images.map { $0.1.x }, ty = images.map { $0.1.y }, tz = images.map { $0.1.z }
        let zeroImage = images.firstIndex { $0.0 == .zero }!
        let cutoffSquared = cutoff * cutoff
        // Unsafe buffers keep the O(N² · images) loop fast enough in debug builds.
        return positions.withUnsafeBufferPointer { r in
        tx.withUnsafeBufferPointer { tx in
        ty.withUnsafeBufferPointer { ty in
        tz.withUnsafeBufferPointer { tz in
        environment.withUnsafeBufferPointer { environment in
            centres.map { c -> [ReferencePair] in
                let i = Int(c)
                var out: [ReferencePair] = []
                for e in environment {
                    let j = Int(e)
                    let bx = r[3 * j] - r[3 * i], by = r[3 * j + 1] - r[3 * i + 1], bz = r[3 * j + 2] - r[3 * i + 2]
                    for m in 0..<tx.count {
                        let dx = bx + tx[m], dy = by + ty[m], dz = bz + tz[m]
                        // A cheap prefilter; the decision is on the distance itself.
                        if dx * dx + dy * dy + dz * dz > 1.0001 * cutoffSquared { continue }
                        if j == i && m == zeroImage { continue }
                        let d = (dx * dx + dy * dy + dz * dz).squareRoot()
                        if d <= cutoff {
                            out.append(ReferencePair(neighbour: e, displacement: SIMD3(dx, dy, dz), distance: d))
                        }
                    }
                }
                return out
            }
        }}}}}
    }
}

func length(_ v: SIMD3<Double>) -> Double { dot(v, v).squareRoot() }

/// The documented wrapping: `s = (r − origin) · B*` with `B*_k = (B_{k+1} × B_{k+2}) / V`,
/// `r̃ = r − Σ_periodic ⌊s_k⌋ B_k`.
func wrappedPositions(_ positions: [Double], cell: Cell?) -> [SIMD3<Double>] {
    (0..<(positions.count / 3)).map { i in
        let r = SIMD3(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2])
        guard let cell else { return r }
        let rows = [cell.a, cell.b, cell.c]
        let v = cell.volume
        var x = r
        for k in 0..<3 where cell.periodicity[k] {
            let s = dot(r - cell.origin, cross(rows[(k + 1) % 3], rows[(k + 2) % 3]) / v)
            x -= s.rounded(.down) * rows[k]
        }
        return x
    }
}

/// Checks `list` against the brute force: the same pairs (matched by neighbour and
/// displacement within `tolerance`, Å), each listed once, sorted by (neighbour, shift),
/// distances equal to the displacement norms, and — when `checkShifts` — displacements equal
/// to `r̃_j + shift·cell − r̃_i` from the documented wrapping.
func expectMatchesBruteForce(
    _ list: NeighbourList, positions: [Double], cell: Cell?, centres: [Int32], environment: [Int32],
    cutoff: Double, tolerance: Double = 1e-9, checkShifts: Bool = true,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let reference = BruteForce.neighbours(
        positions: positions, cell: cell, centres: centres, environment: environment, cutoff: cutoff)
    expectMatches(list, reference: reference, positions: positions, cell: cell, centres: centres,
                  tolerance: tolerance, checkShifts: checkShifts, sourceLocation: sourceLocation)
}

/// As ``expectMatchesBruteForce``, with the reference given.
func expectMatches(
    _ list: NeighbourList, reference: [[ReferencePair]], positions: [Double], cell: Cell?, centres: [Int32],
    tolerance: Double = 1e-9, checkShifts: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(list.centres == centres, sourceLocation: sourceLocation)
    #expect(list.offsets.count == centres.count + 1, sourceLocation: sourceLocation)
    guard list.offsets.count == centres.count + 1 else { return }
    #expect(list.offsets.first == 0 && list.offsets.last == list.neighbours.count, sourceLocation: sourceLocation)
    #expect(list.shifts.count == 3 * list.neighbours.count, sourceLocation: sourceLocation)
    #expect(list.displacements.count == 3 * list.neighbours.count, sourceLocation: sourceLocation)
    #expect(list.distances.count == list.neighbours.count, sourceLocation: sourceLocation)
    let wrapped = checkShifts ? wrappedPositions(positions, cell: cell) : []
    var failures = 0
    for k in 0..<centres.count where failures < 10 {
        let pairs = list.pairs(ofCentre: k)
        let expected = reference[k]
        if pairs.count != expected.count {
            failures += 1
            Issue.record("centre \(centres[k]): \(pairs.count) pairs, brute force \(expected.count)", sourceLocation: sourceLocation)
            continue
        }
        var used = [Bool](repeating: false, count: expected.count)
        for p in pairs {
            let d = list.displacement(p)
            if abs(length(d) - list.distances[p]) > 1e-12 * max(1, list.distances[p]) {
                failures += 1
                Issue.record("pair \(p): distance \(list.distances[p]) vs |d| \(length(d))", sourceLocation: sourceLocation)
            }
            if p > pairs.lowerBound {
                let a = (list.neighbours[p - 1], list.shift(p - 1)), b = (list.neighbours[p], list.shift(p))
                let ordered = a.0 < b.0 || (a.0 == b.0 && [a.1.x, a.1.y, a.1.z].lexicographicallyPrecedes([b.1.x, b.1.y, b.1.z]))
                if !ordered {
                    failures += 1
                    Issue.record("centre \(centres[k]): pairs \(p - 1), \(p) out of order or repeated", sourceLocation: sourceLocation)
                }
            }
            if checkShifts, let cell {
                let j = Int(list.neighbours[p]), i = Int(centres[k])
                let s = list.shift(p)
                let fromShift = wrapped[j] + Double(s.x) * cell.a + Double(s.y) * cell.b + Double(s.z) * cell.c - wrapped[i]
                if length(fromShift - d) > tolerance {
                    failures += 1
                    Issue.record("centre \(i) neighbour \(j) shift \(s): displacement \(d) vs \(fromShift)", sourceLocation: sourceLocation)
                }
            }
            if let q = expected.indices.first(where: {
                !used[$0] && expected[$0].neighbour == list.neighbours[p] && length(expected[$0].displacement - d) <= tolerance
            }) {
                used[q] = true
            } else {
                failures += 1
                Issue.record("centre \(centres[k]): pair with \(list.neighbours[p]) at \(d) not in brute force", sourceLocation: sourceLocation)
            }
        }
    }
}

