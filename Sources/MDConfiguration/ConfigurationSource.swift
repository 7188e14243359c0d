/// Where a ``SystemConfiguration`` came from: the file, the line of every key, which keys took
/// their defaults and which were overridden on the command line. Not part of the
/// configuration's equality (two configurations are equal when they configure the same thing).
public struct ConfigurationSource: Sendable, Equatable {
    /// The file name used in messages (`parse(text:file:)`'s `file`).
    public var file: String
    /// Key → line map of the file's text.
    public var locator: TOMLKeyLocator
    /// Reserved sections present in the file (`endpoints`, `rules`, `archive`, `logging`), in
    /// file order; accepted but not interpreted by this version.
    public var reservedSections: [String]
    /// Dotted keys that were absent and took their default, in schema order.
    public var defaultedKeys: [String]
    /// Dotted key → the command-line option that set it (``SystemConfiguration/apply(_:)``).
    public var overriddenKeys: [String: String]

    public init(
        file: String = "<configuration>", locator: TOMLKeyLocator = TOMLKeyLocator(text: ""), reservedSections: [String] = [],
        defaultedKeys: [String] = [], overriddenKeys: [String: String] = [:]
    ) {
        self.file = file
        self.locator = locator
        self.reservedSections = reservedSections
        self.defaultedKeys = defaultedKeys
        self.overriddenKeys = overriddenKeys
    }

    /// The line of a dotted key, else of its table header, else 1.
    func line(of key: String) -> Int {
        locator.nearestLine(of: key.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
    }
}
