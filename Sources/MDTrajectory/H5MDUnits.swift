import Foundation
import HDF5Kit

/// Conversion of H5MD unit strings (the units module: space-separated factors such as
/// `"nm"`, `"ps"`, `"nm ps-1"`) to the frame's units: Å, ps, Å/ps.
enum H5MDUnits {
    /// Å per unit of length.
    static func lengthFactor(_ unit: String) -> Double? {
        switch unit.trimmingCharacters(in: .whitespaces) {
        case "Ang", "Angstrom", "angstrom", "A", "Å": return 1
        case "nm": return 10
        case "pm": return 0.01
        default: return nil
        }
    }

    /// ps per unit of time.
    static func timeFactor(_ unit: String) -> Double? {
        switch unit.trimmingCharacters(in: .whitespaces) {
        case "fs": return 1e-3
        case "ps": return 1
        case "ns": return 1e3
        default: return nil
        }
    }

    /// (Å/ps) per unit of velocity: `"<length> <time>-1"` (H5MD) or `"<length>/<time>"`.
    static func velocityFactor(_ unit: String) -> Double? {
        let text = unit.trimmingCharacters(in: .whitespaces)
        let parts: [String]
        if text.contains("/") {
            parts = text.split(separator: "/").map(String.init)
        } else {
            let factors = text.split(separator: " ").map(String.init)
            guard factors.count == 2, factors[1].hasSuffix("-1") else { return nil }
            parts = [factors[0], String(factors[1].dropLast(2))]
        }
        guard parts.count == 2, let l = lengthFactor(parts[0]), let t = timeFactor(parts[1]) else { return nil }
        return l / t
    }

    /// Reads the `unit` attribute of `object` (absent → factor 1) and converts it with
    /// `convert`; an unknown unit is an `.unsupported` error naming the object.
    static func factor(
        of object: HDF5Object, kind: String, convert: (String) -> Double?, context: H5MDFileContext
    ) throws(TrajectoryError) -> Double {
        let unit: String? = try context.run { () throws(HDF5Error) -> String? in
            guard try object.hasAttribute("unit") else { return nil }
            return try object.readStringAttribute("unit").first
        }
        guard let unit else { return 1 }
        guard let factor = convert(unit) else {
            throw context.unsupported(object.path, "unsupported \(kind) unit '\(unit)'")
        }
        return factor
    }
}
