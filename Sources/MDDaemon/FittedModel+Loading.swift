import MDArchive
import MDConfiguration
import MDDescriptors

extension FittedModel {
    /// Reads the model bundle at `path` (format, version and content hash checked), with an
    /// error that names the file.
    static func readBundle(path: String) throws -> ModelBundle {
        do {
            return try ModelBundle.read(from: path)
        } catch {
            throw StageError("cannot read the model \(path): \(error)")
        }
    }

    /// Reads and restores the model bundle at `path`.
    static func read(path: String) throws -> FittedModel {
        try restore(readBundle(path: path), path: path)
    }

    /// Restores a bundle read from `path` (named in errors).
    static func restore(_ bundle: ModelBundle, path: String) throws -> FittedModel {
        do {
            return try FittedModel(bundle: bundle)
        } catch {
            throw StageError("\(path): \(error)")
        }
    }

    /// Refuses to apply the model to data described by `configuration` (and the SOAP settings
    /// resolved on the first frame) when any setting differs; the error lists every difference,
    /// one per line (`lens.window: model 20, now 30`).
    func checkCompatible(with configuration: SystemConfiguration, soap: SoapSettings?, model path: String) throws {
        let now = ModelSettings.make(configuration: configuration, soap: soap)
        let differences = ModelBundle.differences(model: settings, current: now)
        guard differences.isEmpty else {
            throw StageError(
                "the model \(path) was fitted with other settings than those in use:\n  " + differences.joined(separator: "\n  "))
        }
    }

    /// ``checkCompatible(with:soap:model:)`` before any frame: every setting but the SOAP
    /// species and width (checked on each run's first frame).
    func checkCompatibleBeforeFrames(with configuration: SystemConfiguration, model path: String) throws {
        let known = settings.filter { !ModelSettings.frameDependentKeys.contains($0.key) }
        let differences = ModelBundle.differences(model: known, current: ModelSettings.beforeFrames(configuration: configuration))
        guard differences.isEmpty else {
            throw StageError(
                "the model \(path) was fitted with other settings than those in use:\n  " + differences.joined(separator: "\n  "))
        }
    }

    /// The macro cluster names in use: the configuration's `[macro] names` where given, the
    /// model's defaults elsewhere.
    func macroNames(with configuration: SystemConfiguration) -> [String] {
        macroNames.indices.map { configuration.macro.names[$0] ?? macroNames[$0] }
    }
}
