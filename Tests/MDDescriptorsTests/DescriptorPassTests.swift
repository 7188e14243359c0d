@testable import MDDescriptors
import MDCore
import MDGeometry
import MDTrajectory
import Testing
import TestSupport

/// One neighbour search for SOAP and LENS: each consumer's view equals its own search's.
@Suite struct DescriptorPassTests {
    /// LENS sets from LENS's own search.
    func ownLens(
        positions: [Double], cell: Cell?, ids: [Int64], centres: [Int32], environment: [Int32], cutoff: Double
    ) throws -> NeighbourIDSets {
        var sets = NeighbourIDSets()
        try sets.append(
            searching: NeighbourSearch(cutoff: cutoff, orderedPairs: false), positions: positions, cell: cell,
            centres: centres, environment: environment, ids: ids, cutoff: cutoff)
        return sets
    }

    @Test("Cu(211) surface, study settings: SOAP bit-identical, LENS sets identical, over two frames")
    func cuSlabStudySettings() throws {
        let reader = try LammpsDumpReader(path: LensReference.trajectory)
        let calculator = try SoapCalculator(settings: SoapSettings(rCut: 6, species: [29]), threads: 2)
        let pass = DescriptorPass(soap: calculator, lensCutoff: 6)
        #expect(pass.searchRadius == calculator.settings.searchRadius)
        for _ in 0..<2 {
            let frame = try #require(try reader.next())
            let centres = (0..<Int32(frame.atomCount)).filter { frame.positions[3 * Int($0) + 2] > 30 }
            let all = (0..<Int32(frame.atomCount)).map { $0 }
            let numbers = Array(repeating: 29, count: frame.atomCount)
            var sets = NeighbourIDSets()
            let out = try pass.compute(
                positions: frame.positions, cell: frame.cell, ids: frame.ids, atomicNumbers: numbers, centres: centres,
                soapEnvironment: all, lensEnvironment: centres, lensSets: &sets)
            let soap = try calculator.compute(
                positions: frame.positions, cell: frame.cell, atomicNumbers: numbers, centres: centres, environment: all)
            #expect(try #require(out.soap).values.map(\.bitPattern) == soap.values.map(\.bitPattern))
            let lens = try ownLens(
                positions: frame.positions, cell: frame.cell, ids: frame.ids, centres: centres, environment: centres, cutoff: 6)
            #expect(sets == lens)
            #expect(sets.ids.count > 4 * centres.count)
        }
    }

