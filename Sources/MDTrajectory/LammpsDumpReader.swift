import MDCore

/// A streaming reader of LAMMPS text dumps (`dump custom`, `dump atom`, plain or gzip).
///
/// One frame is in memory at a time. Each frame is a run of `ITEM:` sections — `UNITS` and
/// `TIME` (from `dump_modify units yes` / `time yes`), `TIMESTEP`, `NUMBER OF ATOMS`,
/// `BOX BOUNDS` (see ``LammpsBoxBounds`` for the triclinic bounding-box conversion) — ending
/// with `ATOMS <columns>` and one line per atom (see ``LammpsColumnLayout``).
///
/// What comes out:
/// - atoms sorted by id ascending (dumps are unsorted when several MPI ranks write them);
///   without an `id` column, ids are 1…N in file order (provenance `.fileOrder`);
/// - positions absolute Cartesian Å (scaled columns are multiplied by the cell and shifted
///   by its origin), velocities Å/ps;
/// - species fixed by the first decoded frame: `element` (or type-label) names in order of
///   first appearance, else numeric types ascending, named by `SourceOptions.speciesMap`
///   (provenance `.mapped`) or `"type<N>"` (`.typesOnly`); a type or element that appears
///   only later is a format error;
/// - time from `ITEM: TIME` (ps), else step × `SourceOptions.timestep`, else `nil`.
///
/// Every problem is a ``TrajectoryError`` with the file, the 1-based line and the frame
/// index. A file that ends inside a frame gives `.truncated` (naming the line where that
/// frame starts) after all complete frames. After an error the reader repeats it.
///
/// In follow mode the reader waits at the end of the data for the writer (a frame's size is
/// known from its header) and returns `nil` only once `stopRequested()` is true.
public final class LammpsDumpReader: TrajectoryReader {
    public let path: String
    private let options: SourceOptions
    private let lines: TextParsingLineSource

    /// 0-based index of the next frame.
    private var frameIndex = 0
    /// First line of the frame being read (for `.truncated`).
    private var currentFrameStart: Int?
    private var units = LammpsUnits.metal
    private var species: LammpsSpeciesTable?
    /// Set when the first frame's `type` column turns out to hold type labels, not numbers.
    private var typeColumnHoldsLabels = false

    /// Opens a dump for streaming.
    ///
    /// - Parameters:
    ///   - path: the dump; gzip is detected from its first bytes.
    ///   - options: species map, time step and fallback periodicity.
    ///   - follow: wait for a writer at the end of the file instead of ending the stream.
    public init(path: String, options: SourceOptions = SourceOptions(), follow: FollowOptions? = nil) throws(TrajectoryError) {
        self.path = path
        self.options = options
        self.lines = try TextParsingLineSource(path: path, follow: follow)
    }

    public func next() throws(TrajectoryError) -> Frame? {
        try lines.guarded(frameStart: { currentFrameStart }) { () throws(TrajectoryError) in
            guard let header = try readHeader() else { return nil }
            let frame = try decodeAtoms(header)
            if frame != nil { frameIndex += 1 }
            return frame
        }
    }

    /// Skips one frame: the header is checked, the atom lines are only counted.
    public func skip() throws(TrajectoryError) -> Bool {
        try lines.guarded(frameStart: { currentFrameStart }) { () throws(TrajectoryError) in
            guard let header = try readHeader() else { return false }
            for _ in 0..<header.atomCount {
                guard try requiredLine(frameStart: header.startLine) != nil else { return false }
            }
            frameIndex += 1
            return true
        }
    }

    // MARK: - header

    /// What the `ITEM:` sections of one frame say.
    private struct Header {
        var startLine: Int
        var step: Int64
        var time: Double?
        var atomCount: Int
        var cell: Cell
        var atomsLine: Int
        var layout: LammpsColumnLayout
    }

    private func error(_ kind: TrajectoryError.Kind, line: Int?, _ message: String) -> TrajectoryError {
        TrajectoryError(kind, file: path, line: line, frame: frameIndex, message)
    }

