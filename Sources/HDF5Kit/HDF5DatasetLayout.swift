/// How a new dataset is stored: contiguous, or chunked (needed to extend it and to compress it).
public struct HDF5DatasetLayout: Sendable, Hashable {
    /// Chunk shape (same rank as the dataset), or `nil`. An extensible dataset without a
    /// chunk shape gets one frame per chunk: `(1, shape[1...])`.
    public var chunk: [Int]?
    /// Make the first dimension unlimited so that ``HDF5Dataset/extend(toFrames:)`` can grow it.
    public var extensible: Bool
    /// Gzip (deflate) level 1…9, or `nil` for no compression. Needs chunking.
    public var gzipLevel: Int?
    /// Apply the byte-shuffle filter before gzip (helps float data).
    public var shuffle: Bool

    public init(chunk: [Int]? = nil, extensible: Bool = false, gzipLevel: Int? = nil, shuffle: Bool = false) {
        self.chunk = chunk
        self.extensible = extensible
        self.gzipLevel = gzipLevel
        self.shuffle = shuffle
    }

    /// Contiguous storage, fixed shape.
    public static let contiguous = HDF5DatasetLayout()

    /// Chunked with an unlimited first dimension (a time series of frames).
    public static func frames(chunk: [Int]? = nil, gzipLevel: Int? = nil, shuffle: Bool = false) -> HDF5DatasetLayout {
        HDF5DatasetLayout(chunk: chunk, extensible: true, gzipLevel: gzipLevel, shuffle: shuffle)
    }
}

