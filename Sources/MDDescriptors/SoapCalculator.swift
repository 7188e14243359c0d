import CTargetFeatures
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import MDCore
import MDGeometry

/// Computes SOAP power spectra identical to dscribe 2.1.2's GTO SOAP (see ``SoapSettings``)
/// for a list of centres of one frame.
///
/// Per centre `i`, species `Z`, with pairs `j` from a ``NeighbourSearch`` out to
/// ``SoapSettings/searchRadius`` (every periodic image; non-periodic axes and `cell == nil`
/// work) plus the centre itself at distance 0 when it belongs to the environment:
///
///     c^Z_{nlm} = Σ_{j ∈ Z} R_{nl}(r_ij) · r_ij^l Y_lm(r̂_ij)
///     p^{ZZ′}_{nn′l} = π·sqrt(8/(2l+1)) Σ_m c^Z_{nlm} c^{Z′}_{n′lm}
///
/// (``SoapRadialBasis`` for `R_{nl}`, ``SoapSphericalHarmonics`` for `r^l Y_lm`). An isolated
/// atom therefore has a non-zero `l = 0` spectrum.
///
/// Implementation, per centre (``SoapWorkspace``, nothing allocated per centre or atom):
/// pairs are counting-sorted by species and by radial-table interval; harmonics are evaluated
/// eight pairs at a time (SIMD8); `R_{nl}` is read from a quintic Hermite table
/// (``SoapRadialTable``, ~1e-11 relative) one `l` plane at a time, each interval's
/// coefficients loaded once for the run of pairs sharing it; `C_l = Y_lᵀ R_l` per species is
/// a register-blocked product over the pairs (8 radial lanes × up to 6 m, one tile shape per
/// width, l = 0 and l = 1 in one tile); these three run on blocks of 64 pairs so their
/// buffers stay in cache, each sum kept in pair order in one accumulator;
/// `p_l = f_l C_lᵀ C_l`.
/// The neighbour search streams each centre's pairs
/// (``NeighbourSearch/forEachCentre(positions:cell:centres:environment:workers:_:)``, no global
/// pair list) on ``threads`` workers; each worker owns one ``SoapWorkspace`` and computes the
/// centre's row right there, writing it into the output directly. Rows do not depend on the
/// thread count (bit-identical).
public struct SoapCalculator: Sendable {
    /// The hyper-parameters.
    public let settings: SoapSettings
    /// The GTO basis derived from them.
    public let basis: SoapRadialBasis
    /// Worker count for the spectra (the neighbour search uses its own parallelism).
    public let threads: Int
    let harmonics: SoapSphericalHarmonics
    let table: SoapRadialTable
    /// `π·sqrt(8/(2l+1))` per l.
    let prefactors: [Double]
    /// Offset of each species-pair block `pairIndex(a, b)` in the output row.
    let blockOffsets: [Int]

    /// A calculator for `settings` running on `threads` workers (default: every online core).
    public init(settings: SoapSettings, threads: Int? = nil) throws(SoapError) {
        let count = threads ?? Self.onlineCores
        guard count >= 1 else { throw .invalidThreadCount(count) }
        self.settings = settings
        self.threads = count
        basis = try SoapRadialBasis(settings: settings)
        harmonics = SoapSphericalHarmonics(lMax: settings.lMax)
        table = SoapRadialTable(basis: basis, maximumRadius: settings.searchRadius)
        prefactors = (0...settings.lMax).map { Double.pi * (8 / Double(2 * $0 + 1)).squareRoot() }
        var offsets: [Int] = []
        for a in 0..<settings.species.count {
            for b in a..<settings.species.count { offsets.append(settings.blockOffset(a, b, layout: settings.layout)) }
        }
        blockOffsets = offsets
    }

    /// Whether this build's SOAP kernels use fused multiply-add: true when compiled for a CPU
    /// that has it (`scripts/build.sh`: `-target-cpu native`; or AArch64), false for the
    /// portable x86-64 baseline, which runs SOAP about 2× slower on the same CPU.
    public static var usesFusedMultiplyAdd: Bool { soaplens_target_has_fma() != 0 }

