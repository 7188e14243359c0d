import Foundation

/// Reads the committed reference data in `Tests/Fixtures/learning/` (written by
/// `scripts/reference/make_learning_fixtures.py`; little-endian, C order), relative to this
/// file so the tests run from any working directory and never need Python.
enum LearningFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/learning")

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: folder.appendingPathComponent(name))
    }

    /// Little-endian float64 values.
    static func doubles(_ name: String) throws -> [Double] {
        let data = try data(name)
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
        }
    }

    /// Little-endian float32 values, widened exactly to Double (the fixtures feed sklearn the
    /// same widened values).
    static func floatsAsDoubles(_ name: String) throws -> [Double] {
        let data = try data(name)
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))) }
        }
    }

    /// uint8 values (labels) as Int32.
    static func bytesAsInt32(_ name: String) throws -> [Int32] {
        try data(name).map { Int32($0) }
    }

    /// A JSON file decoded into `T`.
    static func json<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: data(name))
    }
}
