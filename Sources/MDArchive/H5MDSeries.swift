import HDF5Kit

/// One time-dependent H5MD element: `step` (int64), `time` (float64, ps) and
/// `value` (float64 by default, or another numeric type such as int32 for labels; frames ×
/// row shape, e.g. frames × centres or frames × centres × features), all extensible along frames, chunked (``chunkFrames`` frames for small rows,
/// one frame per chunk for large ones) and gzip-compressed. Rows are appended one at a time,
/// so memory does not depend on the run's length.
public final class H5MDSeries {
    /// Rows per chunk.
    public static let chunkFrames = 64

    /// The element's group.
    public let group: HDF5Group
    /// `value` dataset.
    public let value: HDF5Dataset
    private let step: HDF5Dataset
    private let time: HDF5Dataset
    /// Shape of one frame's value (without the frame axis).
    public let rowShape: [Int]
    /// Values per row (product of the row shape).
    public let columns: Int
    /// Rows written.
    public private(set) var count = 0

    init(parent: HDF5Group, name: String, rowShape: [Int], valueType: HDF5ElementType, timeUnit: String) throws(HDF5Error) {
        self.rowShape = rowShape
        let columns = rowShape.reduce(1, *)
        self.columns = columns
        let framesPerChunk = columns > 65_536 ? 1 : Self.chunkFrames
        group = try parent.createGroup(name)
        step = try group.createDataset("step", type: .int64, shape: [0], layout: .frames(chunk: [Self.chunkFrames]))
        time = try group.createDataset("time", type: .float64, shape: [0], layout: .frames(chunk: [Self.chunkFrames]))
        try time.writeAttribute("unit", string: timeUnit)
        value = try group.createDataset(
            "value", type: valueType, shape: [0] + rowShape,
            layout: .frames(chunk: [framesPerChunk] + rowShape.map { max($0, 1) }, gzipLevel: 4, shuffle: true))
    }

    /// Appends one row labelled with an MD step and a time (ps; NaN when unknown).
    /// `values` are converted to the dataset's element type by HDF5.
    public func append<T: HDF5Numeric>(step s: Int64, time t: Double, values: [T]) throws(HDF5Error) {
        precondition(values.count == columns, "a row of \(name) has \(columns) values")
        let n = count + 1
        try step.extend(toFrames: n)
        try time.extend(toFrames: n)
        try value.extend(toFrames: n)
        try step.write([s], atFrame: count)
        try time.write([t], atFrame: count)
        try value.write(values, atFrame: count)
        count = n
    }

    private var name: String { group.path }
}
