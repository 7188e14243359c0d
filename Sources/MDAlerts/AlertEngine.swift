/// The rare-event rule engine of one run: fed the run's analysed frames in order, it returns the
/// alerts that fire on each (``process(_:)``).
///
/// Semantics, per atom and rule (K = ``AlertRule/persistence``, C = ``AlertRule/cooldown``,
/// R = ``maxAlertsPerFrame``):
/// * **Persistence**: a rule fires on the frame where its state has held exactly K consecutive
///   analysed frames of one stretch (see ``AlertCondition`` for each rule's state), once per streak.
/// * **Stretches**: ``breakSequence()``, or a frame whose analysed index jumps by more than one
///   (lost frames), resets every streak and every "previous label", so nothing spans the gap: a
///   transition across the gap is not seen, and a state entered right after it has no known
///   predecessor.
/// * **Cooldown**: after rule r fires for atom i at analysed index f, r does not fire for i before
///   f + C + 1. Cooldowns are kept across breaks: they are measured in analysed indices, which
///   keep counting over lost frames, so a gap uses up cooldown like the frames it lost. A firing
///   in cooldown is dropped (not deferred).
/// * **Storm control**: when more than R alerts fire on one frame, none is returned individually
///   but one ``AlertKind/storm`` alert with the count per rule and the total (severity: the
///   highest of the rules counted). The alerts it stands for count as fired (their cooldowns start).
/// * **Order**: a frame's alerts come in rule order, then atom order (the frame's centre order).
///
/// Memory: O(atoms × rules) integers, fixed at init, whatever the run's length; ``process(_:)``
/// allocates only its output. A frame that fails validation changes no state.
public struct AlertEngine: Sendable {
    /// The name of storm alerts (reserved: no rule may use it).
    public static let stormRuleName = "storm"
    /// The default R.
    public static let defaultMaxAlertsPerFrame = 50

    public let rules: [AlertRule]
    public let model: AlertModel
    /// Centres per frame.
    public let atomCount: Int
    /// R ≥ 1: the most alerts one frame returns individually.
    public let maxAlertsPerFrame: Int
    /// The run id of the first frame processed (nil before).
    public private(set) var runID: String?
    /// Analysed index of the last frame processed (nil before).
    public private(set) var lastIndex: Int?
    /// Stretches ended, by ``breakSequence()`` or by an index jump.
    public private(set) var breaks = 0

    private static let noLabel: Int32 = -1
    private static let neverFired = Int.min
    /// Streak lengths saturate here (> every K), so they never overflow.
    private let streakCap: Int
    /// Per rule, k values: macro id in FROM / TO (named transitions; empty for other rules).
    private let fromMask: [[Bool]]
    private let toMask: [[Bool]]

    // Per atom (shared by the rules): the previous frame's labels and the current macro run.
    private var previousMacro: [Int32]
    private var previousMicro: [Int32]
    private var runLength: [Int]
    private var runOrigin: [Int32]
    private var runOriginMicro: [Int32]
    private var runFirstMicro: [Int32]
    // Per rule × atom (index r · atomCount + i).
    private var streak: [Int]
    private var streakOrigin: [Int32]
    private var streakOriginMicro: [Int32]
    private var streakFirstMacro: [Int32]
    private var streakFirstMicro: [Int32]
    private var lastFired: [Int]
    /// Per rule: alerts of the current frame.
    private var frameCounts: [Int]