    /// Number of online processors (at least 1).
    public static var onlineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Spectra of `centres` (default: every atom) of `frame`, with densities built from
    /// `environment` (default: every atom). Species come from `frame.species` names (element
    /// symbols, case-insensitive); every environment atom must be of a species in the settings.
    public func compute(frame: Frame, centres: [Int32]? = nil, environment: [Int32]? = nil) throws(SoapError) -> SoapSpectra {
        let all = (centres == nil || environment == nil) ? (0..<Int32(clamping: frame.atomCount)).map { $0 } : []
        let env = environment ?? all
        return try compute(
            positions: frame.positions, cell: frame.cell, atomicNumbers: Self.atomicNumbers(of: frame, environment: env),
            centres: centres ?? all, environment: env)
    }

    /// The atomic number of every atom of `frame` from its species names (element symbols,
    /// case-insensitive; 0 for a name that is not one), checking that every `environment`
    /// atom has one.
    public static func atomicNumbers(of frame: Frame, environment: [Int32]) throws(SoapError) -> [Int] {
        let atomCount = frame.positions.count / 3
        let numbers = frame.species.map { SoapElements.atomicNumber(of: $0) ?? 0 }
        var atomic = [Int](repeating: 0, count: atomCount)
        for i in 0..<min(atomCount, frame.types.count) {
            let t = Int(frame.types[i])
            atomic[i] = numbers.indices.contains(t) ? numbers[t] : 0
        }
        for e in environment where e >= 0 && Int(e) < atomCount && atomic[Int(e)] == 0 {
            let t = Int(frame.types[Int(e)])
            throw .unknownElement(frame.species.indices.contains(t) ? frame.species[t] : "type \(t)")
        }
        return atomic
    }

    /// Spectra of `centres` among `environment` (indices into the `N × 3` row-major
    /// `positions`, Å), with one atomic number per atom. `cell == nil`: no periodic axis.
    public func compute(
        positions: [Double], cell: Cell?, atomicNumbers: [Int], centres: [Int32], environment: [Int32]
    ) throws(SoapError) -> SoapSpectra {
        let job = try SoapFrameJob(
            calculator: self, atomicNumbers: atomicNumbers, atomCount: positions.count / 3, centres: centres,
            environment: environment, workers: threads)
        let search = NeighbourSearch(cutoff: settings.searchRadius, orderedPairs: false)
        let values = try job.run { rows throws(SoapError) in
            do throws(GeometryError) {
                try search.forEachCentre(
                    positions: positions, cell: cell, centres: centres, environment: environment, workers: job.workers
                ) { worker, k, pairs in
                    job.centre(k, worker: worker, pairs: pairs, into: rows)
                }
            } catch {
                throw .geometry(error)
            }
        }
        return try job.finish(values)
    }

    /// Pair capacity each worker's workspace starts with (it grows on demand).
    static let initialCapacity = 256
}

@inline(__always)
private func load8(_ p: UnsafePointer<Double>) -> SIMD8<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Double>.self)
}

@inline(__always)
private func store8(_ p: UnsafeMutablePointer<Double>, _ v: SIMD8<Double>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Double>.self)
}


/// The per-centre kernel: what a worker needs besides its workspace.
struct SoapKernelContext: Sendable {
    let calculator: SoapCalculator
    let capacity: Int

    /// One centre of the streaming path: its row from `pairs` (the centre `view.centres[k]`'s
    /// neighbours), growing the worker's workspace first if the centre has more pairs than
    /// any before.
    @inline(__always)
    func centre(
        _ k: Int, pairs: NeighbourPairs, view: SoapStreamView, workspace: inout SoapWorkspace,
        row: UnsafeMutablePointer<Double>
    ) {
        workspace.reserve(pairs.count + 1 + 7 * calculator.settings.species.count)
        let ws = workspace
        gather(centre: Int(view.centres[k]), pairs: pairs, view: view, workspace: ws)
        densityStages(workspace: ws, table: view.table)
        powerSpectrum(workspace: ws, row: row)
    }

