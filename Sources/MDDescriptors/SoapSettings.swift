#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Hyper-parameters of a SOAP power spectrum computed exactly as dscribe 2.1.2 does with
/// `rbf="gto"`, `weighting=None`, `crossover=True`, `average="off"` (SOAPify's settings; see
/// conventions §1 and soap-gto-math.md).
///
/// * Density around a centre: `ρ_Z(r) = Σ_j exp(−|r − r_ij|² / 2σ²)` over every atom of
///   species Z within `r_cut + σ·sqrt(−2 ln 0.001)` (``searchRadius``), periodic images
///   included, **the centre's own Gaussian included**. No smooth cutoff function.
/// * Radial basis: `n_max` GTOs per `l` with `l`-dependent exponents on `1 … r_cut`,
///   Löwdin-orthonormalised (``SoapRadialBasis``). Angular part: real spherical harmonics up to
///   `l_max` (``SoapSphericalHarmonics``).
/// * Power spectrum `p^{ZZ'}_{nn'l} = π·sqrt(8/(2l+1)) Σ_m c^Z_{nlm} c^{Z'}_{n'lm}` for every
///   species pair `Z ≤ Z'` in ascending atomic number.
/// * ``Layout-swift.enum``: `compressed` = dscribe's native vector, `full` = SOAPify's
///   `fillSOAPVectorFromdscribe` layout. With ``normalised`` every row is divided by its
///   Euclidean norm over the **full** layout (duplicates included); a zero row stays zero.
///
/// The JSON form (``jsonDescription``, or any `JSONEncoder`, keys in snake case) is written
/// next to every output so spectra are self-describing.
public struct SoapSettings: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How the power spectrum of one centre is laid out.
    public enum Layout: String, Sendable, Hashable, Codable, CaseIterable {
        /// dscribe's native vector: species-pair blocks `(a, b)`, `a ≤ b`, in row-major
        /// upper-triangle order; inside a block `for l, for n, for n′` with `n′ ≥ n` when
        /// `a == b` (`(l_max+1)·n_max(n_max+1)/2` entries) and every `n′` otherwise
        /// (`(l_max+1)·n_max²`). 324 entries for one species at n = l = 8.
        case compressed
        /// SOAPify's full layout: every species-pair block is `(l_max+1)·n_max²` long with
        /// index `l·n_max² + n·n_max + n′`; same-species blocks are symmetric
        /// (`p[l,n,n′] = p[l,n′,n]`), cross blocks keep `n` on the lower-Z species.
        /// 576 entries for one species, 1728 for two (H, O).
        case full
    }

    /// Largest supported `l_max` (dscribe hard-codes its harmonics up to 20 too).
    public static let maximumAngularDegree = 20
    /// The Gaussian tail threshold dscribe pads the cutoff with (`get_cutoff_padding`).
    public static let densityThreshold = 1e-3

    /// Number of radial basis functions per `l`.
    public var nMax: Int
    /// Largest angular degree.
    public var lMax: Int
    /// Radial cutoff of the GTO basis, Å (not the neighbour cutoff: see ``searchRadius``).
    public var rCut: Double
    /// Width of each atom's Gaussian, Å.
    public var sigma: Double
    /// Atomic numbers, strictly ascending.
    public var species: [Int]
    /// Output layout.
    public var layout: Layout
    /// Whether each row is divided by its full-layout Euclidean norm.
    public var normalised: Bool

    enum CodingKeys: String, CodingKey {
        case nMax = "n_max", lMax = "l_max", rCut = "r_cut", sigma, species, layout, normalised
    }

    /// Validated settings. `species` (atomic numbers) may come in any order; they are sorted.
    /// Defaults are the study's: `n_max = l_max = 8`, `σ = 1 Å`, full layout, normalised.
    public init(
        nMax: Int = 8, lMax: Int = 8, rCut: Double, sigma: Double = 1.0, species: [Int],
        layout: Layout = .full, normalised: Bool = true
    ) throws(SoapError) {
        self.nMax = nMax
        self.lMax = lMax
        self.rCut = rCut
        self.sigma = sigma
        self.species = species.sorted()
        self.layout = layout
        self.normalised = normalised
        try validate()
    }

    /// Settings with species given by element symbols (`["O", "H"]`), sorted by Z.
    public init(
        nMax: Int = 8, lMax: Int = 8, rCut: Double, sigma: Double = 1.0, symbols: [String],
        layout: Layout = .full, normalised: Bool = true
    ) throws(SoapError) {
        var numbers: [Int] = []
        for s in symbols {
            guard let z = SoapElements.atomicNumber(of: s) else { throw .unknownElement(s) }
            numbers.append(z)
        }
        try self.init(nMax: nMax, lMax: lMax, rCut: rCut, sigma: sigma, species: numbers, layout: layout, normalised: normalised)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nMax = try c.decode(Int.self, forKey: .nMax)
        lMax = try c.decode(Int.self, forKey: .lMax)
        rCut = try c.decode(Double.self, forKey: .rCut)
        sigma = try c.decode(Double.self, forKey: .sigma)
        species = try c.decode([Int].self, forKey: .species).sorted()
        layout = try c.decode(Layout.self, forKey: .layout)
        normalised = try c.decode(Bool.self, forKey: .normalised)
        do {
            try validate()
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: [], debugDescription: error.description, underlyingError: error))
        }
    }

    /// Checks every field; throws the first problem found.
    public func validate() throws(SoapError) {
        guard nMax >= 1 else { throw .invalidRadialCount(nMax) }
        guard (0...Self.maximumAngularDegree).contains(lMax) else { throw .invalidAngularDegree(lMax) }
        guard rCut.isFinite, rCut > 1 else { throw .invalidCutoff(rCut) }
        guard sigma.isFinite, sigma > 0 else { throw .invalidSigma(sigma) }
        guard !species.isEmpty else { throw .noSpecies }
        for (i, z) in species.enumerated() {
            guard SoapElements.symbol(of: z) != nil else { throw .invalidAtomicNumber(z) }
            if i > 0, species[i - 1] == z { throw .duplicateSpecies(z) }
        }
    }

    /// `σ·sqrt(−2 ln 0.001)`, Å: how far beyond `r_cut` dscribe still collects atoms
    /// (3.716922 Å for σ = 1).
    public var cutoffPadding: Double { sigma * (-2 * log(Self.densityThreshold)).squareRoot() }

    /// The neighbour cutoff `r_cut + cutoffPadding`, Å (9.716922 Å for r_cut = 6, σ = 1).
    public var searchRadius: Double { rCut + cutoffPadding }

    /// `η = 1/(2σ²)`, Å⁻².
    public var eta: Double { 1 / (2 * sigma * sigma) }

    /// Number of species pairs `Z ≤ Z′`.
    public var speciesPairCount: Int { species.count * (species.count + 1) / 2 }

    /// Length of one species-pair block in the full layout, `(l_max+1)·n_max²`.
    public var fullBlockSize: Int { (lMax + 1) * nMax * nMax }

    /// Length of a same-species block in the compressed layout, `(l_max+1)·n_max(n_max+1)/2`.
    public var compressedDiagonalBlockSize: Int { (lMax + 1) * nMax * (nMax + 1) / 2 }

    /// Features per centre in the full layout.
    public var fullFeatureCount: Int { speciesPairCount * fullBlockSize }

    /// Features per centre in the compressed layout.
    public var compressedFeatureCount: Int {
        let s = species.count
        return s * compressedDiagonalBlockSize + (s * (s - 1) / 2) * fullBlockSize
    }

    /// Features per centre in the chosen ``layout``.
    public var featureCount: Int { layout == .full ? fullFeatureCount : compressedFeatureCount }

    /// The position of species pair `(a, b)`, `a ≤ b` (indices into ``species``), in the
    /// row-major upper-triangle order of the blocks.
    public func pairIndex(_ a: Int, _ b: Int) -> Int {
        let s = species.count
        return a * s - a * (a - 1) / 2 + (b - a)
    }

    /// Offset of the block of species pair `(a, b)`, `a ≤ b`, in a row of the given layout.
    public func blockOffset(_ a: Int, _ b: Int, layout: Layout) -> Int {
        switch layout {
        case .full:
            return pairIndex(a, b) * fullBlockSize
        case .compressed:
            var offset = 0
            for i in 0..<species.count {
                for j in i..<species.count {
                    if i == a, j == b { return offset }
                    offset += i == j ? compressedDiagonalBlockSize : fullBlockSize
                }
            }
            return offset
        }
    }

    /// A stable one-line JSON object (fixed key order, shortest round-trip numbers) naming the
    /// implementation and every parameter that changes the output, plus the derived neighbour
    /// cutoff and feature count: store it as an attribute next to every spectrum dataset.
    public var jsonDescription: String {
        let speciesList = species.map(String.init).joined(separator: ",")
        let symbolList = species.map { "\"\(SoapElements.symbol(of: $0) ?? "?")\"" }.joined(separator: ",")
        return "{\"descriptor\":\"soap\",\"reference\":\"dscribe-2.1.2\",\"rbf\":\"gto\",\"weighting\":\"none\","
            + "\"crossover\":true,\"average\":\"off\",\"n_max\":\(nMax),\"l_max\":\(lMax),\"r_cut\":\(rCut),"
            + "\"sigma\":\(sigma),\"species\":[\(speciesList)],\"symbols\":[\(symbolList)],"
            + "\"layout\":\"\(layout.rawValue)\",\"normalised\":\(normalised),"
            + "\"search_radius\":\(searchRadius),\"features\":\(featureCount)}"
    }

    public var description: String { jsonDescription }
}