    /// The next line inside the frame that started at `frameStart` (see
    /// ``TextParsingLineSource/required(frameStart:frame:)``).
    private func requiredLine(frameStart: Int) throws(TrajectoryError) -> UnsafeBufferPointer<UInt8>? {
        try lines.required(frameStart: frameStart, frame: frameIndex)
    }

    /// Reads the `ITEM:` sections up to and including `ITEM: ATOMS`; `nil` at a clean end.
    private func readHeader() throws(TrajectoryError) -> Header? {
        var startLine = 0
        var step: Int64?
        var time: Double?
        var atomCount: Int?
        var cell: Cell?
        while true {
            let fetched: UnsafeBufferPointer<UInt8>?
            if startLine == 0 {
                fetched = try lines.next()
                guard fetched != nil else { return nil }
            } else {
                fetched = try requiredLine(frameStart: startLine)
                guard fetched != nil else { return nil }
            }
            let line = fetched!
            let lineNumber = lines.lineNumber
            if startLine == 0 && TextParsing.isBlank(line) { continue }
            guard TextParsing.hasPrefix(line, "ITEM:") else {
                throw error(.format, line: lineNumber, "expected an 'ITEM:' line, found '\(TextParsing.quote(line))'")
            }
            if startLine == 0 {
                startLine = lineNumber
                currentFrameStart = lineNumber
            }
            let words = TextParsing.tokens(line, from: 5)
            let item = words.joined(separator: " ")
            if item == "TIMESTEP" {
                if step != nil {
                    throw error(.format, line: lineNumber, "second ITEM: TIMESTEP before ITEM: ATOMS")
                }
                guard let value = try readValueLine(frameStart: startLine) else { return nil }
                guard let v = TextParsing.parseInt(value.pointer, value.count) else {
                    throw error(.format, line: lines.lineNumber, "TIMESTEP is not an integer: '\(value.text)'")
                }
                step = v
            } else if item == "TIME" {
                guard let value = try readValueLine(frameStart: startLine) else { return nil }
                guard let v = TextParsing.parseDouble(value.pointer, value.count) else {
                    throw error(.format, line: lines.lineNumber, "TIME is not a number: '\(value.text)'")
                }
                time = v
            } else if item == "UNITS" {
                guard let value = try readValueLine(frameStart: startLine) else { return nil }
                guard let u = LammpsUnits.named(value.text) else {
                    throw error(
                        .unsupported, line: lines.lineNumber,
                        "units '\(value.text)' are not supported (lengths must be Å: metal, real or lj)")
                }
                units = u
            } else if item == "NUMBER OF ATOMS" {
                guard let value = try readValueLine(frameStart: startLine) else { return nil }
                guard let v = TextParsing.parseInt(value.pointer, value.count) else {
                    throw error(.format, line: lines.lineNumber, "NUMBER OF ATOMS is not an integer: '\(value.text)'")
                }
                guard v >= 0, v <= Int64(Int32.max) else {
                    throw error(.format, line: lines.lineNumber, "NUMBER OF ATOMS is \(v), expected 0 … \(Int32.max)")
                }
                atomCount = Int(v)
            } else if words.starts(with: ["BOX", "BOUNDS"]) {
                let bounds: LammpsBoxBounds
                switch LammpsBoxBounds.parse(words: Array(words.dropFirst(2))) {
                case let .success(b): bounds = b
                case let .failure(issue): throw error(issue.kind, line: lineNumber, issue.message)
                }
                var values: [Double] = []
                values.reserveCapacity(12)
                for _ in 0..<3 {
                    guard let row = try requiredLine(frameStart: startLine) else { return nil }
                    let ranges = TextParsing.tokenRanges(row)
                    guard ranges.count == bounds.valuesPerLine else {
                        throw error(
                            .format, line: lines.lineNumber,
                            "expected \(bounds.valuesPerLine) numbers on a BOX BOUNDS line, found \(ranges.count): '\(TextParsing.quote(row))'")
                    }
                    for r in ranges {
                        guard let v = TextParsing.parseDouble(row.baseAddress! + r.lowerBound, r.count) else {
                            throw error(
                                .format, line: lines.lineNumber,
                                "BOX BOUNDS value is not a number: '\(TextParsing.string(row, r))'")
                        }
                        values.append(v)
                    }
                }
                cell = bounds.cell(values: values, defaultPeriodicity: options.periodicity ?? .all)
            } else if words.first == "ATOMS" {
                guard let step else { throw error(.format, line: lineNumber, "frame has no ITEM: TIMESTEP before ITEM: ATOMS") }
                guard let atomCount else {
                    throw error(.format, line: lineNumber, "frame has no ITEM: NUMBER OF ATOMS before ITEM: ATOMS")
                }
                guard let cell else { throw error(.format, line: lineNumber, "frame has no ITEM: BOX BOUNDS before ITEM: ATOMS") }
                var layout: LammpsColumnLayout
                switch LammpsColumnLayout.parse(names: Array(words.dropFirst())) {
                case let .success(l): layout = l
                case let .failure(issue): throw error(issue.kind, line: lineNumber, issue.message)
                }
                if typeColumnHoldsLabels, let t = layout.roles.firstIndex(of: .type) { layout.roles[t] = .label }
                return Header(
                    startLine: startLine, step: step, time: time, atomCount: atomCount, cell: cell,
                    atomsLine: lineNumber, layout: layout)
            } else {
                throw error(.unsupported, line: lineNumber, "unknown section 'ITEM: \(item)'")
            }
        }
    }

