/// Constants of the frame wire protocol (`docs/wire-protocol.md`).
public enum WireProtocol {
    /// The protocol version this code speaks.
    public static let version: Int64 = 1
    /// Topic (part 0) of frame messages.
    public static let frameTopic: [UInt8] = Array("frame".utf8)
    /// Topic (part 0) of control messages.
    public static let controlTopic: [UInt8] = Array("control".utf8)
    /// `protocol` value in frame headers.
    public static let frameProtocolName = "soaplens-frame"
    /// `protocol` value in control messages.
    public static let controlProtocolName = "soaplens-control"
    /// Largest atom count a frame may declare (a guard against absurd headers; 100 million).
    public static let maxAtoms = 100_000_000
    /// Default endpoint of the frame stream: publishers bind, the daemon connects.
    public static let defaultFrameEndpoint = "tcp://127.0.0.1:5555"
    /// Default endpoint of alerts and stats: the daemon binds, listeners connect.
    public static let defaultAlertEndpoint = "tcp://127.0.0.1:5556"
}
