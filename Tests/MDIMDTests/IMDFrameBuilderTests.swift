import MDCore
import MDIMD
import Testing

@Suite("IMD frames become soaplens frames")
struct IMDFrameBuilderTests {
    let address = IMDAddress(host: "127.0.0.1", port: 5678)
    let v3 = IMDSessionInfo(time: true, energies: false, box: true, coordinates: true, wrapped: true, velocities: false, forces: false)

    func imd(_ n: Int, step: Int64? = 20, box: [Double]? = [10, 0, 0, 1, 11, 0, 0, 0, 12]) -> IMDFrame {
        IMDFrame(index: 1, step: step, time: step.map { Double($0) * 0.005 }, dt: 0.005, box: box,
                 positions: (0..<3 * n).map { Double($0) * 0.5 }, wireBytes: 0)
    }

    @Test("without a topology: ids 1…N, one type, time from TIME, the box with the given origin")
    func bare() throws {
        let b = try IMDFrameBuilder(
            topology: IMDTopology(origin: SIMD3(1, 2, 3), periodicity: Periodicity(true, true, false), speciesMap: [1: "Cu"]),
            version: 3, session: v3, atomCount: 4, address: address)
        let f = b.frame(imd(4), runID: "r", sequence: 7, step: 20)
        #expect(f.ids == [1, 2, 3, 4])
        #expect(f.types == [0, 0, 0, 0])
        #expect(f.species == ["Cu"])
        #expect(f.step == 20 && f.sequence == 7 && f.runID == "r")
        #expect(f.time == 0.1)
        #expect(f.cell == Cell(rowMajor: [10, 0, 0, 1, 11, 0, 0, 0, 12], origin: SIMD3(1, 2, 3), periodicity: Periodicity(true, true, false)))
        #expect(f.singlePrecision)
        #expect(f.provenance == FrameProvenance(ids: .fileOrder, species: .mapped, time: .file, source: "imd-v3:127.0.0.1:5678"))
        #expect(f.positions == imd(4).positions)
    }

    @Test("with a data file's atoms: its ids and types in tag order, species by type, unmapped types named")
    func topology() throws {
        let t = IMDTopology(ids: [3, 7, 8], types: [2, 1, 2], speciesMap: [2: "O"], source: "data:x.data")
        let b = try IMDFrameBuilder(topology: t, version: 3, session: v3, atomCount: 3, address: address)
        let f = b.frame(imd(3), runID: "r", sequence: 0, step: 20)
        #expect(f.ids == [3, 7, 8])
        #expect(f.species == ["type1", "O"])
        #expect(f.types == [1, 0, 1])
        #expect(f.provenance.ids == .file && f.provenance.species == .typesOnly)
        #expect(f.provenance.source == "imd-v3:127.0.0.1:5678+data:x.data")
    }

    @Test("v2: the box from the data file, time = step × dt")
    func version2() throws {
        let cell = Cell.orthogonal(SIMD3(5, 6, 7), origin: SIMD3(-1, 0, 0))
        let t = IMDTopology(fallbackCell: cell, periodicity: Periodicity(true, true, false), timestep: 0.002)
        let b = try IMDFrameBuilder(topology: t, version: 2, session: .version2, atomCount: 2, address: address)
        let f = b.frame(imd(2, step: nil, box: nil), runID: "r", sequence: 0, step: 30)
        #expect(f.cell == Cell.orthogonal(SIMD3(5, 6, 7), origin: SIMD3(-1, 0, 0), periodicity: Periodicity(true, true, false)))
        #expect(f.time == 30 * 0.002)
        #expect(f.provenance.time == .stepTimesDt)
    }

    @Test("refused: an atom count unlike the data file's, a periodic v2 stream without a box")
    func refusals() {
        let e1 = #expect(throws: IMDError.self) {
            try IMDFrameBuilder(topology: IMDTopology(ids: [1, 2], types: [1, 1], source: "data:y.data"), version: 3, session: v3, atomCount: 3, address: address)
        }
        #expect(e1?.description.contains("sends 3 atoms per frame, the topology data:y.data has 2") == true)
        let e2 = #expect(throws: IMDError.self) {
            try IMDFrameBuilder(topology: IMDTopology(), version: 2, session: .version2, atomCount: 3, address: address)
        }
        #expect(e2?.kind == .unusable)
        #expect(e2?.description.contains("--topology") == true)
        // A cluster (periodic along no axis) needs no box.
        #expect((try? IMDFrameBuilder(topology: IMDTopology(periodicity: .none), version: 2, session: .version2, atomCount: 3, address: address)) != nil)
    }
}
