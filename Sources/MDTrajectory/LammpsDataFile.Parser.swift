import MDCore

extension LammpsDataFile {
    /// Reads one data file front to back into a ``LammpsDataFile`` (the format is described
    /// there). Lines are views into the ``ByteLineReader`` buffer, parsed in place.
    final class Parser {
        /// A section keyword line: its words before any `#`, the words after it (the atom
        /// style of `Atoms # full`), and its line number.
        typealias SectionLine = (name: String, comment: [String], line: Int)

        /// The section keywords of `read_data` (a skipped section ends at the next of them).
        static let sectionKeywords: Set<String> = [
            "Atoms", "Velocities", "Masses", "Ellipsoids", "Lines", "Triangles", "Bodies",
            "Bonds", "Angles", "Dihedrals", "Impropers",
            "Pair Coeffs", "PairIJ Coeffs", "Bond Coeffs", "Angle Coeffs", "Dihedral Coeffs", "Improper Coeffs",
            "BondBond Coeffs", "BondAngle Coeffs", "MiddleBondTorsion Coeffs", "EndBondTorsion Coeffs",
            "AngleTorsion Coeffs", "AngleAngleTorsion Coeffs", "BondBond13 Coeffs", "AngleAngle Coeffs",
            "Atom Type Labels", "Bond Type Labels", "Angle Type Labels", "Dihedral Type Labels",
            "Improper Type Labels",
        ]

        private let path: String
        private let periodicity: Periodicity
        private let requestedStyle: AtomStyle?
        private let reader: ByteLineReader

        private var header = Header()
        /// Section names in file order (for the missing-Atoms message).
        private var sectionsSeen: [String] = []
        /// The section keyword line read but not handled yet.
        private var pendingSection: SectionLine?

        // The Atoms section, in file order.
        private var atomsLine: Int?
        private var style: AtomStyle?
        private var hasImageFlags = false
        private var ids: [Int64] = []
        private var types: [Int32] = []
        private var positions: [Double] = []
        private var images: [Int32] = []
        private var molecules: [Int64] = []
        private var charges: [Double] = []
        private var atomLines: [Int] = []

        private var masses: [Double]?
        private var massesLine = 0
        private var labels: [String]?
        private var labelsLine = 0
        private var labelTypes: [String: Int32] = [:]

        /// Token ranges of the current line (reused).
        private var ranges: [Range<Int>] = []

        init(path: String, periodicity: Periodicity, atomStyle: AtomStyle?) throws(TrajectoryError) {
            self.path = path
            self.periodicity = periodicity
            self.requestedStyle = atomStyle
            reader = try ByteLineReader(path: path)
        }

        func parse() throws(TrajectoryError) -> LammpsDataFile {
            guard let first = try reader.nextLine(acceptPartialLastLine: true) else {
                throw failure(nil, "empty file (a LAMMPS data file starts with a title line)")
            }
            let title = String(decoding: first, as: UTF8.self)
            try readHeader()
            while let section = pendingSection {
                pendingSection = nil
                sectionsSeen.append(section.name)
                switch section.name {
                case "Atoms":
                    try readAtoms(section)
                case "Masses":
                    try readMasses(section)
                case "Atom Type Labels":
                    try readTypeLabels(section)
                case "Velocities":
                    if let n = header.atomCount {
                        try readCounted(section, count: n, what: "atoms", countLine: header.atomCountLine) { _ in }
                    } else {
                        try skipToNextSection()
                    }
                default:
                    try skipToNextSection()
                }
            }
            return try assemble(title: title)
        }

        // MARK: - lines

        private func failure(_ kind: TrajectoryError.Kind, _ line: Int?, _ message: String) -> TrajectoryError {
            TrajectoryError(kind, file: path, line: line, message)
        }

        /// A `.format` error at `line`.
        private func failure(_ line: Int?, _ message: String) -> TrajectoryError {
            failure(.format, line, message)
        }

