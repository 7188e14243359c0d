/// What a `soaplens fit` run found: sizes, the model, populations and the macro transition
/// matrix, for the command's printed report and for tests.
public struct FitSummary: Sendable {
    public var framesRead = 0
    public var analysedFrames = 0
    public var centres = 0
    /// Analysed rows (analysed frames × centres) and numbers per row.
    public var rows = 0
    public var width = 0
    /// PCA components kept and the cumulative explained-variance ratio (0 in LENS-only mode).
    public var components = 0
    public var explainedVariance = 0.0
    /// `kmeans`, `gmm` or `lens_classes`.
    public var method = ""
    public var microCount = 0
    public var macroCount = 0
    public var microToMacro: [Int] = []
    /// Analysed rows per micro and per macro cluster.
    public var microPopulations: [Int] = []
    public var macroPopulations: [Int] = []
    /// Macro transition counts and row-normalised probabilities (macroCount² row-major).
    public var macroCounts: [Int] = []
    public var macroProbabilities: [Double] = []
    public var macroNames: [String] = []
    /// The frame spacing measured in the input, ps (nil when frames carry no time).
    public var measuredIntervalPS: Double?
    public var modelID = ""
    public var warnings: [String] = []
    public var seconds = 0.0

    /// The report printed after a fit: populations (count and %) and the macro transition
    /// matrix in % (100·P, as the study's figures), one line per row.
    public var reportText: String {
        var lines: [String] = []
        let total = max(rows, 1)
        func percent(_ x: Double) -> String { Report.fixed(100 * x, 2) }
        lines.append("micro clusters (\(microCount), \(method)): rows, share, macro")
        for (c, n) in microPopulations.enumerated() {
            lines.append("  \(c): \(n) rows  \(percent(Double(n) / Double(total))) %  → macro \(microToMacro[c])")
        }
        lines.append("macro clusters (\(macroCount)): rows, share, name")
        for (c, n) in macroPopulations.enumerated() {
            lines.append("  \(c): \(n) rows  \(percent(Double(n) / Double(total))) %  \(macroNames[c])")
        }
        lines.append("macro transition probabilities, % (row: from, column: to)")
        let header = (0..<macroCount).map { "\($0)".leftPadded(8) }.joined()
        lines.append("      " + header)
        for a in 0..<macroCount {
            let row = (0..<macroCount).map { percent(macroProbabilities[a * macroCount + $0]).leftPadded(8) }.joined()
            lines.append("  \("\(a)".leftPadded(2))  " + row)
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// Right-aligned in `width` characters.
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
