import CGDAL
import CLazyLibraries
import Foundation
import GUPModel

/// GDAL's process-wide set-up, done once: the library loaded (on first use,
/// not at start-up: CLazyLibraries), drivers registered, and GDAL's own
/// error printing silenced (the library never prints: GDAL's messages
/// reach the user only through `GDALFailure`, in French, naming the file).
enum GDALSetup {
    /// nil once libgdal is loaded, else the loader's French message
    /// (« GDAL (libgdal.so.32) introuvable : … »).
    static let loadFailure: String? = gup_load_gdal().map { String(cString: $0) }

    static func load() throws {
        if let loadFailure { throw GUPError(loadFailure) }
    }

    private static let done: Void = {
        GDALAllRegister()
        // CPLQuietErrorHandler keeps the last message for CPLGetLastErrorMsg
        // without writing to stderr.
        CPLSetErrorHandler(CPLQuietErrorHandler)
        // GeoPackages written by newer tools (BD TOPO's are 1.4) are read
        // fine by 3.6, which otherwise warns on every open.
        CPLSetConfigOption("GPKG_WARN_UNRECOGNIZED_APPLICATION_ID", "NO")
    }()

    static func ensure() throws {
        try load()
        _ = done
    }
}

/// Version of the GDAL library loaded at run time
/// (`GDALVersionInfo("RELEASE_NAME")`, e.g. `3.6.2`), not the version of the
/// headers gup was compiled against. Loads GDAL (throws the French message
/// when it cannot be); needs no driver registration.
public func gdalVersion() throws -> String {
    try GDALSetup.load()
    return GDALVersionInfo("RELEASE_NAME").map { String(cString: $0) } ?? "?"
}

/// The one place where GDAL/OGR failures become French messages naming the
/// file (or connection) and what was being done; GDAL's own text is quoted.
enum GDALFailure {
    /// GDAL's last error message on this thread, nil when none.
    static func lastMessage() -> String? {
        guard let m = CPLGetLastErrorMsg() else { return nil }
        let s = String(cString: m).trimmingCharacters(in: .whitespacesAndNewlines)
        return s.isEmpty ? nil : s
    }

    static func reset() { CPLErrorReset() }

    /// « FICHIER : ACTION (GDAL : « … ») ».
    static func error(_ source: String, _ action: String) -> GUPError {
        if let m = lastMessage() {
            return GUPError.input(file: source, "\(action) (message de GDAL : « \(m) »)")
        }
        return GUPError.input(file: source, action)
    }
}

/// A GDAL string list (`char **`) built from Swift pairs; owns the list and
/// frees it with CSLDestroy.
final class GDALStringList {
    private(set) var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?

    init(_ pairs: [(String, String)] = []) {
        for (k, v) in pairs { set(k, v) }
    }

    /// The list as GDAL's `const char* const*` parameters take it.
    var const: UnsafePointer<UnsafePointer<CChar>?>? {
        list.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) }
    }

    func set(_ key: String, _ value: String) {
        list = CSLSetNameValue(list, key, value)
    }

    func append(_ item: String) {
        list = CSLAddString(list, item)
    }

    deinit { CSLDestroy(list) }
}

/// Passwords in PostgreSQL connection strings never appear in messages.
func redactConnection(_ s: String) -> String {
    guard s.uppercased().hasPrefix("PG:") else { return s }
    var out: [String] = []
    for part in s.split(separator: " ", omittingEmptySubsequences: false) {
        if part.lowercased().hasPrefix("password=") { out.append("password=***") } else { out.append(String(part)) }
    }
    return out.joined(separator: " ")
}
