import Foundation

/// Path of a committed H5MD fixture under `Tests/Fixtures/h5md/`.
func h5mdFixturePath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/h5md/\(name)").path
}

/// The expected values stored next to a fixture (`<stem>.json`), computed in Python by
/// `scripts/fixtures/make_h5md_fixtures.py` (MDAnalysis / numpy).
func h5mdFixtureExpectation(_ stem: String) throws -> H5MDFixtureExpectation {
    let data = try Data(contentsOf: URL(fileURLWithPath: h5mdFixturePath(stem + ".json")))
    return try JSONDecoder().decode(H5MDFixtureExpectation.self, from: data)
}

/// A unique temporary `.h5` path (tests run in parallel); the file is removed on deinit.
final class H5MDFixtureTemporaryFile {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("h5md-reader-\(UUID().uuidString).h5").path
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Contents of a fixture's JSON expectation file.
struct H5MDFixtureExpectation: Decodable {
    struct Check: Decodable {
        var frame: Int
        var id: Int64
        var position: [Double]
        var velocity: [Double]?
        var species: String?
    }

    var frames: Int
    var atoms: Int
    var steps: [Int64]
    var times: [Double]?
    /// Row-major 3×3 cell per frame, Å.
    var cells: [[Double]]
    var periodicity: [Bool]
    var species: [String]
    var mappedSpecies: [String]?
    var singlePrecision: Bool
    var idsFromFile: Bool
    var group: String?
    var checks: [Check]
}
