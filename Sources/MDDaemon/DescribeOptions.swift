import MDCore
import MDDescriptors
import MDTrajectory

/// Settings of `soaplens describe` (LENS part; SOAP joins with the SOAP issue).
public struct DescribeOptions: Sendable {
    /// Input trajectory files, read in order as one run.
    public var files: [String]
    public var format: TrajectoryFormat?
    public var source: SourceOptions
    /// Frame selection over all files (0-based; `stop` exclusive).
    public var start: Int
    public var stop: Int?
    public var stride: Int
    /// LENS neighbour cutoff r_cut, Å (pairs with 0 < d < r_cut).
    public var cutoff: Double
    /// LENS lag k in frames (δ between frames t and t+k).
    public var lag: Int
    /// Savitzky–Golay window (frames) and polynomial order.
    public var window: Int
    public var polyorder: Int
    /// The analysed atoms.
    public var centres: Selection
    /// The atoms counted as neighbours; nil = the centres (the study's choice).
    public var lensEnvironment: Selection?
    /// Output HDF5 path.
    public var output: String
    /// Compute LENS.
    public var computeLens: Bool
    /// Compute SOAP with these settings (r_cut and the rest), or nil.
    public var soap: SoapOptions?

    public init(
        files: [String], format: TrajectoryFormat? = nil, source: SourceOptions = SourceOptions(), start: Int = 0,
        stop: Int? = nil, stride: Int = 1, cutoff: Double = 6, lag: Int = 1, window: Int = 20, polyorder: Int = 2,
        centres: Selection = .all, lensEnvironment: Selection? = nil, output: String, computeLens: Bool = true,
        soap: SoapOptions? = nil
    ) {
        self.computeLens = computeLens
        self.soap = soap
        self.files = files
        self.format = format
        self.source = source
        self.start = start
        self.stop = stop
        self.stride = stride
        self.cutoff = cutoff
        self.lag = lag
        self.window = window
        self.polyorder = polyorder
        self.centres = centres
        self.lensEnvironment = lensEnvironment
        self.output = output
    }
}

/// SOAP settings of `describe --soap` (the study's defaults: n_max = l_max = 8, σ = 1 Å,
/// full layout, normalised; species = those of the first frame, sorted by Z).
public struct SoapOptions: Sendable {
    public var nMax: Int
    public var lMax: Int
    public var sigma: Double
    public var layout: SoapSettings.Layout
    public var normalised: Bool
    /// Atoms whose density enters the spectra; nil = all atoms (the study's choice).
    public var environment: Selection?
    /// Worker threads; nil = all cores.
    public var threads: Int?

    public init(
        nMax: Int = 8, lMax: Int = 8, sigma: Double = 1, layout: SoapSettings.Layout = .full, normalised: Bool = true,
        environment: Selection? = nil, threads: Int? = nil
    ) {
        self.nMax = nMax
        self.lMax = lMax
        self.sigma = sigma
        self.layout = layout
        self.normalised = normalised
        self.environment = environment
        self.threads = threads
    }
}

/// What a `describe` run did.
public struct DescribeSummary: Sendable {
    public var frames = 0
    /// SOAP rows (frames) written and features per centre.
    public var soapFrames = 0
    public var soapFeatures = 0
    public var intervals = 0
    public var smoothedRows = 0
    public var centres = 0
    public var environment = 0
    public var seconds = 0.0
    public var warnings: [String] = []
}
