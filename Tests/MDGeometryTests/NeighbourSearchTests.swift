import MDCore
import MDGeometry
import Testing
import TestSupport

/// Positions `origin + s·B` for fractional `s` drawn uniformly from `range` on every axis.
func randomPositions(
    count: Int, cell: Cell, fractional range: ClosedRange<Double>, using g: inout SplitMix64
) -> [Double] {
    var out: [Double] = []
    for _ in 0..<count {
        let s = SIMD3(Double.random(in: range, using: &g), Double.random(in: range, using: &g), Double.random(in: range, using: &g))
        let r = cell.origin + s.x * cell.a + s.y * cell.b + s.z * cell.c
        out += [r.x, r.y, r.z]
    }
    return out
}

/// A random subset of `0 ..< n` of about `fraction · n` atoms, in random order.
func randomSubset(_ n: Int, fraction: Double, using g: inout SplitMix64) -> [Int32] {
    (0..<Int32(n)).filter { _ in Double.random(in: 0..<1, using: &g) < fraction }.shuffled(using: &g)
}

/// A random rotation matrix (rows), from a random unit quaternion.
func randomRotation(using g: inout SplitMix64) -> [SIMD3<Double>] {
    var q = SIMD4<Double>(
        Double.random(in: -1...1, using: &g), Double.random(in: -1...1, using: &g),
        Double.random(in: -1...1, using: &g), Double.random(in: -1...1, using: &g))
    q /= (q * q).sum().squareRoot()
    let (w, x, y, z) = (q.x, q.y, q.z, q.w)
    return [
        SIMD3(1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)),
        SIMD3(2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)),
        SIMD3(2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)),
    ]
}

func rotate(_ v: SIMD3<Double>, _ m: [SIMD3<Double>]) -> SIMD3<Double> {
    SIMD3(dot(m[0], v), dot(m[1], v), dot(m[2], v))
}

@Suite("NeighbourSearch against an O(N²) search over explicit images")
struct NeighbourSearchTests {
    @Test("random orthogonal boxes, unwrapped positions, subsets", arguments: [1, 2, 3, 4] as [UInt64])
    func randomOrthogonalBoxes(seed: UInt64) throws {
        var g = SplitMix64(seed: seed)
        let lengths = SIMD3(Double.random(in: 7...13, using: &g), Double.random(in: 7...13, using: &g), Double.random(in: 7...13, using: &g))
        let origin = SIMD3(Double.random(in: -5...5, using: &g), Double.random(in: -5...5, using: &g), Double.random(in: -5...5, using: &g))
        let cell = Cell.orthogonal(lengths, origin: origin)
        let positions = randomPositions(count: 90, cell: cell, fractional: -1.5...2.5, using: &g)
        let cutoff = Double.random(in: 3...6.5, using: &g)
        let centres = randomSubset(90, fraction: 0.4, using: &g)
        let environment = randomSubset(90, fraction: 0.8, using: &g)
        let list = try NeighbourSearch(cutoff: cutoff).compute(
            positions: positions, cell: cell, centres: centres, environment: environment)
        #expect(list.pairCount > 0)
        expectMatchesBruteForce(list, positions: positions, cell: cell, centres: centres, environment: environment, cutoff: cutoff)
    }

    @Test("random triclinic cells in general orientation", arguments: [11, 12, 13, 14, 15] as [UInt64])
    func randomTriclinicCells(seed: UInt64) throws {
        var g = SplitMix64(seed: seed)
        let l = SIMD3(Double.random(in: 8...12, using: &g), Double.random(in: 8...12, using: &g), Double.random(in: 8...12, using: &g))
        let tilt = { (scale: Double, g: inout SplitMix64) in Double.random(in: -0.45...0.45, using: &g) * scale }
        let xy = tilt(l.x, &g), xz = tilt(l.x, &g), yz = tilt(l.y, &g)
        let rotation = randomRotation(using: &g)
        let cell = Cell(
            a: rotate(SIMD3(l.x, 0, 0), rotation), b: rotate(SIMD3(xy, l.y, 0), rotation),
            c: rotate(SIMD3(xz, yz, l.z), rotation), origin: SIMD3(1.5, -2.25, 0.75))
        let positions = randomPositions(count: 80, cell: cell, fractional: -1...2, using: &g)
        let cutoff = Double.random(in: 3...7, using: &g)
        let centres = randomSubset(80, fraction: 0.5, using: &g)
        let environment = (0..<Int32(80)).map { $0 }
        let list = try NeighbourSearch(cutoff: cutoff).compute(
            positions: positions, cell: cell, centres: centres, environment: environment)
        #expect(list.pairCount > 0)
        expectMatchesBruteForce(list, positions: positions, cell: cell, centres: centres, environment: environment, cutoff: cutoff)
    }