    @Test("LENS reaching further than SOAP, disjoint environments, two species", arguments: [1, 2])
    func lensBeyondSoap(workers: Int) throws {
        var rng = SplitMix64(state: 42 + UInt64(workers))
        let cell = Cell.orthogonal(SIMD3(11, 10, 40), periodicity: Periodicity(true, true, false))
        var positions: [Double] = []
        var numbers: [Int] = []
        for i in 0..<200 {
            positions += [.random(in: -2..<13, using: &rng), .random(in: 0..<10, using: &rng), .random(in: 5..<20, using: &rng)]
            numbers.append(i % 3 == 0 ? 8 : 1)
        }
        // Unsorted ids, so the mapped rows must be sorted.
        let ids = (0..<Int64(200)).map { ($0 * 7919) % 211 }
        let centres = (0..<Int32(200)).filter { $0 % 5 == 0 }
        let soapEnvironment = (0..<Int32(200)).filter { $0 % 2 == 0 }
        let lensEnvironment = (0..<Int32(200)).filter { $0 % 2 == 1 || $0 % 5 == 0 }
        let settings = try SoapSettings(nMax: 4, lMax: 4, rCut: 2.5, species: [1, 8])
        let calculator = try SoapCalculator(settings: settings, threads: workers)
        let pass = DescriptorPass(soap: calculator, lensCutoff: 7.5, workers: workers)
        #expect(pass.searchRadius == 7.5)
        var sets = NeighbourIDSets()
        let out = try pass.compute(
            positions: positions, cell: cell, ids: ids, atomicNumbers: numbers, centres: centres,
            soapEnvironment: soapEnvironment, lensEnvironment: lensEnvironment, lensSets: &sets)
        let soap = try calculator.compute(
            positions: positions, cell: cell, atomicNumbers: numbers, centres: centres, environment: soapEnvironment)
        let shared = try #require(out.soap)
        // Another radius means another cell grid and pair order: equal to rounding.
        for k in centres.indices {
            let a = shared.row(k), b = soap.row(k)
            let scale = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-13 * max(scale, 1e-300), "centre \(k)")
        }
        #expect(sets == (try ownLens(
            positions: positions, cell: cell, ids: ids, centres: centres, environment: lensEnvironment, cutoff: 7.5)))
        for k in 0..<sets.centreCount { #expect(Array(sets.row(k)) == sets.row(k).sorted()) }
    }

    @Test("either consumer alone is its own search")
    func singleConsumer() throws {
        let reader = try LammpsDumpReader(path: LensReference.trajectory, options: SourceOptions(speciesMap: [1: "Cu"]))
        let frame = try #require(try reader.next())
        let centres = (0..<Int32(frame.atomCount)).filter { frame.positions[3 * Int($0) + 2] > 30 }
        var sets = NeighbourIDSets()
        let lensOnly = try DescriptorPass(soap: nil, lensCutoff: 6).compute(
            frame: frame, centres: centres, soapEnvironment: [], lensEnvironment: centres, lensSets: &sets)
        #expect(lensOnly.soap == nil)
        #expect(sets == (try ownLens(
            positions: frame.positions, cell: frame.cell, ids: frame.ids, centres: centres, environment: centres, cutoff: 6)))

        let calculator = try SoapCalculator(settings: SoapSettings(nMax: 3, lMax: 3, rCut: 4, species: [29]), threads: 1)
        var untouched = NeighbourIDSets()
        let soapOnly = try DescriptorPass(soap: calculator, lensCutoff: nil).compute(
            frame: frame, centres: centres, soapEnvironment: centres, lensEnvironment: [], lensSets: &untouched)
        #expect(untouched.centreCount == 0)
        let own = try calculator.compute(frame: frame, centres: centres, environment: centres)
        #expect(try #require(soapOnly.soap).values.map(\.bitPattern) == own.values.map(\.bitPattern))
    }

    @Test("errors: geometry first, then species; the LENS sets are left as they were")
    func errors() throws {
        let calculator = try SoapCalculator(settings: SoapSettings(nMax: 2, lMax: 2, rCut: 3, species: [29]), threads: 1)
        let pass = DescriptorPass(soap: calculator, lensCutoff: 3)
        var sets = NeighbourIDSets([[5]])
        let before = sets
        #expect(throws: GeometryError.nonFinitePosition(atomIndex: 2)) {
            try pass.compute(
                positions: [0, 0, 0, 1, 0, 0, .nan, 0, 0], cell: nil, ids: [1, 2, 3], atomicNumbers: [29, 8, 29],
                centres: [0], soapEnvironment: [0, 1, 2], lensEnvironment: [0, 2], lensSets: &sets)
        }
        #expect(throws: SoapError.speciesNotInSettings(atomIndex: 1, atomicNumber: 8)) {
            try pass.compute(
                positions: [0, 0, 0, 1, 0, 0, 2, 0, 0], cell: nil, ids: [1, 2, 3], atomicNumbers: [29, 8, 29],
                centres: [0], soapEnvironment: [0, 1, 2], lensEnvironment: [0, 2], lensSets: &sets)
        }
        #expect(sets == before)
    }

    @Test func unionOfSortedLists() {
        #expect(DescriptorPass.union([1, 3, 5], [2, 3, 6, 7]) == [1, 2, 3, 5, 6, 7])
        #expect(DescriptorPass.union([], [4]) == [4])
        #expect(DescriptorPass.union([0, 9], []) == [0, 9])
    }
}
