extension SystemConfiguration {
    /// How a SOAP power spectrum is laid out (`soap.layout`); the same values as
    /// `SoapSettings.Layout` of MDDescriptors.
    public enum SoapLayout: String, Sendable, Equatable, CaseIterable {
        /// SOAPify's full layout, `(l_max+1)·n_max²` per species pair (576 for Cu): the study's.
        case full
        /// dscribe's native (compressed, `n ≤ n′`) vector (324 for Cu).
        case compressed
    }
}
