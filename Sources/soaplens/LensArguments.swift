import ArgumentParser
import MDCore
import MDDaemon

/// LENS options shared by `describe` and `run`.
struct LensArguments: ParsableArguments {
    @Option(name: .long, help: "Neighbour cutoff r_cut, Å (the study: 6 for Cu(211) and ice, 4.48 for the Au nanoparticle).")
    var rcut: Double = 6.0

    @Option(name: .long, help: "LENS lag k, frames (δ between frames t and t+k).")
    var lag: Int = 1

    @Option(name: .long, help: "Savitzky–Golay window, frames (the study: 20 for Cu(211), 100 for Au and ice).")
    var window: Int = 20

    @Option(name: .long, help: "Savitzky–Golay polynomial order.")
    var polyorder: Int = 2

    @Option(name: .long, help: "The analysed atoms, e.g. 'z > 28.09' (default: all).")
    var centres: String = "all"

    @Option(name: .long, help: "Atoms counted as LENS neighbours (default: the centres, as in the study).")
    var lensEnv: String?

    /// The settings, with `typeNames` from `--species` for `type N` selections.
    func settings(typeNames: [Int: String]) throws -> LensSettings {
        let centreSelection: Selection
        let environment: Selection?
        do {
            centreSelection = try Selection(parsing: centres)
            environment = try lensEnv.map { text throws(SelectionError) in try Selection(parsing: text) }
        } catch {
            throw ValidationError(error.description)
        }
        let s = LensSettings(
            cutoff: rcut, lag: lag, window: window, polyorder: polyorder, centres: centreSelection,
            environment: environment, typeNames: typeNames)
        do {
            try s.validate()
        } catch {
            throw ValidationError(error.description)
        }
        return s
    }
}
