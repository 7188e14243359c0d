@testable import MDLearning
import Testing

@Suite struct TransitionMatrixTests {
    @Test func handCountedExample() throws {
        // 3 frames × 2 atoms: atom 0: 0 → 1 → 1, atom 1: 2 → 2 → 0.
        let m = try TransitionMatrix(frameMajorLabels: [0, 2, 1, 2, 1, 0], atomCount: 2)
        #expect(m.classCount == 3)
        #expect(m.counts == [0, 1, 0,
                             0, 1, 0,
                             1, 0, 1])
        #expect(m.transitionCount == 4)
        #expect(m.probabilities == [0, 1, 0, 0, 1, 0, 0.5, 0, 0.5])
        // A given class count keeps empty classes; their rows stay zero.
        let k5 = try TransitionMatrix(frameMajorLabels: [0, 2, 1, 2, 1, 0], atomCount: 2, classCount: 5)
        #expect(k5.counts.count == 25)
        #expect(k5.probabilities[3 * 5..<4 * 5].allSatisfy { $0 == 0 })
        #expect(k5.probabilities[4 * 5..<5 * 5].allSatisfy { $0 == 0 })
    }

    @Test func realLabelsMatchReference() throws {
        let ref = try TransitionsReference.load()
        for (name, c) in ref.cases {
            let labels = try FixtureFolder.learning.bytesAsInt32(c.labels.file)
            #expect(labels.count == ref.frames * ref.centres)
            let batch = try TransitionMatrix(frameMajorLabels: labels, atomCount: ref.centres, classCount: c.k)
            #expect(batch.counts == c.counts, "\(name)")
            #expect(maxAbsDifference(batch.probabilities, c.probabilities) <= 1e-15, "\(name)")
            #expect(batch.transitionCount == (ref.frames - 1) * ref.centres)

            // Streaming, frame by frame, split over two shards that are merged.
            var first = try TransitionMatrix(classCount: c.k)
            var second = try TransitionMatrix(classCount: c.k)
            let n = ref.centres
            for f in 1..<ref.frames {
                let previous = Array(labels[((f - 1) * n)..<(f * n)]), current = Array(labels[(f * n)..<((f + 1) * n)])
                if f < 40 { try first.add(previous: previous, current: current) } else { try second.add(previous: previous, current: current) }
            }
            try first.merge(second)
            #expect(first == batch)

            // Macro matrix from the reference map: block sums = counts of the mapped labels.
            let macro = try batch.mapped(through: c.map)
            #expect(macro.classCount == c.macro_count)
            #expect(macro.counts == c.macro_counts, "\(name)")
            #expect(maxAbsDifference(macro.probabilities, c.macro_probabilities) <= 1e-15)
            let relabelled = labels.map { Int32(c.map[Int($0)]) }
            #expect(try TransitionMatrix(frameMajorLabels: relabelled, atomCount: n, classCount: c.macro_count) == macro)
        }
    }

    @Test func rejectsBadLabels() throws {
        #expect(throws: LearningError.self) { try TransitionMatrix(frameMajorLabels: [0, -1, 1, 0], atomCount: 2) }
        #expect(throws: LearningError.self) { try TransitionMatrix(frameMajorLabels: [0, 1, 2], atomCount: 2) }
        #expect(throws: LearningError.self) { try TransitionMatrix(frameMajorLabels: [0, 3, 1, 0], atomCount: 2, classCount: 3) }
        var m = try TransitionMatrix(classCount: 2)
        #expect(throws: LearningError.self) { try m.add(previous: [0, 1], current: [1]) }
        #expect(throws: LearningError.self) { try m.add(previous: [0, 1], current: [1, 2]) }
        #expect(throws: LearningError.self) { try m.add(previous: [0, -1], current: [1, 1]) }
        #expect(m.transitionCount == 0, "failed adds count nothing")
        #expect(throws: LearningError.self) { try m.merge(TransitionMatrix(classCount: 3)) }
        #expect(throws: LearningError.self) { try m.mapped(through: [0]) }
        #expect(throws: LearningError.self) { try m.mapped(through: [0, -1]) }
        #expect(throws: LearningError.self) { try TransitionMatrix(classCount: 0) }
        #expect(throws: LearningError.self) { try TransitionMatrix(counts: [1, -1, 0, 0], classCount: 2) }
    }

    @Test func mappedBlockSums() throws {
        let m = try TransitionMatrix(counts: [1, 2, 3,
                                              4, 5, 6,
                                              7, 8, 9], classCount: 3)
        let macro = try m.mapped(through: [0, 1, 0])
        #expect(macro.counts == [1 + 3 + 7 + 9, 2 + 8,
                                 4 + 6, 5])
        #expect(macro.probabilities == [20.0 / 30.0, 10.0 / 30.0, 10.0 / 15.0, 5.0 / 15.0])
    }
}
