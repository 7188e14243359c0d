import Logging
import MDIngest

extension FramePublisher {
    /// Waits until a subscriber has joined (``waitForSubscriber(timeoutSeconds:stop:)``), saying
    /// so in the log first: what `soaplens replay` and `soaplens attach` do before their first
    /// frame. Returns `false` when `stop` was set first; throws when `timeoutSeconds` passed.
    func awaitSubscriber(timeoutSeconds: Double?, stop: StopFlag, logger: Logger, before what: String) throws -> Bool {
        logger.info("waiting for a subscriber before \(what)", metadata: ["endpoint": "\(endpoint)", "mode": "\(mode.rawValue)"])
        if try waitForSubscriber(timeoutSeconds: timeoutSeconds, stop: { stop.isSet }) { return true }
        if stop.isSet { return false }
        throw ReplayError("no subscriber joined \(endpoint) within \(timeoutSeconds ?? 0) s")
    }
}
