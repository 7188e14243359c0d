import Foundation
import HDF5Kit
import MDArchive
import Testing

@Suite struct ModelBundleTests {
    static func sample() -> ModelBundle {
        ModelBundle(
            settings: ["lens.window": "20", "lens.r_cut": "6", "frame_interval_ps": "1", "features.mode": "soap+lens"],
            configurationTOML: "[system]\nname = \"test\"\n",
            centreIDs: [5, 9, 12], soapEnvironmentIDs: [1, 2, 3, 5, 9, 12], lensEnvironmentIDs: [5, 9, 12],
            sections: [
                "pca": ["mean": .vector([0.5, -1]), "components": .matrix([1, 0, 0, 1, 0.6, 0.8], rows: 3, columns: 2)],
                "merge": ["micro_to_macro": .integers([0, 0, 1])],
            ],
            sectionAttributes: ["clustering": ["method": "gmm"], "pca": ["rule": "variance 0.995"]],
            macroNames: ["bulk", "surface"],
            provenance: ["input": "data/x.dump.gz", "input_sha256": "abc"])
    }

    static func path() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("soaplens-model-\(UUID().uuidString).h5").path
    }

    @Test func roundTripKeepsEverythingAndTheID() throws {
        let bundle = Self.sample()
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let id = try bundle.write(to: path, soaplensVersion: "0.1.0", created: "2026-11-24T00:00:00Z")
        #expect(id == bundle.modelID)
        #expect(id.count == 16)
        let back = try ModelBundle.read(from: path)
        #expect(back == bundle)
        #expect(back.modelID == id)
        // Readable as plain HDF5 (what h5py sees).
        let file = try HDF5File.open(path)
        #expect(try file.openDataset("pca/components").shape == [3, 2])
        #expect(try file.openGroup("/").readStringAttribute("model_id") == [id])
    }

    @Test func theIDDependsOnContentNotOnProvenance() {
        let a = Self.sample()
        var b = a
        b.provenance["created"] = "another day"
        #expect(a.modelID == b.modelID)
        var c = a
        c.sections["pca"]!["mean"] = .vector([0.5, -1.0000000000000002])
        #expect(a.modelID != c.modelID)
        var d = a
        d.settings["lens.window"] = "30"
        #expect(a.modelID != d.modelID)
    }

    @Test func differencesNameEveryKey() {
        let bundle = Self.sample()
        #expect(bundle.differences(from: bundle.settings).isEmpty)
        var now = bundle.settings
        now["lens.window"] = "30"
        now.removeValue(forKey: "lens.r_cut")
        now["soap.n_max"] = "8"
        #expect(bundle.differences(from: now) == [
            "lens.r_cut: model 6, not set now", "lens.window: model 20, now 30", "soap.n_max: not in the model, now 8",
        ])
    }

    @Test func anEditedFileIsDetected() throws {
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.sample().write(to: path, soaplensVersion: "0.1.0", created: "now")
        do {
            let file = try HDF5File.open(path, mode: .readWrite)
            try file.openDataset("pca/mean").write([0.5, -2.0])
            try file.flush()
        }
        #expect {
            _ = try ModelBundle.read(from: path)
        } throws: { error in
            guard case .contentMismatch(let file, _, _) = error as? ModelBundleError else { return false }
            return file == path
        }
    }

    @Test func otherFilesAreRefusedByName() throws {
        let path = Self.path()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let file = try HDF5File.create(path)
            try file.openGroup("/").writeAttribute("format", string: "something-else")
        }
        #expect(throws: ModelBundleError.notAModel(file: path, found: "something-else")) { try ModelBundle.read(from: path) }
        do {
            let file = try HDF5File.open(path, mode: .readWrite)
            try file.openGroup("/").writeAttribute("format", string: ModelBundle.format)
            try file.openGroup("/").writeAttribute("format_version", scalar: Int64(99))
        }
        #expect(throws: ModelBundleError.newerFormat(file: path, version: 99)) { try ModelBundle.read(from: path) }
    }
}
