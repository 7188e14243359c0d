#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SHA256 {
    /// The hex digest of the file at `path`, read in 1 MiB pieces; nil when it cannot be read.
    /// For provenance: which input a model was fitted on.
    public static func hexDigest(ofFile path: String) -> String? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n > 0 { hasher.update(n == chunk.count ? chunk : Array(chunk[0..<n])) }
            if n < chunk.count {
                if ferror(f) != 0 { return nil }
                break
            }
        }
        return hasher.hexDigest()
    }
}
