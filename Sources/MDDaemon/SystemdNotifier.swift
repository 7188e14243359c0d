#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The service manager's notification protocol (sd_notify(3)) without libsystemd: when systemd
/// starts a `Type=notify` unit it puts the path of a datagram socket in `NOTIFY_SOCKET`
/// (a file system path, or `@name` for a Linux abstract socket), and the service sends it
/// newline-separated `KEY=VALUE` fields: `READY=1` once it serves, `STATUS=...` for
/// `systemctl status`, `STOPPING=1` when a graceful stop begins, `WATCHDOG=1` as the keep-alive
/// of `WatchdogSec=`.
///
/// Outside systemd (`NOTIFY_SOCKET` unset) every call is a no-op that reports `.disabled`.
/// Nothing here throws: a failed send is returned as `.failed(error)` for the caller to log,
/// and the daemon goes on (a service manager that does not hear READY=1 acts on its own
/// timeout; crashing the daemon over it would not help).
///
/// A fresh socket per message, as sd_notify does: messages are rare (start, stop, status every
/// few seconds at most), and nothing is held between calls, so the value is `Sendable` and
/// usable from any thread.
public struct SystemdNotifier: Sendable {
    /// Where the messages go: `NOTIFY_SOCKET` as given, nil when unset or empty.
    public let socketAddress: String?

    /// The watchdog timeout systemd enforces on this process (`WATCHDOG_USEC`, when
    /// `WATCHDOG_PID` is unset or names this process), nil when no watchdog is configured.
    public let watchdogInterval: Duration?

    /// What a call did.
    public enum Outcome: Sendable, Equatable {
        /// The datagram was sent.
        case sent
        /// No `NOTIFY_SOCKET`: not started by systemd as a notify service; nothing sent.
        case disabled
        /// Configured but the message could not be sent (the caller logs it).
        case failed(SystemdNotifierError)

        /// `true` only when the message was sent.
        public var didSend: Bool { self == .sent }
    }

    /// A notifier for an explicit socket address (nil: disabled) and watchdog interval.
    public init(socketAddress: String?, watchdogInterval: Duration? = nil) {
        self.socketAddress = (socketAddress?.isEmpty ?? true) ? nil : socketAddress
        self.watchdogInterval = watchdogInterval
    }

    /// The notifier systemd configured through the environment (`NOTIFY_SOCKET`,
    /// `WATCHDOG_USEC`, `WATCHDOG_PID`). Tests pass their own dictionary and pid; the
    /// process environment is only read, never changed.
    public static func fromEnvironment(
        _ environment: [String: String]? = nil, pid: Int32? = nil
    ) -> SystemdNotifier {
        let env = environment ?? processEnvironment()
        return SystemdNotifier(
            socketAddress: env["NOTIFY_SOCKET"],
            watchdogInterval: watchdogInterval(environment: env, pid: pid ?? getpid()))
    }

    /// sd_watchdog_enabled(3): `WATCHDOG_USEC` as a positive integer of microseconds, valid for
    /// this process when `WATCHDOG_PID` is unset or equals `pid`; nil otherwise.
    public static func watchdogInterval(environment env: [String: String], pid: Int32) -> Duration? {
        guard let text = env["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0, usec < UInt64(Int64.max) else { return nil }
        if let owner = env["WATCHDOG_PID"] {
            guard let ownerPID = Int32(owner), ownerPID == pid else { return nil }
        }
        return .microseconds(Int64(usec))
    }

    /// `true` when `NOTIFY_SOCKET` is set (the calls will try to send).
    public var isEnabled: Bool { socketAddress != nil }

    /// How often to send `WATCHDOG=1`: half the watchdog timeout, as sd_watchdog_enabled(3)
    /// recommends; nil without a watchdog.
    public var watchdogPingInterval: Duration? { watchdogInterval.map { $0 / 2 } }

    // MARK: the messages

    /// Sends the fields, one `KEY=VALUE` per line, in one datagram. A field without `=` or with
    /// a newline in it is refused (it would change the meaning of the message), nothing sent.
    @discardableResult
    public func notify(_ fields: [String]) -> Outcome {
        guard let socketAddress else { return .disabled }
        for field in fields {
            guard let eq = field.firstIndex(of: "="), eq != field.startIndex, !field.contains("\n"), !field.contains("\0") else {
                return .failed(.invalidField(field))
            }
        }
        guard !fields.isEmpty else { return .failed(.invalidField("")) }
        return Self.send(fields.joined(separator: "\n"), to: socketAddress)
    }

    /// `READY=1` (the unit becomes active; `systemctl start` returns), with a status line.
    @discardableResult
    public func ready(status: String? = nil) -> Outcome {
        notify(["READY=1"] + (status.map { ["STATUS=" + Self.oneLine($0)] } ?? []))
    }

    /// `STOPPING=1`: a graceful stop began (the unit shows "deactivating"), with a status line.
    @discardableResult
    public func stopping(status: String? = nil) -> Outcome {
        notify(["STOPPING=1"] + (status.map { ["STATUS=" + Self.oneLine($0)] } ?? []))
    }

    /// `STATUS=...`: the line `systemctl status` shows. Newlines become spaces.
    @discardableResult
    public func status(_ text: String) -> Outcome {
        notify(["STATUS=" + Self.oneLine(text)])
    }

    /// `WATCHDOG=1`: the keep-alive for `WatchdogSec=`.
    @discardableResult
    public func watchdog() -> Outcome {
        notify(["WATCHDOG=1"])
    }

    /// `EXTEND_TIMEOUT_USEC=...`: asks for this much more time for the current start-up or stop
    /// phase (e.g. while a large model loads) before systemd gives up on it.
    @discardableResult
    public func extendTimeout(_ duration: Duration) -> Outcome {
        let (seconds, attoseconds) = duration.components
        let usec = max(0, seconds) * 1_000_000 + max(0, attoseconds) / 1_000_000_000_000
        return notify(["EXTEND_TIMEOUT_USEC=\(usec)"])
    }

    /// A status text as one line (a newline would start a new field).
    static func oneLine(_ text: String) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\0" ? " " : $0 })
    }

