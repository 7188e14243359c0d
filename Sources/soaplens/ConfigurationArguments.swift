import ArgumentParser
import MDConfiguration

/// The system configuration file and the command-line values that override it (shared by
/// `fit` and `check-config`; see docs/configuration.md).
struct ConfigurationArguments: ParsableArguments {
    @Option(name: .long, help: "Neighbour cutoff r_cut, Å: sets soap.r_cut and lens.r_cut.")
    var rcut: Double?

    @Option(name: .long, help: "lens.window, frames.")
    var window: Int?

    @Option(name: .long, help: "lens.polyorder.")
    var polyorder: Int?

    @Option(name: .long, help: "lens.lag, frames.")
    var lag: Int?

    @Option(name: .long, help: "selection.centres, e.g. 'z > 28.09'.")
    var centres: String?

    @Option(name: .long, help: "selection.lens_environment ('centres' or a selection).")
    var lensEnv: String?

    @Option(name: .long, help: "selection.soap_environment.")
    var soapEnv: String?

    @Option(name: .long, help: "system.frame_interval_ps: Δt between consecutive frames, ps.")
    var frameInterval: Double?

    @Option(name: .long, help: "soap.n_max.")
    var nmax: Int?

    @Option(name: .long, help: "soap.l_max.")
    var lmax: Int?

    @Option(name: .long, help: "soap.sigma, Å.")
    var sigma: Double?

    @Option(name: .long, help: "soap.layout: full or compressed.")
    var layout: String?

    @Option(name: .long, help: "features.mode: soap+lens, soap or lens.")
    var mode: String?

    @Option(name: .long, help: "clustering.method: hdbscan, gmm or kmeans.")
    var clustering: String?

    var overrides: ConfigurationOverrides {
        ConfigurationOverrides(
            rCut: rcut, window: window, polyorder: polyorder, lag: lag, centres: centres, lensEnvironment: lensEnv,
            soapEnvironment: soapEnv, frameIntervalPS: frameInterval, nMax: nmax, lMax: lmax, sigma: sigma, layout: layout,
            mode: mode, clustering: clustering)
    }

    /// The file with the overrides applied and validated.
    func load(path: String) throws(ConfigurationError) -> SystemConfiguration {
        var c = try SystemConfiguration.load(path: path)
        try c.apply(overrides)
        return c
    }
}
