import HDF5Kit
import MDCore

/// Writes an H5MD 1.1 file (`../docs` FORMATS §2, §5) that the daemon's analyses append to:
/// the mandatory `h5md` group (version, author, creator), the `particles/all` group with its
/// `box` description, the analysed atoms' ids, and time series added with
/// ``addSeries(_:columns:attributes:)``.
///
/// One writer per file, used from one thread (HDF5 serialises calls anyway).
public final class H5MDWriter {
    /// The file's path.
    public let path: String
    /// The underlying file.
    public let file: HDF5File
    /// `particles/all`.
    public let particles: HDF5Group

    /// Creates (truncates) `path`.
    /// - Parameters:
    ///   - periodicity: written as `box/boundary` (`periodic` / `none` per axis).
    ///   - creatorVersion: the soaplens version.
    public init(path: String, periodicity: Periodicity, creatorVersion: String, author: String = "soaplens") throws(HDF5Error) {
        self.path = path
        file = try HDF5File.create(path)
        let h5md = try file.root.createGroup("h5md")
        try h5md.writeAttribute("version", [Int32(1), 1])
        let authorGroup = try h5md.createGroup("author")
        try authorGroup.writeAttribute("name", string: author)
        let creator = try h5md.createGroup("creator")
        try creator.writeAttribute("name", string: "soaplens")
        try creator.writeAttribute("version", string: creatorVersion)
        particles = try file.root.createGroup("particles").createGroup("all")
        let box = try particles.createGroup("box")
        try box.writeAttribute("dimension", scalar: Int32(3))
        try box.writeAttribute("boundary", strings: periodicity.array.map { $0 ? "periodic" : "none" })
    }

    /// Writes a time-independent 1-D integer dataset under `particles/all` (e.g. the centre ids).
    public func writeIDs(_ name: String, _ ids: [Int64], attributes: [String: AttributeValue] = [:]) throws(HDF5Error) {
        let d = try particles.createDataset(name, type: .int64, shape: [ids.count])
        try d.write(ids)
        for (k, v) in attributes.sorted(by: { $0.key < $1.key }) { try v.write(on: d, name: k) }
    }

    /// Adds a time-dependent element `particles/all/<name>` with `step`, `time` and
    /// `value (frames × columns)`; rows are appended with ``H5MDSeries/append(step:time:values:)``.
    public func addSeries(
        _ name: String, columns: Int, attributes: [String: AttributeValue] = [:], timeUnit: String = "ps"
    ) throws(HDF5Error) -> H5MDSeries {
        try addSeries(name, rowShape: [columns], valueType: .float64, attributes: attributes, timeUnit: timeUnit)
    }

    /// Adds a time-dependent element whose value has shape frames × `rowShape`
    /// (e.g. frames × centres × features for SOAP), of element type `valueType` (float64, or
    /// int32 for labels).
    public func addSeries(
        _ name: String, rowShape: [Int], valueType: HDF5ElementType = .float64, attributes: [String: AttributeValue] = [:],
        timeUnit: String = "ps"
    ) throws(HDF5Error) -> H5MDSeries {
        let series = try H5MDSeries(parent: particles, name: name, rowShape: rowShape, valueType: valueType, timeUnit: timeUnit)
        for (k, v) in attributes.sorted(by: { $0.key < $1.key }) {
            try v.write(on: series.group, name: k)
            try v.write(on: series.value, name: k)
        }
        return series
    }

    /// Writes a free-form attribute on the root group (provenance, configuration).
    public func writeRootAttribute(_ name: String, _ value: AttributeValue) throws(HDF5Error) {
        try value.write(on: file.root, name: name)
    }

    /// Flushes everything written so far to disk, so the file is readable if the process dies.
    public func flush() throws(HDF5Error) { try file.flush() }
}

/// An attribute value for the archive's self-describing metadata.
public enum AttributeValue: Sendable, Equatable {
    case int(Int64)
    case double(Double)
    case string(String)
    case strings([String])
    case ints([Int64])
    case doubles([Double])
    case bool(Bool)

    func write(on object: HDF5Object, name: String) throws(HDF5Error) {
        switch self {
        case let .int(v): try object.writeAttribute(name, scalar: v)
        case let .double(v): try object.writeAttribute(name, scalar: v)
        case let .string(v): try object.writeAttribute(name, string: v)
        case let .strings(v): try object.writeAttribute(name, strings: v)
        case let .ints(v): try object.writeAttribute(name, v)
        case let .doubles(v): try object.writeAttribute(name, v)
        case let .bool(v): try object.writeAttribute(name, scalar: Int32(v ? 1 : 0))
        }
    }
}