    /// Throws ``AlertError/invalidRule(name:reason:)`` for duplicate or reserved names and
    /// macro ids outside the model, ``AlertError/invalidParameter(name:value:reason:)`` for
    /// `atomCount < 1` or `maxAlertsPerFrame < 1`.
    public init(rules: [AlertRule], model: AlertModel, atomCount: Int, maxAlertsPerFrame: Int = AlertEngine.defaultMaxAlertsPerFrame) throws(AlertError) {
        guard atomCount >= 1 else { throw .invalidParameter(name: "atomCount", value: "\(atomCount)", reason: "must be ≥ 1") }
        guard maxAlertsPerFrame >= 1 else {
            throw .invalidParameter(name: "maxAlertsPerFrame", value: "\(maxAlertsPerFrame)", reason: "must be ≥ 1")
        }
        var names = Set<String>()
        var from: [[Bool]] = [], to: [[Bool]] = []
        let k = model.macroClassCount
        for rule in rules {
            guard rule.name != Self.stormRuleName else { throw .invalidRule(name: rule.name, reason: "the name is reserved for storm alerts") }
            guard names.insert(rule.name).inserted else { throw .invalidRule(name: rule.name, reason: "two rules have this name") }
            if case .namedTransition(let f, let t) = rule.condition {
                if let bad = f.union(t).first(where: { Int($0) >= k }) {
                    throw .invalidRule(name: rule.name, reason: "macro id \(bad) is outside the model's 0..<\(k)")
                }
                from.append((0..<k).map { f.contains(Int32($0)) })
                to.append((0..<k).map { t.contains(Int32($0)) })
            } else {
                from.append([])
                to.append([])
            }
        }
        self.rules = rules
        self.model = model
        self.atomCount = atomCount
        self.maxAlertsPerFrame = maxAlertsPerFrame
        streakCap = (rules.map(\.persistence).max() ?? 1) + 1
        fromMask = from
        toMask = to
        previousMacro = [Int32](repeating: Self.noLabel, count: atomCount)
        previousMicro = previousMacro
        runLength = [Int](repeating: 0, count: atomCount)
        runOrigin = previousMacro
        runOriginMicro = previousMacro
        runFirstMicro = previousMacro
        let cells = rules.count * atomCount
        streak = [Int](repeating: 0, count: cells)
        streakOrigin = [Int32](repeating: Self.noLabel, count: cells)
        streakOriginMicro = streakOrigin
        streakFirstMacro = streakOrigin
        streakFirstMicro = streakOrigin
        lastFired = [Int](repeating: Self.neverFired, count: cells)
        frameCounts = [Int](repeating: 0, count: rules.count)
    }

    /// Ends the stretch (frames were lost): every streak and previous label is forgotten, so no
    /// rule sees a transition or a streak across the gap. Cooldowns are kept (see the type's notes).
    public mutating func breakSequence() {
        for i in 0..<atomCount {
            previousMacro[i] = Self.noLabel
            previousMicro[i] = Self.noLabel
            runLength[i] = 0
            runOrigin[i] = Self.noLabel
        }
        for c in streak.indices {
            streak[c] = 0
            streakOrigin[c] = Self.noLabel
        }
        breaks += 1
    }

    /// Checks the frame, updates every atom's state and returns the alerts that fire on it (rule
    /// order, then atom order; one storm alert when more than ``maxAlertsPerFrame`` fire).
    ///
    /// Throws, changing nothing: ``AlertError/otherRun(expected:got:step:)``,
    /// ``AlertError/indexNotIncreasing(previous:got:step:)``,
    /// ``AlertError/wrongLength(array:expected:got:step:)`` (centreIDs, micro, macro, lens,
    /// novelty: atomCount values; positions: 3 × atomCount),
    /// ``AlertError/labelOutsideModel(array:label:atomIndex:classCount:step:)``.
    public mutating func process(_ frame: AlertFrame) throws(AlertError) -> [Alert] {
        try validate(frame)
        if runID == nil { runID = frame.runID }
        if let last = lastIndex, frame.index > last + 1 { breakSequence() }
        lastIndex = frame.index

        let n = atomCount
        // The macro run of every atom (shared by the transition rules).
        for i in 0..<n where frame.macro[i] == previousMacro[i] {
            runLength[i] = min(runLength[i] + 1, streakCap)
        }
        for i in 0..<n where frame.macro[i] != previousMacro[i] {
            runLength[i] = 1
            runOrigin[i] = previousMacro[i]
            runOriginMicro[i] = previousMicro[i]
            runFirstMicro[i] = frame.micro[i]
        }

        var alerts: [Alert] = []
        var total = 0
        for r in rules.indices {
            frameCounts[r] = 0
            let rule = rules[r]
            let base = r * n
            for i in 0..<n {
                let c = base + i
                var fires = false
                switch rule.condition {
                case .namedTransition:
                    let m = frame.macro[i]
                    if toMask[r][Int(m)] {
                        if streak[c] == 0 {
                            streakOrigin[c] = previousMacro[i]
                            streakOriginMicro[c] = previousMicro[i]
                            streakFirstMacro[c] = m
                            streakFirstMicro[c] = frame.micro[i]
                        }
                        streak[c] = min(streak[c] + 1, streakCap)
                        let origin = streakOrigin[c]
                        fires = streak[c] == rule.persistence && origin >= 0 && fromMask[r][Int(origin)]
                    } else {
                        streak[c] = 0
                    }
                case .rareTransition(let threshold):
                    let origin = runOrigin[i]
                    fires = runLength[i] == rule.persistence && origin >= 0
                        && model.probability(from: origin, to: frame.macro[i]) < threshold
                case .lensBurst(let threshold):
                    fires = advance(cell: c, counts: frame.lens[i] > threshold, persistence: rule.persistence)
                case .novelty(let threshold):
                    fires = advance(cell: c, counts: frame.novelty[i] > threshold, persistence: rule.persistence)
                }
                guard fires else { continue }
                if lastFired[c] != Self.neverFired, frame.index <= lastFired[c] + rule.cooldown { continue }
                lastFired[c] = frame.index
                frameCounts[r] += 1
                total += 1
                if total <= maxAlertsPerFrame { alerts.append(alert(rule: r, atom: i, frame: frame)) }
            }
        }
        for i in 0..<n {
            previousMacro[i] = frame.macro[i]
            previousMicro[i] = frame.micro[i]
        }
        guard total > maxAlertsPerFrame else { return alerts }
        return [stormAlert(total: total, frame: frame)]
    }

