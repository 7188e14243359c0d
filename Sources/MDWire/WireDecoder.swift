import MDCore

/// Decodes a received multipart message into a validated ``WireMessage``.
///
/// A pure function of the bytes: no sockets, no state. Everything the protocol requires is
/// checked (topic, part count, header JSON and its fields, array specs and byte counts) and
/// then the frame itself (`Frame.validate()`: finite coordinates, unique ids, type range,
/// non-degenerate periodic cell). Any byte sequence gives either a message or a
/// ``WireError``; it never traps.
public enum WireDecoder {
    /// Decodes one message.
    /// - Parameter parts: the message parts as received (part 0 is the topic).
    public static func decode(_ parts: [[UInt8]]) throws(WireError) -> WireMessage {
        guard let topic = parts.first else { throw .partCount("empty message") }
        if topic == WireProtocol.frameTopic {
            return .frame(try decodeFrame(parts))
        } else if topic == WireProtocol.controlTopic {
            return .control(try decodeControl(parts))
        }
        throw .topic(topic)
    }

    /// Decodes a `control` message (parts: topic, JSON).
    public static func decodeControl(_ parts: [[UInt8]]) throws(WireError) -> ControlMessage {
        guard parts.count == 2 else {
            throw .partCount("a control message has 2 parts, this one has \(parts.count)")
        }
        let object = try parseObject(parts[1])
        let h = Fields(object)
        let proto = try h.string("protocol")
        guard proto == WireProtocol.controlProtocolName else {
            throw .version("control protocol '\(proto)' is not '\(WireProtocol.controlProtocolName)'")
        }
        let version = try h.int("version")
        guard version == WireProtocol.version else {
            throw .version("control message version \(version) is not supported (this build speaks \(WireProtocol.version))")
        }
        let kindText = try h.string("kind")
        guard let kind = ControlMessage.Kind(rawValue: kindText) else {
            throw .field("kind", "'\(kindText)' is neither 'segment-start' nor 'end'")
        }
        let runID = try h.string("run_id")
        guard !runID.isEmpty else { throw .field("run_id", "is empty") }
        let sentAt = try h.finiteNumber("sent_at")
        var frames: UInt64?
        if kind == .end {
            frames = UInt64(try h.nonNegativeInt("frames"))
        }
        let source = try h.optionalString("source")
        return ControlMessage(kind: kind, runID: runID, sentAt: sentAt, frames: frames, source: source)
    }

    /// Decodes a `frame` message (parts: topic, JSON header, arrays).
    public static func decodeFrame(_ parts: [[UInt8]]) throws(WireError) -> Frame {
        guard parts.count >= 2 else {
            throw .partCount("a frame message needs at least 2 parts (topic, header), this one has \(parts.count)")
        }
        let h = Fields(try parseObject(parts[1]))
        let proto = try h.string("protocol")
        guard proto == WireProtocol.frameProtocolName else {
            throw .version("frame protocol '\(proto)' is not '\(WireProtocol.frameProtocolName)'")
        }
        let version = try h.int("version")
        guard version == WireProtocol.version else {
            throw .version("frame header version \(version) is not supported (this build speaks \(WireProtocol.version))")
        }
        let runID = try h.string("run_id")
        guard !runID.isEmpty else { throw .field("run_id", "is empty") }
        let seq = UInt64(try h.nonNegativeInt("seq"))
        do {
            return try decodeFrameBody(parts, h, runID: runID, seq: seq)
        } catch {
            var e = error
            e.runID = runID
            e.sequence = seq
            throw e
        }
    }

