import HDF5Kit

/// The bundle's HDF5 layout (format_version 1), readable with h5py:
///
///     /                       attrs format = "soaplens-model", format_version, model_id,
///                                   soaplens_version, created (UTC, ISO 8601)
///     /settings               attrs: one string per setting (`lens.window` = "20", …)
///     /configuration          attr toml: the effective configuration
///     /selection/{centre_ids, soap_environment_ids, lens_environment_ids}   int64
///     /<section>/<array>      float64 or int64, row-major with its shape; section attrs
///     /macro_names            strings
///     /provenance             attrs: strings
extension ModelBundle {
    /// Writes the bundle to `path` (replacing a file there); returns the model id stored. The
    /// file is written as `<path>.partial` and renamed into place when complete.
    @discardableResult
    public func write(to path: String, soaplensVersion: String, created: String) throws(ModelBundleError) -> String {
        let id = modelID
        let partial = path + ".partial"
        do throws(HDF5Error) {
            let file = try HDF5File.create(partial)
            let root = try file.openGroup("/")
            try root.writeAttribute("format", string: Self.format)
            try root.writeAttribute("format_version", scalar: Self.formatVersion)
            try root.writeAttribute("model_id", string: id)
            try root.writeAttribute("soaplens_version", string: soaplensVersion)
            try root.writeAttribute("created", string: created)
            let settingsGroup = try root.createGroup("settings")
            for (k, v) in settings.sorted(by: { $0.key < $1.key }) { try settingsGroup.writeAttribute(k, string: v) }
            try root.createGroup("configuration").writeAttribute("toml", string: configurationTOML)
            let selection = try root.createGroup("selection")
            for (name, ids) in [("centre_ids", centreIDs), ("soap_environment_ids", soapEnvironmentIDs), ("lens_environment_ids", lensEnvironmentIDs)] {
                try selection.createDataset(name, type: .int64, shape: [ids.count]).write(ids)
            }
            for name in Set(sections.keys).union(sectionAttributes.keys).sorted() {
                let group = try root.createGroup(name)
                for (k, v) in (sectionAttributes[name] ?? [:]).sorted(by: { $0.key < $1.key }) { try group.writeAttribute(k, string: v) }
                for (k, array) in (sections[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    switch array {
                    case .float64(let shape, let values):
                        try group.createDataset(k, type: .float64, shape: shape).write(values)
                    case .int64(let shape, let values):
                        try group.createDataset(k, type: .int64, shape: shape).write(values)
                    }
                }
            }
            try root.createStringDataset("macro_names", strings: macroNames)
            let provenanceGroup = try root.createGroup("provenance")
            for (k, v) in provenance.sorted(by: { $0.key < $1.key }) { try provenanceGroup.writeAttribute(k, string: v) }
            try file.flush()
        } catch {
            throw .hdf5(error)
        }
        do throws(FileReplacementError) {
            try FileReplacement.move(partial, to: path)
        } catch {
            throw .replacement(error)
        }
        return id
    }

    /// Reads a bundle and checks its format, version and content hash.
    public static func read(from path: String) throws(ModelBundleError) -> ModelBundle {
        let fixed: Set<String> = ["settings", "configuration", "selection", "macro_names", "provenance"]
        do {
            let file = try HDF5File.open(path)
            let root = try file.openGroup("/")
            let format = try root.hasAttribute("format") ? try root.readStringAttribute("format").first ?? "" : ""
            guard format == Self.format else { throw ModelBundleError.notAModel(file: path, found: format) }
            let version = try root.readScalarAttribute("format_version", as: Int64.self)
            guard version <= Self.formatVersion else { throw ModelBundleError.newerFormat(file: path, version: version) }
            func strings(_ group: HDF5Group) throws(HDF5Error) -> [String: String] {
                var out: [String: String] = [:]
                for name in try group.attributeNames() { out[name] = try group.readStringAttribute(name).first ?? "" }
                return out
            }
            let selection = try root.openGroup("selection")
            var bundle = ModelBundle(
                settings: try strings(try root.openGroup("settings")),
                configurationTOML: try root.openGroup("configuration").readStringAttribute("toml").first ?? "",
                centreIDs: try selection.openDataset("centre_ids").read(as: Int64.self),
                soapEnvironmentIDs: try selection.openDataset("soap_environment_ids").read(as: Int64.self),
                lensEnvironmentIDs: try selection.openDataset("lens_environment_ids").read(as: Int64.self),
                macroNames: try root.openDataset("macro_names").readStrings(),
                provenance: try strings(try root.openGroup("provenance")))
            for name in try root.childNames() where !fixed.contains(name) {
                guard try root.kind(of: name) == .group else { continue }
                let group = try root.openGroup(name)
                let attributes = try strings(group)
                if !attributes.isEmpty { bundle.sectionAttributes[name] = attributes }
                var arrays: [String: ModelArray] = [:]
                for child in try group.childNames() {
                    let dataset = try group.openDataset(child)
                    let shape = try dataset.shape
                    if try dataset.elementClass == .integer {
                        arrays[child] = .int64(shape: shape, values: try dataset.read(as: Int64.self))
                    } else {
                        arrays[child] = .float64(shape: shape, values: try dataset.read(as: Double.self))
                    }
                }
                if !arrays.isEmpty { bundle.sections[name] = arrays }
            }
            let stored = try root.readStringAttribute("model_id").first ?? ""
            let computed = bundle.modelID
            guard stored == computed else { throw ModelBundleError.contentMismatch(file: path, stored: stored, computed: computed) }
            return bundle
        } catch let error as ModelBundleError {
            throw error
        } catch let error as HDF5Error {
            throw .hdf5(error)
        } catch {
            throw .notAModel(file: path, found: "\(error)")
        }
    }
}
