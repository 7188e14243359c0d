import MDConfiguration
import Testing

@Suite struct ConfigurationErrorTests {
    @Test func descriptionsNameFileLineAndKey() {
        let e = ConfigurationError.badValue(file: "cu211.toml", line: 12, key: "lens.window", reason: "must be ≥ 3")
        #expect(e.description == "cu211.toml:12: lens.window: must be ≥ 3")
    }
}
