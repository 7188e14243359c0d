@testable import MDLearning
import Testing

/// `merge_cases.json` and the real cases of `transitions_reference.json`
/// (scripts/reference/make_learning_fixtures.py, scipy 1.17.1).
struct MergeCase: Decodable, CustomTestStringConvertible {
    let name: String
    let m: Int
    let P: [Double]?
    let d: [Double]
    let Z: [Double]
    let fcluster: [Int]
    let map: [Int]
    let nan_distances: Int?
    var testDescription: String { name }

    static let all: [MergeCase] = {
        struct File: Decodable { let cases: [MergeCase] }
        return (try? FixtureFolder.learning.json("merge_cases.json", as: File.self).cases) ?? []
    }()
}

struct TransitionsReference: Decodable {
    struct Case: Decodable {
        let k: Int
        let labels: FileRef
        let counts: [Int]
        let probabilities: [Double]
        let d: [Double]
        let Z: [Double]
        let fcluster: [Int]
        let map: [Int]
        let nan_distances: Int
        let macro_count: Int
        let macro_counts: [Int]
        let macro_probabilities: [Double]
    }
    struct FileRef: Decodable { let file: String; let shape: [Int] }
    let frames: Int
    let centres: Int
    let cases: [String: Case]

    static func load() throws -> TransitionsReference { try FixtureFolder.learning.json("transitions_reference.json") }
}

func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite struct HierarchicalMergeTests {
    @Test func fixturesPresent() {
        #expect(MergeCase.all.count == 13)
        #expect(MergeCase.all.contains { ($0.nan_distances ?? 0) > 0 })
    }

    /// Linkage alone on SciPy's own condensed distances: tie-heavy cases must give the same
    /// rows in the same order with the same cluster numbers.
    @Test(arguments: MergeCase.all) func linkageMatchesSciPy(_ c: MergeCase) throws {
        let z = try HierarchicalMerge.averageLinkage(condensed: c.d, count: c.m)
        #expect(z.count == c.Z.count)
        #expect(maxAbsDifference(z, c.Z) <= 1e-12)
        for row in 0..<(c.m - 1) {
            #expect(z[row * 4] == c.Z[row * 4] && z[row * 4 + 1] == c.Z[row * 4 + 1] && z[row * 4 + 3] == c.Z[row * 4 + 3], "row \(row)")
        }
        #expect(HierarchicalMerge.flatClusters(linkage: c.Z, count: c.m, cutoff: 1.0) == c.fcluster)
        #expect(HierarchicalMerge.renumberedBySmallestMember(c.fcluster) == c.map)
    }

    /// The whole pipeline from P (zero rows, constant rows, identical rows, random).
    @Test(arguments: MergeCase.all.filter { $0.P != nil }) func pipelineMatchesSciPy(_ c: MergeCase) throws {
        let merge = try HierarchicalMerge(probabilities: c.P!, classCount: c.m)
        #expect(merge.distances == c.d, "bit for bit (same summation order as SciPy)")
        #expect(merge.undefinedDistanceCount == c.nan_distances)
        #expect(maxAbsDifference(merge.linkage, c.Z) <= 1e-12)
        #expect(merge.flatClusters == c.fcluster)
        #expect(merge.microToMacro == c.map)
    }

    @Test func realMicroClustersMatchSciPy() throws {
        let ref = try TransitionsReference.load()
        for (name, c) in ref.cases {
            let merge = try HierarchicalMerge(probabilities: c.probabilities, classCount: c.k)
            let dError = maxAbsDifference(merge.distances, c.d)
            let zError = maxAbsDifference(merge.linkage, c.Z)
            #expect(merge.distances == c.d, "\(name): bit for bit")
            #expect(zError <= 1e-12, "\(name)")
            #expect(merge.undefinedDistanceCount == c.nan_distances)
            #expect(merge.flatClusters == c.fcluster, "\(name)")
            #expect(merge.microToMacro == c.map, "\(name)")
            #expect(merge.macroCount == c.macro_count)
            print("merge \(name): d error \(dError), Z error \(zError), map \(merge.microToMacro)")
        }
    }

    @Test func smallAndInvalidInputs() throws {
        let one = try HierarchicalMerge(probabilities: [1], classCount: 1)
        #expect(one.linkage.isEmpty && one.microToMacro == [0] && one.macroCount == 1)
        #expect(throws: LearningError.self) { try HierarchicalMerge(probabilities: [], classCount: 0) }
        #expect(throws: LearningError.self) { try HierarchicalMerge(probabilities: [1, 0, 0], classCount: 2) }
        #expect(throws: LearningError.nonFiniteValue(row: 0, column: 1)) { try HierarchicalMerge(probabilities: [1, .nan, 0, 1], classCount: 2) }
        #expect(throws: LearningError.nonFiniteValue(row: 1, column: 0)) { try HierarchicalMerge.averageLinkage(condensed: [1, .nan, 2], count: 3) }
        #expect(throws: LearningError.self) { try HierarchicalMerge.averageLinkage(condensed: [1, 2], count: 3) }
    }

    @Test func pairwiseSumFollowsNumPy() {
        // Exactly representable check of the blocking: the result must equal NumPy's order,
        // which for these values differs from a left-to-right sum.
        var values = [Double](repeating: 1e-16, count: 300)
        values[0] = 1
        let numpyLike = values.withUnsafeBufferPointer { HierarchicalMerge.pairwiseSum($0) }
        let sequential = values.reduce(0, +)
        #expect(sequential == 1)  // every 1e-16 is lost against 1 from the left
        #expect(numpyLike > 1)    // partial sums of the small values survive
    }
}