    @Test("cells smaller than the cutoff list every image, the centre's own included", arguments: [6.0, 9.717])
    func smallCellsWithManyImages(cutoff: Double) throws {
        var g = SplitMix64(seed: 77)
        let cell = Cell(a: SIMD3(2.6, 0, 0), b: SIMD3(0.9, 2.3, 0), c: SIMD3(-0.7, 0.5, 2.1))
        let positions = randomPositions(count: 3, cell: cell, fractional: -0.5...1.5, using: &g)
        let all: [Int32] = [0, 1, 2]
        let list = try NeighbourSearch(cutoff: cutoff).compute(positions: positions, cell: cell, centres: all, environment: all)
        expectMatchesBruteForce(list, positions: positions, cell: cell, centres: all, environment: all, cutoff: cutoff)
        // Atom density 3 / V: the sphere holds about 3·(4/3)πr³/V pairs per centre.
        let expected = 3 * 4 / 3 * Double.pi * cutoff * cutoff * cutoff / abs(cell.volume)
        for k in 0..<3 {
            #expect(abs(Double(list.neighbourCount(ofCentre: k)) - expected) < 0.25 * expected)
            let selfImages = list.pairs(ofCentre: k).filter { list.neighbours[$0] == Int32(k) }
            #expect(selfImages.count > 50)
            #expect(selfImages.allSatisfy { list.shift($0) != .zero })
        }
    }

