/// The column layout of an extended-XYZ frame from `Properties=name:type:count:…`
/// (default `species:S:1:pos:R:3`): which token of an atom line is the species, the position
/// components and the id; every other property (`velo:R:3`, `Z:I:1`, `forces:R:3`, …) is
/// skipped by its width.
struct ExtXYZProperties: Sendable, Equatable {
    enum Role: UInt8, Sendable {
        case ignored, species, x, y, z, id
    }

    /// The role of each token of an atom line.
    var roles: [Role]
    var hasID: Bool

    /// Parses the value of `Properties`.
    static func parse(_ text: String) -> Result<ExtXYZProperties, TextParsingIssue> {
        let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard fields.count % 3 == 0, !fields.isEmpty else {
            return .failure(.init(.format, "Properties must be name:type:count triples, found '\(text)'"))
        }
        var roles: [Role] = []
        var sawSpecies = false, sawPosition = false, hasID = false
        for t in stride(from: 0, to: fields.count, by: 3) {
            let name = fields[t], type = fields[t + 1].uppercased()
            guard let width = Int(fields[t + 2]), width >= 1, ["S", "R", "I", "L"].contains(type) else {
                return .failure(.init(.format, "bad property '\(fields[t]):\(fields[t + 1]):\(fields[t + 2])' in Properties"))
            }
            switch name.lowercased() {
            case "species" where !sawSpecies:
                guard type == "S", width == 1 else { return .failure(.init(.format, "species must be species:S:1")) }
                roles.append(.species)
                sawSpecies = true
            case "pos" where !sawPosition:
                guard type == "R", width == 3 else { return .failure(.init(.format, "pos must be pos:R:3")) }
                roles += [.x, .y, .z]
                sawPosition = true
            case "id" where !hasID:
                guard type == "I", width == 1 else { return .failure(.init(.format, "id must be id:I:1")) }
                roles.append(.id)
                hasID = true
            default:
                roles += [Role](repeating: .ignored, count: width)
            }
        }
        guard sawSpecies else { return .failure(.init(.format, "Properties has no species:S:1 column")) }
        guard sawPosition else { return .failure(.init(.format, "Properties has no pos:R:3 column")) }
        return .success(ExtXYZProperties(roles: roles, hasID: hasID))
    }
}
