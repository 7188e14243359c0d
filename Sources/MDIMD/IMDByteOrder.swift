/// The byte order of the server's bodies (coordinates, time, box): LAMMPS writes them in its
/// machine's native order and never swaps them; the handshake tells which it is.
public enum IMDByteOrder: String, Sendable {
    case littleEndian = "little-endian"
    case bigEndian = "big-endian"

    /// Decides the server's byte order and protocol version from the handshake's second
    /// field (bytes 4…7 as received): read as little-endian, a version of 2 or 3 means a
    /// little-endian server; read as big-endian, a big-endian one. `nil`: neither (not IMD,
    /// or a version this client does not speak).
    public static func detect<C: Collection>(handshakeLength b: C) -> (IMDByteOrder, Int32)? where C.Element == UInt8, C.Index == Int {
        guard b.count >= 4 else { return nil }
        let s = b.startIndex
        let le = Int32(bitPattern: UInt32(b[s]) | UInt32(b[s + 1]) << 8 | UInt32(b[s + 2]) << 16 | UInt32(b[s + 3]) << 24)
        if le == 2 || le == 3 { return (.littleEndian, le) }
        let be = Int32(bitPattern: UInt32(b[s]) << 24 | UInt32(b[s + 1]) << 16 | UInt32(b[s + 2]) << 8 | UInt32(b[s + 3]))
        if be == 2 || be == 3 { return (.bigEndian, be) }
        return nil
    }

    /// Reads a 32-bit word at byte `offset` of `bytes`.
    @inlinable
    public func uint32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return self == .littleEndian ? UInt32(littleEndian: raw) : UInt32(bigEndian: raw)
    }

    /// Reads a 64-bit word at byte `offset` of `bytes`.
    @inlinable
    public func uint64(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        return self == .littleEndian ? UInt64(littleEndian: raw) : UInt64(bigEndian: raw)
    }

    /// Decodes `count` float32 values from `bytes` into `out` (widened to Double).
    @inlinable
    public func decodeFloat32(_ bytes: UnsafeRawBufferPointer, count: Int, into out: inout [Double]) {
        precondition(bytes.count >= 4 * count, "not enough bytes for \(count) float32 values")
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(count)
        for k in 0..<count {
            out.append(Double(Float(bitPattern: uint32(bytes, at: 4 * k))))
        }
    }

    /// The 4 bytes of a 32-bit word in this order (for fake servers in tests and MDCOMM bodies).
    public func bytes(_ word: UInt32) -> [UInt8] {
        let w = self == .littleEndian ? word.littleEndian : word.bigEndian
        return withUnsafeBytes(of: w) { Array($0) }
    }

    /// The 8 bytes of a 64-bit word in this order.
    public func bytes(_ word: UInt64) -> [UInt8] {
        let w = self == .littleEndian ? word.littleEndian : word.bigEndian
        return withUnsafeBytes(of: w) { Array($0) }
    }
}
