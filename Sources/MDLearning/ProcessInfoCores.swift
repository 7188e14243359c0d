import Foundation

/// How many workers the parallel HDBSCAN* loops use: the active processor count.
enum ProcessInfoCores {
    static var active: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}
