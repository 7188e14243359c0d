import Foundation
import MDDescriptors

/// Build information shared by every output.
public enum SoapLensBuild {
    /// The soaplens version written into files and `--version`.
    public static let version = "0.1.0"

    /// A warning for commands that compute SOAP when this binary was built without FMA for a
    /// CPU that has it (a plain `swift build`): SOAP then runs about 2× slower than a build
    /// for this machine (`scripts/build.sh`). nil when there is nothing to say.
    public static var soapBuildWarning: String? {
        guard !SoapCalculator.usesFusedMultiplyAdd, cpuHasFMA else { return nil }
        return "this soaplens was built for the portable x86-64 baseline (no FMA) but the CPU has FMA: "
            + "SOAP runs about 2× slower than a build for this machine (scripts/build.sh)"
    }

    /// Whether /proc/cpuinfo lists the `fma` flag.
    static var cpuHasFMA: Bool {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { line in
            line.hasPrefix("flags") && line.split(separator: " ").contains("fma")
        }
    }
}
