/// Where an IMD server (LAMMPS `fix imd PORT`) listens: `HOST:PORT`, `[IPv6]:PORT`, or just
/// `PORT` for localhost.
public struct IMDAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses the `--imd` argument.
    public init(parsing text: String) throws(IMDError) {
        var host = "127.0.0.1"
        var portText = Substring(text)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw IMDError(.address, "bad IMD address '\(text)': expected [IPv6]:PORT")
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw IMDError(.address, "bad IMD address '\(text)': expected [IPv6]:PORT") }
            portText = rest.dropFirst()
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = UInt16(portText), port > 0 else {
            throw IMDError(.address, "bad IMD address '\(text)': expected HOST:PORT, e.g. localhost:5678 (the port of LAMMPS's `fix imd`)")
        }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
