import MDCore

/// The system configuration: one TOML file per system (`configs/cu211.toml`) saying how the
/// study's protocol is run on it — which atoms, SOAP and LENS settings, the frame spacing,
/// PCA, clustering, merging and macro-cluster names. See `docs/configuration.md` for every key.
///
/// * ``load(path:)`` / ``parse(text:file:)`` read a file strictly: unknown keys, wrong types,
///   out-of-range values and keys missing for the chosen ``Features/mode`` are errors naming
///   the file, the line and the dotted key.
/// * ``apply(_:)`` applies command-line overrides and validates again.
/// * ``tomlText`` is the canonical rendering of the analysis sections (what a model bundle
///   stores), every key with defaults filled in; ``runtimeTOMLText`` that of the runtime
///   sections (`[endpoints]`, `[logging]`, `[rules]`: a model serves any of them, so they are
///   not part of it); ``canonicalTOMLText`` (= ``description``) is both, and
///   `parse(text: c.canonicalTOMLText) == c`.
/// * ``checkReport()`` is the text `soaplens check-config` prints.
///
/// Equality compares the configured values only, not ``source`` (file name, lines, which keys
/// were defaulted or overridden).
public struct SystemConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// `[system]`.
    public var system: System
    /// `[selection]`.
    public var selection: Selections
    /// `[features]`.
    public var features: Features
    /// `[soap]`.
    public var soap: Soap
    /// `[lens]`.
    public var lens: Lens
    /// `[pca]`; nil when absent (allowed only in LENS-only mode).
    public var pca: PCA?
    /// `[clustering]` with its subtables.
    public var clustering: Clustering
    /// `[lens_classes]` (LENS-only mode).
    public var lensClasses: LensClasses
    /// `[merge]`.
    public var merge: Merge
    /// `[macro]`.
    public var macro: Macro
    /// `[endpoints]` (runtime: not stored in a model).
    public var endpoints: Endpoints
    /// `[rules]` (runtime: not stored in a model).
    public var rules: Rules
    /// `[logging]` (runtime: not stored in a model).
    public var logging: Logging
    /// Where the values came from.
    public internal(set) var source: ConfigurationSource

    /// A configuration built in code (not validated: call ``validate()``).
    public init(
        system: System, selection: Selections = Selections(), features: Features = Features(), soap: Soap = Soap(),
        lens: Lens = Lens(), pca: PCA? = nil, clustering: Clustering = Clustering(), lensClasses: LensClasses = .standard,
        merge: Merge = Merge(), macro: Macro = Macro(), endpoints: Endpoints = Endpoints(), rules: Rules = Rules(),
        logging: Logging = Logging(), source: ConfigurationSource = ConfigurationSource()
    ) {
        self.endpoints = endpoints
        self.rules = rules
        self.logging = logging
        self.system = system
        self.selection = selection
        self.features = features
        self.soap = soap
        self.lens = lens
        self.pca = pca
        self.clustering = clustering
        self.lensClasses = lensClasses
        self.merge = merge
        self.macro = macro
        self.source = source
    }

    /// Reserved sections present in the file (`[archive]`), in file order: accepted but not interpreted by this version, so the
    /// command line can warn that they are ignored.
    public var reservedSections: [String] { source.reservedSections }

    /// The canonical TOML text of everything configured (``canonicalTOMLText``).
    public var description: String { canonicalTOMLText }

    /// Equal when every configured value is equal; ``source`` is ignored.
    public static func == (a: SystemConfiguration, b: SystemConfiguration) -> Bool {
        a.system == b.system && a.selection == b.selection && a.features == b.features && a.soap == b.soap
            && a.lens == b.lens && a.pca == b.pca && a.clustering == b.clustering && a.lensClasses == b.lensClasses
            && a.merge == b.merge && a.macro == b.macro && a.endpoints == b.endpoints && a.rules == b.rules && a.logging == b.logging
    }
}
