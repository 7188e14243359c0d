import Foundation
import MDCore
import MDDescriptors
import Testing

/// dscribe 2.1.2 spectra committed by scripts/reference/make_soap_fixtures.py
/// (Tests/Fixtures/soap: Cu3, Cu13, a Cu(211) slab frame with pbc T T F, Au-309 perfect and
/// noisy, a 4-atom triclinic cell with pbc T T T and T F T, and a periodic H/O water box).
struct SoapFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/soap")
    static func meta() throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent("soap_fixtures.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    static func doubles(_ name: String) throws -> [Double] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
        }
    }

    let name: String
    let system: [String: Any]
    init(_ name: String) throws {
        self.name = name
        system = (try Self.meta()["systems"] as! [String: Any])[name] as! [String: Any]
    }

    func file(_ key: String) throws -> [Double] { try Self.doubles((system[key] as! [String: Any])["file"] as! String) }
    var centres: [Int32] { (system["centres"] as! [NSNumber]).map { Int32($0.intValue) } }
    var atomicNumbers: [Int] { (system["atomic_numbers"] as! [NSNumber]).map(\.intValue) }

    var cell: Cell? {
        let pbc = (system["pbc"] as! [Bool])
        guard pbc.contains(true) else { return nil }
        let rows = (system["cell_rows"] as! [[NSNumber]]).flatMap { $0.map(\.doubleValue) }
        return Cell(rowMajor: rows, periodicity: Periodicity(pbc[0], pbc[1], pbc[2]))
    }

    func spectra(layout: SoapSettings.Layout, normalised: Bool) throws -> SoapSpectra {
        let settings = try SoapSettings(
            rCut: (system["r_cut"] as! NSNumber).doubleValue,
            species: (system["species"] as! [NSNumber]).map(\.intValue), layout: layout, normalised: normalised)
        let positions = try file("positions")
        return try SoapCalculator(settings: settings).compute(
            positions: positions, cell: cell, atomicNumbers: atomicNumbers, centres: centres,
            environment: (0..<Int32(positions.count / 3)).map { $0 })
    }
}

@Suite struct SoapFixtureTests {
    /// Compact, un-normalised rows: max |p − p_ref| ≤ 1e-9·‖p_ref‖₂ per row (target 1e-8).
    @Test(arguments: ["cu3", "cu13", "cu211", "au309", "au309_noisy", "cu4_triclinic", "cu4_triclinic_pbc_tft", "water"])
    func compactSpectraMatchDscribe(name: String) throws {
        let fixture = try SoapFixture(name)
        let reference = try fixture.file("soap")
        let ours = try fixture.spectra(layout: .compressed, normalised: false)
        let features = (fixture.system["n_features"] as! NSNumber).intValue
        #expect(ours.featureCount == features)
        #expect(ours.values.count == reference.count)
        var worst = 0.0
        for row in 0..<ours.rowCount {
            let ref = reference[(row * features)..<((row + 1) * features)]
            let relative = soapMaxDifference(ours.row(row), ref) / soapNorm(ref)
            worst = max(worst, relative)
        }
        #expect(worst <= 1e-9, "\(name): worst row max|Δ|/‖p_ref‖ = \(worst)")
    }

    /// SOAPify full layout and its normalisation on the two-species (H, O) water box.
    @Test func waterFullLayoutAndNormalisation() throws {
        let fixture = try SoapFixture("water")
        let full = try fixture.spectra(layout: .full, normalised: false)
        let unit = try fixture.spectra(layout: .full, normalised: true)
        let refFull = try SoapFixture.doubles("water.full.bin")
        let refUnit = try SoapFixture.doubles("water.full_normalised.bin")
        #expect(full.featureCount == 1728)
        #expect(refFull.count == full.values.count)
        for row in 0..<full.rowCount {
            let ref = refFull[(row * 1728)..<((row + 1) * 1728)]
            #expect(soapMaxDifference(full.row(row), ref) <= 1e-9 * soapNorm(ref))
            #expect(soapMaxDifference(unit.row(row), refUnit[(row * 1728)..<((row + 1) * 1728)]) <= 1e-9)
        }
    }
}
