import MDConfiguration

/// Settings of the online analysis of `soaplens run` (with `--model`, or `--bootstrap`).
public struct OnlineOptions: Sendable {
    /// The system configuration in use (`--config` with overrides, or the model's own).
    public var configuration: SystemConfiguration
    /// The fitted model to assign against; nil to learn one from the first frames.
    public var modelPath: String?
    /// Frames (on the model's frame grid) to learn a model from when there is none.
    public var bootstrapFrames: Int?
    /// Where the learnt model is written (required with `bootstrapFrames`).
    public var bootstrapOutput: String?
    /// Write the labels of every analysed frame here (the layout of `fit --labels`); `{run}`
    /// in the path is replaced by the run id, otherwise only the first run is written.
    public var labelsPath: String?
    /// Analyse runs whose frame spacing does not fit the model's (with a warning in every message).
    public var acceptIntervalMismatch: Bool
    /// Analysed frames kept per atom for the alert rules (``MDLearning/LabelHistory``).
    public var historyDepth: Int
    /// Analysed frames between drift measurements (0: no drift measurement).
    public var driftEvery: Int
    /// SOAP and neighbour-search workers (nil: every online core).
    public var threads: Int?
    /// Numeric type → element of the incoming frames (`--species`, or `system.species`).
    public var typeNames: [Int: String]
    /// Per-atom arrays (labels, LENS, novelty) in the JSON lines of analysed frames.
    public var perAtomReport: Bool

    public init(
        configuration: SystemConfiguration, modelPath: String? = nil, bootstrapFrames: Int? = nil, bootstrapOutput: String? = nil,
        labelsPath: String? = nil, acceptIntervalMismatch: Bool = false, historyDepth: Int = 64, driftEvery: Int = 10,
        threads: Int? = nil, typeNames: [Int: String] = [:], perAtomReport: Bool = true
    ) {
        self.configuration = configuration
        self.modelPath = modelPath
        self.bootstrapFrames = bootstrapFrames
        self.bootstrapOutput = bootstrapOutput
        self.labelsPath = labelsPath
        self.acceptIntervalMismatch = acceptIntervalMismatch
        self.historyDepth = historyDepth
        self.driftEvery = driftEvery
        self.threads = threads
        self.typeNames = typeNames.isEmpty ? configuration.system.species : typeNames
        self.perAtomReport = perAtomReport
    }
}

extension OnlineOptions {
    /// The configuration a model was fitted with (stored in its bundle), for `run --model`
    /// without `--config`.
    public static func configuration(ofModel path: String) throws -> SystemConfiguration {
        let bundle = try FittedModel.readBundle(path: path)
        do {
            return try SystemConfiguration.parse(text: bundle.configurationTOML, file: "\(path) (the model's configuration)")
        } catch {
            throw StageError("\(path): the stored configuration does not parse: \(error)")
        }
    }
}
