import MDGeometry

/// Why SOAP settings are invalid or a SOAP calculation cannot run. Each case names the
/// offending value, species or atom.
public enum SoapError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `n_max` must be at least 1.
    case invalidRadialCount(Int)
    /// `l_max` must lie in `0 ... SoapSettings.maximumAngularDegree`.
    case invalidAngularDegree(Int)
    /// `r_cut` must be finite and larger than 1 Å (the GTO basis spans `1 ... r_cut`).
    case invalidCutoff(Double)
    /// `sigma` must be finite and positive, Å.
    case invalidSigma(Double)
    /// The species list is empty.
    case noSpecies
    /// An atomic number appears twice in the species list.
    case duplicateSpecies(Int)
    /// An atomic number outside `1 ... 92` (H … U).
    case invalidAtomicNumber(Int)
    /// A species name that is not an element symbol H … U.
    case unknownElement(String)
    /// An environment atom whose element is not in the settings' species list.
    case speciesNotInSettings(atomIndex: Int, atomicNumber: Int)
    /// The per-atom atomic-number array does not match the number of atoms.
    case atomicNumberCount(expected: Int, got: Int)
    /// The thread count must be at least 1.
    case invalidThreadCount(Int)
    /// The GTO overlap matrix of degree `l` is not positive definite in double precision
    /// (far too many radial functions for the cutoff).
    case singularOverlap(l: Int, smallestEigenvalue: Double)
    /// The neighbour search failed (bad positions, cell or indices).
    case geometry(GeometryError)

    public var description: String {
        switch self {
        case .invalidRadialCount(let n): "SOAP n_max must be ≥ 1, got \(n)"
        case .invalidAngularDegree(let l): "SOAP l_max must be in 0...\(SoapSettings.maximumAngularDegree), got \(l)"
        case .invalidCutoff(let r): "SOAP r_cut must be finite and > 1 Å, got \(r)"
        case .invalidSigma(let s): "SOAP sigma must be finite and > 0 Å, got \(s)"
        case .noSpecies: "SOAP needs at least one species"
        case .duplicateSpecies(let z): "SOAP species list repeats atomic number \(z)"
        case .invalidAtomicNumber(let z): "atomic number \(z) is outside 1...92"
        case .unknownElement(let name): "species name '\(name)' is not an element symbol (H…U)"
        case .speciesNotInSettings(let i, let z):
            "environment atom \(i) has atomic number \(z), which is not in the SOAP species list"
        case .atomicNumberCount(let expected, let got): "expected \(expected) atomic numbers, got \(got)"
        case .invalidThreadCount(let n): "SOAP thread count must be ≥ 1, got \(n)"
        case .singularOverlap(let l, let w):
            "GTO overlap matrix for l = \(l) is not positive definite (smallest eigenvalue \(w))"
        case .geometry(let e): "SOAP neighbour search: \(e)"
        }
    }
}