    private static func decodeFrameBody(
        _ parts: [[UInt8]], _ h: Fields, runID: String, seq: UInt64
    ) throws(WireError) -> Frame {
        let sentAt = try h.finiteNumber("sent_at")
        let step = try h.int("step")
        let time = try h.optionalFiniteNumber("time")
        let natoms = try h.nonNegativeInt("natoms")
        guard natoms <= WireProtocol.maxAtoms else {
            throw .field("natoms", "\(natoms) exceeds the limit of \(WireProtocol.maxAtoms) atoms per frame")
        }
        let pbcValues = try h.array("pbc")
        guard pbcValues.count == 3 else { throw .field("pbc", "has \(pbcValues.count) entries, expected 3") }
        var flags = [Bool]()
        for v in pbcValues {
            guard case let .bool(b) = v else { throw .field("pbc", "entries must be booleans, found \(v.typeName)") }
            flags.append(b)
        }
        let periodicity = Periodicity(flags[0], flags[1], flags[2])
        var origin = SIMD3<Double>.zero
        if let o = h.object["origin"], o != .null {
            let v = try numbers(o, key: "origin", count: 3)
            origin = SIMD3(v[0], v[1], v[2])
        }
        var cell: Cell?
        let boxValue = try h.required("box")
        if boxValue != .null {
            guard case let .array(rows) = boxValue, rows.count == 3 else {
                throw .field("box", "must be a 3×3 array of numbers (rows = cell vectors, Å) or null")
            }
            var m = [Double]()
            for row in rows { m += try numbers(row, key: "box", count: 3) }
            cell = Cell(rowMajor: m, origin: origin, periodicity: periodicity)
        } else if periodicity.isAnyPeriodic {
            throw .invalid(.missingCell(periodicity: periodicity))
        }
        let speciesValues = try h.array("species")
        var species = [String]()
        species.reserveCapacity(speciesValues.count)
        for v in speciesValues {
            guard case let .string(s) = v else { throw .field("species", "entries must be strings, found \(v.typeName)") }
            species.append(s)
        }
        let provenance = try decodeProvenance(h.object["provenance"])

        // Array specs.
        let specs = try h.array("arrays")
        guard parts.count == 2 + specs.count else {
            throw .partCount("header lists \(specs.count) arrays, so the message needs \(2 + specs.count) parts; it has \(parts.count)")
        }
        var ids: [Int64]?
        var types: [Int32]?
        var positions: [Double]?
        var velocities: [Double]?
        var singlePrecision = false
        for (k, specValue) in specs.enumerated() {
            guard case let .object(spec) = specValue else {
                throw .arraySpec("arrays[\(k)] is \(specValue.typeName), expected an object")
            }
            guard case let .string(name)? = spec["name"] else { throw .arraySpec("arrays[\(k)] has no string 'name'") }
            guard case let .string(dtype)? = spec["dtype"] else { throw .arraySpec("array '\(name)' has no string 'dtype'") }
            guard case let .array(shapeValues)? = spec["shape"] else { throw .arraySpec("array '\(name)' has no 'shape' array") }
            var shape = [Int]()
            for s in shapeValues {
                guard case let .int(d) = s, d >= 0, d <= Int64(Int32.max) else {
                    throw .arraySpec("array '\(name)' has a bad shape entry (\(s.typeName))")
                }
                shape.append(Int(d))
            }
            let bytes = parts[2 + k]
            switch name {
            case "ids":
                guard ids == nil else { throw .arraySpec("array 'ids' is listed twice") }
                try expect(name, dtype, ["<i8"], shape, [natoms])
                ids = try loadInt64(bytes, count: natoms, name: name)
            case "types":
                guard types == nil else { throw .arraySpec("array 'types' is listed twice") }
                try expect(name, dtype, ["<i4"], shape, [natoms])
                types = try loadInt32(bytes, count: natoms, name: name)
            case "positions", "velocities":
                guard (name == "positions" ? positions : velocities) == nil else {
                    throw .arraySpec("array '\(name)' is listed twice")
                }
                try expect(name, dtype, ["<f8", "<f4"], shape, [natoms, 3])
                let values = try loadReal(bytes, dtype: dtype, count: 3 * natoms, name: name)
                if dtype == "<f4" { singlePrecision = true }
                if name == "positions" { positions = values } else { velocities = values }
            default:
                throw .arraySpec("unknown array '\(name)' (version 1 knows ids, types, positions, velocities)")
            }
        }
        guard let ids else { throw .arraySpec("required array 'ids' is missing") }
        guard let types else { throw .arraySpec("required array 'types' is missing") }
        guard let positions else { throw .arraySpec("required array 'positions' is missing") }
        let frame = Frame(
            runID: runID, sequence: seq, step: step, time: time, cell: cell, species: species,
            ids: ids, types: types, positions: positions, velocities: velocities,
            singlePrecision: singlePrecision, publishedAt: sentAt, provenance: provenance)
        do {
            try frame.validate()
        } catch {
            throw .invalid(error)
        }
        return frame
    }

    // MARK: - helpers

