import MDCore

/// A streaming reader of extended XYZ (as written by ASE, QUIP, LAMMPS `dump extxyz`), plain
/// or gzip.
///
/// Each frame: the atom count, a comment line of `key=value` pairs (see
/// ``ExtXYZCommentLine``), and one line per atom laid out by `Properties` (see
/// ``ExtXYZProperties``). Read from the comment line:
/// - `Lattice="ax ay az bx by bz cx cy cz"`: the cell vectors as rows (Å);
/// - `Origin="x y z"`: the cell's lower corner (Å, default 0);
/// - `pbc="T T F"`: periodicity; without it, `SourceOptions.periodicity`, else T T T when a
///   `Lattice` is given and F F F otherwise;
/// - `time=` (ps) and `step=` or `timestep=` (default: the frame index).
///
/// Species come from the species column (order of first appearance, fixed by the first
/// decoded frame); ids from an `id:I:1` column (atoms are then sorted by id) or 1…N in file
/// order. Positions are Cartesian Å; velocities are not read (their units vary by writer).
/// Errors name the file, the 1-based line and the frame; a file ending inside a frame gives
/// `.truncated` after all complete frames. Follow mode waits for the writer like
/// ``LammpsDumpReader``.
public final class ExtendedXYZReader: TrajectoryReader {
    public let path: String
    private let options: SourceOptions
    private let lines: TextParsingLineSource

    private var frameIndex = 0
    /// First line of the frame being read (for `.truncated`).
    private var currentFrameStart: Int?
    private var species: LammpsSpeciesTable?
    private var cachedPropertiesText = ""
    private var cachedProperties: ExtXYZProperties?

    /// Opens an extxyz file for streaming.
    public init(path: String, options: SourceOptions = SourceOptions(), follow: FollowOptions? = nil) throws(TrajectoryError) {
        self.path = path
        self.options = options
        self.lines = try TextParsingLineSource(path: path, follow: follow)
    }

    public func next() throws(TrajectoryError) -> Frame? {
        try lines.guarded(frameStart: { currentFrameStart }) { () throws(TrajectoryError) in
            let frame = try readFrame()
            if frame != nil { frameIndex += 1 }
            return frame
        }
    }

    /// Skips one frame: reads the atom count and counts the lines.
    public func skip() throws(TrajectoryError) -> Bool {
        try lines.guarded(frameStart: { currentFrameStart }) { () throws(TrajectoryError) in
            guard let (count, startLine) = try readCount() else { return false }
            for _ in 0..<(count + 1) {
                guard try requiredLine(frameStart: startLine) != nil else { return false }
            }
            frameIndex += 1
            return true
        }
    }

    private func error(_ kind: TrajectoryError.Kind, line: Int?, _ message: String) -> TrajectoryError {
        TrajectoryError(kind, file: path, line: line, frame: frameIndex, message)
    }

    /// The next line inside the frame that started at `frameStart` (see
    /// ``TextParsingLineSource/required(frameStart:frame:)``).
    private func requiredLine(frameStart: Int) throws(TrajectoryError) -> UnsafeBufferPointer<UInt8>? {
        try lines.required(frameStart: frameStart, frame: frameIndex)
    }

    /// The atom-count line of the next frame (blank lines before it are skipped); `nil` at
    /// a clean end.
    private func readCount() throws(TrajectoryError) -> (count: Int, line: Int)? {
        while true {
            guard let line = try lines.next() else { return nil }
            if TextParsing.isBlank(line) { continue }
            currentFrameStart = lines.lineNumber
            let ranges = TextParsing.tokenRanges(line)
            guard ranges.count == 1,
                let v = TextParsing.parseInt(line.baseAddress! + ranges[0].lowerBound, ranges[0].count)
            else {
                throw error(.format, line: lines.lineNumber, "expected the atom count, found '\(TextParsing.quote(line))'")
            }
            guard v >= 0, v <= Int64(Int32.max) else {
                throw error(.format, line: lines.lineNumber, "atom count is \(v), expected 0 … \(Int32.max)")
            }
            return (Int(v), lines.lineNumber)
        }
    }