    @Test("pairs at exactly the cutoff are included (simple cubic, spacing 2 Å)")
    func exactCutoffOnLattice() throws {
        // 3×3×3 atoms at 0, 2, 4 Å in a 6 Å periodic cube: every coordinate exact.
        var positions: [Double] = []
        for x in 0..<3 { for y in 0..<3 { for z in 0..<3 { positions += [2.0 * Double(x), 2.0 * Double(y), 2.0 * Double(z)] } } }
        let cell = Cell.orthogonal(SIMD3(6, 6, 6), origin: SIMD3(-1, -1, -1))
        let all = (0..<Int32(27)).map { $0 }
        for (cutoff, count) in [(2.0, 6), (2.0.nextDown, 0), (8.0.squareRoot(), 18), (12.0.squareRoot(), 26), (4.0, 32)] {
            let list = try NeighbourSearch(cutoff: cutoff).compute(positions: positions, cell: cell, centres: all, environment: all)
            for k in 0..<27 { #expect(list.neighbourCount(ofCentre: k) == count, "cutoff \(cutoff)") }
            #expect(list.distances.allSatisfy { $0 <= cutoff })
            expectMatchesBruteForce(list, positions: positions, cell: cell, centres: all, environment: all, cutoff: cutoff)
        }
        // One atom in a 2 Å cube: its 6 face images at exactly 2 Å; 32 images within 4 Å.
        let single = Cell.orthogonal(SIMD3(2, 2, 2))
        let faces = try NeighbourSearch(cutoff: 2.0).compute(positions: [0.5, 0.5, 0.5], cell: single, centres: [0], environment: [0])
        #expect(faces.pairCount == 6)
        #expect(faces.distances.allSatisfy { $0 == 2.0 })
        #expect(Set((0..<6).map { faces.shift($0) }) == [
            SIMD3(-1, 0, 0), SIMD3(1, 0, 0), SIMD3(0, -1, 0), SIMD3(0, 1, 0), SIMD3(0, 0, -1), SIMD3(0, 0, 1),
        ])
        let shell = try NeighbourSearch(cutoff: 4.0).compute(positions: [0.5, 0.5, 0.5], cell: single, centres: [0], environment: [0])
        #expect(shell.pairCount == 32)
    }

    @Test("atoms exactly on cell faces (fractional 0 and 1), orthogonal and triclinic")
    func atomsOnCellFaces() throws {
        let cells = [
            Cell.orthogonal(SIMD3(4, 4, 4), origin: SIMD3(-2, 0, 1)),
            // Exact reciprocal vectors: b × c = (16, −8, −2), volume 64.
            Cell(a: SIMD3(4, 0, 0), b: SIMD3(2, 4, 0), c: SIMD3(1, 1, 4), origin: SIMD3(0.5, -1, 2)),
        ]
        let fractional: [SIMD3<Double>] = [
            SIMD3(0, 0, 0), SIMD3(1, 1, 1), SIMD3(1, 0.5, 0), SIMD3(0.5, 1, 0.25), SIMD3(0.5, 0.5, 0.5), SIMD3(0, 1, 0.75),
        ]
        for cell in cells {
            let positions = fractional.flatMap { s -> [Double] in
                let r = cell.origin + s.x * cell.a + s.y * cell.b + s.z * cell.c
                return [r.x, r.y, r.z]
            }
            let all = (0..<Int32(fractional.count)).map { $0 }
            for cutoff in [2.0, 3.0, 4.5] {
                let list = try NeighbourSearch(cutoff: cutoff).compute(positions: positions, cell: cell, centres: all, environment: all)
                expectMatchesBruteForce(list, positions: positions, cell: cell, centres: all, environment: all, cutoff: cutoff)
                // Atom 1 (the far corner) wraps onto atom 0: listed at distance 0, shift 0.
                let coincident = list.pairs(ofCentre: 0).filter { list.neighbours[$0] == 1 && list.distances[$0] == 0 }
                #expect(coincident.count == 1)
                #expect(coincident.allSatisfy { list.shift($0) == .zero })
            }
        }
    }

    @Test("unwrapped positions several box lengths away give the wrapped result", arguments: [21, 22] as [UInt64])
    func unwrappedPositions(seed: UInt64) throws {
        var g = SplitMix64(seed: seed)
        let cell = Cell(a: SIMD3(9.5, 0.3, -0.2), b: SIMD3(2.1, 8.7, 0.4), c: SIMD3(-1.3, 1.8, 10.2), origin: SIMD3(-3, 2, 0.5))
        let inside = randomPositions(count: 60, cell: cell, fractional: 0.01...0.99, using: &g)
        var outside = inside
        for i in 0..<60 {
            let n = SIMD3(Double(Int.random(in: -5...5, using: &g)), Double(Int.random(in: -5...5, using: &g)), Double(Int.random(in: -5...5, using: &g)))
            let t = n.x * cell.a + n.y * cell.b + n.z * cell.c
            outside[3 * i] += t.x
            outside[3 * i + 1] += t.y
            outside[3 * i + 2] += t.z
        }
        let centres = randomSubset(60, fraction: 0.5, using: &g)
        let environment = (0..<Int32(60)).map { $0 }
        let search = NeighbourSearch(cutoff: 7.5)
        let wrapped = try search.compute(positions: inside, cell: cell, centres: centres, environment: environment)
        let unwrapped = try search.compute(positions: outside, cell: cell, centres: centres, environment: environment)
        #expect(unwrapped.offsets == wrapped.offsets)
        #expect(unwrapped.neighbours == wrapped.neighbours)
        #expect(unwrapped.shifts == wrapped.shifts)
        #expect(zip(unwrapped.displacements, wrapped.displacements).allSatisfy { abs($0 - $1) < 1e-9 })
        expectMatchesBruteForce(unwrapped, positions: outside, cell: cell, centres: centres, environment: environment, cutoff: 7.5)
    }

    @Test("slab periodic along a and b only (tilted c; zero c vector)")
    func slab() throws {
        var g = SplitMix64(seed: 31)
        let tilted = Cell(
            a: SIMD3(8.2, 0, 0), b: SIMD3(2.9, 7.4, 0), c: SIMD3(1.7, -2.2, 30),
            origin: SIMD3(0, 0, -4), periodicity: Periodicity(true, true, false))
        // Along c, atoms fill only part of the box and some lie outside it (not wrapped).
        var positions = randomPositions(count: 70, cell: tilted, fractional: -0.5...1.5, using: &g)
        for i in 0..<70 { positions[3 * i + 2] = Double.random(in: -6...14, using: &g) }
        let all = (0..<Int32(70)).map { $0 }
        for cutoff in [4.0, 9.717] {
            let list = try NeighbourSearch(cutoff: cutoff).compute(positions: positions, cell: tilted, centres: all, environment: all)
            #expect(list.shifts.enumerated().allSatisfy { $0.offset % 3 != 2 || $0.element == 0 })
            expectMatchesBruteForce(list, positions: positions, cell: tilted, centres: all, environment: all, cutoff: cutoff)

            var flat = tilted
            flat.c = .zero
            let listFlat = try NeighbourSearch(cutoff: cutoff).compute(positions: positions, cell: flat, centres: all, environment: all)
            expectMatchesBruteForce(listFlat, positions: positions, cell: flat, centres: all, environment: all, cutoff: cutoff, checkShifts: false)
        }
    }

    @Test("wire periodic along c only, with zero a and b vectors")
    func wire() throws {
        var g = SplitMix64(seed: 41)
        let cell = Cell(a: .zero, b: .zero, c: SIMD3(0.8, -0.6, 2.9), periodicity: Periodicity(false, false, true))
        var positions: [Double] = []
        for _ in 0..<25 {
            positions += [Double.random(in: -4...4, using: &g), Double.random(in: -4...4, using: &g), Double.random(in: -10...10, using: &g)]
        }
        let all = (0..<Int32(25)).map { $0 }
        let list = try NeighbourSearch(cutoff: 6.0).compute(positions: positions, cell: cell, centres: all, environment: all)
        expectMatchesBruteForce(list, positions: positions, cell: cell, centres: all, environment: all, cutoff: 6.0, checkShifts: false)
        #expect(list.shifts.enumerated().allSatisfy { $0.offset % 3 == 2 || $0.element == 0 })
    }

    @Test("a cluster without a cell, and with a cell periodic along no axis")
    func cluster() throws {
        var g = SplitMix64(seed: 51)
        var positions: [Double] = []
        for _ in 0..<120 { positions += (0..<3).map { _ in Double.random(in: -9...9, using: &g) } }
        let centres = randomSubset(120, fraction: 0.3, using: &g)
        let all = (0..<Int32(120)).map { $0 }
        let list = try NeighbourSearch(cutoff: 5.0).compute(positions: positions, cell: nil, centres: centres, environment: all)
        #expect(list.shifts.allSatisfy { $0 == 0 })
        expectMatchesBruteForce(list, positions: positions, cell: nil, centres: centres, environment: all, cutoff: 5.0)
        let box = Cell.orthogonal(SIMD3(5, 5, 5), periodicity: .none)
        let boxed = try NeighbourSearch(cutoff: 5.0).compute(positions: positions, cell: box, centres: centres, environment: all)
        #expect(boxed == list)
    }

    @Test("one fcc lattice in three cells (primitive, sheared by a unimodular matrix, conventional)")
    func equivalentCells() throws {
        let a0 = 3.615, h = a0 / 2
        let primitive = Cell(a: SIMD3(0, h, h), b: SIMD3(h, 0, h), c: SIMD3(h, h, 0))
        // Rows M·B with M = [[1,1,0],[0,1,0],[2,−1,1]], det M = 1.
        let sheared = Cell(a: primitive.a + primitive.b, b: primitive.b, c: 2 * primitive.a - primitive.b + primitive.c)
        let conventional = Cell.orthogonal(SIMD3(a0, a0, a0))
        // A lattice atom and an interstitial decoration, at arbitrary lattice translations.
        let decoration = SIMD3(0.61, 0.37, 0.23)
        let primitivePositions = [0.0, 0, 0] + [decoration.x, decoration.y, decoration.z]
        let far = 3 * primitive.a - 2 * primitive.c
        let shearedPositions = [far.x, far.y, far.z] + [decoration.x - primitive.b.x, decoration.y - primitive.b.y, decoration.z - primitive.b.z]
        var conventionalPositions: [Double] = []
        for t in [SIMD3<Double>(0, 0, 0), SIMD3(0, h, h), SIMD3(h, 0, h), SIMD3(h, h, 0)] { conventionalPositions += [t.x, t.y, t.z] }
        for t in [SIMD3<Double>(0, 0, 0), SIMD3(0, h, h), SIMD3(h, 0, h), SIMD3(h, h, 0)] {
            conventionalPositions += [t.x + decoration.x, t.y + decoration.y, t.z + decoration.z]
        }
        let cutoff = 6.0
        let search = NeighbourSearch(cutoff: cutoff)
        func sortedDistances(_ list: NeighbourList, centre k: Int) -> [Double] {
            list.pairs(ofCentre: k).map { list.distances[$0] }.sorted()
        }
        let p = try search.compute(positions: primitivePositions, cell: primitive, centres: [0, 1], environment: [0, 1])
        let s = try search.compute(positions: shearedPositions, cell: sheared, centres: [0, 1], environment: [0, 1])
        let all = (0..<Int32(8)).map { $0 }
        let c = try search.compute(positions: conventionalPositions, cell: conventional, centres: all, environment: all)
        expectMatchesBruteForce(p, positions: primitivePositions, cell: primitive, centres: [0, 1], environment: [0, 1], cutoff: cutoff)
        expectMatchesBruteForce(s, positions: shearedPositions, cell: sheared, centres: [0, 1], environment: [0, 1], cutoff: cutoff)
        expectMatchesBruteForce(c, positions: conventionalPositions, cell: conventional, centres: all, environment: all, cutoff: cutoff)
        for atom in 0..<2 {
            let reference = sortedDistances(p, centre: atom)
            // fcc within 6 Å of a site: 12 + 6 + 24 + 12 + 24 = 78 sites (the next 8 are at
            // a0·√3 = 6.26 Å), plus the decorations' images.
            #expect(reference.count > 140)
            let candidates = [sortedDistances(s, centre: atom)] + (0..<4).map { sortedDistances(c, centre: 4 * atom + $0) }
            for other in candidates {
                #expect(other.count == reference.count)
                #expect(zip(other, reference).allSatisfy { abs($0 - $1) < 1e-9 })
            }
        }
        // The lattice atom's own shells: 12 at a0/√2, 6 at a0, 78 within 6 Å.
        let lattice = p.pairs(ofCentre: 0).filter { p.neighbours[$0] == 0 }.map { p.distances[$0] }
        #expect(lattice.filter { abs($0 - a0 / 2.0.squareRoot()) < 1e-9 }.count == 12)
        #expect(lattice.filter { abs($0 - a0) < 1e-9 }.count == 6)
        #expect(lattice.count == 78)
    }

    @Test("centres outside the environment, repeated centres, centres beyond a slab's extent")
    func centresAndEnvironmentSubsets() throws {
        var g = SplitMix64(seed: 61)
        let cell = Cell.orthogonal(SIMD3(10, 11, 40), periodicity: Periodicity(true, true, false))
        var positions = randomPositions(count: 60, cell: cell, fractional: 0...1, using: &g)
        for i in 0..<60 { positions[3 * i + 2] = Double.random(in: 10...20, using: &g) }
        // Atoms 58 and 59 float far above and below the environment's extent.
        positions[3 * 58 + 2] = 100
        positions[3 * 59 + 2] = -80
        let environment = (0..<Int32(50)).map { $0 }
        let centres: [Int32] = [55, 3, 3, 58, 59, 49, 0, 52]
        let list = try NeighbourSearch(cutoff: 6).compute(positions: positions, cell: cell, centres: centres, environment: environment)
        expectMatchesBruteForce(list, positions: positions, cell: cell, centres: centres, environment: environment, cutoff: 6)
        #expect(list.neighbourCount(ofCentre: 3) == 0)
        #expect(list.neighbourCount(ofCentre: 4) == 0)
        #expect(Array(list.neighbours[list.pairs(ofCentre: 1)]) == Array(list.neighbours[list.pairs(ofCentre: 2)]))
        #expect(list.neighbours.allSatisfy { $0 < 50 })
        // A centre outside the environment never sees itself.
        #expect(!list.pairs(ofCentre: 0).contains { list.neighbours[$0] == 55 })
    }

    @Test("the output does not depend on the parallel chunking and is reproducible")
    func deterministic() throws {
        var g = SplitMix64(seed: 71)
        let cell = Cell(a: SIMD3(15, 0, 0), b: SIMD3(4, 14, 0), c: SIMD3(-3, 2, 16))
        let n = 700
        let positions = randomPositions(count: n, cell: cell, fractional: 0...1, using: &g)
        let all = (0..<Int32(n)).map { $0 }
        let search = NeighbourSearch(cutoff: 5.5)
        let first = try search.compute(positions: positions, cell: cell, centres: all, environment: all)
        let second = try search.compute(positions: positions, cell: cell, centres: all, environment: all)
        #expect(first == second)
        // Every centre alone (a single chunk) gives the same rows.
        for k in stride(from: 0, to: n, by: 37) {
            let one = try search.compute(positions: positions, cell: cell, centres: [Int32(k)], environment: all)
            let rows = first.pairs(ofCentre: k)
            #expect(one.neighbours == Array(first.neighbours[rows]))
            #expect(one.shifts == Array(first.shifts[(3 * rows.lowerBound)..<(3 * rows.upperBound)]))
            #expect(one.displacements == Array(first.displacements[(3 * rows.lowerBound)..<(3 * rows.upperBound)]))
            #expect(one.distances == Array(first.distances[rows]))
        }
        // The pair relation is symmetric: (i, j, n) ↔ (j, i, −n) with opposite displacement.
        var forward: [String: Double] = [:]
        for k in 0..<n {
            for p in first.pairs(ofCentre: k) {
                let s = first.shift(p)
                forward["\(k) \(first.neighbours[p]) \(s.x) \(s.y) \(s.z)"] = first.distances[p]
            }
        }
        var missing = 0
        for k in 0..<n {
            for p in first.pairs(ofCentre: k) {
                let s = first.shift(p)
                if forward["\(first.neighbours[p]) \(k) \(-s.x) \(-s.y) \(-s.z)"] == nil { missing += 1 }
            }
        }
        #expect(missing == 0)
    }

    @Test("Frame overload: nil lists mean every atom; empty lists give empty rows")
    func frameOverloadAndEmptyLists() throws {
        var g = SplitMix64(seed: 81)
        let cell = Cell.orthogonal(SIMD3(9, 9, 9))
        let positions = randomPositions(count: 40, cell: cell, fractional: 0...1, using: &g)
        let frame = Frame(
            step: 0, cell: cell, species: ["Cu"], ids: (1...40).map { Int64($0) },
            types: [Int32](repeating: 0, count: 40), positions: positions)
        let search = NeighbourSearch(cutoff: 4)
        let all = (0..<Int32(40)).map { $0 }
        let explicit = try search.compute(positions: positions, cell: cell, centres: all, environment: all)
        #expect(try search.compute(frame: frame) == explicit)
        #expect(try search.compute(frame: frame, centres: [5, 7]) == search.compute(positions: positions, cell: cell, centres: [5, 7], environment: all))
        let none = try search.compute(frame: frame, centres: [])
        #expect(none.offsets == [0] && none.pairCount == 0)
        let lonely = try search.compute(frame: frame, centres: [1, 2], environment: [])
        #expect(lonely.offsets == [0, 0, 0] && lonely.pairCount == 0)
    }
}

