/// Why a signal-processing request cannot be served. Each case carries the values at fault.
public enum SignalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The window length is below 1.
    case invalidWindow(window: Int)
    /// The polynomial order is negative or not below the window length (scipy: "polyorder must
    /// be less than window_length").
    case invalidPolyorder(polyorder: Int, window: Int)
    /// A series (or a streaming segment) has fewer samples than the window. scipy's
    /// `mode='interp'` refuses such input ("window_length must be less than or equal to the size
    /// of x"); the samples produce no output.
    case seriesTooShort(length: Int, window: Int)

    /// A short stable code for counters and logs.
    public var code: String {
        switch self {
        case .invalidWindow: return "invalid-window"
        case .invalidPolyorder: return "invalid-polyorder"
        case .seriesTooShort: return "series-too-short"
        }
    }

    public var description: String {
        switch self {
        case let .invalidWindow(window):
            return "Savitzky-Golay window \(window) must be at least 1"
        case let .invalidPolyorder(polyorder, window):
            return "Savitzky-Golay polyorder \(polyorder) must be in 0..<\(window) (the window length)"
        case let .seriesTooShort(length, window):
            return "series of \(length) samples is shorter than the Savitzky-Golay window \(window)"
        }
    }
}
