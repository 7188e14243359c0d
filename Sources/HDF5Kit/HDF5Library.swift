import CHDF5
import Foundation

/// Process-wide plumbing: silencing HDF5's automatic error printing and turning its error
/// stack into ``HDF5Error``s.
///
/// HDF5's error stack, and with it the automatic-printing switch, is per thread in the
/// thread-safe build used here, so `H5Eset_auto2(hid_t(H5E_DEFAULT), nil, nil)` is called once on
/// every thread that enters the wrapper (tracked in the thread dictionary).
enum HDF5Library {
    private static let silencedKey = "soaplens.HDF5Kit.errorPrintingOff"

    /// Turns off HDF5's printing of error stacks on the calling thread (once per thread).
    static func prepareThread() {
        let dictionary = Thread.current.threadDictionary
        if dictionary[silencedKey] == nil {
            _ = H5Eset_auto2(hid_t(H5E_DEFAULT), nil, nil)
            dictionary[silencedKey] = true
        }
    }

    /// Collects up to three messages of the calling thread's error stack, innermost first,
    /// and clears the stack.
    static func takeErrorStack() -> String {
        final class Messages { var lines: [String] = [] }
        let messages = Messages()
        withExtendedLifetime(messages) {
            let context = Unmanaged.passUnretained(messages).toOpaque()
            _ = H5Ewalk2(hid_t(H5E_DEFAULT), H5E_WALK_UPWARD, { _, error, data in
                guard let error, let data else { return 0 }
                let box = Unmanaged<Messages>.fromOpaque(data).takeUnretainedValue()
                if box.lines.count < 3 {
                    var line = error.pointee.desc.map { String(cString: $0) } ?? ""
                    if let function = error.pointee.func_name {
                        line = "\(String(cString: function)): \(line)"
                    }
                    box.lines.append(line)
                }
                return 0
            }, context)
        }
        _ = H5Eclear2(hid_t(H5E_DEFAULT))
        return messages.lines.joined(separator: "; ")
    }
}

/// Where an operation happens, for error messages.
struct HDF5Context: Sendable {
    var file: String
    var object: String

    /// An error for a negative return of `operation`, carrying HDF5's messages.
    func libraryError(_ operation: String) -> HDF5Error {
        HDF5Error(.library, file: file, object: object, operation: operation,
                  detail: HDF5Library.takeErrorStack())
    }

    /// An error for a request that does not fit the object.
    func mismatch(_ operation: String, _ detail: String) -> HDF5Error {
        HDF5Error(.mismatch, file: file, object: object, operation: operation, detail: detail)
    }

    /// Returns `status` when it is non-negative, otherwise throws.
    @discardableResult
    func check<T: BinaryInteger>(_ status: T, _ operation: @autoclosure () -> String) throws(HDF5Error) -> T {
        if status < 0 { throw libraryError(operation()) }
        return status
    }

    /// Wraps a freshly created identifier in an owning handle, or throws when it is negative.
    func own(_ id: hid_t, _ kind: HDF5Handle.Kind, _ operation: @autoclosure () -> String) throws(HDF5Error) -> HDF5Handle {
        if id < 0 { throw libraryError(operation()) }
        return HDF5Handle(id, kind)
    }

    /// The same context for a child object `name` (relative or absolute).
    func child(_ name: String) -> HDF5Context {
        HDF5Context(file: file, object: HDF5Context.join(object, name))
    }

    /// Joins an object path and a relative or absolute name.
    static func join(_ base: String, _ name: String) -> String {
        if name.hasPrefix("/") { return name }
        if base.hasSuffix("/") { return base + name }
        return base + "/" + name
    }
}
