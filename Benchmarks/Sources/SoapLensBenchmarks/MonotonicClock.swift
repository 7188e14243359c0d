#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Nanosecond timestamps from `CLOCK_MONOTONIC` (never steps backwards, unaffected by NTP
/// slews of the wall clock), for timing individual operations.
enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point (boot).
    @inline(__always)
    static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Seconds since the same fixed point.
    static func seconds() -> Double {
        Double(nanoseconds()) * 1e-9
    }

    /// Sleeps until the monotonic clock reaches `deadline` (seconds); returns at once if it
    /// already has. Used to pace publishers at a fixed frame rate.
    static func sleep(until deadline: Double) {
        let remaining = deadline - seconds()
        guard remaining > 0 else { return }
        var request = timespec(tv_sec: Int(remaining), tv_nsec: Int((remaining - Double(Int(remaining))) * 1e9))
        var left = timespec()
        while nanosleep(&request, &left) != 0 && errno == EINTR { request = left }
    }
}
