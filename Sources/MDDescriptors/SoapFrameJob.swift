import MDGeometry

/// One frame's SOAP computation fed by a neighbour search that someone else runs: the
/// species and environment of every atom and the per-worker workspaces. The rows go straight
/// into the caller's output (``run(_:)``), one disjoint row per centre.
/// ``SoapCalculator/compute(positions:cell:atomicNumbers:centres:environment:)`` runs its own
/// search into one; ``DescriptorPass`` shares one search between SOAP and LENS.
///
/// Workers call ``centre(_:worker:pairs:)`` concurrently, each with its own worker number and
/// distinct centres (the contract of
/// ``NeighbourSearch/forEachCentre(positions:cell:centres:environment:workers:_:)``); the
/// pairs may reach beyond ``SoapSettings/searchRadius`` and include atoms outside the SOAP
/// environment (both are skipped). A species error found at set-up is thrown by
/// ``finish(_:)``, after the search had the chance to report a geometry error first; rows
/// are then not computed.
final class SoapFrameJob: @unchecked Sendable {
    let calculator: SoapCalculator
    /// Worker slots (at most the calculator's threads, at least 1).
    let workers: Int
    private let centres: [Int32]
    private let features: Int
    private let kernel: SoapKernelContext
    private let pool: SoapWorkspacePool
    private let species: UnsafeMutablePointer<Int32>
    private let inEnvironment: UnsafeMutablePointer<Bool>
    private let view: SoapStreamView
    private let speciesError: SoapError?

    /// - Parameters:
    ///   - atomicNumbers: one per atom (`atomCount` of them).
    ///   - centres, environment: atom indices; the environment's atoms make the densities.
    init(
        calculator: SoapCalculator, atomicNumbers: [Int], atomCount: Int, centres: [Int32], environment: [Int32],
        workers: Int
    ) throws(SoapError) {
        guard atomicNumbers.count == atomCount else {
            throw .atomicNumberCount(expected: atomCount, got: atomicNumbers.count)
        }
        let settings = calculator.settings
        self.calculator = calculator
        self.centres = centres
        self.workers = max(1, min(workers, centres.count))
        features = settings.featureCount
        species = .allocate(capacity: max(1, atomCount))
        inEnvironment = .allocate(capacity: max(1, atomCount))
        inEnvironment.initialize(repeating: false, count: max(1, atomCount))
        for (i, z) in atomicNumbers.enumerated() {
            species[i] = Int32(settings.species.firstIndex(of: z) ?? -1)
        }
        var speciesError: SoapError?
        for e in environment where e >= 0 && Int(e) < atomCount {
            if species[Int(e)] < 0, speciesError == nil {
                speciesError = .speciesNotInSettings(atomIndex: Int(e), atomicNumber: atomicNumbers[Int(e)])
            }
            inEnvironment[Int(e)] = true
        }
        self.speciesError = speciesError
        kernel = SoapKernelContext(calculator: calculator, capacity: SoapCalculator.initialCapacity)
        pool = SoapWorkspacePool(count: self.workers, kernel: kernel)
        // The table's storage lives as long as the calculator, which the job holds.
        view = SoapStreamView(
            centres: centres, species: species, inEnvironment: inEnvironment,
            table: calculator.table.coefficients.pointer, searchRadius: settings.searchRadius)
    }

    deinit {
        pool.deallocate()
        species.deallocate()
        inEnvironment.deallocate()
    }

    /// The rows' destination during ``run(_:)``: `centres.count × featureCount`, row-major.
    struct Rows: @unchecked Sendable {
        let base: UnsafeMutablePointer<Double>
    }

    /// Computes the row of centre `k` (position in `centres`) from its pairs into `rows`.
    @inline(__always)
    func centre(_ k: Int, worker: Int, pairs: NeighbourPairs, into rows: Rows) {
        guard speciesError == nil else { return }
        kernel.centre(k, pairs: pairs, view: view, workspace: &pool.workspaces[worker], row: rows.base + k * features)
    }

    /// Runs `visit` (which must call ``centre(_:worker:pairs:into:)`` once for every centre,
    /// typically from a neighbour search) with the output rows, and returns them
    /// (`centres.count × featureCount`); hand them to ``finish(_:)``.
    func run<E: Error>(_ visit: (Rows) throws(E) -> Void) throws(E) -> [Double] {
        var values = [Double](repeating: 0, count: centres.count * features)
        try values.withUnsafeMutableBufferPointer { buffer throws(E) in
            guard let base = buffer.baseAddress else { return }
            try visit(Rows(base: base))
        }
        return values
    }

    /// The spectra of ``run(_:)``'s rows, or the species error found at set-up (thrown only
    /// now, so that the search reports a geometry error first).
    func finish(_ values: [Double]) throws(SoapError) -> SoapSpectra {
        if let speciesError { throw speciesError }
        return SoapSpectra(settings: calculator.settings, centres: centres, values: values)
    }
}
