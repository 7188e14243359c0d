/// The 8-byte header that starts every IMD message: message type and a "length" (a count or
/// a value, depending on the type), both big-endian int32 — except the handshake's length,
/// which the server writes in its native byte order so the client can tell its endianness.
public struct IMDHeader: Sendable, Hashable {
    /// Bytes in a header.
    public static let size = 8

    /// The raw message type (see ``IMDMessageType``).
    public var type: Int32
    /// Count or value.
    public var length: Int32

    public init(type: Int32, length: Int32) {
        self.type = type
        self.length = length
    }

    public init(_ type: IMDMessageType, length: Int32 = 0) {
        self.init(type: type.rawValue, length: length)
    }

    /// Decodes both fields as big-endian (every header but the handshake's length).
    public init<C: Collection>(bigEndianBytes b: C) where C.Element == UInt8, C.Index == Int {
        precondition(b.count >= Self.size, "an IMD header has 8 bytes")
        let s = b.startIndex
        type = Int32(bitPattern: UInt32(b[s]) << 24 | UInt32(b[s + 1]) << 16 | UInt32(b[s + 2]) << 8 | UInt32(b[s + 3]))
        length = Int32(bitPattern: UInt32(b[s + 4]) << 24 | UInt32(b[s + 5]) << 16 | UInt32(b[s + 6]) << 8 | UInt32(b[s + 7]))
    }

    /// The message type, when it is one LAMMPS knows.
    public var messageType: IMDMessageType? { IMDMessageType(rawValue: type) }

    /// The 8 bytes, both fields big-endian (what a client sends).
    public var bytes: [UInt8] {
        let t = UInt32(bitPattern: type)
        let l = UInt32(bitPattern: length)
        return [
            UInt8(t >> 24), UInt8(t >> 16 & 0xff), UInt8(t >> 8 & 0xff), UInt8(t & 0xff),
            UInt8(l >> 24), UInt8(l >> 16 & 0xff), UInt8(l >> 8 & 0xff), UInt8(l & 0xff),
        ]
    }
}
