import HDF5Kit
import MDCore

/// Streams frames from an HDF5 trajectory: H5MD 1.1 (as written by MDAnalysis and by LAMMPS
/// `dump h5md`) or the SOAPify / dynsight layout `Trajectories/<name>`.
///
/// Each ``next()`` reads one frame by hyperslab, so memory does not grow with the file's
/// length; ``skip()`` advances without reading any data. Positions come out in Å, velocities
/// in Å/ps, times in ps (converted from the H5MD `unit` attributes; no unit means Å and ps),
/// atoms sorted by id. See `FORMATS.md` §1–§4 for the layouts.
///
/// H5MD specifics: the first group under `particles/` (name order, as MDAnalysis and h5py)
/// unless `group` is given; `box` attributes `dimension` (3) and `boundary` give the
/// periodicity; the origin is zero (H5MD has none); `id` (absent → 1…N, `.fileOrder`) and
/// `species` may be time-independent datasets or time-dependent groups; integer species are
/// named with `SourceOptions.speciesMap` (`.mapped`) or `"type<N>"` (`.typesOnly`); without
/// species every atom is type 1. `image` is not applied: positions are returned as stored.
public final class H5MDReader: TrajectoryReader {
    /// Which layout the file has.
    public enum Layout: String, Sendable {
        /// H5MD `particles/<group>`.
        case h5md
        /// SOAPify / dynsight `Trajectories/<name>`.
        case soapify
    }

    public let path: String
    /// The layout found in the file.
    public let layout: Layout
    /// The particles group (H5MD) or trajectory name (SOAPify) being read.
    public let group: String
    /// Number of frames in the file.
    public let frameCount: Int
    /// Number of atoms per frame.
    public let atomCount: Int

    private enum Source {
        case particles(H5MDParticlesSource)
        case soapify(H5MDSoapifySource)
    }

    private let file: HDF5File
    private let source: Source
    private var nextIndex = 0

    /// Opens `path` read-only and inspects its layout (shapes, units, box), reading no frame.
    ///
    /// - Parameters:
    ///   - group: the particles group (H5MD) or trajectory name (SOAPify); default the first.
    /// - Throws: `.io` if the file cannot be opened, `.format` for a file that is neither H5MD
    ///   nor SOAPify or has inconsistent shapes, `.unsupported` for unknown units or a
    ///   non-3-D box.
    public init(path: String, options: SourceOptions = SourceOptions(), group: String? = nil) throws(TrajectoryError) {
        self.path = path
        let context = H5MDFileContext(file: path)
        file = try context.run { () throws(HDF5Error) in try HDF5File.open(path) }
        let file = self.file
        if try context.run({ () throws(HDF5Error) in try file.kind(of: "particles") == .group }) {
            let name = try H5MDReader.chooseGroup(in: file, parent: "particles", requested: group, context: context)
            let particles = try H5MDParticlesSource(file: file, particlesGroup: name, options: options, context: context)
            layout = .h5md
            self.group = name
            frameCount = particles.frameCount
            atomCount = particles.atomCount
            source = .particles(particles)
        } else if try context.run({ () throws(HDF5Error) in try file.kind(of: "Trajectories") == .group }) {
            let name = try H5MDReader.chooseGroup(in: file, parent: "Trajectories", requested: group, context: context)
            let soapify = try H5MDSoapifySource(file: file, name: name, options: options, context: context)
            layout = .soapify
            self.group = name
            frameCount = soapify.frameCount
            atomCount = soapify.atomCount
            source = .soapify(soapify)
        } else {
            throw TrajectoryError(.format, file: path, dataset: "/",
                                  "neither an H5MD file ('particles' group) nor a SOAPify file ('Trajectories' group)")
        }
    }

    public func next() throws(TrajectoryError) -> Frame? {
        guard nextIndex < frameCount else { return nil }
        let index = nextIndex
        let frame: Frame
        switch source {
        case let .particles(particles): frame = try particles.frame(at: index)
        case let .soapify(soapify): frame = try soapify.frame(at: index)
        }
        nextIndex += 1
        return frame
    }

    public func skip() throws(TrajectoryError) -> Bool {
        guard nextIndex < frameCount else { return false }
        nextIndex += 1
        return true
    }

    /// `requested` if it exists under `parent`, else the first child group in name order.
    private static func chooseGroup(
        in file: HDF5File, parent: String, requested: String?, context: H5MDFileContext
    ) throws(TrajectoryError) -> String {
        let parentGroup = try context.run { () throws(HDF5Error) in try file.openGroup(parent) }
        if let requested {
            guard try context.run({ () throws(HDF5Error) in try parentGroup.kind(of: requested) == .group }) else {
                throw TrajectoryError(.format, file: context.file, dataset: "/\(parent)/\(requested)",
                                      "no group '\(requested)' under '\(parent)'")
            }
            return requested
        }
        let children = try context.run { () throws(HDF5Error) in try parentGroup.childNames() }
        for child in children where try context.run({ () throws(HDF5Error) in try parentGroup.kind(of: child) == .group }) {
            return child
        }
        throw TrajectoryError(.format, file: context.file, dataset: "/\(parent)", "'\(parent)' holds no group")
    }
}
