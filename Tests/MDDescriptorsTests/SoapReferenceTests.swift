import MDCore
import MDDescriptors
import Testing

/// A cluster frame (no cell) from positions and one element symbol per atom.
func soapClusterFrame(_ positions: [SIMD3<Double>], symbols: [String], cell: Cell? = nil) -> Frame {
    var names: [String] = []
    var types: [Int32] = []
    for s in symbols {
        if let t = names.firstIndex(of: s) { types.append(Int32(t)) } else { names.append(s); types.append(Int32(names.count - 1)) }
    }
    return Frame(
        step: 0, cell: cell, species: names, ids: (0..<Int64(positions.count)).map { $0 + 1 }, types: types,
        positions: positions.flatMap { [$0.x, $0.y, $0.z] })
}

/// `max_i |a_i − b_i|`.
func soapMaxDifference(_ a: some Collection<Double>, _ b: some Collection<Double>) -> Double {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

func soapNorm(_ a: some Collection<Double>) -> Double { a.reduce(0) { $0 + $1 * $1 }.squareRoot() }

/// The check values of soap-gto-math.md §7 (dscribe 2.1.2, verified against 1.2.2) and
/// conventions §1: Cu, r_cut 6, n = l = 8, σ = 1, non-periodic, centre = atom 0.
@Suite struct SoapReferenceTests {
    static let cu3: [SIMD3<Double>] = [SIMD3(0, 0, 0), SIMD3(2.55, 0, 0), SIMD3(0.8, 2.3, 0.5)]
    /// `ase.cluster.Icosahedron("Cu", 2).positions` (ASE 3.29), atom 0 at the centre.
    static let cu13: [SIMD3<Double>] = {
        let a = 2.17141844757724, b = 1.342010404401266
        return [
            SIMD3(0, 0, 0), SIMD3(a, 0, -b), SIMD3(a, 0, b), SIMD3(-a, 0, -b), SIMD3(-a, 0, b),
            SIMD3(-b, a, 0), SIMD3(b, a, 0), SIMD3(-b, -a, 0), SIMD3(b, -a, 0),
            SIMD3(0, -b, a), SIMD3(0, b, a), SIMD3(0, -b, -a), SIMD3(0, b, -a),
        ]
    }()

    struct Check {
        let positions: [SIMD3<Double>]
        let norm: Double
        let native: [Double]
        let full: [Double]
        let normalised: [Double]
        let perL: [Double]
        /// Relative precision of the printed per-l sums.
        let perLDigits: Double
    }

    static let checks: [String: Check] = [
        "Cu3": Check(
            positions: cu3, norm: 123.99787568718868,
            native: [1.4376657077e-02, 6.9425346201e-02, 1.7038454819e-01, 2.7211391097e-01, 3.4199701359e-01,
                     4.5508004137e-01, 6.8165755233e-01, 9.1970554634e-01, 3.3525726246e-01, 8.2279254360e-01],
            full: [1.4376657077e-02, 6.9425346201e-02, 1.7038454819e-01, 2.7211391097e-01, 3.4199701359e-01,
                   4.5508004137e-01, 6.8165755233e-01, 9.1970554634e-01, 6.9425346201e-02, 3.3525726246e-01],
            normalised: [1.1594276916e-04, 5.5989141601e-04, 1.3740924773e-03, 2.1945046192e-03, 2.7580876825e-03,
                         3.6700632075e-03, 5.4973325031e-03, 7.4171072790e-03, 5.5989141601e-04, 2.7037339196e-03],
            perL: [5.94999771e+02, 4.34091092e+01, 1.35982408e+01, 5.12857423e+00, 2.67213965e+00,
                   8.20815387e-01, 1.38812522e-01, 1.55673056e-02, 1.94628478e-03],
            perLDigits: 5e-9),
        "Cu13": Check(
            positions: cu13, norm: 1374.2124604258559,
            native: [4.0437087511e-03, 1.8494053816e-02, 3.6068741564e-02, 2.2780618870e-02, 2.9380324436e-02,
                     3.3854893469e-01, 1.1371024883e+00, 2.0362251731e+00, 8.4583249582e-02, 1.6496174393e-01],
            full: [4.0437087511e-03, 1.8494053816e-02, 3.6068741564e-02, 2.2780618870e-02, 2.9380324436e-02,
                   3.3854893469e-01, 1.1371024883e+00, 2.0362251731e+00, 1.8494053816e-02, 8.4583249582e-02],
            normalised: [2.9425644633e-06, 1.3457929067e-05, 2.6246845086e-05, 1.6577217516e-05, 2.1379754064e-05,
                         2.4635851037e-04, 8.2745755915e-04, 1.4817397104e-03, 1.3457929067e-05, 6.1550343938e-05],
            perL: [3.24542411e+03, 0, 0, 0, 0, 0, 3.98064763e+00, 0, 0],
            perLDigits: 5e-9),
    ]

    func spectrum(_ positions: [SIMD3<Double>], layout: SoapSettings.Layout, normalised: Bool) throws -> [Double] {
        let settings = try SoapSettings(rCut: 6, symbols: ["Cu"], layout: layout, normalised: normalised)
        let frame = soapClusterFrame(positions, symbols: Array(repeating: "Cu", count: positions.count))
        let spectra = try SoapCalculator(settings: settings, threads: 1).compute(frame: frame, centres: [0])
        #expect(spectra.featureCount == (layout == .full ? 576 : 324))
        return Array(spectra.row(0))
    }

    @Test(arguments: ["Cu3", "Cu13"])
    func dscribeCheckValues(name: String) throws {
        let check = Self.checks[name]!
        let native = try spectrum(check.positions, layout: .compressed, normalised: false)
        let full = try spectrum(check.positions, layout: .full, normalised: false)
        let unit = try spectrum(check.positions, layout: .full, normalised: true)
        let norm = soapNorm(full)
        // dscribe's own Löwdin step (sqrtm(inv(S)), cond 6e10) is reproducible to ~1e-10 of
        // ‖p‖; we hold every check value to 1e-9·‖p_ref‖ (10× tighter than the 1e-8 target).
        #expect(abs(norm - check.norm) <= 1e-9 * check.norm, "\(name) ‖full‖ = \(norm)")
        let tolerance = 1e-9 * check.norm
        for i in 0..<10 {
            #expect(abs(native[i] - check.native[i]) <= tolerance, "\(name) native[\(i)]")
            #expect(abs(full[i] - check.full[i]) <= tolerance, "\(name) full[\(i)]")
            #expect(abs(unit[i] - check.normalised[i]) <= 1e-9, "\(name) unit[\(i)]")
        }
        for l in 0...8 {
            let sum = full[(l * 64)..<((l + 1) * 64)].reduce(0, +)
            let allowed = max(check.perLDigits * abs(check.perL[l]), tolerance)
            #expect(abs(sum - check.perL[l]) <= allowed, "\(name) per-l sum l=\(l): \(sum)")
        }
        // The normalised full vector has unit length.
        #expect(abs(soapNorm(unit) - 1) < 1e-14)
    }

    /// conventions §1: an isolated atom (n_max 2, l_max 1, r_cut 4) has the compressed spectrum
    /// [0.25445, 3.52705, 48.89002, 0, 0, 0] (5 significant digits quoted).
    @Test func isolatedAtomKeepsItsOwnGaussian() throws {
        let settings = try SoapSettings(nMax: 2, lMax: 1, rCut: 4, symbols: ["Cu"], layout: .compressed, normalised: false)
        let frame = soapClusterFrame([SIMD3(1, 2, 3)], symbols: ["Cu"])
        let p = Array(try SoapCalculator(settings: settings).compute(frame: frame).row(0))
        let expected = [0.25445, 3.52705, 48.89002, 0, 0, 0]
        #expect(p.count == 6)
        for i in 0..<6 {
            #expect(abs(p[i] - expected[i]) <= max(5e-6 * abs(expected[i]), 1e-300), "isolated[\(i)] = \(p[i])")
        }
        // Without the atom in its own environment the density is empty: a zero row, which
        // normalisation leaves zero.
        let normalised = try SoapSettings(nMax: 2, lMax: 1, rCut: 4, symbols: ["Cu"])
        let empty = try SoapCalculator(settings: normalised).compute(frame: frame, centres: [0], environment: [])
        #expect(empty.values.allSatisfy { $0 == 0 })
    }

    /// Full layout = compressed layout expanded (same-species block symmetrised).
    @Test func fullLayoutExpandsCompressed() throws {
        let native = try spectrum(Self.cu3, layout: .compressed, normalised: false)
        let full = try spectrum(Self.cu3, layout: .full, normalised: false)
        var k = 0
        for l in 0...8 {
            for n in 0..<8 {
                for n2 in n..<8 {
                    #expect(full[l * 64 + n * 8 + n2] == native[k])
                    #expect(full[l * 64 + n2 * 8 + n] == native[k])
                    k += 1
                }
            }
        }
        #expect(k == 324)
    }
}
