/// A benchmark could not run (missing input, a socket failure, a frame that did not arrive).
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
