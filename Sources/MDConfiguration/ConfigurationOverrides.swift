/// Values given on the command line that replace the configuration file's
/// (``SystemConfiguration/apply(_:)``). Every property is optional: nil keeps the file's value.
/// Numbers are typed (ArgumentParser parses them); selections and enumerated choices are the
/// command line's strings, checked when applied.
public struct ConfigurationOverrides: Sendable, Equatable {
    /// `--rcut`, Å: sets **both** `soap.r_cut` and `lens.r_cut` (the study uses one cutoff).
    public var rCut: Double?
    /// `--window` → `lens.window`, frames.
    public var window: Int?
    /// `--polyorder` → `lens.polyorder`.
    public var polyorder: Int?
    /// `--lag` → `lens.lag`, frames.
    public var lag: Int?
    /// `--centres` → `selection.centres` (selection grammar).
    public var centres: String?
    /// `--lens-env` → `selection.lens_environment` (`centres` or a selection).
    public var lensEnvironment: String?
    /// `--soap-env` → `selection.soap_environment` (selection grammar).
    public var soapEnvironment: String?
    /// `--frame-interval` → `system.frame_interval_ps`: Δt between consecutive frames, ps (`--dt` is the source's MD time step, as in `replay`).
    public var frameIntervalPS: Double?
    /// `--nmax` → `soap.n_max`.
    public var nMax: Int?
    /// `--lmax` → `soap.l_max`.
    public var lMax: Int?
    /// `--sigma` → `soap.sigma`, Å.
    public var sigma: Double?
    /// `--layout` → `soap.layout` (`full` | `compressed`).
    public var layout: String?
    /// `--mode` → `features.mode` (`soap+lens` | `soap` | `lens`).
    public var mode: String?
    /// `--clustering` → `clustering.method` (`hdbscan` | `gmm` | `kmeans`).
    public var clustering: String?

    /// The command-line option of each configuration key it can set (for messages).
    public static let options: [String: String] = [
        "soap.r_cut": "--rcut", "lens.r_cut": "--rcut", "lens.window": "--window", "lens.polyorder": "--polyorder",
        "lens.lag": "--lag", "selection.centres": "--centres", "selection.lens_environment": "--lens-env",
        "selection.soap_environment": "--soap-env", "system.frame_interval_ps": "--frame-interval", "soap.n_max": "--nmax",
        "soap.l_max": "--lmax", "soap.sigma": "--sigma", "soap.layout": "--layout", "features.mode": "--mode",
        "clustering.method": "--clustering",
    ]

    public init(
        rCut: Double? = nil, window: Int? = nil, polyorder: Int? = nil, lag: Int? = nil, centres: String? = nil,
        lensEnvironment: String? = nil, soapEnvironment: String? = nil, frameIntervalPS: Double? = nil, nMax: Int? = nil,
        lMax: Int? = nil, sigma: Double? = nil, layout: String? = nil, mode: String? = nil, clustering: String? = nil
    ) {
        self.rCut = rCut
        self.window = window
        self.polyorder = polyorder
        self.lag = lag
        self.centres = centres
        self.lensEnvironment = lensEnvironment
        self.soapEnvironment = soapEnvironment
        self.frameIntervalPS = frameIntervalPS
        self.nMax = nMax
        self.lMax = lMax
        self.sigma = sigma
        self.layout = layout
        self.mode = mode
        self.clustering = clustering
    }

    /// Whether nothing is overridden.
    public var isEmpty: Bool { self == ConfigurationOverrides() }
}
