/// Element symbols H (Z = 1) … U (Z = 92), to turn `Frame.species` names into the atomic
/// numbers SOAP orders its species by.
public enum SoapElements {
    /// Symbols indexed by `Z − 1`.
    public static let symbols: [String] = [
        "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne",
        "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca",
        "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn",
        "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr",
        "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn",
        "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd",
        "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb",
        "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
        "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th",
        "Pa", "U",
    ]

    private static let table: [String: Int] = Dictionary(
        uniqueKeysWithValues: symbols.enumerated().map { ($0.element, $0.offset + 1) })

    /// The atomic number of an element symbol. Case is normalised (`"CU"`, `"cu"` → 29);
    /// surrounding spaces are ignored. `nil` for anything that is not a symbol H … U.
    public static func atomicNumber(of symbol: some StringProtocol) -> Int? {
        let trimmed = symbol.split(separator: " ", omittingEmptySubsequences: true)
        guard trimmed.count == 1, let word = trimmed.first, let first = word.first else { return nil }
        let normalised = first.uppercased() + word.dropFirst().lowercased()
        return table[normalised]
    }

    /// The symbol of atomic number `z`, or `nil` outside 1 … 92.
    public static func symbol(of z: Int) -> String? {
        (1...symbols.count).contains(z) ? symbols[z - 1] : nil
    }
}
