import Foundation

/// The CPUs this process may run on (its scheduler affinity, as set by `taskset`), read from
/// `Cpus_allowed_list` in `/proc/self/status` (Linux), e.g. `0` or `0-1` or `0,2-3`.
enum CPUAffinity {
    /// Number of CPUs in the affinity mask; `ProcessInfo.activeProcessorCount` where
    /// `/proc` is not available or not understood.
    static func allowedCPUCount() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }),
            let list = line.split(separator: ":").last
        else { return ProcessInfo.processInfo.activeProcessorCount }
        var count = 0
        for part in list.split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            switch bounds.count {
            case 1: count += 1
            case 2 where bounds[1] >= bounds[0]: count += bounds[1] - bounds[0] + 1
            default: return ProcessInfo.processInfo.activeProcessorCount
            }
        }
        return count > 0 ? count : ProcessInfo.processInfo.activeProcessorCount
    }
}
