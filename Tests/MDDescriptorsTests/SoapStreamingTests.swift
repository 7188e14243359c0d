@testable import MDDescriptors
import MDCore
import MDGeometry
import MDTrajectory
import Testing
import TestSupport

/// The streaming SOAP path: rows that do not depend on the thread count, and the same rows,
/// bit for bit, when the search is shared with LENS (``DescriptorPass``) at SOAP's radius over
/// SOAP's environment (the LENS environment a subset, the LENS cutoff smaller).
@Suite struct SoapStreamingTests {
    func expectBitIdentical(
        settings: SoapSettings, positions: [Double], cell: Cell?, numbers: [Int], centres: [Int32], environment: [Int32]
    ) throws {
        let reference = try SoapCalculator(settings: settings, threads: 1).compute(
            positions: positions, cell: cell, atomicNumbers: numbers, centres: centres, environment: environment)
        #expect(reference.centres == centres)
        #expect(reference.values.contains { $0 != 0 })
        let lensEnvironment = environment.filter { $0 % 3 != 1 }
        let ids = (0..<Int64(numbers.count)).map { 1000 + 7 * $0 }
        for threads in [1, 2, 3] {
            let calculator = try SoapCalculator(settings: settings, threads: threads)
            let s = try calculator.compute(
                positions: positions, cell: cell, atomicNumbers: numbers, centres: centres, environment: environment)
            #expect(s.values.map(\.bitPattern) == reference.values.map(\.bitPattern), "threads \(threads)")
            var sets = NeighbourIDSets()
            let shared = try DescriptorPass(soap: calculator, lensCutoff: settings.rCut).compute(
                positions: positions, cell: cell, ids: ids, atomicNumbers: numbers, centres: centres,
                soapEnvironment: environment, lensEnvironment: lensEnvironment, lensSets: &sets)
            let spectra = try #require(shared.soap)
            #expect(spectra.values.map(\.bitPattern) == reference.values.map(\.bitPattern), "shared search, threads \(threads)")
            #expect(sets.centreCount == centres.count)
        }
    }

    @Test("two species, slab cell, centres partly outside the environment", arguments: [1, 2, 3] as [UInt64])
    func randomSlab(seed: UInt64) throws {
        var rng = SplitMix64(state: seed)
        let cell = Cell.orthogonal(SIMD3(9.5, 8.7, 30), periodicity: Periodicity(true, true, false))
        var positions: [Double] = []
        var numbers: [Int] = []
        for i in 0..<120 {
            positions += [.random(in: 0..<9.5, using: &rng), .random(in: 0..<8.7, using: &rng), .random(in: 5..<17, using: &rng)]
            numbers.append(i % 4 == 0 ? 8 : 29)
        }
        let centres = (0..<Int32(120)).filter { _ in Bool.random(using: &rng) }
        let environment = (0..<Int32(120)).filter { $0 % 7 != 3 }
        for layout in [SoapSettings.Layout.full, .compressed] {
            let settings = try SoapSettings(nMax: 6, lMax: 5, rCut: 4.5, species: [8, 29], layout: layout, normalised: layout == .full)
            try expectBitIdentical(
                settings: settings, positions: positions, cell: cell, numbers: numbers, centres: centres, environment: environment)
        }
    }

    @Test("Cu(211) frame: the outermost surface centres, study settings (n = l = 8, r_cut 6 Å)")
    func cuSlab() throws {
        let reader = try LammpsDumpReader(path: LensReference.trajectory)
        let frame = try #require(try reader.next())
        let centres = (0..<Int32(frame.atomCount)).filter { frame.positions[3 * Int($0) + 2] > 30 }
        let environment = (0..<Int32(frame.atomCount)).map { $0 }
        try expectBitIdentical(
            settings: SoapSettings(rCut: 6, species: [29]), positions: frame.positions, cell: frame.cell,
            numbers: Array(repeating: 29, count: frame.atomCount), centres: centres, environment: environment)
    }

    @Test("geometry errors take precedence over species errors; a centre with no neighbour")
    func errorsAndIsolated() throws {
        let calculator = try SoapCalculator(settings: SoapSettings(rCut: 3, species: [29]), threads: 2)
        let positions: [Double] = [0, 0, 0, 20, 0, 0, .nan, 0, 0]
        #expect(throws: SoapError.geometry(.nonFinitePosition(atomIndex: 2))) {
            try calculator.compute(positions: positions, cell: nil, atomicNumbers: [29, 8, 29], centres: [0], environment: [0, 1, 2])
        }
        #expect(throws: SoapError.speciesNotInSettings(atomIndex: 1, atomicNumber: 8)) {
            try calculator.compute(positions: positions, cell: nil, atomicNumbers: [29, 8, 29], centres: [0], environment: [0, 1])
        }
        // Atom 1 is 20 Å away: centre 0 sees only itself; centre 2 is outside the environment
        // and sees nothing (an all-zero row, not normalised).
        let s = try calculator.compute(
            positions: [0, 0, 0, 20, 0, 0, 0, 0, 40], cell: nil, atomicNumbers: [29, 29, 29], centres: [0, 2], environment: [0, 1])
        let features = calculator.settings.featureCount
        #expect(s.values[0..<features].contains { $0 != 0 })
        #expect(s.values[features..<(2 * features)].allSatisfy { $0 == 0 })
    }
}