    private func readFrame() throws(TrajectoryError) -> Frame? {
        guard let (n, startLine) = try readCount() else { return nil }
        guard let comment = try requiredLine(frameStart: startLine) else { return nil }
        let commentLine = lines.lineNumber
        let info: ExtXYZCommentLine
        switch ExtXYZCommentLine.parse(comment) {
        case let .success(c): info = c
        case let .failure(issue): throw error(issue.kind, line: commentLine, issue.message)
        }

        // Properties → column roles (cached: usually the same for every frame).
        let propertiesText = info["properties"] ?? "species:S:1:pos:R:3"
        if propertiesText != cachedPropertiesText || cachedProperties == nil {
            switch ExtXYZProperties.parse(propertiesText) {
            case let .success(p): cachedProperties = p
            case let .failure(issue): throw error(issue.kind, line: commentLine, issue.message)
            }
            cachedPropertiesText = propertiesText
        }
        let properties = cachedProperties!

        // Cell, periodicity, step and time.
        let lattice: [Double]?
        let origin: [Double]?
        let filePeriodicity: Periodicity?
        do throws(TextParsingIssue) {
            lattice = try info.numbers("lattice", count: 9).get()
            origin = try info.numbers("origin", count: 3).get()
            filePeriodicity = try info.periodicity().get()
        } catch {
            throw self.error(error.kind, line: commentLine, error.message)
        }
        let periodicity = filePeriodicity ?? options.periodicity ?? (lattice != nil ? .all : .none)
        var cell: Cell?
        if let lattice {
            let o = origin.map { SIMD3($0[0], $0[1], $0[2]) } ?? .zero
            cell = Cell(rowMajor: lattice, origin: o, periodicity: periodicity)
        } else if periodicity.isAnyPeriodic {
            throw error(.format, line: commentLine, "pbc=\"\(periodicity)\" but no Lattice")
        }
        var step = Int64(frameIndex)
        if let text = info["step"] ?? info["timestep"] {
            guard let v = Int64(text) else { throw error(.format, line: commentLine, "step is not an integer: '\(text)'") }
            step = v
        }
        var time: Double?
        var timeSource = FrameProvenance.TimeSource.absent
        if let text = info["time"] {
            guard let v = Double(text) else { throw error(.format, line: commentLine, "time is not a number: '\(text)'") }
            time = v
            timeSource = .file
        } else if let dt = options.timestep {
            time = Double(step) * dt
            timeSource = .stepTimesDt
        }

        // Atom lines.
        let firstFrame = species == nil
        var table = species ?? LammpsSpeciesTable(keyedByName: true)
        let roles = properties.roles
        let columnCount = roles.count
        var ids = [Int64](repeating: 0, count: n)
        var types = [Int32](repeating: 0, count: n)
        var positions = [Double](repeating: 0, count: 3 * n)
        for i in 0..<n {
            guard let line = try requiredLine(frameStart: startLine) else { return nil }
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
                    switch roles[k] {
                    case .ignored:
                        break
                    case .species:
                        guard let t = table.index(ofName: p + s, j - s, addIfMissing: firstFrame) else {
                            throw error(
                                .format, line: lines.lineNumber,
                                "species '\(TextParsing.string(line, s..<j))' does not appear in the first frame (species are fixed by it: \(table.names.joined(separator: ", ")))")
                        }
                        types[i] = t
                    case .x, .y, .z:
                        guard let v = TextParsing.parseDouble(p + s, j - s) else {
                            throw error(
                                .format, line: lines.lineNumber,
                                "column \(k + 1) (pos) is not a number: '\(TextParsing.string(line, s..<j))'")
                        }
                        positions[3 * i + Int(roles[k].rawValue - ExtXYZProperties.Role.x.rawValue)] = v
                    case .id:
                        guard let v = TextParsing.parseInt(p + s, j - s) else {
                            throw error(
                                .format, line: lines.lineNumber,
                                "column \(k + 1) (id) is not an integer: '\(TextParsing.string(line, s..<j))'")
                        }
                        ids[i] = v
                    }
                }
                k += 1
            }
            if k != columnCount {
                throw error(
                    .format, line: lines.lineNumber,
                    "expected \(columnCount) columns (Properties=\(propertiesText)), found \(k)")
            }
            if !properties.hasID { ids[i] = Int64(i + 1) }
        }
        if firstFrame { species = table }
        if properties.hasID {
            var noVelocities: [Double] = []
            TextParsingIDSort.sortByID(ids: &ids, types: &types, positions: &positions, velocities: &noVelocities)
        }
        return Frame(
            sequence: UInt64(frameIndex), step: step, time: time, cell: cell,
            species: table.names, ids: ids, types: types, positions: positions,
            provenance: FrameProvenance(
                ids: properties.hasID ? .file : .fileOrder, species: .file, time: timeSource,
                source: "extxyz:\(path)"))
    }
}
