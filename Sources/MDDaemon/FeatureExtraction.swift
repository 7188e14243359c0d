import MDConfiguration
import MDCore
import MDDescriptors
import MDLearning

/// The descriptor half of `soaplens fit`: frame by frame, one neighbour search for SOAP and
/// LENS (``DescriptorPass``), streaming LENS smoothing (``LensStage``), and the study's rows
/// (``CombinedVectorAssembler``: analysed frames, pairing, clipping; conventions §4).
///
/// Selections are resolved on the first frame (centres, SOAP environment — default all
/// atoms — and LENS environment — default the centres). LENS is computed in every mode,
/// because every mode analyses the same frames (those with an interior smoothed LENS).
/// Memory: the analysed rows themselves (frames × centres × width doubles) plus
/// O(window × centres × SOAP width) in flight.
final class FeatureExtraction {
    /// What the rows are made of.
    struct Settings: Sendable {
        var mode: CombinedVectorAssembler.Mode
        /// LENS, and through it the centres, the LENS environment (nil: the centres) and the
        /// type names of the source.
        var lens: LensSettings
        /// The SOAP environment (nil: every atom).
        var soapEnvironment: Selection?
        var soap: SoapSettingsRequest
        var clip: Bool
    }

    /// SOAP hyper-parameters before the species are known (they come from the first frame).
    struct SoapSettingsRequest: Sendable {
        var rCut: Double
        var nMax: Int
        var lMax: Int
        var sigma: Double
        var layout: SoapSettings.Layout
        var normalised: Bool
        var threads: Int?
    }

    let settings: Settings
    let ids: [Int64]
    let centreIDs: [Int64]
    let soapEnvironmentIDs: [Int64]
    let lensEnvironmentIDs: [Int64]
    /// The SOAP settings in use (species from the first frame), nil in LENS-only mode.
    let soapSettings: SoapSettings?
    private let stage: LensStage
    private let pass: DescriptorPass
    /// Frame rows (atom indices) of the centres, in ``centreIDs`` order.
    let soapCentres: [Int32]
    private let soapEnvironment: [Int32]
    private var assembler: CombinedVectorAssembler
    /// Smoothed rows seen in the current stretch (their index within it).
    private var stretchIndex = 0

    /// Whether analysed frames are kept in ``rows``, ``lens`` and ``steps`` (fit: yes; the
    /// online daemon takes each frame from ``consume(_:file:)`` and keeps nothing).
    let keepsRows: Bool
    /// Analysed rows so far, frame-major (analysed frame f, centre i at row f·N + i).
    private(set) var rows: [Double] = []
    /// Smoothed, clipped LENS of every analysed row (whatever the mode).
    private(set) var lens: [Double] = []
    /// Step of every analysed frame (kept or not).
    private(set) var steps: [Int64] = []
    /// Frames consumed.
    private(set) var framesRead = 0

    init(first: Frame, settings: Settings, keepsRows: Bool = true) throws {
        self.settings = settings
        self.keepsRows = keepsRows
        ids = first.ids
        stage = try LensStage(first: first, settings: settings.lens)
        centreIDs = stage.centreIDs
        lensEnvironmentIDs = stage.environmentIDs
        soapCentres = stage.centreIndices
        soapEnvironment = SoapRunInputs.environment(first: first, selection: settings.soapEnvironment, typeNames: settings.lens.typeNames)
        soapEnvironmentIDs = soapEnvironment.map { first.ids[Int($0)] }
        if settings.mode == .lens {
            soapSettings = nil
            pass = DescriptorPass(soap: nil, lensCutoff: settings.lens.cutoff)
        } else {
            let s = settings.soap
            let soap = try SoapRunInputs.settings(
                first: first, centres: soapCentres, environment: soapEnvironment, nMax: s.nMax, lMax: s.lMax,
                rCut: s.rCut, sigma: s.sigma, layout: s.layout, normalised: s.normalised)
            soapSettings = soap
            pass = DescriptorPass(soap: try SoapCalculator(settings: soap, threads: s.threads), lensCutoff: settings.lens.cutoff)
        }
        assembler = CombinedVectorAssembler(
            mode: settings.mode, centreCount: centreIDs.count, soapWidth: soapSettings?.featureCount ?? 0,
            halfWindow: settings.lens.window / 2, clip: settings.clip)
    }

