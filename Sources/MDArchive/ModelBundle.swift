/// A fitted model, as one versioned, language-neutral HDF5 file (no pickles): what it was
/// fitted with, what was fitted, and where it came from.
///
/// - ``settings``: the canonical descriptor and analysis settings (`soap.n_max`, `soap.r_cut`,
///   `lens.r_cut`, `lens.window`, `frame_interval_ps`, `features.mode`, …, as text), which a
///   user of the model must match (``differences(from:)``);
/// - ``configurationTOML``: the whole effective configuration it was fitted with;
/// - the selections resolved to atom ids (``centreIDs``, …): the model's lists win over a
///   configuration's rules;
/// - ``sections``: named groups of named arrays (`pca`, `clustering`, `transitions`,
///   `merge`, …) with text attributes (``sectionAttributes``, e.g. `clustering.method`), so
///   later model kinds add sections without a format change;
/// - ``macroNames``: default names of the macro clusters (a configuration's `[macro]` names
///   override them);
/// - ``provenance``: input files and their SHA-256, date, program version (not hashed).
///
/// ``modelID`` is the SHA-256 of everything but the provenance (16 hex digits): the same fit
/// of the same data with the same settings gives the same id, and a reader recomputes it to
/// detect a damaged or edited file.
public struct ModelBundle: Sendable, Equatable {
    /// Root attribute `format`.
    public static let format = "soaplens-model"
    /// Root attribute `format_version`; readers refuse newer versions.
    public static let formatVersion: Int64 = 1

    public var settings: [String: String]
    public var configurationTOML: String
    public var centreIDs: [Int64]
    public var soapEnvironmentIDs: [Int64]
    public var lensEnvironmentIDs: [Int64]
    public var sections: [String: [String: ModelArray]]
    public var sectionAttributes: [String: [String: String]]
    public var macroNames: [String]
    public var provenance: [String: String]

    public init(
        settings: [String: String], configurationTOML: String, centreIDs: [Int64], soapEnvironmentIDs: [Int64],
        lensEnvironmentIDs: [Int64], sections: [String: [String: ModelArray]] = [:],
        sectionAttributes: [String: [String: String]] = [:], macroNames: [String] = [], provenance: [String: String] = [:]
    ) {
        self.settings = settings
        self.configurationTOML = configurationTOML
        self.centreIDs = centreIDs
        self.soapEnvironmentIDs = soapEnvironmentIDs
        self.lensEnvironmentIDs = lensEnvironmentIDs
        self.sections = sections
        self.sectionAttributes = sectionAttributes
        self.macroNames = macroNames
        self.provenance = provenance
    }

    /// The content hash (16 hex digits of SHA-256 over a canonical serialisation of every
    /// field but ``provenance``).
    public var modelID: String {
        var h = SHA256()
        func text(_ s: String) {
            h.update(String(s.utf8.count) + ":")
            h.update(s)
        }
        func ids(_ label: String, _ v: [Int64]) {
            text(label)
            h.update(ModelArray.integers(v).canonicalBytes)
        }
        text(Self.format)
        text(String(Self.formatVersion))
        for (k, v) in settings.sorted(by: { $0.key < $1.key }) { text(k); text(v) }
        text(configurationTOML)
        ids("centres", centreIDs)
        ids("soap_environment", soapEnvironmentIDs)
        ids("lens_environment", lensEnvironmentIDs)
        for (name, arrays) in sections.sorted(by: { $0.key < $1.key }) {
            text("section " + name)
            for (k, a) in arrays.sorted(by: { $0.key < $1.key }) { text(k); h.update(a.canonicalBytes) }
        }
        for (name, attributes) in sectionAttributes.sorted(by: { $0.key < $1.key }) {
            text("attributes " + name)
            for (k, v) in attributes.sorted(by: { $0.key < $1.key }) { text(k); text(v) }
        }
        text("macro names")
        for name in macroNames { text(name) }
        return String(h.hexDigest().prefix(16))
    }

    /// What differs between the model's settings and `current` (the settings in use), one
    /// line per key: `lens.window: model 20, now 30`; keys only one side has are listed too.
    /// Empty when they agree.
    public func differences(from current: [String: String]) -> [String] {
        Self.differences(model: settings, current: current)
    }

    /// ``differences(from:)`` between any two settings maps.
    public static func differences(model: [String: String], current: [String: String]) -> [String] {
        var out: [String] = []
        for key in Set(model.keys).union(current.keys).sorted() {
            switch (model[key], current[key]) {
            case let (a?, b?) where a != b: out.append("\(key): model \(a), now \(b)")
            case let (a?, nil): out.append("\(key): model \(a), not set now")
            case let (nil, b?): out.append("\(key): not in the model, now \(b)")
            default: break
            }
        }
        return out
    }
}
