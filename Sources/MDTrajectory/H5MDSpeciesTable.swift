import MDCore

/// Turns numeric H5MD species (LAMMPS types) into the frame's species names and type
/// indices: names from `SourceOptions.speciesMap` when the user gave one (`.mapped`), else
/// `"type<N>"` (`.typesOnly`). Species are listed in ascending numeric order.
struct H5MDSpeciesTable {
    let names: [String]
    /// Index into ``names`` for every atom (file order).
    let indices: [Int32]
    let source: FrameProvenance.SpeciesSource

    /// - Throws: `.options` when the map misses a type present in the file.
    init(types: [Int64], map: [Int: String], file: String, dataset: String, frame: Int?) throws(TrajectoryError) {
        var distinct = Set<Int64>()
        for t in types { distinct.insert(t) }
        let sorted = distinct.sorted()
        var position = [Int64: Int32](minimumCapacity: sorted.count)
        for (k, t) in sorted.enumerated() { position[t] = Int32(k) }
        if map.isEmpty {
            names = sorted.map { "type\($0)" }
            source = .typesOnly
        } else {
            var mapped: [String] = []
            for t in sorted {
                guard let name = map[Int(t)] else {
                    throw TrajectoryError(.options, file: file, frame: frame, dataset: dataset,
                                          "type \(t) has no name in --species")
                }
                mapped.append(name)
            }
            names = mapped
            source = .mapped
        }
        var indices = [Int32](repeating: 0, count: types.count)
        for i in types.indices { indices[i] = position[types[i]]! }
        self.indices = indices
    }
}
