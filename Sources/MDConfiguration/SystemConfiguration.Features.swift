extension SystemConfiguration {
    /// `[features]`: which descriptor rows are analysed.
    public struct Features: Sendable, Equatable {
        /// `mode` (default `"soap+lens"`).
        public var mode: FeatureMode

        public init(mode: FeatureMode = .soapAndLens) {
            self.mode = mode
        }
    }
}
