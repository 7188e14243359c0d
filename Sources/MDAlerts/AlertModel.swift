/// What the alert engine needs of the fitted model: the micro and macro class counts (to check
/// a frame's labels), the fitted macro transition probabilities (for the rare-transition rule
/// and the probability every transition alert carries) and the macro names.
public struct AlertModel: Sendable, Equatable {
    /// Micro clusters k_micro: micro labels must be in 0..<microClassCount.
    public let microClassCount: Int
    /// Macro clusters k: macro labels must be in 0..<macroClassCount.
    public let macroClassCount: Int
    /// The fitted macro matrix's row-normalised probabilities P[a, b] (a → b between consecutive
    /// analysed frames), k × k row-major (MDLearning `TransitionMatrix.probabilities`).
    public let macroProbabilities: [Double]
    /// A name per macro id (the configuration's), or empty: alerts then carry no names.
    public let macroNames: [String]

    /// Throws ``AlertError/invalidParameter(name:value:reason:)`` for class counts < 1, a matrix
    /// that is not k × k or has a value outside [0, 1], or a name list of another length than k.
    public init(microClassCount: Int, macroProbabilities: [Double], macroNames: [String] = []) throws(AlertError) {
        guard microClassCount >= 1 else {
            throw .invalidParameter(name: "microClassCount", value: "\(microClassCount)", reason: "must be ≥ 1")
        }
        var k = 0
        while k * k < macroProbabilities.count { k += 1 }
        guard k >= 1, k * k == macroProbabilities.count else {
            throw .invalidParameter(name: "macroProbabilities", value: "\(macroProbabilities.count) values", reason: "must be k × k with k ≥ 1")
        }
        if let bad = macroProbabilities.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw .invalidParameter(name: "macroProbabilities[\(bad)]", value: "\(macroProbabilities[bad])", reason: "a probability must be in [0, 1]")
        }
        guard macroNames.isEmpty || macroNames.count == k else {
            throw .invalidParameter(name: "macroNames", value: "\(macroNames.count) names", reason: "need one per macro cluster (\(k)) or none")
        }
        self.microClassCount = microClassCount
        macroClassCount = k
        self.macroProbabilities = macroProbabilities
        self.macroNames = macroNames
    }

    /// P[a, b] of the fitted macro matrix.
    public func probability(from a: Int32, to b: Int32) -> Double {
        macroProbabilities[Int(a) * macroClassCount + Int(b)]
    }

    /// The name of macro cluster `id`, nil without names.
    public func name(ofMacro id: Int32) -> String? {
        macroNames.isEmpty ? nil : macroNames[Int(id)]
    }
}
