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
/// `soap.settings_json` (``MDDescriptors/SoapSettings/jsonDescription``: n_max, l_max, r_cut,
/// σ, species, layout, normalisation; absent in LENS-only mode), `selection.centres`,
/// `selection.soap_environment`, `selection.lens_environment`.
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
            s["soap.settings_json"] = soap.jsonDescription
            s["selection.soap_environment"] = c.selection.soapEnvironment.description
        }
        return s
    }
}
