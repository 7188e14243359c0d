/// SplitMix64 (Steele, Lea and Flood 2014): the seeded, reproducible generator of the
/// randomised tests, the same stream on every run and platform (`SystemRandomNumberGenerator`
/// cannot be seeded). One copy for every test target.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    /// A generator whose first output follows `state`.
    public init(state: UInt64) { self.state = state }
    /// The same as `init(state:)`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