    /// Sorts the centre's pairs (itself first when in the environment) into per-species
    /// segments of the workspace padded to a multiple of 8, each ordered by table interval (a
    /// counting sort, pair order kept within an interval) so that consecutive pairs read the
    /// same table entries. Pairs
    /// beyond the SOAP search radius or outside the SOAP environment are skipped: the search
    /// may be shared with another consumer and reach further or over more atoms.
    @inline(__always)
    func gather(centre: Int, pairs: NeighbourPairs, view: SoapStreamView, workspace ws: SoapWorkspace) {
        let speciesCount = calculator.settings.species.count
        let table = calculator.table
        let intervals = table.intervalCount
        let inverse = table.inverseSpacing
        let intervalStride = table.intervalStride
        let bucketCount = speciesCount * intervals
        let radius = view.searchRadius
        let withSelf = view.inEnvironment[centre]
        let buckets = ws.buckets
        let species = view.species
        let inEnvironment = view.inEnvironment
        let neighbours = pairs.neighbours, distances = pairs.distances
        let dx = pairs.dx, dy = pairs.dy, dz = pairs.dz
        let count = pairs.count
        for b in 0..<bucketCount { buckets[b] = 0 }
        @inline(__always) func key(_ species: Int32, _ r: Double) -> Int {
            Int(species) * intervals + min(Int(r * inverse), intervals - 1)
        }
        if withSelf { buckets[key(species[centre], 0)] += 1 }
        for p in 0..<count where distances[p] <= radius && inEnvironment[Int(neighbours[p])] {
            buckets[key(species[Int(neighbours[p])], distances[p])] += 1
        }
        var position = 0
        for s in 0..<speciesCount {
            ws.starts[s] = position
            for b in (s * intervals)..<((s + 1) * intervals) {
                let count = buckets[b]
                buckets[b] = position
                position += count
            }
            ws.cursor[s] = position
            position = ws.starts[s] + (position - ws.starts[s] + 7) & ~7
        }
        ws.starts[speciesCount] = position
        if withSelf {
            let q = buckets[key(species[centre], 0)]
            ws.x[q] = 0; ws.y[q] = 0; ws.z[q] = 0; ws.r[q] = 0
            ws.tableOffset[q] = 0; ws.t[q] = 0
            buckets[key(species[centre], 0)] = q + 1
        }
        for p in 0..<count where distances[p] <= radius && inEnvironment[Int(neighbours[p])] {
            let r = distances[p]
            let b = key(species[Int(neighbours[p])], r)
            let q = buckets[b]
            ws.x[q] = dx[p]; ws.y[q] = dy[p]; ws.z[q] = dz[p]; ws.r[q] = r
            let (i, t) = table.locate(r)
            ws.tableOffset[q] = i * intervalStride; ws.t[q] = t
            buckets[b] = q + 1
        }
        for s in 0..<speciesCount {
            for q in ws.cursor[s]..<ws.starts[s + 1] {
                ws.x[q] = 0; ws.y[q] = 0; ws.z[q] = 0; ws.r[q] = -1
                ws.tableOffset[q] = table.zeroInterval * intervalStride; ws.t[q] = 0
            }
        }
    }

    /// `c^s_{nlm}` of every species segment, block by block: harmonics, radial factors and
    /// the contraction of ``SoapWorkspace/block`` pairs at a time, each sum accumulated in pair
    /// order, so the result does not depend on the block size.
    @inline(__always)
    func densityStages(workspace ws: SoapWorkspace, table: UnsafePointer<Double>) {
        let settings = calculator.settings
        let lCount = settings.lMax + 1
        let harmonicCount = lCount * lCount
        let lanes = ws.lanes
        for s in 0..<settings.species.count {
            let lo = ws.starts[s], hi = ws.starts[s + 1]
            let cs = ws.coefficients + s * harmonicCount * lanes
            if lo == hi { cs.update(repeating: 0, count: harmonicCount * lanes) }
            var first = lo
            while first < hi {
                let count = min(SoapWorkspace.block, hi - first)
                harmonicsStage(workspace: ws, first: first, count: count)
                radialStage(workspace: ws, table: table, first: first, count: count)
                contractStage(workspace: ws, coefficients: cs, count: count, fresh: first == lo)
                first += count
            }
        }
    }

