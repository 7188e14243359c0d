import MDCore

/// The species list of a dump, fixed by the first decoded frame and used for the whole file,
/// with the lookups the per-atom loop needs: numeric type → index (dense array for small
/// types) or name bytes → index (linear scan; files have a handful of species).
struct LammpsSpeciesTable: Sendable {
    /// Species names; a frame's `types` index into this list.
    private(set) var names: [String] = []
    /// Where the names came from.
    private(set) var source: FrameProvenance.SpeciesSource
    /// `true` when atoms are keyed by name (element or type label), `false` for numbers.
    let keyedByName: Bool

    private var nameBytes: [[UInt8]] = []
    private var dense: [Int32] = []
    private var sparse: [Int64: Int32] = [:]

    /// Types below this use the dense lookup array.
    private static let denseLimit: Int64 = 4096

    /// A table keyed by names, filled by ``index(ofName:_:addIfMissing:)``.
    init(keyedByName: Bool) {
        self.keyedByName = keyedByName
        source = .file
    }

    /// A table of numeric types, sorted ascending, named by `speciesMap` when it is not empty
    /// (every type must be in it) or `"type<N>"` otherwise.
    ///
    /// - Returns: the table, or the first type missing from a non-empty map.
    static func numeric(types: [Int64], speciesMap: [Int: String]) -> Result<LammpsSpeciesTable, MissingType> {
        var table = LammpsSpeciesTable(keyedByName: false)
        table.source = speciesMap.isEmpty ? .typesOnly : .mapped
        for (k, t) in Set(types).sorted().enumerated() {
            if speciesMap.isEmpty {
                table.names.append("type\(t)")
            } else {
                guard let name = Int(exactly: t).flatMap({ speciesMap[$0] }) else { return .failure(MissingType(type: t)) }
                table.names.append(name)
            }
            if t >= 0 && t < denseLimit {
                if table.dense.count <= Int(t) { table.dense += [Int32](repeating: -1, count: Int(t) + 1 - table.dense.count) }
                table.dense[Int(t)] = Int32(k)
            } else {
                table.sparse[t] = Int32(k)
            }
        }
        return .success(table)
    }

    /// A numeric type that a non-empty `--species` map does not name.
    struct MissingType: Error {
        var type: Int64
    }

    /// The index of numeric type `t`, or `nil` when the table does not have it.
    @inline(__always)
    func index(ofType t: Int64) -> Int32? {
        if t >= 0 && t < Int64(dense.count) {
            let k = dense[Int(t)]
            return k >= 0 ? k : nil
        }
        return sparse[t]
    }

    /// The index of the name in the `count` bytes at `p`; a missing name is appended when
    /// `addIfMissing` (first frame) and gives `nil` otherwise.
    @inline(__always)
    mutating func index(ofName p: UnsafePointer<UInt8>, _ count: Int, addIfMissing: Bool) -> Int32? {
        for (k, bytes) in nameBytes.enumerated() where bytes.count == count {
            if bytes.withUnsafeBufferPointer({ memcmpEqual($0.baseAddress!, p, count) }) { return Int32(k) }
        }
        guard addIfMissing else { return nil }
        let bytes = Array(UnsafeBufferPointer(start: p, count: count))
        nameBytes.append(bytes)
        names.append(String(decoding: bytes, as: UTF8.self))
        return Int32(nameBytes.count - 1)
    }

    @inline(__always)
    private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for i in 0..<n where a[i] != b[i] { return false }
        return true
    }
}
