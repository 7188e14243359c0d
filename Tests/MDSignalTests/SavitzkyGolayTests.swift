import MDSignal
import Testing
import TestSupport

@Suite("SavitzkyGolay (batch)")
struct SavitzkyGolayTests {
    @Test("kernels equal shared/reference/savgol_coeffs.json (w=20, 100; p=2) to 1e-12")
    func referenceKernels() throws {
        let reference = try SavgolFixtures.referenceKernels()
        #expect(Set(reference.coeffs.keys) == ["20", "100"])
        for (key, expected) in reference.coeffs {
            let w = try #require(Int(key))
            let sg = try SavitzkyGolay(window: w, polyorder: 2)
            #expect(sg.coefficients.count == w)
            #expect(maxAbsDifference(sg.coefficients, expected) <= 1e-12, "w=\(w)")
        }
    }

    @Test("kernels equal scipy savgol_coeffs for every fixture (w, p) to 1e-12")
    func fixtureKernels() throws {
        #expect(SavgolFixtures.index.coefficients.count >= 14)
        for kernel in SavgolFixtures.index.coefficients {
            let sg = try SavitzkyGolay(window: kernel.window, polyorder: kernel.polyorder)
            #expect(maxAbsDifference(sg.coefficients, kernel.values) <= 1e-12,
                    "w=\(kernel.window) p=\(kernel.polyorder)")
            // A smoothing kernel sums to 1 (it reproduces constants).
            #expect(abs(sg.coefficients.reduce(0, +) - 1) <= 1e-13)
        }
    }

    @Test("filter equals scipy savgol_filter (mode interp) to 1e-10 relative to max|x|",
          arguments: SavgolFixtures.cases)
    func batchMatchesScipy(_ c: SavgolFixtures.Case) throws {
        let sg = try SavitzkyGolay(window: c.window, polyorder: c.polyorder)
        for s in 0..<c.series {
            let x = SavgolFixtures.input(c, series: s)
            let y = try sg.filter(x)
            let expected = SavgolFixtures.expected(c, series: s)
            let err = maxAbsDifference(y, expected) / maxMagnitude(x)
            #expect(err <= 1e-10, "\(c.name) series \(s): relative error \(err)")
        }
    }

    @Test("lag and edge rows are floor(w/2)")
    func lag() throws {
        for (w, lag) in [(1, 0), (2, 1), (3, 1), (4, 2), (5, 2), (7, 3), (20, 10), (21, 10), (100, 50)] {
            let sg = try SavitzkyGolay(window: w, polyorder: 0)
            #expect(sg.lagFrames == lag, "w=\(w)")
            #expect(sg.edgeRows == lag, "w=\(w)")
        }
    }

    @Test("impulse response: interior window is [k-w/2+1, k+w/2] for even w, [k-(w-1)/2, k+(w-1)/2] for odd w")
    func impulseWindow() throws {
        for (w, p) in [(4, 2), (20, 2), (5, 2), (7, 3)] {
            let sg = try SavitzkyGolay(window: w, polyorder: p)
            let n = 4 * w + 3
            let m = 2 * w
            var x = [Double](repeating: 0, count: n)
            x[m] = 1
            let y = try sg.filter(x)
            let back = (w - 1) / 2
            let ahead = w / 2
            for k in w..<(n - w) {
                // Output k sees sample m iff k − back ≤ m ≤ k + ahead, with weight c[m − k + back].
                let expected = (k - back...k + ahead).contains(m) ? sg.coefficients[m - k + back] : 0
                #expect(y[k] == expected, "w=\(w) k=\(k)")
            }
        }
    }

    @Test("polynomials of order ≤ p are reproduced: even w at k+1/2 in the interior, at k on the edges")
    func polynomialReproduction() throws {
        for (w, p) in [(2, 1), (4, 2), (5, 2), (7, 3), (20, 2), (20, 3), (21, 3), (100, 2), (100, 3)] {
            let sg = try SavitzkyGolay(window: w, polyorder: p)
            let poly: (Double) -> Double = { t in
                let u = t / 10
                return p >= 3 ? 0.7 - 0.3 * u + 0.2 * u * u - 0.05 * u * u * u : 0.7 - 0.3 * u + (p >= 2 ? 0.2 * u * u : 0)
            }
            let n = 2 * w + 5
            let x = (0..<n).map { poly(Double($0)) }
            let y = try sg.filter(x)
            let h = w / 2
            let shift = w % 2 == 0 ? 0.5 : 0
            let scale = maxMagnitude(x)
            for k in 0..<n {
                let isEdge = k < h || k >= n - h
                let expected = poly(Double(k) + (isEdge ? 0 : shift))
                #expect(abs(y[k] - expected) <= 1e-11 * scale, "w=\(w) p=\(p) k=\(k): \(y[k]) vs \(expected)")
            }
        }
    }

    @Test("polyorder w-1 interpolates: the filter is the identity (odd w)")
    func identityWhenInterpolating() throws {
        let sg = try SavitzkyGolay(window: 5, polyorder: 4)
        var rng = SplitMix64(state: 7)
        let x = (0..<40).map { _ in Double.random(in: -1...1, using: &rng) }
        #expect(maxAbsDifference(try sg.filter(x), x) <= 1e-13)
    }

    @Test("window 1 is the identity")
    func windowOne() throws {
        let sg = try SavitzkyGolay(window: 1, polyorder: 0)
        #expect(sg.coefficients == [1])
        #expect(try sg.filter([3, -1, 2]) == [3, -1, 2])
    }

    @Test("invalid parameters and short series throw")
    func errors() throws {
        #expect(throws: SignalError.invalidWindow(window: 0)) { try SavitzkyGolay(window: 0, polyorder: 0) }
        #expect(throws: SignalError.invalidWindow(window: -3)) { try SavitzkyGolay(window: -3, polyorder: 0) }
        #expect(throws: SignalError.invalidPolyorder(polyorder: 5, window: 5)) { try SavitzkyGolay(window: 5, polyorder: 5) }
        #expect(throws: SignalError.invalidPolyorder(polyorder: -1, window: 5)) { try SavitzkyGolay(window: 5, polyorder: -1) }
        let sg = try SavitzkyGolay(window: 20, polyorder: 2)
        #expect(throws: SignalError.seriesTooShort(length: 19, window: 20)) { try sg.filter([Double](repeating: 0, count: 19)) }
        #expect(throws: SignalError.seriesTooShort(length: 0, window: 20)) { try sg.filter([]) }
        #expect(throws: SignalError.seriesTooShort(length: 0, window: 1)) { try SavitzkyGolay(window: 1, polyorder: 0).filter([]) }
        #expect(try sg.filter([Double](repeating: 0.25, count: 20)).allSatisfy { abs($0 - 0.25) <= 1e-15 })
        #expect(SignalError.seriesTooShort(length: 3, window: 20).code == "series-too-short")
    }

    @Test("non-finite input propagates only to outputs whose window [k-1, k+2] (w=4) contains it")
    func nonFinite() throws {
        let sg = try SavitzkyGolay(window: 4, polyorder: 2)
        var x = [Double](repeating: 1, count: 20)
        x[10] = .nan
        let y = try sg.filter(x)
        for k in 0..<20 {
            #expect(y[k].isNaN == (8...11).contains(k), "k=\(k)")
        }
    }
}
