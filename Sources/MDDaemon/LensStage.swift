import MDCore
import MDDescriptors
import MDGeometry
import MDSignal

/// Streaming LENS for one segment (run): frame in, raw δ row and finished smoothed rows out.
///
/// - Selections are resolved on the segment's first frame into centre and environment ids;
///   atoms are identified by id (frames arrive sorted by id, with a fixed atom set per run).
/// - Row k of the raw series is the interval from consumed frame k to frame k + lag and is
///   labelled with frame k's step and time (conventions §2).
/// - Smoothing equals `scipy.signal.savgol_filter` (mode `interp`) on each unbroken stretch:
///   an interior value is final `lagFrames = ⌊w/2⌋` intervals after its own, i.e.
///   `lag + ⌊w/2⌋` frames after the frame that starts its interval; the head rows come out
///   once w intervals exist and the tail rows at the end of the stretch.
/// - ``breakSequence()`` (a gap in the frame sequence) ends the stretch: the smoothing is
///   finished with its tail edge, the LENS history is dropped, and no δ is ever computed
///   across the gap.
/// Memory: O(centres × (window + lag)), independent of the run's length.
public final class LensStage {
    public let settings: LensSettings
    /// Ids of the analysed atoms, ascending.
    public let centreIDs: [Int64]
    /// Ids of the LENS environment, ascending.
    public let environmentIDs: [Int64]
    private let ids: [Int64]
    /// Atom indices (frame rows) of the centres and of the LENS environment, ascending.
    let centreIndices: [Int32]
    let environmentIndices: [Int32]
    /// Workers of the neighbour search (the online cores).
    private let workers: Int
    private let search: NeighbourSearch
    private let filter: SavitzkyGolay
    private var lens: LensAccumulator
    private var smoother: StreamingSavitzkyGolay
    /// Labels of the recent frames of the current stretch: frame `labelOffset + i` of the
    /// stretch is `labels[i]` (raw row r starts at frame r). Older labels are dropped once no
    /// row can still need them (rows lag at most window + lag frames), so memory stays bounded.
    private var labels: [(step: Int64, time: Double?)] = []
    private var labelOffset = 0
    /// Raw rows produced in this stretch (so smoothed row indices map back to labels).
    private var stretchRows = 0
    /// Number of stretches ended by a gap.
    public private(set) var breaks = 0
    /// Raw rows produced since the segment started.
    public private(set) var rawRows = 0

    /// One raw δ row, for every centre.
    public struct Row: Sendable {
        public var step: Int64
        public var time: Double?
        public var values: [Double]
    }

    /// What a stretch that ended too short for the smoothing window left unsmoothed.
    public struct ShortStretch: Sendable, Error {
        public var rows: Int
        public var window: Int
    }

    /// Resolves the selections on `first` (the segment's first frame).
    public init(first: Frame, settings: LensSettings) throws {
        try settings.validate()
        self.settings = settings
        ids = first.ids
        let centreMask = settings.centres.mask(in: first, typeNames: settings.typeNames)
        let environment = settings.environment.map { $0.mask(in: first, typeNames: settings.typeNames) } ?? centreMask
        centreIndices = centreMask.indices.compactMap { centreMask[$0] ? Int32($0) : nil }
        environmentIndices = environment.indices.compactMap { environment[$0] ? Int32($0) : nil }
        guard !centreIndices.isEmpty else {
            throw StageError("the centre selection '\(settings.centres)' selects no atom in the first frame (step \(first.step))")
        }
        workers = SoapCalculator.onlineCores
        centreIDs = centreIndices.map { first.ids[Int($0)] }
        environmentIDs = environmentIndices.map { first.ids[Int($0)] }
        search = NeighbourSearch(cutoff: settings.cutoff, orderedPairs: false)
        filter = try SavitzkyGolay(window: settings.window, polyorder: settings.polyorder)
        lens = LensAccumulator(centreCount: centreIndices.count, lag: settings.lag)
        smoother = StreamingSavitzkyGolay(filter: filter, seriesCount: centreIndices.count)
    }

    /// Intervals between a raw row's value and its final smoothed value.
    public var smoothingLagIntervals: Int { filter.lagFrames }

    /// Consumes the next frame of the stretch; returns the raw row that became available
    /// (interval ending at this frame) and any smoothed rows that became final.
    public func consume(_ frame: Frame) throws -> (raw: Row?, smoothed: [Row]) {
        // One streaming pass: search, keep 0 < d < r_cut, ids straight into the ring slot.
        let (search, centres, environment, cutoff, workers) = (search, centreIndices, environmentIndices, settings.cutoff, workers)
        return try consume(frame) { sets throws(GeometryError) in
            try sets.append(
                searching: search, positions: frame.positions, cell: frame.cell, centres: centres,
                environment: environment, ids: frame.ids, cutoff: cutoff, workers: workers)
        }
    }

    /// ``consume(_:)`` with the frame's neighbour-id sets made by the caller: `fill` must
    /// append one row per centre (``centreIndices`` order) with the ids of the LENS
    /// environment at `0 < d < r_cut` — e.g. from a ``DescriptorPass`` shared with SOAP.
    /// When `fill` throws, the stage is unchanged and the error is rethrown.
    func consume(_ frame: Frame, fill: (inout NeighbourIDSets) throws -> Void) throws -> (raw: Row?, smoothed: [Row]) {
        guard frame.ids == ids else {
            throw StageError("frame at step \(frame.step) has another atom set than the segment's first frame (\(frame.atomCount) atoms, first had \(ids.count))")
        }
        // On a throw only the ring's oldest slot, which no later interval needs, was cleared.
        try lens.withNextSlot(fill)
        labels.append((frame.step, frame.time))
        guard let values = lens.commit() else { return (nil, []) }
        let label = labels[labels.count - 1 - settings.lag]
        let keep = 2 * (settings.window + settings.lag) + 2
        if labels.count > 2 * keep {
            let drop = labels.count - keep
            labels.removeFirst(drop)
            labelOffset += drop
        }
        stretchRows += 1
        rawRows += 1
        let smoothed = smoother.push(values).map(row)
        return (Row(step: label.step, time: label.time, values: values), smoothed)
    }

    /// A gap in the frame sequence: ends the current stretch (smoothed tail rows returned;
    /// a stretch shorter than the window throws ``ShortStretch`` after resetting) and starts
    /// a new one, so no interval spans the gap.
    public func breakSequence() throws -> [Row] {
        breaks += 1
        return try endStretch()
    }

    /// The end of the segment: the remaining smoothed rows.
    public func finish() throws -> [Row] { try endStretch() }

    private func endStretch() throws -> [Row] {
        defer {
            lens.reset()
            labels.removeAll(keepingCapacity: true)
            labelOffset = 0
            stretchRows = 0
        }
        let rows = stretchRows
        do {
            return try smoother.finish().map(row)
        } catch {
            // The stretch is shorter than the window (the only error of finish()).
            if rows == 0 { return [] }
            throw ShortStretch(rows: rows, window: settings.window)
        }
    }

    private func row(_ r: (index: Int, values: [Double])) -> Row {
        let label = labels[r.index - labelOffset]
        return Row(step: label.step, time: label.time, values: r.values)
    }
}
