import MDCore

extension SystemConfiguration {
    /// Applies command-line overrides, then validates the result (``validate()``); on error the
    /// configuration is left unchanged. Overridden keys are recorded in
    /// ``ConfigurationSource/overriddenKeys`` (and no longer count as defaulted), so a later
    /// error on them names the option (`--window`) rather than a line of the file.
    public mutating func apply(_ overrides: ConfigurationOverrides) throws(ConfigurationError) {
        var c = self
        func mark(_ key: String) {
            c.source.overriddenKeys[key] = ConfigurationOverrides.options[key] ?? key
            c.source.defaultedKeys.removeAll { $0 == key }
        }
        func bad(_ key: String, _ reason: String) -> ConfigurationError {
            .badOverride(option: ConfigurationOverrides.options[key] ?? key, key: key, reason: reason)
        }
        func selection(_ text: String, _ key: String) throws(ConfigurationError) -> Selection {
            do {
                return try Selection(parsing: text)
            } catch {
                throw bad(key, error.description)
            }
        }
        func choice<E: RawRepresentable & CaseIterable>(_ text: String, _ key: String) throws(ConfigurationError) -> E
        where E.RawValue == String {
            guard let e = E(rawValue: text) else {
                throw bad(key, "expected one of \(E.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
            }
            return e
        }

        if let v = overrides.rCut {
            c.soap.rCut = v
            c.lens.rCut = v
            mark("soap.r_cut")
            mark("lens.r_cut")
        }
        if let v = overrides.window { c.lens.window = v; mark("lens.window") }
        if let v = overrides.polyorder { c.lens.polyorder = v; mark("lens.polyorder") }
        if let v = overrides.lag { c.lens.lag = v; mark("lens.lag") }
        if let v = overrides.centres { c.selection.centres = try selection(v, "selection.centres"); mark("selection.centres") }
        if let v = overrides.soapEnvironment {
            c.selection.soapEnvironment = try selection(v, "selection.soap_environment")
            mark("selection.soap_environment")
        }
        if let v = overrides.lensEnvironment {
            c.selection.lensEnvironment = try Self.lensEnvironment(v) { error in bad("selection.lens_environment", error.description) }
            mark("selection.lens_environment")
        }
        if let v = overrides.frameIntervalPS { c.system.frameIntervalPS = v; mark("system.frame_interval_ps") }
        if let v = overrides.nMax { c.soap.nMax = v; mark("soap.n_max") }
        if let v = overrides.lMax { c.soap.lMax = v; mark("soap.l_max") }
        if let v = overrides.sigma { c.soap.sigma = v; mark("soap.sigma") }
        if let v = overrides.layout { c.soap.layout = try choice(v, "soap.layout"); mark("soap.layout") }
        if let v = overrides.mode { c.features.mode = try choice(v, "features.mode"); mark("features.mode") }
        if let v = overrides.clustering { c.clustering.method = try choice(v, "clustering.method"); mark("clustering.method") }

        try c.validate()
        self = c
    }
}
