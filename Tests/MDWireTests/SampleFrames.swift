import MDCore

/// A small triclinic two-species frame with velocities, as a publisher would send it.
func sampleFrame(n: Int = 5, velocities: Bool = true) -> Frame {
    let cell = Cell(
        a: SIMD3(12.5, 0, 0), b: SIMD3(1.5, 11.0, 0), c: SIMD3(-0.5, 0.75, 20.0),
        origin: SIMD3(-1, 0, 2), periodicity: Periodicity(true, true, false))
    return Frame(
        runID: "run-A", sequence: 7, step: 123_456_789_012, time: 42.125, cell: cell,
        species: ["Cu", "O"], ids: (0..<n).map { Int64(1000 - 7 * $0) },
        types: (0..<n).map { Int32($0 % 2) },
        positions: (0..<(3 * n)).map { Double($0) * 0.731 - 3.0 },
        velocities: velocities ? (0..<(3 * n)).map { Double($0) * -0.01 } : nil,
        provenance: FrameProvenance(ids: .file, species: .mapped, time: .stepTimesDt, source: "test:sample"))
}
