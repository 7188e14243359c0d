import Foundation
import MDCore
import MDDescriptors
import Testing

@Suite struct SoapBasisTests {
    @Test func settingsValidateAndDescribeThemselves() throws {
        let s = try SoapSettings(rCut: 6, symbols: ["O", "H"])
        #expect(s.species == [1, 8])
        #expect(s.featureCount == 1728)
        #expect(try SoapSettings(rCut: 6, species: [8, 1], layout: .compressed).featureCount == 1224)
        #expect(try SoapSettings(rCut: 6, species: [29], layout: .compressed).featureCount == 324)
        #expect(abs(s.searchRadius - 9.716922188849838) < 1e-12)
        #expect(s.jsonDescription.contains("\"n_max\":8,\"l_max\":8,\"r_cut\":6.0,\"sigma\":1.0,\"species\":[1,8]"))
        #expect(s.jsonDescription.contains("\"layout\":\"full\",\"normalised\":true"))
        #expect(throws: SoapError.invalidRadialCount(0)) { try SoapSettings(nMax: 0, rCut: 6, species: [29]) }
        #expect(throws: SoapError.invalidAngularDegree(21)) { try SoapSettings(lMax: 21, rCut: 6, species: [29]) }
        #expect(throws: SoapError.invalidCutoff(1)) { try SoapSettings(rCut: 1, species: [29]) }
        #expect(throws: SoapError.invalidSigma(0)) { try SoapSettings(rCut: 6, sigma: 0, species: [29]) }
        #expect(throws: SoapError.noSpecies) { try SoapSettings(rCut: 6, species: []) }
        #expect(throws: SoapError.duplicateSpecies(29)) { try SoapSettings(rCut: 6, species: [29, 29]) }
        #expect(throws: SoapError.invalidAtomicNumber(93)) { try SoapSettings(rCut: 6, species: [93]) }
        #expect(throws: SoapError.unknownElement("Xx")) { try SoapSettings(rCut: 6, symbols: ["Xx"]) }
        #expect(SoapElements.atomicNumber(of: "CU") == 29)
        #expect(SoapElements.atomicNumber(of: "u") == 92)
        #expect(SoapElements.symbol(of: 79) == "Au")
    }

    @Test func calculatorRejectsUnknownSpecies() throws {
        let calc = try SoapCalculator(settings: SoapSettings(rCut: 4, symbols: ["Cu"]))
        let frame = soapClusterFrame([SIMD3(0, 0, 0), SIMD3(2, 0, 0)], symbols: ["Cu", "O"])
        #expect(throws: SoapError.speciesNotInSettings(atomIndex: 1, atomicNumber: 8)) { try calc.compute(frame: frame) }
        // O outside the environment is fine.
        #expect(try calc.compute(frame: frame, centres: [0, 1], environment: [0]).rowCount == 2)
        let unknown = soapClusterFrame([SIMD3(0, 0, 0)], symbols: ["1"])
        #expect(throws: SoapError.unknownElement("1")) { try calc.compute(frame: unknown) }
        #expect(throws: SoapError.invalidThreadCount(0)) { try SoapCalculator(settings: calc.settings, threads: 0) }
    }

    /// `Σ_m (r^l Y_lm)² = (2l+1)/(4π) r^{2l}` (addition theorem) up to l = 20, and the
    /// tabulated low-order values.
    @Test func harmonicsAreOrthonormalRealHarmonics() {
        let h = SoapSphericalHarmonics(lMax: 20)
        for p in [SIMD3<Double>(0.3, -1.2, 0.7), SIMD3(1, 0, 0), SIMD3(-0.2, 0.1, -1.9)] {
            let y = h.evaluate(p)
            let r2 = (p * p).sum()
            for l in 0...20 {
                let sum = (-l...l).reduce(0.0) { $0 + y[l * l + l + $1] * y[l * l + l + $1] }
                let expected = Double(2 * l + 1) / (4 * .pi) * pow(r2, Double(l))
                #expect(abs(sum - expected) <= 1e-12 * expected, "l = \(l)")
            }
            #expect(abs(y[0] - 0.28209479177387814) < 1e-15)
            #expect(abs(y[2] - 0.4886025119029199 * p.z) < 1e-14)
            #expect(abs(abs(y[8]) - 0.5462742152960396 * abs(p.x * p.x - p.y * p.y)) < 1e-13)
            #expect(abs(y[6] - 0.31539156525252005 * (3 * p.z * p.z - r2)) < 1e-13)
        }
        let origin = h.evaluate(.zero)
        #expect(origin[0] > 0 && origin.dropFirst().allSatisfy { $0 == 0 })
    }

    /// The Löwdin basis is orthonormal: ∫ g_n g_n′ r² dr = δ (Simpson on [0, 40] Å).
    @Test func radialBasisIsOrthonormal() throws {
        let basis = try SoapRadialBasis(settings: SoapSettings(rCut: 6, species: [29]))
        let steps = 8000, h = 40.0 / Double(steps)
        for l in [0, 4, 8] {
            var gram = [Double](repeating: 0, count: 64)
            for i in 0...steps {
                let r = Double(i) * h
                let w = (i == 0 || i == steps) ? 1.0 : (i % 2 == 1 ? 4.0 : 2.0)
                var g = [Double](repeating: 0, count: 8)
                for n in 0..<8 {
                    for k in 0..<8 {
                        g[n] += basis.betas[(l * 8 + n) * 8 + k] * pow(r, Double(l)) * exp(-basis.alphas[l * 8 + k] * r * r)
                    }
                }
                for a in 0..<8 { for b in 0..<8 { gram[a * 8 + b] += w * h / 3 * g[a] * g[b] * r * r } }
            }
            for a in 0..<8 {
                for b in 0..<8 { #expect(abs(gram[a * 8 + b] - (a == b ? 1 : 0)) < 1e-5, "l \(l) (\(a),\(b))") }
            }
        }
        // dscribe's exponents: α_{l,k} = (ln 1000 + l ln a_k)/a_k², a = linspace(1, 6, 8).
        #expect(abs(basis.alphas[0] - log(1000.0)) < 1e-14)
        let a7 = 6.0
        #expect(abs(basis.alphas[8 * 8 + 7] - (log(1000.0) + 8 * log(a7)) / (a7 * a7)) < 1e-14)
    }
}
