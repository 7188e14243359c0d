import MDCore

/// Typed, located access to the parsed TOML tree: every getter names the dotted key and its
/// line when the value has the wrong type, and the `default:` getters record which keys were
/// filled in.
///
/// Numbers: a float key accepts TOML integers (`r_cut = 6`); an integer key rejects floats
/// (`window = 20.5`, and also `20.0`: TOML keeps the two types apart).
struct ConfigurationReader {
    let root: [String: TOMLNode]
    let file: String
    let locator: TOMLKeyLocator
    /// Dotted keys that took their default, in the order they were read.
    private(set) var defaulted: [String] = []

    init(root: [String: TOMLNode], file: String, locator: TOMLKeyLocator) {
        self.root = root
        self.file = file
        self.locator = locator
    }

    static func dotted(_ path: [String]) -> String { path.joined(separator: ".") }

    func bad(_ path: [String], _ reason: String) -> ConfigurationError {
        .badValue(file: file, line: locator.nearestLine(of: path), key: Self.dotted(path), reason: reason)
    }

    func missing(_ path: [String]) -> ConfigurationError {
        .missingKey(file: file, key: Self.dotted(path))
    }

    /// The value at `path`, nil if it or any enclosing table is absent.
    func node(_ path: [String]) -> TOMLNode? {
        var entries = root
        for (k, key) in path.enumerated() {
            guard let value = entries[key] else { return nil }
            if k == path.count - 1 { return value }
            guard case .table(let inner) = value else { return nil }
            entries = inner
        }
        return nil
    }

    mutating func noteDefault(_ path: [String]) {
        defaulted.append(Self.dotted(path))
    }

    /// The entries of a free-form table in file order (by line, then key), so that the first
    /// problem reported does not depend on dictionary order.
    func inFileOrder(_ entries: [String: TOMLNode]?, under path: [String]) -> [(key: String, value: TOMLNode)] {
        (entries ?? [:]).map { (key: $0.key, value: $0.value) }.sorted { a, b in
            let la = locator.nearestLine(of: path + [a.key]), lb = locator.nearestLine(of: path + [b.key])
            return la != lb ? la < lb : a.key < b.key
        }
    }

    // MARK: - typed getters (nil when absent)

    /// The table at `path` (a section or subtable), nil if absent.
    func table(_ path: [String]) throws(ConfigurationError) -> [String: TOMLNode]? {
        guard let n = node(path) else { return nil }
        guard case .table(let entries) = n else { throw bad(path, "expected a table, got \(n.kindDescription)") }
        return entries
    }

    func integer(_ path: [String]) throws(ConfigurationError) -> Int? {
        guard let n = node(path) else { return nil }
        guard case .integer(let v) = n else { throw bad(path, "expected an integer, got \(n.kindDescription)") }
        return v
    }

    func float(_ path: [String]) throws(ConfigurationError) -> Double? {
        guard let n = node(path) else { return nil }
        switch n {
        case .float(let v): return v
        case .integer(let v): return Double(v)
        default: throw bad(path, "expected a number, got \(n.kindDescription)")
        }
    }

    func string(_ path: [String]) throws(ConfigurationError) -> String? {
        guard let n = node(path) else { return nil }
        guard case .string(let s) = n else { throw bad(path, "expected a string, got \(n.kindDescription)") }
        return s
    }

    func bool(_ path: [String]) throws(ConfigurationError) -> Bool? {
        guard let n = node(path) else { return nil }
        guard case .boolean(let b) = n else { throw bad(path, "expected true or false, got \(n.kindDescription)") }
        return b
    }

    /// A string that must be one of `E`'s raw values.
    func choice<E: RawRepresentable & CaseIterable>(_ path: [String], _: E.Type) throws(ConfigurationError) -> E?
    where E.RawValue == String {
        let choices = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard let n = node(path) else { return nil }
        guard case .string(let s) = n else { throw bad(path, "expected one of \(choices), got \(n.kindDescription)") }
        guard let e = E(rawValue: s) else { throw bad(path, "expected one of \(choices), got \"\(s)\"") }
        return e
    }

    /// A string in the ``MDCore/Selection`` grammar.
    func selection(_ path: [String]) throws(ConfigurationError) -> Selection? {
        guard let text = try string(path) else { return nil }
        do {
            return try Selection(parsing: text)
        } catch {
            throw bad(path, error.description)
        }
    }

    /// An array of numbers (integers accepted).
    func floats(_ path: [String]) throws(ConfigurationError) -> [Double]? {
        guard let n = node(path) else { return nil }
        guard case .array(let items) = n else { throw bad(path, "expected an array of numbers, got \(n.kindDescription)") }
        var out: [Double] = []
        for (k, item) in items.enumerated() {
            switch item {
            case .float(let v): out.append(v)
            case .integer(let v): out.append(Double(v))
            default: throw bad(path, "element \(k + 1): expected a number, got \(item.kindDescription)")
            }
        }
        return out
    }

    // MARK: - getters with defaults (recorded)

    mutating func integer(_ path: [String], default value: Int) throws(ConfigurationError) -> Int {
        if let v = try integer(path) { return v }
        noteDefault(path)
        return value
    }

    mutating func float(_ path: [String], default value: Double) throws(ConfigurationError) -> Double {
        if let v = try float(path) { return v }
        noteDefault(path)
        return value
    }

    mutating func bool(_ path: [String], default value: Bool) throws(ConfigurationError) -> Bool {
        if let v = try bool(path) { return v }
        noteDefault(path)
        return value
    }

    mutating func choice<E: RawRepresentable & CaseIterable>(_ path: [String], default value: E) throws(ConfigurationError) -> E
    where E.RawValue == String {
        if let v = try choice(path, E.self) { return v }
        noteDefault(path)
        return value
    }

    mutating func selection(_ path: [String], default value: Selection) throws(ConfigurationError) -> Selection {
        if let v = try selection(path) { return v }
        noteDefault(path)
        return value
    }
}