        /// The part of `line` before a `#`.
        private static func uncommented(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            guard let hash = line.firstIndex(of: UInt8(ascii: "#")) else { return line }
            return UnsafeBufferPointer(rebasing: line[..<hash])
        }

        private static func isLetter(_ b: UInt8) -> Bool {
            let lower = b | 0x20
            return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
        }

        /// The line as a section keyword line, when its first word starts with a letter (no
        /// header line and no `Atoms` line does; in the sections that may hold type labels the
        /// callers accept only the known keywords).
        private static func section(_ line: UnsafeBufferPointer<UInt8>, number: Int) -> SectionLine? {
            // Fast path for data lines: no tokenising unless the first byte is a letter.
            guard let start = line.firstIndex(where: { !TextParsing.isSpace($0) }), isLetter(line[start]) else { return nil }
            let hash = line.firstIndex(of: UInt8(ascii: "#")) ?? line.count
            let content = UnsafeBufferPointer(rebasing: line[..<hash])
            let words = TextParsing.tokenRanges(content)
            guard let first = words.first, isLetter(content[first.lowerBound]) else { return nil }
            let name = words.map { TextParsing.string(content, $0) }.joined(separator: " ")
            let comment = hash < line.count ? TextParsing.tokens(line, from: hash + 1) : []
            return (name, comment, number)
        }

        /// The next line with something before its comment; `nil` at the end of the file.
        private func nextContentLine() throws(TrajectoryError) -> UnsafeBufferPointer<UInt8>? {
            while let line = try reader.nextLine(acceptPartialLastLine: true) {
                if !TextParsing.isBlank(Self.uncommented(line)) { return line }
            }
            return nil
        }

        /// Splits `content` into ``ranges``.
        private func split(_ content: UnsafeBufferPointer<UInt8>) {
            ranges.removeAll(keepingCapacity: true)
            var i = 0
            let n = content.count
            while true {
                while i < n && TextParsing.isSpace(content[i]) { i += 1 }
                if i >= n { break }
                let s = i
                while i < n && !TextParsing.isSpace(content[i]) { i += 1 }
                ranges.append(s..<i)
            }
        }

        // MARK: - header and sections

        /// Reads the header lines up to the first section keyword (left in ``pendingSection``).
        private func readHeader() throws(TrajectoryError) {
            while let line = try nextContentLine() {
                let number = reader.lineNumber
                if let section = Self.section(line, number: number) {
                    pendingSection = section
                    return
                }
                let words = TextParsing.tokens(Self.uncommented(line))
                let k = words.firstIndex { Self.isLetter($0.utf8.first!) } ?? words.count
                guard k < words.count else {
                    throw failure(number, "expected a header line such as '108 atoms', found '\(TextParsing.quote(line))'")
                }
                do throws(TextParsingIssue) {
                    try header.apply(keyword: words[k...].joined(separator: " "), values: Array(words[..<k]), line: number)
                } catch {
                    throw failure(error.kind, number, error.message)
                }
            }
        }

        /// Skips lines up to the next section keyword (left in ``pendingSection``) or the end.
        private func skipToNextSection() throws(TrajectoryError) {
            while let line = try nextContentLine() {
                if let s = Self.section(line, number: reader.lineNumber), Self.sectionKeywords.contains(s.name) {
                    pendingSection = s
                    return
                }
            }
        }

