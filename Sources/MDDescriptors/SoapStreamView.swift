/// Raw views of one frame's inputs for the streaming SOAP path, shared read-only by the
/// search's workers.
struct SoapStreamView: @unchecked Sendable {
    let centres: [Int32]
    /// Species position in the settings per atom (−1: not in the settings).
    let species: UnsafePointer<Int32>
    /// Whether each atom belongs to the environment (its own density counts for itself).
    let inEnvironment: UnsafePointer<Bool>
    /// ``SoapRadialTable/coefficients``.
    let table: UnsafePointer<Double>
    let searchRadius: Double
}
