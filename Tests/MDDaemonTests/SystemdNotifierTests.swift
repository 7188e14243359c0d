#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MDDaemon
import Testing

/// sd_notify against real AF_UNIX datagram sockets (a path in a temporary directory and a Linux
/// abstract name), the notifier configured by an injected environment (the process's is never
/// changed: the tests run in parallel with others).
@Suite struct SystemdNotifierTests {
    /// A bound datagram socket standing in for systemd's notification socket.
    final class Receiver {
        let fd: Int32
        /// What goes in NOTIFY_SOCKET.
        let address: String
        private let directory: String?

        /// A socket bound at a path in a fresh temporary directory, or at an abstract name.
        init(abstract: Bool) throws {
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw POSIXError(.init(rawValue: errno)!) }
            var bytes: [UInt8]
            if abstract {
                address = "@soaplens-test-\(UUID().uuidString)"
                bytes = Array(address.utf8)
                bytes[0] = 0
                directory = nil
            } else {
                let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sdn-\(UUID().uuidString.prefix(8))").path
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                directory = dir
                address = dir + "/notify"
                bytes = Array(address.utf8) + [0]
            }
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
            let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + bytes.count)
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            guard rc == 0 else { throw POSIXError(.init(rawValue: errno)!) }
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        /// The next datagram (nil after 2 s without one).
        func receive() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n >= 0 else { return nil }
            return String(decoding: buffer[..<n], as: UTF8.self)
        }

        /// `true` when no datagram is waiting (non-blocking peek).
        func isEmpty() -> Bool {
            var byte: UInt8 = 0
            return recv(fd, &byte, 1, Int32(MSG_DONTWAIT) | Int32(MSG_PEEK)) < 0
        }

        deinit {
            close(fd)
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
        }
    }

    @Test func unsetIsANoOp() {
        let n = SystemdNotifier.fromEnvironment([:])
        #expect(!n.isEnabled)
        #expect(n.ready(status: "x") == .disabled)
        #expect(!n.ready().didSend)
        #expect(n.stopping() == .disabled)
        #expect(n.status("x") == .disabled)
        #expect(n.watchdog() == .disabled)
        #expect(n.notify(["not a field"]) == .disabled)  // nothing is even checked
        #expect(n.watchdogInterval == nil)
        // An empty NOTIFY_SOCKET is unset too (systemd's own reading).
        #expect(!SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": ""]).isEnabled)
    }

    @Test(arguments: [false, true]) func sendsEachMessageAsOneDatagram(abstract: Bool) throws {
        let receiver = try Receiver(abstract: abstract)
        let n = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": receiver.address])
        #expect(n.isEnabled)
        #expect(n.socketAddress == receiver.address)

        #expect(n.ready(status: "receiving frames on tcp://127.0.0.1:5555") == .sent)
        #expect(receiver.receive() == "READY=1\nSTATUS=receiving frames on tcp://127.0.0.1:5555")
        #expect(n.ready() == .sent)
        #expect(receiver.receive() == "READY=1")
        #expect(n.status("run r1: 120 frames\nanalysed") == .sent)
        #expect(receiver.receive() == "STATUS=run r1: 120 frames analysed")
        #expect(n.watchdog() == .sent)
        #expect(receiver.receive() == "WATCHDOG=1")
        #expect(n.extendTimeout(.milliseconds(1500)) == .sent)
        #expect(receiver.receive() == "EXTEND_TIMEOUT_USEC=1500000")
        #expect(n.notify(["STATUS=a", "MAINPID=42"]) == .sent)
        #expect(receiver.receive() == "STATUS=a\nMAINPID=42")
        #expect(n.stopping(status: "stopping: writing the summary") == .sent)
        #expect(receiver.receive() == "STOPPING=1\nSTATUS=stopping: writing the summary")
        #expect(receiver.isEmpty())
    }

    @Test func malformedFieldsAreRefusedAndNothingIsSent() throws {
        let receiver = try Receiver(abstract: false)
        let n = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": receiver.address])
        #expect(n.notify(["READY=1\nSTOPPING=1"]) == .failed(.invalidField("READY=1\nSTOPPING=1")))
        #expect(n.notify(["READY"]) == .failed(.invalidField("READY")))
        #expect(n.notify(["=1"]) == .failed(.invalidField("=1")))
        #expect(n.notify([]) == .failed(.invalidField("")))
        #expect(receiver.isEmpty())
    }

    @Test func failuresAreReturnedNotThrown() throws {
        // Nobody bound at the path (systemd gone, or a stale variable).
        let receiver = try Receiver(abstract: false)
        let missing = receiver.address + "-nobody"
        let outcome = SystemdNotifier(socketAddress: missing).ready()
        #expect(outcome == .failed(.send(errno: ENOENT)))
        if case let .failed(error) = outcome { #expect(error.description.contains("cannot send to NOTIFY_SOCKET")) }
        #expect(SystemdNotifier(socketAddress: "@soaplens-nobody-\(UUID().uuidString)").ready() == .failed(.send(errno: ECONNREFUSED)))
        // Relative paths and other schemes (vsock:) are not sd_notify addresses we speak.
        #expect(SystemdNotifier(socketAddress: "run/notify").ready() == .failed(.unsupportedAddress("run/notify")))
        #expect(SystemdNotifier(socketAddress: "vsock:2:1234").ready() == .failed(.unsupportedAddress("vsock:2:1234")))
        // sun_path holds 108 bytes: a path needs its NUL, an abstract name does not.
        let long = "/" + String(repeating: "x", count: 107)
        #expect(SystemdNotifier(socketAddress: long).ready() == .failed(.addressTooLong(long)))
        let abstract108 = "@" + String(repeating: "y", count: 107)
        #expect(SystemdNotifier(socketAddress: abstract108).ready() == .failed(.send(errno: ECONNREFUSED)))
        let abstract109 = abstract108 + "y"
        #expect(SystemdNotifier(socketAddress: abstract109).ready() == .failed(.addressTooLong(abstract109)))
        #expect(receiver.isEmpty())
    }

    @Test func watchdogIntervalFollowsSdWatchdogEnabled() {
        let me: Int32 = 4242
        func interval(_ env: [String: String]) -> Duration? { SystemdNotifier.fromEnvironment(env, pid: me).watchdogInterval }
        #expect(interval(["WATCHDOG_USEC": "20000000"]) == .seconds(20))
        #expect(interval(["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "4242"]) == .seconds(20))
        #expect(interval(["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "4243"]) == nil)  // meant for another process
        #expect(interval(["WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "x"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "0"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "-5"]) == nil)
        #expect(interval(["WATCHDOG_USEC": "soon"]) == nil)
        #expect(interval([:]) == nil)
        let n = SystemdNotifier.fromEnvironment(["WATCHDOG_USEC": "3000000"], pid: me)
        #expect(n.watchdogPingInterval == .milliseconds(1500))
        // The real process id is the default.
        #expect(SystemdNotifier.fromEnvironment(["WATCHDOG_USEC": "1000", "WATCHDOG_PID": "\(getpid())"]).watchdogInterval == .microseconds(1000))
    }

    @Test func watchdogPingsAtMostOncePerHalfTimeout() throws {
        let receiver = try Receiver(abstract: true)
        let n = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": receiver.address, "WATCHDOG_USEC": "2000000"], pid: 1)
        let watchdog = SystemdWatchdog(notifier: n)
        #expect(watchdog.pingInterval == .seconds(1))
        let t0 = ContinuousClock.now
        #expect(watchdog.pingIfDue(now: t0) == .sent)
        #expect(receiver.receive() == "WATCHDOG=1")
        #expect(watchdog.pingIfDue(now: t0 + .milliseconds(999)) == nil)
        #expect(receiver.isEmpty())
        #expect(watchdog.pingIfDue(now: t0 + .seconds(1)) == .sent)
        #expect(receiver.receive() == "WATCHDOG=1")
        #expect(watchdog.pingIfDue(now: t0 + .milliseconds(1500)) == nil)
        #expect(receiver.isEmpty())

        // No watchdog configured, or no socket: never sends.
        #expect(SystemdWatchdog(notifier: .fromEnvironment(["NOTIFY_SOCKET": receiver.address])).pingIfDue() == nil)
        #expect(SystemdWatchdog(notifier: .fromEnvironment(["WATCHDOG_USEC": "2000000"])).pingIfDue() == nil)
        #expect(receiver.isEmpty())
    }
}
