import MDCore
import Testing

func makeFrame(n: Int = 4, cell: Cell? = .orthogonal(SIMD3(10, 10, 10))) -> Frame {
    Frame(
        step: 100, time: 0.5, cell: cell, species: ["Cu", "O"],
        ids: (0..<n).map { Int64($0 + 1) }, types: (0..<n).map { Int32($0 % 2) },
        positions: (0..<(3 * n)).map { Double($0) * 0.5 })
}

@Suite struct FrameValidationTests {
    @Test func validFramePasses() throws {
        try makeFrame().validate()
        try makeFrame(n: 0).validate()
    }

    @Test func nanPositionNamesAtomAndID() {
        var f = makeFrame()
        f.positions[7] = .nan
        #expect(throws: FrameValidationError.nonFinite(array: "positions", atomIndex: 2, id: 3)) { try f.validate() }
    }

    @Test func infiniteVelocityRejected() {
        var f = makeFrame()
        f.velocities = Array(repeating: 0, count: 12)
        f.velocities![0] = .infinity
        #expect(throws: FrameValidationError.nonFinite(array: "velocities", atomIndex: 0, id: 1)) { try f.validate() }
    }

    @Test func duplicateIDRejected() {
        var f = makeFrame()
        f.ids[3] = 2
        #expect(throws: FrameValidationError.duplicateID(2, firstIndex: 1, secondIndex: 3)) { try f.validate() }
    }

    @Test func typeOutOfRangeRejected() {
        var f = makeFrame()
        f.types[1] = 2
        #expect(throws: FrameValidationError.typeOutOfRange(atomIndex: 1, type: 2, speciesCount: 2)) { try f.validate() }
        f.types[1] = -1
        #expect(throws: FrameValidationError.typeOutOfRange(atomIndex: 1, type: -1, speciesCount: 2)) { try f.validate() }
    }

    @Test func arrayLengthMismatchRejected() {
        var f = makeFrame()
        f.positions.removeLast()
        #expect(throws: FrameValidationError.arrayLength(name: "positions", expected: 12, actual: 11)) { try f.validate() }
    }

    @Test func degenerateCellRejectedNonPeriodicNeedsNone() throws {
        let flat = Cell(a: SIMD3(10, 0, 0), b: SIMD3(20, 0, 0), c: SIMD3(0, 0, 10))
        let f = makeFrame(cell: flat)
        do {
            try f.validate()
            Issue.record("a degenerate cell passed")
        } catch {
            #expect(error.code == "degenerate-cell")
        }
        // An isolated nanoparticle: no cell at all, periodic along no axis.
        let np = makeFrame(cell: nil)
        #expect(np.periodicity == .none)
        try np.validate()
    }

    @Test func nonFiniteCellAndTimeRejected() {
        var f = makeFrame(cell: Cell.orthogonal(SIMD3(10, .nan, 10)))
        #expect(throws: FrameValidationError.nonFiniteCell) { try f.validate() }
        f = makeFrame()
        f.time = .infinity
        #expect(throws: FrameValidationError.nonFiniteTime) { try f.validate() }
    }
}
