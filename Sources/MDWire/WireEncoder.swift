import MDCore

/// Encodes frames and control messages into wire-protocol v1 multipart messages
/// (`docs/wire-protocol.md`). The inverse of ``WireDecoder``.
public enum WireEncoder {
    /// Floating-point width of the coordinate arrays on the wire.
    public enum Precision: Sendable {
        /// `<f8`: exact.
        case float64
        /// `<f4`: half the bytes; about 1e-5 Å at 40 Å.
        case float32
    }

    /// Encodes `frame`. The frame's `runID` and `sequence` go into the header as they are;
    /// `sentAt` (s since 1970) is the publish time stamped now by the caller.
    public static func encode(_ frame: Frame, sentAt: Double, precision: Precision = .float64) -> [[UInt8]] {
        let n = frame.atomCount
        let dtype = precision == .float64 ? "<f8" : "<f4"
        var arrays: [JSONValue] = [
            spec("ids", "<i8", [n]), spec("types", "<i4", [n]), spec("positions", dtype, [n, 3]),
        ]
        if frame.velocities != nil { arrays.append(spec("velocities", dtype, [n, 3])) }
        var header: [String: JSONValue] = [
            "protocol": .string(WireProtocol.frameProtocolName),
            "version": .int(WireProtocol.version),
            "run_id": .string(frame.runID),
            "seq": .int(Int64(truncatingIfNeeded: frame.sequence)),
            "sent_at": .double(sentAt),
            "step": .int(frame.step),
            "time": frame.time.map(JSONValue.double) ?? .null,
            "natoms": .int(Int64(n)),
            "pbc": .array(frame.periodicity.array.map(JSONValue.bool)),
            "species": .array(frame.species.map(JSONValue.string)),
            "arrays": .array(arrays),
            "provenance": .object([
                "ids": .string(frame.provenance.ids.rawValue),
                "species": .string(frame.provenance.species.rawValue),
                "time": .string(frame.provenance.time.rawValue),
                "source": .string(frame.provenance.source),
            ]),
        ]
        if let cell = frame.cell {
            header["box"] = .array([cell.a, cell.b, cell.c].map { v in .array([v.x, v.y, v.z].map(JSONValue.double)) })
            if cell.origin != .zero {
                header["origin"] = .array([cell.origin.x, cell.origin.y, cell.origin.z].map(JSONValue.double))
            }
        } else {
            header["box"] = .null
        }
        var parts: [[UInt8]] = [WireProtocol.frameTopic, json(.object(header))]
        parts.append(littleEndianBytes(frame.ids))
        parts.append(littleEndianBytes(frame.types))
        parts.append(realBytes(frame.positions, precision))
        if let v = frame.velocities { parts.append(realBytes(v, precision)) }
        return parts
    }

    /// Encodes a control message.
    public static func encode(_ control: ControlMessage) -> [[UInt8]] {
        var body: [String: JSONValue] = [
            "protocol": .string(WireProtocol.controlProtocolName),
            "version": .int(WireProtocol.version),
            "kind": .string(control.kind.rawValue),
            "run_id": .string(control.runID),
            "sent_at": .double(control.sentAt),
        ]
        if let frames = control.frames { body["frames"] = .int(Int64(truncatingIfNeeded: frames)) }
        if let source = control.source { body["source"] = .string(source) }
        return [WireProtocol.controlTopic, json(.object(body))]
    }

    private static func spec(_ name: String, _ dtype: String, _ shape: [Int]) -> JSONValue {
        .object(["name": .string(name), "dtype": .string(dtype), "shape": .array(shape.map { .int(Int64($0)) })])
    }

    private static func json(_ value: JSONValue) -> [UInt8] { value.serialized() }

    private static func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * MemoryLayout<T>.size)
        out.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() {
                raw.storeBytes(of: v.littleEndian, toByteOffset: i * MemoryLayout<T>.size, as: T.self)
            }
        }
        return out
    }

    private static func realBytes(_ values: [Double], _ precision: Precision) -> [UInt8] {
        switch precision {
        case .float64:
            return littleEndianBytes(values.map(\.bitPattern))
        case .float32:
            return littleEndianBytes(values.map { Float($0).bitPattern })
        }
    }
}
