import Foundation
import MDCore
import MDGeometry
import MDTrajectory
import Testing

/// The bundled Cu(211) slab (2400 atoms, boundary p p f), frame 0.
enum CuSlab {
    static let path = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("data/cu211-900K.dump.gz").path

    static func firstFrame() throws -> Frame {
        let reader = try TrajectoryOpener.open(path: path, options: SourceOptions(speciesMap: [1: "Cu"]))
        return try #require(try reader.next())
    }
}

@Suite("NeighbourSearch on a real frame of the Cu(211) slab")
struct CuSlabNeighbourTests {
    @Test("900 centres above 12 Å, all 2400 atoms as environment, r = 6 and 9.717 Å")
    func surfaceCentresAgainstBruteForce() throws {
        let frame = try CuSlab.firstFrame()
        let cell = try #require(frame.cell)
        #expect(frame.atomCount == 2400)
        #expect(cell.periodicity == Periodicity(true, true, false))
        // conventions.md's notebook mask `z > 12 Å` selects 900 atoms of *its* slab; in the
        // bundled frame it selects 1742, so take the 900 highest atoms (the surface region).
        #expect((0..<2400).filter { frame.positions[3 * $0 + 2] > 12 }.count == 1742)
        let centres = (0..<Int32(2400)).sorted { frame.positions[3 * Int($0) + 2] > frame.positions[3 * Int($1) + 2] }
            .prefix(900).sorted()
        #expect(centres.count == 900)
        let environment = (0..<Int32(2400)).map { $0 }
        let reference = BruteForce.neighbours(
            positions: frame.positions, cell: cell, centres: centres, environment: environment, cutoff: 9.717)
        for cutoff in [6.0, 9.717] {
            let list = try NeighbourSearch(cutoff: cutoff).compute(frame: frame, centres: centres)
            let within = reference.map { $0.filter { $0.distance <= cutoff } }
            expectMatches(list, reference: within, positions: frame.positions, cell: cell, centres: centres)
            // fcc Cu holds 0.0847 atoms/Å³; centres near the surface see fewer.
            let mean = Double(list.pairCount) / 900
            let bulk = 0.0847 * 4 / 3 * Double.pi * cutoff * cutoff * cutoff
            #expect(mean > 0.4 * bulk && mean < 1.1 * bulk, "mean \(mean), bulk \(bulk)")
            #expect(list.distances.allSatisfy { $0 > 1.5 })
        }
    }
}
