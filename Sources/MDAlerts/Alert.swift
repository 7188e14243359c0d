/// One alert, as the publisher will serialise it: which rule fired, for which atom, on which
/// analysed frame, and the values that made it fire. Fields that do not apply to the rule's
/// kind are nil (a storm alert has no atom; LENS and novelty alerts have no from / to).
public struct Alert: Sendable, Equatable {
    /// The rule's name (`"storm"` for a storm alert).
    public var rule: String
    public var kind: AlertKind
    public var severity: AlertSeverity
    public var runID: String
    /// MD step and time (ps) of the analysed frame the alert fired on.
    public var step: Int64
    public var time: Double?
    /// Analysed index of that frame.
    public var index: Int
    /// The atom's id and its index among the frame's centres.
    public var atomID: Int64?
    public var atomIndex: Int?
    /// The atom's position on this frame, Å (when the frame carries positions).
    public var position: SIMD3<Double>?
    /// The atom's macro and micro cluster on this frame.
    public var macro: Int32?
    public var micro: Int32?
    /// Transitions: the macro cluster before and after the transition, and the micro clusters
    /// of those two frames (the last frame before the new state, the first frame in it).
    public var fromMacro: Int32?
    public var toMacro: Int32?
    public var fromMicro: Int32?
    public var toMicro: Int32?
    /// Names of ``fromMacro``, ``toMacro`` and ``macro``, when the model has names.
    public var fromName: String?
    public var toName: String?
    public var macroName: String?
    /// The atom's smoothed LENS δ on this frame (NaN given → nil).
    public var lens: Double?
    /// Transitions: P[from, to] of the fitted macro matrix.
    public var transitionProbability: Double?
    /// The atom's novelty on this frame (unknown → nil).
    public var novelty: Double?
    /// Storm alerts: the counts it stands for.
    public var storm: AlertStorm?

    public init(rule: String, kind: AlertKind, severity: AlertSeverity, runID: String, step: Int64, time: Double?, index: Int,
                atomID: Int64? = nil, atomIndex: Int? = nil, position: SIMD3<Double>? = nil, macro: Int32? = nil, micro: Int32? = nil,
                fromMacro: Int32? = nil, toMacro: Int32? = nil, fromMicro: Int32? = nil, toMicro: Int32? = nil,
                fromName: String? = nil, toName: String? = nil, macroName: String? = nil,
                lens: Double? = nil, transitionProbability: Double? = nil, novelty: Double? = nil, storm: AlertStorm? = nil) {
        self.rule = rule
        self.kind = kind
        self.severity = severity
        self.runID = runID
        self.step = step
        self.time = time
        self.index = index
        self.atomID = atomID
        self.atomIndex = atomIndex
        self.position = position
        self.macro = macro
        self.micro = micro
        self.fromMacro = fromMacro
        self.toMacro = toMacro
        self.fromMicro = fromMicro
        self.toMicro = toMicro
        self.fromName = fromName
        self.toName = toName
        self.macroName = macroName
        self.lens = lens
        self.transitionProbability = transitionProbability
        self.novelty = novelty
        self.storm = storm
    }
}
