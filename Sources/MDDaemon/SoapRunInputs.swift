import MDCore
import MDDescriptors

/// What SOAP needs for a run, resolved once on its first frame: the SOAP environment
/// (a selection, default every atom) as atom indices, and the settings with the species of
/// the environment and the centres (their element names in the frame, sorted by Z).
enum SoapRunInputs {
    /// The atom indices of the SOAP environment, ascending.
    static func environment(first: Frame, selection: Selection?, typeNames: [Int: String]) -> [Int32] {
        let mask = selection.map { $0.mask(in: first, typeNames: typeNames) } ?? Array(repeating: true, count: first.atomCount)
        return mask.indices.compactMap { mask[$0] ? Int32($0) : nil }
    }

    /// The settings, with the species found among `environment` and `centres`.
    static func settings(
        first: Frame, centres: [Int32], environment: [Int32],
        nMax: Int, lMax: Int, rCut: Double, sigma: Double, layout: SoapSettings.Layout, normalised: Bool
    ) throws -> SoapSettings {
        var symbols = Set<String>()
        for i in environment { symbols.insert(first.species[Int(first.types[Int(i)])]) }
        for i in centres { symbols.insert(first.species[Int(first.types[Int(i)])]) }
        return try SoapSettings(
            nMax: nMax, lMax: lMax, rCut: rCut, sigma: sigma, symbols: Array(symbols).sorted(), layout: layout,
            normalised: normalised)
    }
}
