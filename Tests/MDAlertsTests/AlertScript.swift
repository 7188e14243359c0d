import MDAlerts

/// Scripted runs for the rule tests: per-atom sequences turned into analysed frames, a small
/// fitted model, and a compact form of alert lists.
///
/// The model: 3 macro clusters named terrace, edge, adatom, with fitted probabilities
///
///     from \ to   terrace  edge  adatom
///     terrace       0.90   0.09   0.01
///     edge          0.10   0.85   0.05
///     adatom        0.30   0.20   0.50
///
/// Frame f has step 1000 f, time f ps; atom i has id 101 + i; micro label = macro + 10 unless given.
enum Script {
    static let runID = "cu211-run"
    static let probabilities: [Double] = [0.90, 0.09, 0.01,
                                          0.10, 0.85, 0.05,
                                          0.30, 0.20, 0.50]
    static let names = ["terrace", "edge", "adatom"]

    static func model() throws -> AlertModel {
        try AlertModel(microClassCount: 20, macroProbabilities: probabilities, macroNames: names)
    }

    static func engine(_ rules: [AlertRule], atoms: Int, maxAlertsPerFrame: Int = 50) throws -> AlertEngine {
        try AlertEngine(rules: rules, model: model(), atomCount: atoms, maxAlertsPerFrame: maxAlertsPerFrame)
    }

    /// One frame; lens defaults to 0.1 and novelty to 0.5 for every atom.
    static func frame(_ index: Int, macro: [Int32], micro: [Int32]? = nil, lens: [Double]? = nil, novelty: [Double]? = nil,
                      positions: [Double]? = nil) -> AlertFrame {
        let n = macro.count
        return AlertFrame(runID: runID, step: Int64(1000 * index), time: Double(index), index: index,
                          centreIDs: (0..<n).map { Int64(101 + $0) }, micro: micro ?? macro.map { $0 + 10 }, macro: macro,
                          lens: lens ?? [Double](repeating: 0.1, count: n), novelty: novelty ?? [Double](repeating: 0.5, count: n),
                          positions: positions)
    }

    /// Frames at `indices` (default 0, 1, 2, …) from per-atom sequences (`macro[i][f]`: atom i on frame f).
    static func frames(macro: [[Int32]], lens: [[Double]]? = nil, novelty: [[Double]]? = nil, indices: [Int]? = nil) -> [AlertFrame] {
        let count = macro[0].count
        let indices = indices ?? Array(0..<count)
        return (0..<count).map { f in
            frame(indices[f], macro: macro.map { $0[f] }, lens: lens.map { $0.map { $0[f] } }, novelty: novelty.map { $0.map { $0[f] } })
        }
    }

    /// Sequences with one constant macro label (0) for lens / novelty scripts.
    static func frames(atoms: Int, lens: [[Double]]? = nil, novelty: [[Double]]? = nil, indices: [Int]? = nil) -> [AlertFrame] {
        let count = (lens ?? novelty)![0].count
        return frames(macro: [[Int32]](repeating: [Int32](repeating: 0, count: count), count: atoms), lens: lens, novelty: novelty, indices: indices)
    }

    /// Every alert of the frames, in order.
    static func run(_ engine: inout AlertEngine, _ frames: [AlertFrame]) throws -> [Alert] {
        var all: [Alert] = []
        for frame in frames { all += try engine.process(frame) }
        return all
    }

    /// "rule@index#atom" per alert ("storm@index" for storms).
    static func brief(_ alerts: [Alert]) -> [String] {
        alerts.map { a in a.atomIndex.map { "\(a.rule)@\(a.index)#\($0)" } ?? "\(a.rule)@\(a.index)" }
    }
}
