import MDAlerts

extension AlertFrame {
    /// The alert engine's view of an analysed frame of the online daemon (the same labels,
    /// LENS, novelty and centre positions, in the run's centre order).
    init(_ f: OnlineFrame) {
        self.init(
            runID: f.runID, step: f.step, time: f.time, index: f.index, centreIDs: f.centreIDs, micro: f.micro, macro: f.macro,
            lens: f.lens, novelty: f.novelty, positions: f.positions)
    }
}

extension AlertModel {
    /// What the rules read of a fitted model: its micro cluster count, the fitted macro
    /// transition probabilities (rare-transition rule) and the macro names in use.
    init(_ model: FittedModel, macroNames: [String]) throws {
        try self.init(microClassCount: model.clustering.classCount, macroProbabilities: model.macroTransitions.probabilities, macroNames: macroNames)
    }
}
