import MDConfiguration
import MDDescriptors

/// The settings a fitted model was made with and that any data assigned against it must share:
/// the descriptor hyper-parameters, the LENS and smoothing settings, the frame interval, the
/// feature mode and the selection rules. `fit` stores them in the bundle; the online daemon
/// builds the same map from its own configuration and refuses to start when
/// ``MDArchive/ModelBundle/differences(from:)`` is not empty.
///
/// Values are text (numbers in Swift's shortest round-trip form): `features.mode`,
/// `frame_interval_ps`, `lens.r_cut`, `lens.lag`, `lens.window`, `lens.polyorder`, `lens.clip`,
/// `selection.centres`, `selection.lens_environment`; unless LENS-only: `soap.descriptor`
/// (dscribe 2.1.2's GTO SOAP), `soap.n_max`, `soap.l_max`, `soap.r_cut`, `soap.sigma`,
/// `soap.species` (atomic numbers), `soap.layout`, `soap.normalised`, `soap.features`,
/// `selection.soap_environment`. One key per parameter, so a mismatch names the parameter.
enum ModelSettings {
    static func make(configuration c: SystemConfiguration, soap: SoapSettings?) -> [String: String] {
        var s: [String: String] = [
            "features.mode": c.features.mode.rawValue,
            "frame_interval_ps": "\(c.system.frameIntervalPS)",
            "lens.lag": "\(c.lens.lag)",
            "lens.polyorder": "\(c.lens.polyorder)",
            "lens.clip": "\(c.lens.clip)",
            "selection.centres": c.selection.centres.description,
            "selection.lens_environment": c.selection.lensEnvironment.description,
        ]
        if let r = c.lens.rCut { s["lens.r_cut"] = "\(r)" }
        if let w = c.lens.window { s["lens.window"] = "\(w)" }
        if let soap {
            s["soap.descriptor"] = "dscribe-2.1.2 gto soap"
            s["soap.n_max"] = "\(soap.nMax)"
            s["soap.l_max"] = "\(soap.lMax)"
            s["soap.r_cut"] = "\(soap.rCut)"
            s["soap.sigma"] = "\(soap.sigma)"
            s["soap.species"] = soap.species.map(String.init).joined(separator: ",")
            s["soap.layout"] = soap.layout.rawValue
            s["soap.normalised"] = "\(soap.normalised)"
            s["soap.features"] = "\(soap.featureCount)"
            s["selection.soap_environment"] = c.selection.soapEnvironment.description
        }
        return s
    }

    /// The settings known from the configuration alone, before any frame: everything but the
    /// SOAP species and width (which come from the first frame's atoms). The daemon compares
    /// these at start, and the rest on each run's first frame.
    static func beforeFrames(configuration c: SystemConfiguration) -> [String: String] {
        var s = make(configuration: c, soap: nil)
        if c.features.mode != .lens {
            s["soap.descriptor"] = "dscribe-2.1.2 gto soap"
            s["soap.n_max"] = "\(c.soap.nMax)"
            s["soap.l_max"] = "\(c.soap.lMax)"
            if let r = c.soap.rCut { s["soap.r_cut"] = "\(r)" }
            s["soap.sigma"] = "\(c.soap.sigma)"
            s["soap.layout"] = c.soap.layout.rawValue
            s["soap.normalised"] = "\(c.soap.normalised)"
            s["selection.soap_environment"] = c.selection.soapEnvironment.description
        }
        return s
    }

    /// Keys only the first frame decides.
    static let frameDependentKeys: Set<String> = ["soap.species", "soap.features"]
}