    /// `r^l Y_lm` of the block's pairs `first ..< first + count`, eight pairs at a time
    /// (segments are padded to a multiple of 8).
    @inline(__always)
    func harmonicsStage(workspace ws: SoapWorkspace, first: Int, count: Int) {
        var b = 0
        while b < count {
            let p = first + b
            calculator.harmonics.evaluate(
                x: load8(ws.x + p), y: load8(ws.y + p), z: load8(ws.z + p),
                into: ws.harmonics + b, stride: SoapWorkspace.block)
            b += 8
        }
    }

    /// `R_{nl}` of the block's pairs from the table, degree by degree (pairs are sorted by
    /// interval, so consecutive pairs mostly read the same cached coefficients); padding pairs
    /// read the all-zero interval.
    @inline(__always)
    func radialStage(workspace ws: SoapWorkspace, table: UnsafePointer<Double>, first: Int, count: Int) {
        let tab = calculator.table
        let lCount = tab.lCount
        let lanes = ws.lanes
        let chunks = lanes / 8
        let block = SoapWorkspace.block
        let powers = tab.powers
        let lStride = tab.planeStride
        for l in 0..<lCount {
            let plane = ws.radial + l * block * lanes
            let base = table + l * lStride
            if powers == 6 {
                // Pairs are sorted by interval: load an interval's coefficients once and
                // evaluate every pair of the run that shares it from registers.
                var b = 0
                while b < count {
                    let offset = ws.tableOffset[first + b]
                    let src = base + offset
                    for c in 0..<chunks {
                        let o = 8 * c
                        let k0 = load8(src + o), k1 = load8(src + lanes + o), k2 = load8(src + 2 * lanes + o)
                        let k3 = load8(src + 3 * lanes + o), k4 = load8(src + 4 * lanes + o), k5 = load8(src + 5 * lanes + o)
                        var q = b
                        repeat {
                            let t = ws.t[first + q]
                            var v = k4.adding(k5, times: t)
                            v = k3.adding(v, times: t)
                            v = k2.adding(v, times: t)
                            v = k1.adding(v, times: t)
                            v = k0.adding(v, times: t)
                            store8(plane + q * lanes + o, v)
                            q += 1
                        } while q < count && ws.tableOffset[first + q] == offset
                        if c == chunks - 1 { b = q }
                    }
                }
            } else {
                for b in 0..<count {
                    let src = base + ws.tableOffset[first + b]
                    let t = ws.t[first + b]
                    let dst = plane + b * lanes
                    for c in 0..<chunks {
                        let o = 8 * c
                        var v = load8(src + 3 * lanes + o)
                        v = load8(src + 2 * lanes + o).adding(v, times: t)
                        v = load8(src + lanes + o).adding(v, times: t)
                        v = load8(src + o).adding(v, times: t)
                        store8(dst + o, v)
                    }
                }
            }
        }
    }