    /// The single value on the line after an `ITEM:` line.
    private func readValueLine(frameStart: Int) throws(TrajectoryError) -> (pointer: UnsafePointer<UInt8>, count: Int, text: String)? {
        guard let line = try requiredLine(frameStart: frameStart) else { return nil }
        let ranges = TextParsing.tokenRanges(line)
        guard ranges.count == 1, let base = line.baseAddress else {
            throw error(.format, line: lines.lineNumber, "expected one value, found '\(TextParsing.quote(line))'")
        }
        return (base + ranges[0].lowerBound, ranges[0].count, TextParsing.string(line, ranges[0]))
    }

    // MARK: - atoms

    /// Decodes the atom lines of `header`; `nil` when follow mode is told to stop mid-frame.
    private func decodeAtoms(_ header: Header) throws(TrajectoryError) -> Frame? {
        let n = header.atomCount
        var layout = header.layout
        let columnCount = layout.roles.count
        var ids = [Int64](repeating: 0, count: n)
        var types = [Int32](repeating: 0, count: n)
        var rawTypes: [Int64] = []
        var positions = [Double](repeating: 0, count: 3 * n)
        var velocities = [Double](repeating: 0, count: layout.hasVelocities ? 3 * n : 0)

        // Species bookkeeping for the first decoded frame.
        if let species {
            let wantsNames = layout.species == .element || (layout.species == .type && typeColumnHoldsLabels)
            if species.keyedByName != wantsNames {
                throw error(
                    .format, line: header.atomsLine,
                    "species column changed: the first frame named species by \(species.keyedByName ? "element" : "type number")")
            }
        }
        let firstFrame = species == nil
        var table = species ?? LammpsSpeciesTable(keyedByName: layout.species == .element)
        if firstFrame && layout.species != .element { rawTypes = [Int64](repeating: 1, count: n) }

        for i in 0..<n {
            guard let line = try requiredLine(frameStart: header.startLine) else { return nil }
            let p = line.baseAddress!
            let c = line.count
            var k = 0
            var j = 0
            while true {
                while j < c && TextParsing.isSpace(p[j]) { j += 1 }
                if j >= c { break }
                let s = j
                while j < c && !TextParsing.isSpace(p[j]) { j += 1 }
                if k < columnCount {
                    let tp = p + s
                    let tl = j - s
                    switch layout.roles[k] {
                    case .ignored:
                        break
                    case .id:
                        guard let v = TextParsing.parseInt(tp, tl) else { throw badField(line, s..<j, k, layout) }
                        ids[i] = v
                    case .x, .y, .z:
                        guard let v = TextParsing.parseDouble(tp, tl) else { throw badField(line, s..<j, k, layout) }
                        positions[3 * i + Int(layout.roles[k].rawValue - LammpsColumnLayout.Role.x.rawValue)] = v
                    case .vx, .vy, .vz:
                        guard let v = TextParsing.parseDouble(tp, tl) else { throw badField(line, s..<j, k, layout) }
                        velocities[3 * i + Int(layout.roles[k].rawValue - LammpsColumnLayout.Role.vx.rawValue)] = v
                    case .type:
                        guard let v = TextParsing.parseInt(tp, tl) else {
                            if firstFrame && i == 0 {
                                // LAMMPS type labels (`labelmap`, `dump_modify types labels`).
                                typeColumnHoldsLabels = true
                                layout.roles[k] = .label
                                table = LammpsSpeciesTable(keyedByName: true)
                                rawTypes = []
                                types[i] = table.index(ofName: tp, tl, addIfMissing: true)!
                                break
                            }
                            throw badField(line, s..<j, k, layout)
                        }
                        if firstFrame {
                            rawTypes[i] = v
                        } else {
                            guard let t = table.index(ofType: v) else {
                                throw error(
                                    .format, line: lines.lineNumber,
                                    "type \(v) does not appear in the first frame (species are fixed by it: \(table.names.joined(separator: ", ")))")
                            }
                            types[i] = t
                        }
                    case .label:
                        guard let t = table.index(ofName: tp, tl, addIfMissing: firstFrame) else {
                            throw error(
                                .format, line: lines.lineNumber,
                                "species '\(TextParsing.string(line, s..<j))' does not appear in the first frame (species are fixed by it: \(table.names.joined(separator: ", ")))")
                        }
                        types[i] = t
                    }
                }
                k += 1
            }
            if k != columnCount {
                throw error(
                    .format, line: lines.lineNumber,
                    "expected \(columnCount) columns (\(layout.names.joined(separator: " "))), found \(k)")
            }
            if !layout.hasID { ids[i] = Int64(i + 1) }
        }

        if firstFrame {
            if !table.keyedByName {
                switch LammpsSpeciesTable.numeric(types: rawTypes, speciesMap: options.speciesMap) {
                case let .success(t): table = t
                case let .failure(missing):
                    let atom = rawTypes.firstIndex(of: missing.type) ?? 0
                    throw TrajectoryError(
                        .options, file: path, line: header.atomsLine + 1 + atom, frame: frameIndex,
                        "type \(missing.type) is not in --species (\(options.speciesMap.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")))")
                }
                for i in 0..<n { types[i] = table.index(ofType: rawTypes[i])! }
            }
            species = table
        }

        let cell = header.cell
        if layout.coordinates.isScaled {
            let (a, b, cv, o) = (cell.a, cell.b, cell.c, cell.origin)
            for i in 0..<n {
                let s = SIMD3(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2])
                let r = o + s.x * a + s.y * b + s.z * cv
                positions[3 * i] = r.x
                positions[3 * i + 1] = r.y
                positions[3 * i + 2] = r.z
            }
        }
        if layout.hasVelocities && units.velocityToAngstromPerPicosecond != 1 {
            let f = units.velocityToAngstromPerPicosecond
            for k in 0..<velocities.count { velocities[k] *= f }
        }

        if layout.hasID {
            TextParsingIDSort.sortByID(ids: &ids, types: &types, positions: &positions, velocities: &velocities)
        }

        let time: Double?
        let timeSource: FrameProvenance.TimeSource
        if let t = header.time {
            time = t * units.timeToPicoseconds
            timeSource = .file
        } else if let dt = options.timestep {
            time = Double(header.step) * dt
            timeSource = .stepTimesDt
        } else {
            time = nil
            timeSource = .absent
        }
        return Frame(
            sequence: UInt64(frameIndex), step: header.step, time: time, cell: cell,
            species: table.names, ids: ids, types: types, positions: positions,
            velocities: layout.hasVelocities ? velocities : nil,
            provenance: FrameProvenance(
                ids: layout.hasID ? .file : .fileOrder, species: table.source, time: timeSource,
                source: "lammps-dump:\(path)"))
    }

    private func badField(
        _ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ column: Int, _ layout: LammpsColumnLayout
    ) -> TrajectoryError {
        let what = layout.roles[column] == .id || layout.roles[column] == .type ? "an integer" : "a number"
        return error(
            .format, line: lines.lineNumber,
            "column \(column + 1) ('\(layout.names[column])') is not \(what): '\(TextParsing.string(line, range))'")
    }
}
