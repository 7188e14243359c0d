/// SOAP power spectra of one frame: one row per centre, ``featureCount`` columns, row-major
/// in one contiguous array, with the settings that produced them.
public struct SoapSpectra: Sendable, Equatable {
    /// The settings (layout, normalisation, species order) the rows follow.
    public let settings: SoapSettings
    /// Atom index (into the frame arrays) of each row's centre, in row order.
    public let centres: [Int32]
    /// `centres.count × featureCount` values, row-major.
    public var values: [Double]

    public init(settings: SoapSettings, centres: [Int32], values: [Double]) {
        precondition(values.count == centres.count * settings.featureCount, "spectra shape mismatch")
        self.settings = settings
        self.centres = centres
        self.values = values
    }

    /// Number of rows (centres).
    public var rowCount: Int { centres.count }
    /// Number of features per row.
    public var featureCount: Int { settings.featureCount }

    /// The spectrum of row `i` (the `i`-th centre).
    public func row(_ i: Int) -> ArraySlice<Double> {
        values[(i * featureCount) ..< ((i + 1) * featureCount)]
    }
}