    /// `c^s_{nlm} (+)= Σ_b Y_lm(b) R_nl(b)` over the block (`fresh`: the segment's first
    /// block, which overwrites instead of adding), by register tiles of up to 6 m × 8 n:
    /// l = 0 and l = 1 share one tile (1 + 3 m, two radial planes); every other l's `2l + 1`
    /// m are split into ⌈(2l+1)/6⌉ tiles of nearly equal width (17 = 6+6+5, 15 = 5+5+5,
    /// 13 = 5+4+4, 11 = 6+5, 9 = 5+4, 7 = 4+3, 5), so that almost every tile has at least 8
    /// independent FMA chains. Each tile is
    /// ``contractTile(_:harmonics:radial:radial:coefficients:count:lanes:fresh:)`` specialised
    /// for its shape. Every `c_{nlm}` has one accumulator, summed in pair order, so the result
    /// does not depend on the block size.
    @inline(__always)
    func contractStage(workspace ws: SoapWorkspace, coefficients cs: UnsafeMutablePointer<Double>, count: Int, fresh: Bool) {
        let lCount = calculator.settings.lMax + 1
        let lanes = ws.lanes
        let chunks = lanes / 8
        let block = SoapWorkspace.block
        let y0 = UnsafePointer(ws.harmonics), r0 = UnsafePointer(ws.radial)
        for c in 0..<chunks {
            let o = 8 * c
            if lCount > 1 {
                contractTile(
                    TileLow.self, harmonics: y0, radial: r0 + o, radial: r0 + block * lanes + o, coefficients: cs + o,
                    count: count, lanes: lanes, fresh: fresh)
            } else {
                contractTile(
                    TileWidth1.self, harmonics: y0, radial: r0 + o, radial: r0 + o, coefficients: cs + o,
                    count: count, lanes: lanes, fresh: fresh)
            }
        }
        for l in 2..<max(2, lCount) {
            let rl = r0 + l * block * lanes
            let mCount = 2 * l + 1
            let tiles = (mCount + SoapKernelContext.maximumTileWidth - 1) / SoapKernelContext.maximumTileWidth
            var m = 0
            for tile in 0..<tiles {
                // Widths differ by at most one, the wider tiles first.
                let width = mCount / tiles + (tile < mCount % tiles ? 1 : 0)
                let lm = l * l + m
                let y = y0 + lm * block
                for c in 0..<chunks {
                    let o = 8 * c
                    let r = rl + o, dst = cs + lm * lanes + o
                    switch width {
                    case 3:
                        contractTile(
                            TileWidth3.self, harmonics: y, radial: r, radial: r, coefficients: dst, count: count, lanes: lanes,
                            fresh: fresh)
                    case 4:
                        contractTile(
                            TileWidth4.self, harmonics: y, radial: r, radial: r, coefficients: dst, count: count, lanes: lanes,
                            fresh: fresh)
                    case 5:
                        contractTile(
                            TileWidth5.self, harmonics: y, radial: r, radial: r, coefficients: dst, count: count, lanes: lanes,
                            fresh: fresh)
                    default:
                        contractTile(
                            TileWidth6.self, harmonics: y, radial: r, radial: r, coefficients: dst, count: count, lanes: lanes,
                            fresh: fresh)
                    }
                }
                m += width
            }
        }
    }

    /// Widest register tile of the contraction: 6 m × 8 n are 12 ymm accumulators (enough
    /// independent chains to cover the FMA latency on two pipes), plus the radial vector and
    /// a broadcast harmonic, within the 16 AVX registers.
    static let maximumTileWidth = 6

    /// `c[j·lanes + n] (+)= Σ_b y[j·block + b] · r_j[b·lanes + n]` for `j < T.width`, `n < 8`,
    /// with `r_j = ra` for `j < T.split` and `rb` otherwise; `fresh` starts from zero instead
    /// of `c`. The accumulators stay in registers over the block's `count` pairs. Specialised
    /// per tile type (constant width and split), so each shape gets its own loop without the
    /// unused accumulators.
    @inline(__always)
    func contractTile<T: ContractTile>(
        _: T.Type, harmonics y: UnsafePointer<Double>, radial ra: UnsafePointer<Double>, radial rb: UnsafePointer<Double>,
        coefficients c: UnsafeMutablePointer<Double>, count: Int, lanes: Int, fresh: Bool
    ) {
        let width = T.width, split = T.split
        let block = SoapWorkspace.block
        let y0 = y, y1 = y + block, y2 = y + 2 * block, y3 = y + 3 * block, y4 = y + 4 * block, y5 = y + 5 * block
        var a0 = SIMD8<Double>.zero, a1 = SIMD8<Double>.zero, a2 = SIMD8<Double>.zero
        var a3 = SIMD8<Double>.zero, a4 = SIMD8<Double>.zero, a5 = SIMD8<Double>.zero
        if !fresh {
            a0 = load8(c)
            if width > 1 { a1 = load8(c + lanes) }
            if width > 2 { a2 = load8(c + 2 * lanes) }
            if width > 3 { a3 = load8(c + 3 * lanes) }
            if width > 4 { a4 = load8(c + 4 * lanes) }
            if width > 5 { a5 = load8(c + 5 * lanes) }
        }
        var pa = ra, pb = rb
        for b in 0..<count {
            let va = load8(pa)
            let vb = split < width ? load8(pb) : va
            pa += lanes
            pb += lanes
            a0 = a0.adding(y0[b], times: split > 0 ? va : vb)
            if width > 1 { a1 = a1.adding(y1[b], times: split > 1 ? va : vb) }
            if width > 2 { a2 = a2.adding(y2[b], times: split > 2 ? va : vb) }
            if width > 3 { a3 = a3.adding(y3[b], times: split > 3 ? va : vb) }
            if width > 4 { a4 = a4.adding(y4[b], times: split > 4 ? va : vb) }
            if width > 5 { a5 = a5.adding(y5[b], times: split > 5 ? va : vb) }
        }
        store8(c, a0)
        if width > 1 { store8(c + lanes, a1) }
        if width > 2 { store8(c + 2 * lanes, a2) }
        if width > 3 { store8(c + 3 * lanes, a3) }
        if width > 4 { store8(c + 4 * lanes, a4) }
        if width > 5 { store8(c + 5 * lanes, a5) }
    }

