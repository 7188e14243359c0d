/// Which of the three cell axes are periodic.
///
/// A bulk crystal is periodic along all three axes, a slab (Cu(211) surface) along a and b
/// only, an isolated nanoparticle along none. Non-periodic axes need no cell vector.
public struct Periodicity: Sendable, Hashable, CustomStringConvertible {
    public var a: Bool
    public var b: Bool
    public var c: Bool

    public init(_ a: Bool, _ b: Bool, _ c: Bool) {
        self.a = a
        self.b = b
        self.c = c
    }

    /// Periodic along every axis.
    public static let all = Periodicity(true, true, true)
    /// Periodic along no axis (an isolated cluster).
    public static let none = Periodicity(false, false, false)

    /// The flag of axis 0, 1 or 2.
    public subscript(axis: Int) -> Bool {
        get {
            switch axis {
            case 0: return a
            case 1: return b
            default: return c
            }
        }
        set {
            switch axis {
            case 0: a = newValue
            case 1: b = newValue
            default: c = newValue
            }
        }
    }

    /// The flags as an array `[a, b, c]`.
    public var array: [Bool] { [a, b, c] }

    /// `true` if at least one axis is periodic.
    public var isAnyPeriodic: Bool { a || b || c }

    /// Like extxyz's `pbc="T T F"`.
    public var description: String { array.map { $0 ? "T" : "F" }.joined(separator: " ") }
}