    // MARK: the socket

    /// One datagram to `address` (`/path` or `@abstract`), on a fresh close-on-exec socket.
    static func send(_ message: String, to address: String) -> Outcome {
        #if os(Linux)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        var bytes = Array(address.utf8)
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        let length: Int
        switch bytes.first {
        case UInt8(ascii: "/"):
            // A path: NUL-terminated, so it must leave room for the NUL.
            guard bytes.count < capacity else { return .failed(.addressTooLong(address)) }
            length = pathOffset + bytes.count + 1
        case UInt8(ascii: "@"):
            // Abstract namespace: a leading NUL, then the name; the length counts exactly
            // these bytes (no terminator), as systemd binds it.
            bytes[0] = 0
            guard bytes.count <= capacity else { return .failed(.addressTooLong(address)) }
            length = pathOffset + bytes.count
        default:
            return .failed(.unsupportedAddress(address))
        }
        guard !bytes.dropFirst().contains(0) else { return .failed(.unsupportedAddress(address)) }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }

        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failed(.socket(errno: errno)) }
        defer { close(fd) }
        let payload = Array(message.utf8)
        let sent = withUnsafePointer(to: &addr) { addrPointer in
            addrPointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                payload.withUnsafeBytes { buffer in
                    sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), sa, socklen_t(length))
                }
            }
        }
        if sent < 0 { return .failed(.send(errno: errno)) }
        if sent != payload.count { return .failed(.shortSend(sent: sent, of: payload.count)) }
        return .sent
        #else
        return .failed(.unsupportedPlatform)
        #endif
    }

    /// The process environment as a dictionary (read once per call).
    private static func processEnvironment() -> [String: String] {
        var out: [String: String] = [:]
        for name in ["NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] {
            if let value = getenv(name) { out[name] = String(cString: value) }
        }
        return out
    }
}

/// Why a notification was not sent.
public enum SystemdNotifierError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `NOTIFY_SOCKET` is neither an absolute path nor `@abstract` (e.g. `vsock:`, unsupported).
    case unsupportedAddress(String)
    /// The address does not fit `sockaddr_un.sun_path`.
    case addressTooLong(String)
    /// A field without `KEY=`, or with a newline or NUL in it; or no field at all.
    case invalidField(String)
    /// socket(2) failed.
    case socket(errno: Int32)
    /// sendto(2) failed (ENOENT/ECONNREFUSED: nobody listens at the address).
    case send(errno: Int32)
    /// The datagram went out truncated.
    case shortSend(sent: Int, of: Int)
    /// Not Linux.
    case unsupportedPlatform

    public var description: String {
        switch self {
        case let .unsupportedAddress(a): return "NOTIFY_SOCKET \"\(a)\" is neither an absolute path nor @abstract"
        case let .addressTooLong(a): return "NOTIFY_SOCKET \"\(a)\" is too long for a unix socket address"
        case let .invalidField(f): return "not a KEY=VALUE notification field: \"\(f)\""
        case let .socket(e): return "cannot create the notification socket: \(Self.message(e))"
        case let .send(e): return "cannot send to NOTIFY_SOCKET: \(Self.message(e))"
        case let .shortSend(s, n): return "notification truncated: \(s) of \(n) bytes sent"
        case .unsupportedPlatform: return "sd_notify is Linux only"
        }
    }

    private static func message(_ code: Int32) -> String {
        String(cString: strerror(code)) + " (errno \(code))"
    }
}

/// `WATCHDOG=1` at most once per ping interval (half of `WATCHDOG_USEC`), for a loop that
/// wakes up often (the receive loops poll every ~100 ms): call ``pingIfDue(now:)`` on every
/// iteration, so the keep-alive proves the loop itself still turns, not just that the process
/// exists. Thread-safe.
public final class SystemdWatchdog: Sendable {
    public let notifier: SystemdNotifier
    /// Half the watchdog timeout; nil when systemd set no watchdog (then nothing is sent).
    public let pingInterval: Duration?
    private let last = Mutex<ContinuousClock.Instant?>(nil)

    public init(notifier: SystemdNotifier) {
        self.notifier = notifier
        self.pingInterval = notifier.isEnabled ? notifier.watchdogPingInterval : nil
    }

    /// Sends `WATCHDOG=1` when none was sent for a ping interval (the first call always sends);
    /// nil when nothing was due or no watchdog is configured.
    @discardableResult
    public func pingIfDue(now: ContinuousClock.Instant = .now) -> SystemdNotifier.Outcome? {
        guard let pingInterval else { return nil }
        let due = last.withLock { last -> Bool in
            if let previous = last, now - previous < pingInterval { return false }
            last = now
            return true
        }
        return due ? notifier.watchdog() : nil
    }
}