    /// `p^{ab}_{nn′l}` for every species pair into `row` in the settings' layout, then the
    /// optional division by the full-layout norm.
    @inline(__always)
    func powerSpectrum(workspace ws: SoapWorkspace, row out: UnsafeMutablePointer<Double>) {
        let settings = calculator.settings
        let nMax = settings.nMax
        let lCount = settings.lMax + 1
        let harmonicCount = lCount * lCount
        let lanes = ws.lanes
        let chunks = lanes / 8
        let speciesCount = settings.species.count
        let compressed = settings.layout == .compressed
        let triangle = nMax * (nMax + 1) / 2
        var norm2 = 0.0
        var pair = 0
        for a in 0..<speciesCount {
            for b in a..<speciesCount {
                let block = out + calculator.blockOffsets[pair]
                pair += 1
                let packed = compressed && a == b
                for l in 0..<lCount {
                    let f = calculator.prefactors[l]
                    let ca = ws.coefficients + (a * harmonicCount + l * l) * lanes
                    let cb = ws.coefficients + (b * harmonicCount + l * l) * lanes
                    let mCount = 2 * l + 1
                    for n in 0..<nMax {
                        for c in 0..<chunks {
                            var acc = SIMD8<Double>.zero
                            for m in 0..<mCount { acc = acc.adding(ca[m * lanes + n], times: load8(cb + m * lanes + 8 * c)) }
                            store8(ws.row + 8 * c, acc * f)
                        }
                        for n2 in 0..<nMax {
                            let v = ws.row[n2]
                            norm2 += v * v
                            if packed {
                                if n2 >= n { block[l * triangle + n * nMax - n * (n - 1) / 2 + (n2 - n)] = v }
                            } else {
                                block[l * nMax * nMax + n * nMax + n2] = v
                            }
                        }
                    }
                }
            }
        }
        if settings.normalised, norm2 > 0 {
            let norm = norm2.squareRoot()
            for i in 0..<settings.featureCount { out[i] /= norm }
        }
    }
}

/// The shape of a contraction tile as a type, so that
/// ``SoapKernelContext/contractTile(_:harmonics:radial:radial:coefficients:count:lanes:fresh:)``
/// is specialised (constant shape, unused accumulators removed) for each: `width` rows of
/// harmonics, the first `split` of them against the first radial plane, the rest against the
/// second.
protocol ContractTile {
    static var width: Int { get }
    static var split: Int { get }
}
extension ContractTile {
    static var split: Int { width }
}
enum TileWidth1: ContractTile { static var width: Int { 1 } }
enum TileWidth3: ContractTile { static var width: Int { 3 } }
enum TileWidth4: ContractTile { static var width: Int { 4 } }
enum TileWidth5: ContractTile { static var width: Int { 5 } }
enum TileWidth6: ContractTile { static var width: Int { 6 } }
/// l = 0 (one row, first plane) with l = 1 (three rows, second plane).
enum TileLow: ContractTile {
    static var width: Int { 4 }
    static var split: Int { 1 }
}
