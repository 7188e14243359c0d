import MDCore

extension SystemConfiguration {
    /// `[selection]`: the analysed atoms and the neighbour environments, in the grammar of
    /// ``MDCore/Selection`` (resolved once, on the first frame of a segment).
    public struct Selections: Sendable, Equatable {
        /// The analysed atoms (`centres`, default `all`). Cu(211): the top 900 atoms.
        public var centres: Selection
        /// Atoms whose Gaussians make up the SOAP density (`soap_environment`, default `all`:
        /// SOAP is computed on the whole frame, conventions §0).
        public var soapEnvironment: Selection
        /// Atoms counted as LENS neighbours (`lens_environment`, default `"centres"`).
        public var lensEnvironment: LensEnvironment

        public init(centres: Selection = .all, soapEnvironment: Selection = .all, lensEnvironment: LensEnvironment = .centres) {
            self.centres = centres
            self.soapEnvironment = soapEnvironment
            self.lensEnvironment = lensEnvironment
        }
    }
}
