import MDDescriptors
import Testing

@Suite struct LensTests {
    @Test func deltaEdgeCases() {
        #expect(Lens.delta([Int64](), [Int64]()) == 0)           // both empty
        #expect(Lens.delta([Int64](), [1, 2]) == 1)              // one empty
        #expect(Lens.delta([1, 2, 3] as [Int64], [1, 2, 3]) == 0)
        #expect(Lens.delta([1, 2, 3] as [Int64], [4, 5]) == 1)
        // {1,2,3} Δ {2,3,4,5} = {1,4,5}: 3 / 7
        #expect(abs(Lens.delta([1, 2, 3] as [Int64], [2, 3, 4, 5]) - 3.0 / 7.0) < 1e-15)
    }

    @Test func deltaAgreesWithSetAlgebraOnRandomSets() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let a = Set((0..<Int.random(in: 0...30, using: &rng)).map { _ in Int64.random(in: 0...40, using: &rng) })
            let b = Set((0..<Int.random(in: 0...30, using: &rng)).map { _ in Int64.random(in: 0...40, using: &rng) })
            let expected = a.isEmpty && b.isEmpty ? 0 : Double(a.symmetricDifference(b).count) / Double(a.count + b.count)
            #expect(abs(Lens.delta(a.sorted(), b.sorted()) - expected) < 1e-15)
        }
    }

    @Test func setsSortAndDeduplicate() {
        let s = NeighbourIDSets([[5, 3, 3, 9], [], [7, 7]])
        #expect(s.centreCount == 3)
        #expect(Array(s.row(0)) == [3, 5, 9])
        #expect(Array(s.row(1)) == [])
        #expect(Array(s.row(2)) == [7])
        var t = NeighbourIDSets()
        for id: Int64 in [9, 3, 5, 3] { t.appendToCurrentRow(id) }
        t.finishRow()
        t.finishRow()
        t.appendToCurrentRow(7)
        t.appendToCurrentRow(7)
        t.finishRow()
        #expect(t == s)
    }

    @Test func accumulatorWithLagOneAndTwoAndReset() {
        let frames: [NeighbourIDSets] = [
            NeighbourIDSets([[1, 2], [3]]),
            NeighbourIDSets([[1, 2], [4]]),
            NeighbourIDSets([[1, 3], []]),
            NeighbourIDSets([[1, 3], []]),
        ]
        var one = LensAccumulator(centreCount: 2, lag: 1)
        #expect(one.push(frames[0]) == nil)
        #expect(one.push(frames[1]) == [0, 1])
        #expect(one.push(frames[2]) == [0.5, 1])
        #expect(one.push(frames[3]) == [0, 0])
        var two = LensAccumulator(centreCount: 2, lag: 2)
        #expect(two.push(frames[0]) == nil)
        #expect(two.push(frames[1]) == nil)
        #expect(two.push(frames[2]) == [0.5, 1])  // frame 0 → frame 2
        #expect(two.push(frames[3]) == [0.5, 1])  // frame 1 → frame 3
        two.reset()
        #expect(two.push(frames[0]) == nil)
        #expect(two.push(frames[1]) == nil)
        #expect(two.framesSinceReset == 2)
    }
}
