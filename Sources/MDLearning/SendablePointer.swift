/// A raw pointer handed to `DispatchQueue.concurrentPerform` workers that write disjoint
/// elements (each worker its own rows or its own scratch block); the caller owns the memory
/// and keeps it alive for the parallel section. `@unchecked` because the compiler cannot see
/// that the writes never overlap.
struct SendablePointer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>

    init(_ base: UnsafeMutablePointer<Element>) { self.base = base }

    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }
}
