@testable import MDGeometry
import Testing
import TestSupport

@Suite("Pair keys: order-preserving packing and the allocation-free sort")
struct PairKeyCodingTests {
    @Test("encode/decode round trip; numeric order is (neighbour, na, nb, nc)")
    func roundTripAndOrder() throws {
        let coding = try #require(PairKeyCoding(minimum: SIMD3(-3, -1, 0), maximum: SIMD3(4, 1, 0)))
        var entries: [(Int32, SIMD3<Int>)] = []
        for j: Int32 in [0, 1, 7, 2_000_000_000] {
            for a in -3...4 { for b in -1...1 { entries.append((j, SIMD3(a, b, 0))) } }
        }
        let keys = entries.map { coding.encode(neighbour: $0.0) | coding.encode(shift: $0.1.x, $0.1.y, $0.1.z) }
        for (key, entry) in zip(keys, entries) {
            #expect(coding.neighbour(key) == entry.0)
            #expect(coding.shift(key) == entry.1)
        }
        // `entries` was built in output order, so the keys must be strictly increasing.
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0 < $1 })
        #expect(PairKeyCoding(minimum: SIMD3(-(1 << 12), -(1 << 12), 0), maximum: SIMD3(1 << 12, 1 << 12, 1 << 10)) == nil)
    }

    @Test("introsort and its heapsort fallback sort like the standard library", arguments: [nil, 0] as [Int?])
    func sortMatchesStandardLibrary(depthLimit: Int?) {
        var g = SplitMix64(seed: 5)
        for count in [0, 1, 2, 3, 15, 16, 17, 40, 333, 2048] {
            for pattern in 0..<4 {
                var keys: [UInt64] = (0..<count).map { _ in UInt64.random(in: 0..<1 << 40, using: &g) }
                if pattern == 1 { keys.sort() }
                if pattern == 2 { keys.sort(by: >) }
                if pattern == 3 { keys = keys.map { $0 % 5 } }
                let expected = keys.sorted()
                keys.withUnsafeMutableBufferPointer { PairKeyCoding.sort($0, depthLimit: depthLimit) }
                #expect(keys == expected, "count \(count) pattern \(pattern)")
            }
        }
    }
}