    /// One frame of a threshold streak: counts → streak + 1 (fires when it reaches K), else 0.
    private mutating func advance(cell c: Int, counts: Bool, persistence: Int) -> Bool {
        guard counts else {
            streak[c] = 0
            return false
        }
        streak[c] = min(streak[c] + 1, streakCap)
        return streak[c] == persistence
    }

    private func validate(_ frame: AlertFrame) throws(AlertError) {
        if let runID, runID != frame.runID { throw .otherRun(expected: runID, got: frame.runID, step: frame.step) }
        if let last = lastIndex, frame.index <= last { throw .indexNotIncreasing(previous: last, got: frame.index, step: frame.step) }
        let n = atomCount
        func check(_ array: String, _ count: Int) throws(AlertError) {
            if count != n { throw .wrongLength(array: array, expected: n, got: count, step: frame.step) }
        }
        try check("centreIDs", frame.centreIDs.count)
        try check("micro", frame.micro.count)
        try check("macro", frame.macro.count)
        try check("lens", frame.lens.count)
        try check("novelty", frame.novelty.count)
        if let positions = frame.positions, positions.count != 3 * n {
            throw .wrongLength(array: "positions", expected: 3 * n, got: positions.count, step: frame.step)
        }
        let kMicro = model.microClassCount, kMacro = model.macroClassCount
        for i in 0..<n where frame.micro[i] < 0 || Int(frame.micro[i]) >= kMicro {
            throw .labelOutsideModel(array: "micro", label: frame.micro[i], atomIndex: i, classCount: kMicro, step: frame.step)
        }
        for i in 0..<n where frame.macro[i] < 0 || Int(frame.macro[i]) >= kMacro {
            throw .labelOutsideModel(array: "macro", label: frame.macro[i], atomIndex: i, classCount: kMacro, step: frame.step)
        }
    }

    private func alert(rule r: Int, atom i: Int, frame: AlertFrame) -> Alert {
        let rule = rules[r]
        let m = frame.macro[i]
        var a = Alert(rule: rule.name, kind: rule.condition.kind, severity: rule.severity, runID: frame.runID, step: frame.step,
                      time: frame.time, index: frame.index, atomID: frame.centreIDs[i], atomIndex: i,
                      macro: m, micro: frame.micro[i], macroName: model.name(ofMacro: m),
                      lens: frame.lens[i].isNaN ? nil : frame.lens[i], novelty: frame.novelty[i].isNaN ? nil : frame.novelty[i])
        if let p = frame.positions { a.position = SIMD3(p[3 * i], p[3 * i + 1], p[3 * i + 2]) }
        let from: Int32, to: Int32, fromMicro: Int32, toMicro: Int32
        switch rule.condition {
        case .namedTransition:
            let c = r * atomCount + i
            (from, to, fromMicro, toMicro) = (streakOrigin[c], streakFirstMacro[c], streakOriginMicro[c], streakFirstMicro[c])
        case .rareTransition:
            (from, to, fromMicro, toMicro) = (runOrigin[i], m, runOriginMicro[i], runFirstMicro[i])
        case .lensBurst, .novelty:
            return a
        }
        a.fromMacro = from
        a.toMacro = to
        a.fromMicro = fromMicro
        a.toMicro = toMicro
        a.fromName = model.name(ofMacro: from)
        a.toName = model.name(ofMacro: to)
        a.transitionProbability = model.probability(from: from, to: to)
        return a
    }

    private func stormAlert(total: Int, frame: AlertFrame) -> Alert {
        var counts: [AlertStorm.RuleCount] = []
        var severity = AlertSeverity.info
        for r in rules.indices where frameCounts[r] > 0 {
            counts.append(.init(rule: rules[r].name, count: frameCounts[r]))
            severity = max(severity, rules[r].severity)
        }
        return Alert(rule: Self.stormRuleName, kind: .storm, severity: severity, runID: frame.runID, step: frame.step, time: frame.time,
                     index: frame.index, storm: AlertStorm(counts: counts, total: total, limit: maxAlertsPerFrame))
    }
}
