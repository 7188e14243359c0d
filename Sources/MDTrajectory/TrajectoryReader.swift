import MDCore

/// A streaming reader of one trajectory file: memory independent of the file's length.
///
/// Frames come out with `runID == ""` and `sequence` = the frame's 0-based index in the file;
/// the replayer assigns the run id and the wire sequence number.
public protocol TrajectoryReader: AnyObject {
    /// The path the reader was opened with.
    var path: String { get }
    /// The next frame, or `nil` at the end of the file. In follow mode (`replay --follow`)
    /// the call waits for the writer instead of returning `nil`, until `stopRequested`
    /// returns `true`.
    func next() throws(TrajectoryError) -> Frame?
    /// Skips one frame without decoding its numbers; `false` at the end of the file.
    func skip() throws(TrajectoryError) -> Bool
}

extension TrajectoryReader {
    public func skip() throws(TrajectoryError) -> Bool { try next() != nil }
}

/// The trajectory formats `replay` reads natively.
public enum TrajectoryFormat: String, Sendable, CaseIterable {
    /// LAMMPS text dump (`dump custom`, `dump atom`), optionally gzip-compressed.
    case lammpsDump = "lammps-dump"
    /// Extended XYZ (`Lattice=`, `Properties=`, `pbc=`), optionally gzip-compressed.
    case extendedXYZ = "extxyz"
    /// H5MD (LAMMPS `dump h5md`, MDAnalysis), and SOAPify's `Trajectories/<name>` layout.
    case h5md

    /// Guesses the format from the file name: `.h5`, `.h5md`, `.hdf5` → H5MD; `.xyz`,
    /// `.extxyz` (also `.gz`) → extxyz; anything else → LAMMPS dump.
    public static func guess(path: String) -> TrajectoryFormat {
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if name.hasSuffix(".h5") || name.hasSuffix(".h5md") || name.hasSuffix(".hdf5") { return .h5md }
        if name.hasSuffix(".xyz") || name.hasSuffix(".extxyz") { return .extendedXYZ }
        return .lammpsDump
    }
}

/// Settings of follow mode (tailing a file that a running LAMMPS is still writing).
public struct FollowOptions: Sendable {
    /// How long to sleep between polls for new data, seconds.
    public var pollInterval: Double
    /// Asked between polls; returning `true` ends the stream (`next()` returns `nil`).
    public var stopRequested: @Sendable () -> Bool

    public init(pollInterval: Double = 0.2, stopRequested: @escaping @Sendable () -> Bool) {
        self.pollInterval = pollInterval
        self.stopRequested = stopRequested
    }
}