        /// Hands the `count` lines of `section` to `body` (without their comments), then checks
        /// that a section keyword or the end of the file follows. `what` and `countLine` name the
        /// header count in messages.
        private func readCounted(
            _ section: SectionLine, count: Int, what: String, countLine: Int,
            _ body: (UnsafeBufferPointer<UInt8>) throws(TrajectoryError) -> Void
        ) throws(TrajectoryError) {
            let expected = "\(section.name): expected \(count) lines (the header's \(count) \(what), line \(countLine))"
            var done = 0
            while done < count {
                guard let line = try nextContentLine() else {
                    throw failure(reader.lineNumber, "\(expected), found \(done) before the end of the file")
                }
                if let s = Self.section(line, number: reader.lineNumber), Self.sectionKeywords.contains(s.name) {
                    throw failure(s.line, "\(expected), found \(done) before '\(s.name)'")
                }
                try body(Self.uncommented(line))
                done += 1
            }
            guard let line = try nextContentLine() else { return }
            guard let next = Self.section(line, number: reader.lineNumber) else {
                throw failure(
                    reader.lineNumber,
                    "\(section.name): more lines than the header's \(count) \(what) (line \(countLine)): '\(TextParsing.quote(line))'")
            }
            pendingSection = next
        }

        /// The atom type in `range` of `content`: a number `1 … atom types`, or an `Atom Type
        /// Labels` label.
        private func atomType(_ content: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, section: String) throws(TrajectoryError) -> Int32 {
            let ntypes = header.atomTypeCount ?? 0
            if let v = TextParsing.parseInt(content.baseAddress! + range.lowerBound, range.count) {
                guard v >= 1 && v <= Int64(ntypes) else {
                    throw failure(
                        reader.lineNumber,
                        "\(section): type \(v) is out of range (the header's \(ntypes) atom types, line \(header.atomTypeCountLine))")
                }
                return Int32(v)
            }
            let text = TextParsing.string(content, range)
            if let t = labelTypes[text] { return t }
            let known = labels.map { "labels: \($0.joined(separator: ", "))" } ?? "no Atom Type Labels section before this one"
            throw failure(reader.lineNumber, "\(section): type '\(text)' is neither a number nor an atom type label (\(known))")
        }

        private func requireTypeCount(_ section: SectionLine) throws(TrajectoryError) -> Int {
            guard let n = header.atomTypeCount else {
                throw failure(section.line, "\(section.name): the header has no 'N atom types' line")
            }
            return n
        }

        // MARK: - Atoms

