import MDCore
import MDGeometry

/// One neighbour search per frame for SOAP and LENS together: the search runs once, at the
/// largest radius either needs (SOAP's ``SoapSettings/searchRadius`` = r_cut + 3.717 Å, LENS's
/// r_cut), over the union of the two environments, and streams each centre's pairs to both
/// consumers, which filter their own view:
///
/// - SOAP keeps `d ≤ searchRadius` over the SOAP environment — the rows equal
///   ``SoapCalculator/compute(positions:cell:atomicNumbers:centres:environment:)``'s
///   (bit for bit when the search radius is SOAP's and the SOAP environment is the union,
///   the study's case; to rounding otherwise, since the pairs then come in another order);
/// - LENS keeps `0 < d < r_cut` over the LENS environment, ids de-duplicated — the sets equal
///   ``NeighbourIDSets/append(searching:positions:cell:centres:environment:ids:cutoff:workers:)``'s
///   exactly.
///
/// Both use the same centres. Either may be absent; with only one, the pass is that
/// consumer's own search. Nothing is allocated per centre; per frame, SOAP's rows and LENS's
/// index rows, as in the separate paths.
public struct DescriptorPass: Sendable {
    /// The SOAP calculator, or nil for LENS only.
    public let soap: SoapCalculator?
    /// LENS neighbour cutoff r_cut (Å; neighbours at `0 < d < r_cut − 1e-6`, dynsight's rule), or nil for SOAP only.
    public let lensCutoff: Double?
    /// Workers of the search (and of the SOAP rows computed inside it).
    public let workers: Int

    /// What one frame gave.
    public struct Output: Sendable {
        /// The spectra of the centres, when SOAP was asked for.
        public var soap: SoapSpectra?
    }

    /// - Parameter workers: default: the SOAP calculator's threads, else every online core.
    public init(soap: SoapCalculator?, lensCutoff: Double?, workers: Int? = nil) {
        precondition(soap != nil || lensCutoff != nil, "a descriptor pass needs SOAP, LENS or both")
        if let lensCutoff { precondition(lensCutoff.isFinite && lensCutoff > 0, "the LENS cutoff must be finite and > 0 Å") }
        self.soap = soap
        self.lensCutoff = lensCutoff
        self.workers = max(1, workers ?? soap?.threads ?? SoapCalculator.onlineCores)
    }

    /// The radius of the shared search, Å.
    public var searchRadius: Double { max(soap?.settings.searchRadius ?? 0, lensCutoff ?? 0) }

    /// Runs the search once for `centres` and feeds both consumers.
    ///
    /// - Parameters:
    ///   - positions: `N × 3` row-major, Å; `cell == nil`: no periodic axis.
    ///   - ids: atom id per row (LENS sets hold ids).
    ///   - atomicNumbers: one per atom; needed with SOAP (ignored otherwise).
    ///   - centres, soapEnvironment, lensEnvironment: atom indices, ascending and unique.
    ///   - lensSets: with LENS, one row per centre is appended (nothing on error).
    /// - Throws: ``GeometryError`` for a bad cell or position, ``SoapError`` for SOAP's
    ///   species (a geometry error is reported first).
    public func compute(
        positions: [Double], cell: Cell?, ids: [Int64], atomicNumbers: [Int], centres: [Int32],
        soapEnvironment: [Int32], lensEnvironment: [Int32], lensSets: inout NeighbourIDSets
    ) throws -> Output {
        let atomCount = positions.count / 3
        precondition(ids.count == atomCount, "one id per atom")
        let soapJob = try soap.map { calculator throws(SoapError) in
            try SoapFrameJob(
                calculator: calculator, atomicNumbers: atomicNumbers, atomCount: atomCount, centres: centres,
                environment: soapEnvironment, workers: workers)
        }
        let environment: [Int32]
        switch (soap, lensCutoff) {
        case (.some, .some): environment = Self.union(soapEnvironment, lensEnvironment)
        case (.some, nil): environment = soapEnvironment
        default: environment = lensEnvironment
        }
        let workerCount = soapJob?.workers ?? max(1, min(workers, centres.count))
        let rows = lensCutoff.map { _ in
            NeighbourIDSets.RowScratch(centreCount: centres.count, atomCount: atomCount, workers: workerCount)
        }
        defer { rows?.deallocate() }
        // The LENS mask, only when the search covers atoms outside the LENS environment.
        var lensMask: [Bool] = []
        if lensCutoff != nil, environment.count != lensEnvironment.count {
            lensMask = [Bool](repeating: false, count: atomCount)
            for e in lensEnvironment where e >= 0 && Int(e) < atomCount { lensMask[Int(e)] = true }
        }
        let search = NeighbourSearch(cutoff: searchRadius, orderedPairs: false)
        let cutoff = lensCutoff ?? 0
        func visit(into soapRows: SoapFrameJob.Rows?) throws(GeometryError) {
            try lensMask.withUnsafeBufferPointer { mask throws(GeometryError) in
                let mask = MaskPointer(pointer: mask.isEmpty ? nil : mask.baseAddress)
                try search.forEachCentre(
                    positions: positions, cell: cell, centres: centres, environment: environment, workers: workerCount
                ) { worker, k, pairs in
                    if let soapRows { soapJob?.centre(k, worker: worker, pairs: pairs, into: soapRows) }
                    rows?.collect(worker: worker, centre: k, pairs: pairs, cutoff: cutoff, inEnvironment: mask.pointer)
                }
            }
        }
        var spectra: SoapSpectra?
        if let soapJob {
            let values = try soapJob.run { soapRows throws(GeometryError) in try visit(into: soapRows) }
            spectra = try soapJob.finish(values)
        } else {
            try visit(into: nil)
        }
        if let rows { lensSets.append(rows: rows, ids: ids) }
        return Output(soap: spectra)
    }

    /// ``compute(positions:cell:ids:atomicNumbers:centres:soapEnvironment:lensEnvironment:lensSets:)``
    /// for a frame: atomic numbers from its species names (checked over the SOAP environment).
    public func compute(
        frame: Frame, centres: [Int32], soapEnvironment: [Int32], lensEnvironment: [Int32],
        lensSets: inout NeighbourIDSets
    ) throws -> Output {
        let numbers = soap == nil ? [] : try SoapCalculator.atomicNumbers(of: frame, environment: soapEnvironment)
        return try compute(
            positions: frame.positions, cell: frame.cell, ids: frame.ids,
            atomicNumbers: numbers.isEmpty ? Array(repeating: 0, count: frame.atomCount) : numbers,
            centres: centres, soapEnvironment: soapEnvironment, lensEnvironment: lensEnvironment, lensSets: &lensSets)
    }

    /// The sorted union of two ascending index lists.
    static func union(_ a: [Int32], _ b: [Int32]) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(max(a.count, b.count))
        var i = 0, j = 0
        while i < a.count || j < b.count {
            let next: Int32
            if j == b.count || (i < a.count && a[i] <= b[j]) { next = a[i]; i += 1 } else { next = b[j]; j += 1 }
            if out.last != next { out.append(next) }
        }
        return out
    }

    /// A read-only mask pointer handed to the search's workers.
    private struct MaskPointer: @unchecked Sendable {
        let pointer: UnsafePointer<Bool>?
    }
}
