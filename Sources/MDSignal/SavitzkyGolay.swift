/// A Savitzky–Golay smoothing filter equal to SciPy's
/// `scipy.signal.savgol_filter(x, window_length: w, polyorder: p)` with SciPy's defaults
/// (`mode='interp'`, `deriv=0`, `delta=1`), for odd and even windows.
///
/// ## The interior
/// Each interior output is a fixed linear combination of `w` consecutive samples,
///
///     y[k] = Σ_{j=0}^{w-1} c_j · x[k − ⌊(w−1)/2⌋ + j],
///
/// i.e. the window is `[k−(w−1)/2, k+(w−1)/2]` for odd `w` and `[k−w/2+1, k+w/2]` for even `w`.
/// The kernel `c` (``coefficients``, SciPy's `savgol_coeffs(w, p)`) holds the weights of a
/// least-squares polynomial of order `p`, fitted to the window at positions `0 … w−1` and
/// evaluated at its centre `(w−1)/2`. For even `w` that centre lies **between** two samples:
/// output `k` is the fit's value at `k + ½`, not at `k`. For `deriv = 0` the kernel is symmetric,
/// so correlation and convolution order agree.
///
/// ## The edges (`mode='interp'`)
/// The first and the last `h = ⌊w/2⌋` outputs (``edgeRows``) are not filtered. SciPy fits one
/// polynomial of order `p` to the first `w` samples (positions `t = 0 … w−1`) and evaluates it at
/// the **integer** positions `t = 0 … h−1`; likewise a polynomial fitted to the last `w` samples
/// is evaluated at its positions `t = w−h … w−1`, giving outputs `n−h … n−1`. Interior outputs
/// are `k ∈ [h, n−h)`; every one of them is a pure FIR output (no padding). Note the half-sample
/// shift for even `w`: interior outputs sit at `k + ½`, edge outputs at `k`.
///
/// ## Lag
/// Interior output `k` depends on samples up to `k + h`, so a causal implementation emits it
/// ``lagFrames`` `= h` samples after sample `k` arrived (`w/2` for even `w`, `(w−1)/2` for odd).
///
/// ## Numerics
/// All weights are computed here in `Double` from a QR factorisation of the scaled Vandermonde
/// matrix (see `PolynomialFitWeights`); they agree with SciPy's `savgol_coeffs` and
/// `numpy.polyfit` edge fits to about 1e-15 relative. Non-finite inputs propagate to every
/// output whose window contains them.
public struct SavitzkyGolay: Sendable, Equatable {
    /// Window length `w` (samples, ≥ 1).
    public let window: Int
    /// Polynomial order `p` (`0 ≤ p < w`).
    public let polyorder: Int
    /// SciPy's `savgol_coeffs(w, p)`, in the order of the interior formula: `coefficients[j]`
    /// multiplies `x[k − ⌊(w−1)/2⌋ + j]`.
    public let coefficients: [Double]
    /// Head fit weights, row-major `edgeRows × w`: `y[i] = Σ_j head[i·w + j] · x[j]`.
    let headWeights: [Double]
    /// Tail fit weights, row-major `edgeRows × w`: `y[n−h+i] = Σ_j tail[i·w + j] · x[n−w+j]`.
    let tailWeights: [Double]

    /// Creates the filter.
    /// - Throws: ``SignalError/invalidWindow(window:)`` if `window < 1`;
    ///   ``SignalError/invalidPolyorder(polyorder:window:)`` unless `0 ≤ polyorder < window`.
    public init(window: Int, polyorder: Int) throws(SignalError) {
        guard window >= 1 else { throw .invalidWindow(window: window) }
        guard polyorder >= 0, polyorder < window else {
            throw .invalidPolyorder(polyorder: polyorder, window: window)
        }
        self.window = window
        self.polyorder = polyorder
        let fit = PolynomialFitWeights(window: window, polyorder: polyorder)
        coefficients = fit.weights(at: Double(window - 1) / 2)
        let h = window / 2
        var head: [Double] = []
        var tail: [Double] = []
        head.reserveCapacity(h * window)
        tail.reserveCapacity(h * window)
        for i in 0..<h {
            head += fit.weights(at: Double(i))
            tail += fit.weights(at: Double(window - h + i))
        }
        headWeights = head
        tailWeights = tail
    }

    /// Samples between the arrival of sample `k` and the moment its interior output `y[k]` can be
    /// computed: `⌊w/2⌋` (`w/2` for even `w`, `(w−1)/2` for odd `w`). Head outputs (the first
    /// ``edgeRows``) become final when sample `w−1` arrives; tail outputs only at the end of the
    /// series.
    public var lagFrames: Int { window / 2 }

    /// Number of outputs at each end that come from the `interp` edge fit, `⌊w/2⌋`.
    public var edgeRows: Int { window / 2 }

    /// Smooths one series; equals `scipy.signal.savgol_filter(x, w, p)` (mode `interp`).
    /// - Throws: ``SignalError/seriesTooShort(length:window:)`` if `x.count < w` (SciPy raises
    ///   for `mode='interp'` too).
    public func filter(_ x: [Double]) throws(SignalError) -> [Double] {
        let n = x.count
        let w = window
        guard n >= w else { throw .seriesTooShort(length: n, window: w) }
        let h = w / 2
        let back = (w - 1) / 2
        var y = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xs in
            y.withUnsafeMutableBufferPointer { ys in
                coefficients.withUnsafeBufferPointer { c in
                    for k in h..<(n - h) {
                        let start = k - back
                        var s = 0.0
                        for j in 0..<w { s += c[j] * xs[start + j] }
                        ys[k] = s
                    }
                }
                headWeights.withUnsafeBufferPointer { hw in
                    tailWeights.withUnsafeBufferPointer { tw in
                        for i in 0..<h {
                            var sHead = 0.0
                            var sTail = 0.0
                            for j in 0..<w {
                                sHead += hw[i * w + j] * xs[j]
                                sTail += tw[i * w + j] * xs[n - w + j]
                            }
                            ys[i] = sHead
                            ys[n - h + i] = sTail
                        }
                    }
                }
            }
        }
        return y
    }
}
