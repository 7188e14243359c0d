import MDCore
import MDWire

/// The stateful half of ingest, free of sockets: follows runs (segments), detects gaps and
/// out-of-order frames from sequence numbers, enforces a fixed atom set per run, and decides
/// what reaches the analysis.
///
/// Rules (also in `docs/wire-protocol.md`):
/// - A frame whose run id was never seen starts the run implicitly (its `segment-start` may
///   have been lost under PUB/SUB).
/// - `seq` above the next expected counts the skipped numbers as gaps; `seq` below it counts
///   as out-of-order and the frame is dropped (analyses need frames in time order).
/// - The atom set of a run is its first frame's set of ids. A frame with another set is
///   rejected (`atom-set-changed`); a publisher whose atoms change must start a new run.
/// - Frames of a run that has ended are rejected (`after-end`).
/// Frames are delivered with their atoms sorted by id, so that every frame of a run has the
/// same atom order whatever order the publisher used.
public struct SegmentTracker: Sendable {
    /// What to do with one decoded message.
    public enum Decision: Sendable {
        /// A new run begins (announced or implicit) before this frame or control message.
        case segmentStart(RunRecord, implicit: Bool)
        /// Deliver this frame; `gapBefore` frames were lost just before it.
        case frame(Frame, gapBefore: UInt64)
        /// The run ended; the record has the final counts.
        case segmentEnd(RunRecord)
        /// Rejected with a reason code and message.
        case rejected(code: String, message: String)
    }

    /// Most runs remembered at once (oldest forgotten first).
    public var maximumRuns = 64
    private(set) public var runs: [String: RunRecord] = [:]
    private var runOrder: [String] = []
    private var atomSets: [String: [Int64]] = [:]
    /// Per run: the last frame's ids in arrival order and the permutation that sorted them,
    /// so that a publisher sending the same order every frame (the usual case) costs a
    /// comparison and a gather instead of a sort.
    private var orderCache: [String: (ids: [Int64], order: [Int]?)] = [:]

    public init() {}

    /// All runs seen, oldest first (up to ``maximumRuns``).
    public var orderedRuns: [RunRecord] { runOrder.compactMap { runs[$0] } }

    /// Handles a decoded message; returns what to emit, in order.
    public mutating func handle(_ message: WireMessage) -> [Decision] {
        switch message {
        case let .control(c): return handle(control: c)
        case let .frame(f): return handle(frame: f)
        }
    }

    /// Counts a rejection whose header named a run (the run's record is updated).
    public mutating func noteRejected(runID: String?) {
        if let runID, runs[runID] != nil { runs[runID]!.rejected += 1 }
    }

    private mutating func handle(control c: ControlMessage) -> [Decision] {
        switch c.kind {
        case .segmentStart:
            if let existing = runs[c.runID] {
                if existing.frames > 0 || existing.ended {
                    return [.rejected(code: "run-reused", message: "segment-start for run \(c.runID), which already has frames; a new segment needs a new run id")]
                }
                runs[c.runID]!.announced = true
                runs[c.runID]!.source = c.source
                return []
            }
            var r = RunRecord(runID: c.runID)
            r.announced = true
            r.source = c.source
            insert(r)
            return [.segmentStart(r, implicit: false)]
        case .end:
            var out: [Decision] = []
            if runs[c.runID] == nil {
                var r = RunRecord(runID: c.runID)
                r.announced = false
                insert(r)
                out.append(.segmentStart(r, implicit: true))
            }
            var r = runs[c.runID]!
            if r.ended {
                return out + [.rejected(code: "after-end", message: "second end message for run \(c.runID)")]
            }
            r.ended = true
            r.expectedFrames = c.frames
            if let expected = c.frames, expected > r.nextSequence {
                r.gaps += expected - r.nextSequence  // trailing frames lost
            }
            runs[c.runID] = r
            atomSets[c.runID] = nil
            orderCache[c.runID] = nil
            return out + [.segmentEnd(r)]
        }
    }

