/// The LAMMPS `units` style of a dump (`dump_modify units yes` writes `ITEM: UNITS`), as the
/// factors that bring its times and velocities to ps and Å/ps.
///
/// Only styles whose lengths are Å are accepted: `metal` (ps), `real` (fs) and `lj` (reduced
/// units, passed through unchanged). A dump without `ITEM: UNITS` is taken as `metal`.
struct LammpsUnits: Sendable, Equatable {
    /// The style name as written by LAMMPS.
    var style: String
    /// Multiplies a time of the style to give ps.
    var timeToPicoseconds: Double
    /// Multiplies a velocity of the style to give Å/ps.
    var velocityToAngstromPerPicosecond: Double

    /// LAMMPS `units metal`: Å, ps, Å/ps.
    static let metal = LammpsUnits(style: "metal", timeToPicoseconds: 1, velocityToAngstromPerPicosecond: 1)

    /// The factors of `style`, or `nil` when its lengths are not Å (si, cgs, electron, micro,
    /// nano) or the style is unknown.
    static func named(_ style: String) -> LammpsUnits? {
        switch style {
        case "metal": return .metal
        case "real": return LammpsUnits(style: style, timeToPicoseconds: 1e-3, velocityToAngstromPerPicosecond: 1e3)
        case "lj": return LammpsUnits(style: style, timeToPicoseconds: 1, velocityToAngstromPerPicosecond: 1)
        default: return nil
        }
    }
}
