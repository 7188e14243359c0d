import MDLearning
import Testing

@Suite struct LearningErrorTests {
    @Test func descriptionsNameTheCause() {
        #expect(LearningError.nonFiniteValue(row: 3, column: 576).description == "non-finite value at row 3, column 576")
        #expect(LearningError.lapackFailure(routine: "dsyevd", info: 2).description.contains("dsyevd"))
    }
}
