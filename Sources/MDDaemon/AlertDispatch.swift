import Foundation
import Logging
import MDAlerts
import MDConfiguration
import MDIngest

/// The daemon's alerting: one ``AlertEngine`` per run over its analysed frames, the run's
/// consecutive `alert_seq`, the journal (written before sending), the `alert.<rule>` and `stats`
/// messages on the alert socket, and the counts for the summary. Runs on the ingest thread;
/// never throws per frame (a failure is logged and counted, the analysis goes on).
final class AlertDispatch {
    /// Random per daemon process: `alert_seq` counts per (daemon id, run id).
    let daemonID: String
    let configured: SystemConfiguration.Rules
    let statsEvery: Int
    private let publisher: TopicPublisher?
    private let journal: AlertJournal?
    private let logger: Logger
    /// The rules resolved against the model's macro names (nil until a model is known).
    private(set) var rules: [AlertRule]?
    private var alertModel: AlertModel?
    private var runs: [String: RunState] = [:]
    private var finished: [DaemonSummary.AlertRunCounts] = []
    private var failures = 0

    private struct RunState {
        var engine: AlertEngine?
        var seq: UInt64 = 0
        var firstSequence: UInt64?
        var analysed = 0
        var last: OnlineFrame?
        var perRule: [String: Int] = [:]
        var statsSent = 0
    }

    init(rules: SystemConfiguration.Rules, statsEvery: Int, publisher: TopicPublisher?, journal: AlertJournal?, logger: Logger, daemonID: String = AlertDispatch.newDaemonID()) {
        configured = rules
        self.statsEvery = statsEvery
        self.publisher = publisher
        self.journal = journal
        self.logger = logger
        self.daemonID = daemonID
    }

    /// 16 random hex digits.
    static func newDaemonID() -> String {
        var g = SystemRandomNumberGenerator()
        return String(format: "%016llx", g.next() as UInt64)
    }

    /// Resolves the configured rules against the model (macro names or ids → ids). Throws with
    /// the names in use when a rule names a cluster the model does not have.
    func prepare(model: FittedModel, macroNames: [String]) throws {
        var out: [AlertRule] = []
        for rule in configured.rules {
            let condition: AlertCondition
            switch rule.kind {
            case .transition:
                condition = .namedTransition(
                    from: try Self.resolve(rule.from, rule: rule.name, names: macroNames),
                    to: try Self.resolve(rule.to, rule: rule.name, names: macroNames))
            case .rareTransition: condition = .rareTransition(threshold: rule.threshold!)
            case .lensBurst: condition = .lensBurst(threshold: rule.threshold!)
            case .novelty: condition = .novelty(threshold: rule.threshold!)
            }
            out.append(try AlertRule(name: rule.name, severity: rule.severity, condition: condition, persistence: rule.persistence, cooldown: rule.cooldown))
        }
        alertModel = try AlertModel(model, macroNames: macroNames)
        rules = out
    }

    private static func resolve(_ refs: [SystemConfiguration.MacroReference], rule: String, names: [String]) throws -> Set<Int32> {
        var ids = Set<Int32>()
        for ref in refs {
            switch ref {
            case .id(let i):
                guard i < names.count else {
                    throw StageError("rule \(rule): macro cluster \(i) does not exist; the model has \(names.count) (0–\(names.count - 1): \(names.joined(separator: ", ")))")
                }
                ids.insert(Int32(i))
            case .name(let n):
                let matches = names.indices.filter { names[$0] == n }
                guard !matches.isEmpty else {
                    throw StageError("rule \(rule): no macro cluster is named \"\(n)\"; the names in use are " + names.enumerated().map { "\($0.offset) = \"\($0.element)\"" }.joined(separator: ", ") + " (name them in [macro] names)")
                }
                for m in matches { ids.insert(Int32(m)) }
            }
        }
        return ids
    }

    /// A frame of `run` arrived (before its analysis): records where this daemon's view begins.
    func noteFrame(run: String, sequence: UInt64) {
        if runs[run]?.firstSequence == nil { runs[run, default: RunState()].firstSequence = sequence }
    }