@Suite struct UnorderedPairsTests {
    @Test func unorderedListHasTheSamePairsPerCentre() throws {
        var rng = SystemRandomNumberGenerator()
        let cell = Cell(a: SIMD3(9, 0, 0), b: SIMD3(2, 8, 0), c: SIMD3(1, -1.5, 7))
        let n = 150
        let positions = (0..<(3 * n)).map { _ in Double.random(in: -5...15, using: &rng) }
        let all = (0..<Int32(n)).map { $0 }
        let ordered = try NeighbourSearch(cutoff: 5.5).compute(positions: positions, cell: cell, centres: all, environment: all)
        let free = try NeighbourSearch(cutoff: 5.5, orderedPairs: false).compute(positions: positions, cell: cell, centres: all, environment: all)
        #expect(free.offsets == ordered.offsets)
        for k in 0..<n {
            func key(_ l: NeighbourList, _ p: Int) -> [Int32] { [l.neighbours[p], l.shifts[3 * p], l.shifts[3 * p + 1], l.shifts[3 * p + 2]] }
            let a = ordered.pairs(ofCentre: k).map { key(ordered, $0) }
            let b = free.pairs(ofCentre: k).map { key(free, $0) }.sorted { $0.lexicographicallyPrecedes($1) }
            #expect(a == b)
        }
        // Deterministic: the same input gives the same unordered list.
        let again = try NeighbourSearch(cutoff: 5.5, orderedPairs: false).compute(positions: positions, cell: cell, centres: all, environment: all)
        #expect(again == free)
    }
}
