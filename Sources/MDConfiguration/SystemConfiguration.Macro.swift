extension SystemConfiguration {
    /// `[macro]`: human names of macro clusters. They override the default names stored in a
    /// fitted model; ids without a name keep the model's.
    public struct Macro: Sendable, Equatable {
        /// Macro cluster id (≥ 0) → name (`names = { 0 = "bulk", 3 = "step edge" }`).
        public var names: [Int: String]

        public init(names: [Int: String] = [:]) {
            self.names = names
        }
    }
}