    private mutating func handle(frame input: Frame) -> [Decision] {
        var out: [Decision] = []
        let id = input.runID
        if runs[id] == nil {
            insert(RunRecord(runID: id))
            out.append(.segmentStart(runs[id]!, implicit: true))
        }
        var r = runs[id]!
        if r.ended {
            r.rejected += 1
            runs[id] = r
            return out + [.rejected(code: "after-end", message: "run \(id) seq \(input.sequence): frame after the run's end message")]
        }
        if input.sequence < r.nextSequence {
            r.outOfOrder += 1
            runs[id] = r
            return out + [.rejected(code: "out-of-order", message: "run \(id) seq \(input.sequence): expected seq ≥ \(r.nextSequence) (repeated or late frame)")]
        }
        let frame: Frame
        if let cached = orderCache[id], cached.ids == input.ids {
            frame = cached.order.map { Self.gather(input, $0) } ?? input
        } else {
            let order = Self.sortingOrder(input.ids)
            orderCache[id] = (input.ids, order)
            frame = order.map { Self.gather(input, $0) } ?? input
        }
        if let reference = atomSets[id] {
            if frame.ids != reference {
                r.rejected += 1
                runs[id] = r
                return out + [.rejected(code: "atom-set-changed", message: "run \(id) seq \(input.sequence): \(Self.describeChange(reference, frame.ids)); the atom set of a run is fixed, a publisher must start a new run id when it changes")]
            }
        } else {
            atomSets[id] = frame.ids
            r.atomCount = frame.atomCount
        }
        let gap = input.sequence - r.nextSequence
        r.gaps += gap
        r.nextSequence = input.sequence + 1
        r.frames += 1
        if r.firstStep == nil { r.firstStep = frame.step }
        r.lastStep = frame.step
        runs[id] = r
        out.append(.frame(frame, gapBefore: gap))
        return out
    }

    private mutating func insert(_ r: RunRecord) {
        runs[r.runID] = r
        runOrder.append(r.runID)
        while runOrder.count > maximumRuns {
            let old = runOrder.removeFirst()
            runs[old] = nil
            atomSets[old] = nil
            orderCache[old] = nil
        }
    }

    /// The permutation that sorts `ids`, or nil when they are sorted already.
    static func sortingOrder(_ ids: [Int64]) -> [Int]? {
        var sorted = true
        if ids.count > 1 {
            for i in 1..<ids.count where ids[i - 1] > ids[i] {
                sorted = false
                break
            }
        }
        if sorted { return nil }
        var keyed = [(Int64, Int32)](unsafeUninitializedCapacity: ids.count) { buffer, count in
            for i in 0..<ids.count { buffer[i] = (ids[i], Int32(i)) }
            count = ids.count
        }
        keyed.sort { $0.0 < $1.0 }
        return keyed.map { Int($0.1) }
    }

    /// The frame's atoms taken in `order`.
    static func gather(_ f: Frame, _ order: [Int]) -> Frame {
        var g = f
        let n = order.count
        g.ids = [Int64](unsafeUninitializedCapacity: n) { b, c in
            for (k, i) in order.enumerated() { b[k] = f.ids[i] }
            c = n
        }
        g.types = [Int32](unsafeUninitializedCapacity: n) { b, c in
            for (k, i) in order.enumerated() { b[k] = f.types[i] }
            c = n
        }
        g.positions = gather3(f.positions, order)
        if let v = f.velocities { g.velocities = gather3(v, order) }
        return g
    }

    private static func gather3(_ x: [Double], _ order: [Int]) -> [Double] {
        [Double](unsafeUninitializedCapacity: x.count) { b, c in
            x.withUnsafeBufferPointer { src in
                for (k, i) in order.enumerated() {
                    b[3 * k] = src[3 * i]
                    b[3 * k + 1] = src[3 * i + 1]
                    b[3 * k + 2] = src[3 * i + 2]
                }
            }
            c = x.count
        }
    }

    /// "2401 atoms instead of 2400: id 9001 is new" and the like.
    static func describeChange(_ reference: [Int64], _ ids: [Int64]) -> String {
        let a = Set(reference)
        let b = Set(ids)
        let added = b.subtracting(a).sorted().prefix(5).map(String.init)
        let removed = a.subtracting(b).sorted().prefix(5).map(String.init)
        var s = "\(ids.count) atoms, the run has \(reference.count)"
        if !added.isEmpty { s += "; new ids \(added.joined(separator: ","))" }
        if !removed.isEmpty { s += "; missing ids \(removed.joined(separator: ","))" }
        return s
    }
}