    /// One analysed frame: rules, journal, messages, and a stats message every `statsEvery`.
    func process(_ f: OnlineFrame, analysis: OnlineAnalysis) {
        var state = runs[f.runID] ?? RunState()
        defer { runs[f.runID] = state }
        state.analysed += 1
        state.last = f
        if rules == nil, let model = analysis.model {
            // A bootstrap has just learnt the model: resolve the rules now.
            do {
                try prepare(model: model, macroNames: analysis.macroNames)
            } catch {
                rules = []
                logger.critical("alert rules do not fit the learnt model: no rule is in force", metadata: ["error": "\(error)"])
            }
        }
        if let rules, let alertModel, !rules.isEmpty {
            do {
                if state.engine == nil {
                    state.engine = try AlertEngine(rules: rules, model: alertModel, atomCount: f.centreIDs.count, maxAlertsPerFrame: configured.maxAlertsPerFrame)
                }
                let alerts = try state.engine!.process(AlertFrame(f))
                var bodies: [(topic: String, body: Data)] = []
                for alert in alerts {
                    state.seq += 1
                    state.perRule[alert.rule, default: 0] += 1
                    let message = AlertMessage(
                        alert: alert, alertSeq: state.seq, frameSequence: f.sequence, lagFrames: f.lagFrames, lagPS: f.lagPS,
                        modelID: analysis.modelID ?? "", daemonID: daemonID)
                    bodies.append((message.topic, try message.json()))
                    logger.notice("alert", metadata: [
                        "rule": "\(alert.rule)", "run": "\(f.runID)", "seq": "\(state.seq)", "step": "\(alert.step)",
                        "atom": "\(alert.atomID.map(String.init) ?? "-")", "severity": "\(alert.severity.rawValue)"])
                }
                try journal?.append(bodies.map(\.body))
                for b in bodies { try publisher?.send(topic: b.topic, body: [UInt8](b.body)) }
            } catch {
                failures += 1
                logger.error("alerts failed for this frame", metadata: ["run": "\(f.runID)", "step": "\(f.step)", "error": "\(error)"])
            }
        }
        if statsEvery > 0, state.analysed % statsEvery == 0 { sendStats(run: f.runID, state: &state, final: false, analysis: analysis) }
    }

    /// The run ended: its final stats message and its counts.
    func endRun(_ run: String, analysis: OnlineAnalysis) {
        guard var state = runs.removeValue(forKey: run) else { return }
        if state.last != nil { sendStats(run: run, state: &state, final: true, analysis: analysis) }
        finished.append(counts(run, state))
    }

    /// The daemon stops: every open run ends.
    func finishAll(analysis: OnlineAnalysis) {
        for run in runs.keys.sorted() { endRun(run, analysis: analysis) }
    }

    private func sendStats(run: String, state: inout RunState, final: Bool, analysis: OnlineAnalysis) {
        guard let publisher, let f = state.last else { return }
        let m = f.macroPopulations.count
        let counts = (0..<m).map { Array(f.macroTransitionCounts[($0 * m)..<($0 * m + m)]) }
        let message = StatsMessage(
            daemonID: daemonID, runID: run, isFinal: final, frameSequence: f.sequence, step: f.step, time: f.time,
            firstFrameSequence: state.firstSequence, analysedFrames: state.analysed, breaks: state.engine?.breaks ?? 0,
            alertsPublished: state.seq, macroNames: analysis.macroNames, macroPopulations: f.macroPopulations,
            macroTransitionCounts: counts, modelID: analysis.modelID ?? "")
        do {
            try publisher.send(topic: StatsMessage.topic, body: [UInt8](try message.json()))
            state.statsSent += 1
        } catch {
            failures += 1
            logger.error("stats message failed", metadata: ["run": "\(run)", "error": "\(error)"])
        }
    }

    private func counts(_ run: String, _ s: RunState) -> DaemonSummary.AlertRunCounts {
        DaemonSummary.AlertRunCounts(run_id: run, alerts_published: s.seq, per_rule: s.perRule, stats_sent: s.statsSent, first_frame_seq: s.firstSequence)
    }

    /// The summary's alert section.
    var summary: DaemonSummary.AlertCounts {
        DaemonSummary.AlertCounts(
            daemon_id: daemonID, endpoint: publisher?.endpoint, journal: journal?.path, rules: (rules ?? []).map(\.name),
            configured_rules: configured.rules.map(\.name), sent: publisher?.sent ?? 0, dropped: publisher?.dropped ?? 0,
            subscribers: publisher.map { UInt64($0.subscriptions(covering: "alert.")) } ?? 0, failures: failures,
            runs: finished + runs.keys.sorted().map { counts($0, runs[$0]!) })
    }
}
