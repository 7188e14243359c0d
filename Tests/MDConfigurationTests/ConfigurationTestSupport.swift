import Foundation
import MDConfiguration

/// Shared helpers of the MDConfiguration tests.
enum ConfigurationTestSupport {
    /// The repository's `configs/` directory, found from this file's path.
    static let configsDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("configs")

    /// A valid configuration in SOAP+LENS mode with only the required keys (15 lines).
    static let minimal = """
        [system]
        name = "test"
        frame_interval_ps = 2.5

        [soap]
        r_cut = 6.0

        [lens]
        r_cut = 5.5
        window = 20

        [pca]
        variance = 0.995

        [clustering]
        method = "kmeans"

        [clustering.kmeans]
        clusters = 4
        """

    /// The error `parse(text:file:)` throws, nil if it parses.
    static func error(_ text: String, file: String = "t.toml") -> ConfigurationError? {
        do {
            _ = try SystemConfiguration.parse(text: text, file: file)
            return nil
        } catch {
            return error
        }
    }
}