        private func readAtoms(_ section: SectionLine) throws(TrajectoryError) {
            if let atomsLine { throw failure(section.line, "a second Atoms section (the first is on line \(atomsLine))") }
            atomsLine = section.line
            guard let n = header.atomCount else { throw failure(section.line, "Atoms: the header has no 'N atoms' line") }
            if n > 0 { _ = try requireTypeCount(section) }
            var named: AtomStyle?
            if let word = section.comment.first {
                guard let s = AtomStyle(rawValue: word) else {
                    throw failure(
                        .unsupported, section.line,
                        "Atoms: atom style '\(word)' is not supported (supported: \(AtomStyle.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                named = s
            }
            if let named, let requestedStyle, named != requestedStyle {
                throw failure(
                    .options, section.line,
                    "Atoms: the section line names atom style '\(named.rawValue)', but atomStyle is '\(requestedStyle.rawValue)'")
            }
            style = named ?? requestedStyle
            ids.reserveCapacity(n)
            types.reserveCapacity(n)
            positions.reserveCapacity(3 * n)
            atomLines.reserveCapacity(n)
            try readCounted(section, count: n, what: "atoms", countLine: header.atomCountLine) { (content) throws(TrajectoryError) in
                try atomLine(content)
            }
        }

        /// Decodes one `Atoms` line; the first decides the style (when still open) and whether
        /// image flags follow.
        private func atomLine(_ content: UnsafeBufferPointer<UInt8>) throws(TrajectoryError) {
            split(content)
            let number = reader.lineNumber
            let style: AtomStyle
            if let s = self.style {
                style = s
            } else {
                switch AtomStyle.inferred(columnCount: ranges.count) {
                case let .success(s): style = s
                case let .failure(issue): throw failure(issue.kind, number, issue.message)
                }
                self.style = style
            }
            let columns = style.columnCount
            if ids.isEmpty {
                guard ranges.count == columns || ranges.count == columns + 3 else {
                    throw failure(
                        number,
                        "Atoms: expected \(columns) or \(columns + 3) columns (\(style.describeColumns(imageFlags: false)), then optionally ix iy iz), got \(ranges.count)")
                }
                hasImageFlags = ranges.count == columns + 3
            } else {
                let expected = columns + (hasImageFlags ? 3 : 0)
                guard ranges.count == expected else {
                    throw failure(
                        number,
                        "Atoms: expected \(expected) columns (\(style.describeColumns(imageFlags: hasImageFlags))), got \(ranges.count)")
                }
            }

            let base = content.baseAddress!
            guard let id = TextParsing.parseInt(base + ranges[0].lowerBound, ranges[0].count), id > 0 else {
                throw badField(content, 0, style, "a positive integer")
            }
            ids.append(id)
            types.append(try atomType(content, ranges[style.typeColumn], section: "Atoms"))
            for d in 0..<3 {
                let k = style.xColumn + d
                guard let v = TextParsing.parseDouble(base + ranges[k].lowerBound, ranges[k].count), v.isFinite else {
                    throw badField(content, k, style, "a finite number")
                }
                positions.append(v)
            }
            if let k = style.moleculeColumn {
                guard let v = TextParsing.parseInt(base + ranges[k].lowerBound, ranges[k].count) else {
                    throw badField(content, k, style, "an integer")
                }
                molecules.append(v)
            }
            if let k = style.chargeColumn {
                guard let v = TextParsing.parseDouble(base + ranges[k].lowerBound, ranges[k].count) else {
                    throw badField(content, k, style, "a number")
                }
                charges.append(v)
            }
            if hasImageFlags {
                for k in columns..<(columns + 3) {
                    guard let v = TextParsing.parseInt(base + ranges[k].lowerBound, ranges[k].count),
                        let flag = Int32(exactly: v)
                    else {
                        throw badField(content, k, style, "an integer image flag")
                    }
                    images.append(flag)
                }
            }
            atomLines.append(number)
        }

        private func badField(_ content: UnsafeBufferPointer<UInt8>, _ column: Int, _ style: AtomStyle, _ what: String) -> TrajectoryError {
            let names = style.columnNames + ["ix", "iy", "iz"]
            return failure(
                reader.lineNumber,
                "Atoms: column \(column + 1) (\(names[column])) is not \(what): '\(TextParsing.string(content, ranges[column]))'")
        }

        // MARK: - Masses and labels

        private func readMasses(_ section: SectionLine) throws(TrajectoryError) {
            if masses != nil { throw failure(section.line, "a second Masses section (the first is on line \(massesLine))") }
            massesLine = section.line
            let n = try requireTypeCount(section)
            var values = [Double](repeating: 0, count: n)
            var lines = [Int](repeating: 0, count: n)
            try readCounted(section, count: n, what: "atom types", countLine: header.atomTypeCountLine) { (content) throws(TrajectoryError) in
                split(content)
                guard ranges.count == 2 else {
                    throw failure(reader.lineNumber, "Masses: expected 2 columns (type mass), got \(ranges.count)")
                }
                let t = Int(try atomType(content, ranges[0], section: "Masses"))
                guard lines[t - 1] == 0 else {
                    throw failure(reader.lineNumber, "Masses: type \(t) appears twice (first on line \(lines[t - 1]))")
                }
                guard let m = TextParsing.parseDouble(content.baseAddress! + ranges[1].lowerBound, ranges[1].count),
                    m > 0, m.isFinite
                else {
                    throw failure(
                        reader.lineNumber,
                        "Masses: the mass of type \(t) must be a positive number, got '\(TextParsing.string(content, ranges[1]))'")
                }
                values[t - 1] = m
                lines[t - 1] = reader.lineNumber
            }
            masses = values
        }

        private func readTypeLabels(_ section: SectionLine) throws(TrajectoryError) {
            if labels != nil {
                throw failure(section.line, "a second Atom Type Labels section (the first is on line \(labelsLine))")
            }
            labelsLine = section.line
            let n = try requireTypeCount(section)
            var names = [String](repeating: "", count: n)
            var lines = [Int](repeating: 0, count: n)
            try readCounted(section, count: n, what: "atom types", countLine: header.atomTypeCountLine) { (content) throws(TrajectoryError) in
                split(content)
                guard ranges.count == 2 else {
                    throw failure(reader.lineNumber, "Atom Type Labels: expected 2 columns (type label), got \(ranges.count)")
                }
                let typeText = TextParsing.string(content, ranges[0])
                guard let t = Int(typeText), t >= 1, t <= n else {
                    throw failure(
                        reader.lineNumber,
                        "Atom Type Labels: type '\(typeText)' is not in 1 … \(n) (the header's atom types, line \(header.atomTypeCountLine))")
                }
                guard lines[t - 1] == 0 else {
                    throw failure(reader.lineNumber, "Atom Type Labels: type \(t) appears twice (first on line \(lines[t - 1]))")
                }
                let label = TextParsing.string(content, ranges[1])
                guard let c = label.utf8.first, !(c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) else {
                    throw failure(reader.lineNumber, "Atom Type Labels: label '\(label)' starts with a digit")
                }
                if let other = labelTypes[label] {
                    throw failure(reader.lineNumber, "Atom Type Labels: label '\(label)' is already type \(other) (line \(lines[Int(other) - 1]))")
                }
                names[t - 1] = label
                lines[t - 1] = reader.lineNumber
                labelTypes[label] = Int32(t)
            }
            labels = names
        }

        // MARK: - result

        /// Checks for a missing Atoms section and duplicate ids, and sorts the atoms by id.
        private func assemble(title: String) throws(TrajectoryError) -> LammpsDataFile {
            if atomsLine == nil, let n = header.atomCount, n > 0 {
                let found = sectionsSeen.isEmpty ? "no sections" : "sections: \(sectionsSeen.joined(separator: ", "))"
                throw failure(
                    reader.lineNumber,
                    "no Atoms section (the header says \(n) atoms, line \(header.atomCountLine); \(found))")
            }
            let n = ids.count
            var ascending = true
            for i in 1..<max(n, 1) where ids[i - 1] >= ids[i] {
                ascending = false
                break
            }
            if !ascending {
                let order = ids.indices.sorted { ids[$0] != ids[$1] ? ids[$0] < ids[$1] : $0 < $1 }
                for k in 1..<n where ids[order[k - 1]] == ids[order[k]] {
                    throw failure(
                        atomLines[order[k]],
                        "Atoms: duplicate atom id \(ids[order[k]]) (first on line \(atomLines[order[k - 1]]))")
                }
                ids = Self.permuted(ids, order, width: 1)
                types = Self.permuted(types, order, width: 1)
                positions = Self.permuted(positions, order, width: 3)
                images = Self.permuted(images, order, width: 3)
                molecules = Self.permuted(molecules, order, width: 1)
                charges = Self.permuted(charges, order, width: 1)
            }
            let style = self.style ?? requestedStyle ?? .atomic
            return LammpsDataFile(
                path: path, title: title, atomStyle: style, atomTypeCount: header.atomTypeCount ?? 0,
                cell: header.cell(periodicity: periodicity), ids: ids, types: types, positions: positions,
                imageFlags: hasImageFlags ? images : nil,
                moleculeIDs: style.moleculeColumn != nil ? molecules : nil,
                charges: style.chargeColumn != nil ? charges : nil,
                masses: masses, typeLabels: labels)
        }

        /// `values` (rows of `width`) in the row order `order`; empty stays empty.
        private static func permuted<T>(_ values: [T], _ order: [Int], width: Int) -> [T] {
            guard !values.isEmpty else { return values }
            var result: [T] = []
            result.reserveCapacity(values.count)
            for row in order {
                for d in 0..<width { result.append(values[width * row + d]) }
            }
            return result
        }
    }
}
