/// One ``SoapWorkspace`` per worker of the streaming path, indexed by the worker number the
/// neighbour search passes; each worker touches only its own slot.
struct SoapWorkspacePool: @unchecked Sendable {
    let workspaces: UnsafeMutablePointer<SoapWorkspace>
    let count: Int

    init(count: Int, kernel: SoapKernelContext) {
        let settings = kernel.calculator.settings
        let table = kernel.calculator.table
        self.count = count
        workspaces = .allocate(capacity: count)
        for w in 0..<count {
            (workspaces + w).initialize(to: SoapWorkspace(
                capacity: kernel.capacity, lCount: settings.lMax + 1, lanes: table.lanes,
                speciesCount: settings.species.count, intervals: table.intervalCount))
        }
    }

    func deallocate() {
        for w in 0..<count { workspaces[w].deallocate() }
        workspaces.deinitialize(count: count)
        workspaces.deallocate()
    }
}
