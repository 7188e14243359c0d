import Foundation

/// One folder of committed reference data under `Tests/Fixtures/` (written by the generators
/// in `scripts/reference/`; arrays little-endian, C order), found relative to this file so the
/// tests run from any working directory and never need Python.
struct FixtureFolder: Sendable {
    /// `Tests/Fixtures/learning`: PCA, merging, KMeans and GMM references.
    static let learning = FixtureFolder("learning")
    /// `Tests/Fixtures/hdbscan`: the hdbscan package's references.
    static let hdbscan = FixtureFolder("hdbscan")
    /// `Tests/Fixtures/online`: SciPy's subspace angles and NumPy's quantiles (the daemon's drift and novelty).
    static let online = FixtureFolder("online")

    let url: URL

    init(_ name: String) {
        url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    func data(_ name: String) throws -> Data {
        try Data(contentsOf: url.appendingPathComponent(name))
    }

    /// Little-endian float64 values.
    func doubles(_ name: String) throws -> [Double] {
        let data = try data(name)
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
        }
    }

    /// Little-endian float32 values, widened exactly to Double (the generators feed the
    /// reference tools the same widened values).
    func floatsAsDoubles(_ name: String) throws -> [Double] {
        let data = try data(name)
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))) }
        }
    }

    /// Little-endian int32 values.
    func int32s(_ name: String) throws -> [Int32] {
        let data = try data(name)
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        }
    }

    /// uint8 values (labels) as Int32.
    func bytesAsInt32(_ name: String) throws -> [Int32] {
        try data(name).map { Int32($0) }
    }

    /// A JSON file decoded into `T`.
    func json<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: data(name))
    }

    /// A JSON object file as a dictionary.
    func jsonObject(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data(name)) as! [String: Any]
    }
}