    /// Numbers per row.
    var width: Int { assembler.width }
    /// Analysed frames so far.
    var analysedFrames: Int { steps.count }

    /// Consumes the next frame (`file` names it in errors); returns the analysed frames that
    /// became complete (their smoothed LENS is final: ⌊w/2⌋ + lag frames after their own).
    @discardableResult
    func consume(_ frame: Frame, file: String) throws -> [CombinedVectorAssembler.Frame] {
        guard frame.ids == ids else {
            throw StageError("\(file): frame at step \(frame.step) has another atom set than the first frame (\(frame.atomCount) atoms, first had \(ids.count)); fit analyses one fixed atom set")
        }
        var spectra: SoapSpectra?
        let (pass, centres, soapEnvironment, lensEnvironment) = (pass, soapCentres, soapEnvironment, stage.environmentIndices)
        let out: (raw: LensStage.Row?, smoothed: [LensStage.Row])
        do {
            out = try stage.consume(frame) { sets in
                spectra = try pass.compute(
                    frame: frame, centres: centres, soapEnvironment: soapEnvironment, lensEnvironment: lensEnvironment,
                    lensSets: &sets
                ).soap
            }
        } catch let error as StageError {
            throw error
        } catch {
            throw StageError("\(file): step \(frame.step): \(error)")
        }
        framesRead += 1
        if let spectra { try assembler.pushSOAP(step: frame.step, rows: spectra.values) }
        var analysedFrames: [CombinedVectorAssembler.Frame] = []
        for row in out.smoothed {
            if let analysed = try assembler.pushSmoothedLENS(step: row.step, index: stretchIndex, values: row.values) {
                if keepsRows {
                    rows += analysed.rows
                    lens += analysed.lens
                }
                steps.append(analysed.step)
                analysedFrames.append(analysed)
            }
            stretchIndex += 1
        }
        return analysedFrames
    }

    /// A break in the frame sequence (lost frames): the stretch ends, its tail rows are edge
    /// rows (never analysed), and the next frame starts a new stretch whose first ⌊w/2⌋
    /// intervals are head edge rows; no δ spans the break. Returns the number of intervals
    /// the ended stretch had (0 when it was shorter than the window).
    @discardableResult
    func breakSequence() -> Int {
        var intervals = 0
        do {
            intervals = try stage.breakSequence().count
        } catch {
            // A stretch shorter than the window: nothing was smoothed; the stage has reset.
        }
        assembler.endStretch()
        stretchIndex = 0
        return intervals
    }

    /// The end of the input: the tail rows of the smoothing are edge rows, not analysed.
    func finish() throws {
        do {
            _ = try stage.finish()
        } catch is LensStage.ShortStretch {
            // Fewer intervals than the window: no analysed frame at all (reported by the caller).
        }
        assembler.endStretch()
    }
}

extension FeatureExtraction.Settings {
    /// The feature settings of a system configuration (`fit` and the online daemon alike, so
    /// both compute the same rows): the centres and environments, LENS and smoothing, SOAP
    /// (species from the first frame), the mode and the clipping; `threads` SOAP workers.
    init(configuration c: SystemConfiguration, typeNames: [Int: String], threads: Int?) {
        let mode: CombinedVectorAssembler.Mode = switch c.features.mode {
        case .soapAndLens: .soapAndLens
        case .soap: .soap
        case .lens: .lens
        }
        let lensEnvironment: Selection? = switch c.selection.lensEnvironment {
        case .centres: nil
        case .selection(let s): s
        }
        let layout: SoapSettings.Layout = c.soap.layout == .full ? .full : .compressed
        self.init(
            mode: mode,
            lens: LensSettings(
                cutoff: c.lens.rCut ?? 0, lag: c.lens.lag, window: c.lens.window ?? 0, polyorder: c.lens.polyorder,
                centres: c.selection.centres, environment: lensEnvironment, typeNames: typeNames),
            soapEnvironment: c.selection.soapEnvironment,
            soap: .init(
                rCut: c.soap.rCut ?? 0, nMax: c.soap.nMax, lMax: c.soap.lMax, sigma: c.soap.sigma, layout: layout,
                normalised: c.soap.normalised, threads: threads),
            clip: c.lens.clip)
    }
}
