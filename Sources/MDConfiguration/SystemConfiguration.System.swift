extension SystemConfiguration {
    /// `[system]`: what the system is and the frame spacing the analysis is meant for.
    public struct System: Sendable, Equatable {
        /// A human name of the system (`"Cu(211)"`), stored in model bundles and reports.
        public var name: String
        /// Δt between consecutive analysed frames, ps (`frame_interval_ps`, > 0). LENS δ is
        /// the neighbour change over `lag·Δt` and the Savitzky–Golay window spans `window·Δt`,
        /// so a model only applies to data sampled at this spacing. The study: 300 ps for
        /// Cu(211), 1000 ps for the Au nanoparticle, 100 ps for ice/water.
        public var frameIntervalPS: Double
        /// LAMMPS type number → element symbol (`species = { 1 = "Cu" }`), the same meaning as
        /// the command line's `--species 1=Cu`; empty when the trajectory names its species.
        public var species: [Int: String]

        public init(name: String, frameIntervalPS: Double, species: [Int: String] = [:]) {
            self.name = name
            self.frameIntervalPS = frameIntervalPS
            self.species = species
        }
    }
}
