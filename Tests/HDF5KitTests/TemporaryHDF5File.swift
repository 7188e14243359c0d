import Foundation

/// A unique path in the temporary directory, removed when the test ends (tests run in
/// parallel, so every test gets its own file).
final class TemporaryHDF5File {
    let path: String

    init(_ label: String = "hdf5kit") {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString).h5").path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Path of a committed fixture under `Tests/Fixtures/h5md/`.
func hdf5KitFixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/h5md/\(name)").path
}
