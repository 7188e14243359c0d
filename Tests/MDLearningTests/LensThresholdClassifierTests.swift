@testable import MDLearning
import Testing

/// `lens_classes_reference.json`: sklearn `KMeans(3, random_state=666, n_init=10)` on 19,800
/// smoothed LENS values of the Cu(211) run and the notebook's `classifying` of every value.
struct LensClassesReference: Decodable {
    let kmeans_centres: [Double]
    let cluster_max: [Double]
    let differences_from_kmeans_labels: Int
}

@Suite struct LensThresholdClassifierTests {
    @Test func reproducesNotebookClassification() throws {
        let ref: LensClassesReference = try FixtureFolder.learning.json("lens_classes_reference.json")
        let values = try FixtureFolder.learning.floatsAsDoubles("lens_classes_values.f32")
        let kmeansLabels = try FixtureFolder.learning.bytesAsInt32("lens_classes_kmeans_labels.u8")
        let expected = try FixtureFolder.learning.bytesAsInt32("lens_classes_reference.u8")
        #expect(values.count == 19_800 && kmeansLabels.count == values.count && expected.count == values.count)

        let classifier = try LensThresholdClassifier(values: values, labels: kmeansLabels, centres: ref.kmeans_centres)
        #expect(classifier.classCount == 3)
        #expect(classifier.thresholds == ref.cluster_max)
        // Renumbered by increasing centre.
        let renumberedCentres = (0..<3).map { c in ref.kmeans_centres[classifier.renumbering.firstIndex(of: c)!] }
        #expect(renumberedCentres == renumberedCentres.sorted())

        let labels = try classifier.classify(values)
        #expect(labels == expected)
        // Equal to the renumbered KMeans labels except at cluster maxima.
        var differences = 0
        for i in values.indices where labels[i] != Int32(classifier.renumbering[Int(kmeansLabels[i])]) {
            differences += 1
            #expect(classifier.thresholds.contains(values[i]))
        }
        #expect(differences == ref.differences_from_kmeans_labels)
        print("LENS classes: \(labels.count) values, \(differences) differ from KMeans (cluster maxima), thresholds \(classifier.thresholds)")
    }

    @Test func notebookRuleAtTheEdges() throws {
        // KMeans labels deliberately in reverse centre order.
        let c = try LensThresholdClassifier(values: [0.9, 0.1, 0.5, 0.2, 0.6], labels: [0, 2, 1, 2, 1], centres: [0.9, 0.55, 0.15])
        #expect(c.renumbering == [2, 1, 0])
        #expect(c.thresholds == [0.2, 0.6, 0.9])
        #expect(try c.classify(0.0) == 0)
        #expect(try c.classify(0.2) == 1)      // x == max → next class
        #expect(try c.classify(0.599) == 1)
        #expect(try c.classify(0.9) == 2)      // x ≥ every max → last
        #expect(try c.classify(5) == 2)
        #expect(try c.classify(-.infinity) == 0)
        #expect(throws: LearningError.nonFiniteValue(row: 0, column: 0)) { try c.classify(Double.nan) }
        #expect(throws: LearningError.nonFiniteValue(row: 1, column: 0)) { try c.classify([0.1, .nan]) }
    }

    @Test func manualThresholds() throws {
        let c = try LensThresholdClassifier(manualThresholds: [0.05, 0.1])
        #expect(c.classCount == 3)
        #expect(try c.classify([0, 0.0499, 0.05, 0.0999, 0.1, 1]) == [0, 0, 1, 1, 2, 2])
        #expect(throws: LearningError.self) { try LensThresholdClassifier(manualThresholds: [0.2, 0.1]) }
        #expect(throws: LearningError.self) { try LensThresholdClassifier(manualThresholds: [.nan]) }
        let one = try LensThresholdClassifier(manualThresholds: [])
        #expect(try one.classify(3) == 0)
    }

    @Test func invalidKMeansInput() {
        #expect(throws: LearningError.self) { try LensThresholdClassifier(values: [0.1], labels: [0, 1], centres: [0.1]) }
        #expect(throws: LearningError.self) { try LensThresholdClassifier(values: [0.1, 0.2], labels: [0, 2], centres: [0.1, 0.2]) }
        #expect(throws: LearningError.self) { try LensThresholdClassifier(values: [0.1, 0.2], labels: [0, 0], centres: [0.1, 0.2]) } // empty cluster
        #expect(throws: LearningError.self) { try LensThresholdClassifier(values: [0.1, .infinity], labels: [0, 1], centres: [0.1, 0.2]) }
        #expect(throws: LearningError.self) { try LensThresholdClassifier(values: [], labels: [], centres: [0.1]) }
    }
}