    private static func parseObject(_ bytes: [UInt8]) throws(WireError) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .headerJSON("header is not JSON (\(bytes.count) bytes): \(error)")
        }
        guard case let .object(o) = value else {
            throw .headerJSON("header is \(value.typeName), expected a JSON object")
        }
        return o
    }

    private static func decodeProvenance(_ value: JSONValue?) throws(WireError) -> FrameProvenance {
        var p = FrameProvenance()
        guard let value, value != .null else { return p }
        guard case let .object(o) = value else { throw .field("provenance", "must be an object") }
        if case let .string(s)? = o["ids"] {
            guard let v = FrameProvenance.IDSource(rawValue: s) else { throw .field("provenance", "unknown ids source '\(s)'") }
            p.ids = v
        }
        if case let .string(s)? = o["species"] {
            guard let v = FrameProvenance.SpeciesSource(rawValue: s) else { throw .field("provenance", "unknown species source '\(s)'") }
            p.species = v
        }
        if case let .string(s)? = o["time"] {
            guard let v = FrameProvenance.TimeSource(rawValue: s) else { throw .field("provenance", "unknown time source '\(s)'") }
            p.time = v
        }
        if case let .string(s)? = o["source"] { p.source = s }
        return p
    }

    private static func numbers(_ v: JSONValue, key: String, count: Int) throws(WireError) -> [Double] {
        guard case let .array(a) = v, a.count == count else {
            throw .field(key, "expected an array of \(count) numbers, found \(v.typeName)")
        }
        var out = [Double]()
        for x in a {
            guard let d = x.number else { throw .field(key, "entries must be numbers, found \(x.typeName)") }
            out.append(d)
        }
        return out
    }

    private static func expect(
        _ name: String, _ dtype: String, _ dtypes: [String], _ shape: [Int], _ expected: [Int]
    ) throws(WireError) {
        guard dtypes.contains(dtype) else {
            throw .arraySpec("array '\(name)' has dtype '\(dtype)', expected \(dtypes.map { "'\($0)'" }.joined(separator: " or "))")
        }
        guard shape == expected else {
            throw .arraySpec("array '\(name)' has shape \(shape), expected \(expected) for natoms")
        }
    }

    private static func checkSize(_ bytes: [UInt8], _ count: Int, _ itemSize: Int, _ name: String) throws(WireError) {
        guard bytes.count == count * itemSize else {
            throw .arraySize("array '\(name)' part has \(bytes.count) bytes, expected \(count) × \(itemSize) = \(count * itemSize)")
        }
    }

    private static func loadInt64(_ bytes: [UInt8], count: Int, name: String) throws(WireError) -> [Int64] {
        try checkSize(bytes, count, 8, name)
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
        }
    }

    private static func loadInt32(_ bytes: [UInt8], count: Int, name: String) throws(WireError) -> [Int32] {
        try checkSize(bytes, count, 4, name)
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        }
    }

    private static func loadReal(_ bytes: [UInt8], dtype: String, count: Int, name: String) throws(WireError) -> [Double] {
        if dtype == "<f8" {
            try checkSize(bytes, count, 8, name)
            return bytes.withUnsafeBytes { raw in
                (0..<count).map {
                    Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self)))
                }
            }
        }
        try checkSize(bytes, count, 4, name)
        return bytes.withUnsafeBytes { raw in
            (0..<count).map {
                Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))))
            }
        }
    }
}

/// Typed access to header fields with errors that name the field.
struct Fields {
    let object: [String: JSONValue]
    init(_ object: [String: JSONValue]) { self.object = object }

    func required(_ key: String) throws(WireError) -> JSONValue {
        guard let v = object[key] else { throw .field(key, "is missing") }
        return v
    }
    func string(_ key: String) throws(WireError) -> String {
        let v = try required(key)
        guard case let .string(s) = v else { throw .field(key, "expected a string, found \(v.typeName)") }
        return s
    }
    func optionalString(_ key: String) throws(WireError) -> String? {
        guard let v = object[key], v != .null else { return nil }
        guard case let .string(s) = v else { throw .field(key, "expected a string, found \(v.typeName)") }
        return s
    }
    func int(_ key: String) throws(WireError) -> Int64 {
        let v = try required(key)
        guard case let .int(i) = v else { throw .field(key, "expected an integer, found \(v.typeName)") }
        return i
    }
    func nonNegativeInt(_ key: String) throws(WireError) -> Int {
        let i = try int(key)
        guard i >= 0 else { throw .field(key, "must be ≥ 0, found \(i)") }
        return Int(i)
    }
    func finiteNumber(_ key: String) throws(WireError) -> Double {
        let v = try required(key)
        guard let d = v.number else { throw .field(key, "expected a number, found \(v.typeName)") }
        guard d.isFinite else { throw .field(key, "is not finite") }
        return d
    }
    func optionalFiniteNumber(_ key: String) throws(WireError) -> Double? {
        let v = try required(key)
        if v == .null { return nil }
        guard let d = v.number else { throw .field(key, "expected a number or null, found \(v.typeName)") }
        guard d.isFinite else { throw WireError(code: "non-finite-time", message: "'\(key)' is not finite") }
        return d
    }
    func array(_ key: String) throws(WireError) -> [JSONValue] {
        let v = try required(key)
        guard case let .array(a) = v else { throw .field(key, "expected an array, found \(v.typeName)") }
        return a
    }
}
