// The GUPKit library: one import for every layer.
@_exported import GUPModel
@_exported import GUPTopology
@_exported import GUPProjection
@_exported import GUPAnalysis
@_exported import GUPCartography
@_exported import GUPDossier
@_exported import GUPFormats
@_exported import GUPWorkbook
@_exported import GUPPDF

/// The C libraries every command needs, linked and loaded at start-up:
/// GEOS and PROJ, with the version each loaded library reports at run time
/// (read through its wrapper module, the only module importing that C
/// module). Cheap: `gup --version` prints these.
public var startupLibraryVersions: [(name: String, version: String)] {
    [("GEOS", geosVersion), ("PROJ", projVersion)]
}

/// The names of the C libraries loaded on first use (CLazyLibraries), which
/// `gup --version` does not load.
public let onDemandLibraryNames = ["GDAL", "cairo", "pango", "librsvg", "libxlsxwriter"]

/// The C libraries loaded on first use (GDAL; cairo, pango, librsvg;
/// libxlsxwriter), loaded now, with the version each reports at run time, or
/// the French message saying why it cannot be loaded. A wrapper for a new C
/// library adds its line here.
public func onDemandLibraryVersions() -> [(name: String, version: Result<String, GUPError>)] {
    func read(_ names: [String], _ body: () throws -> [(name: String, version: String)]) -> [(name: String, version: Result<String, GUPError>)] {
        do {
            return try body().map { ($0.name, .success($0.version)) }
        } catch {
            let e = error as? GUPError ?? GUPError("\(error)")
            return [(names.joined(separator: ", "), .failure(e))]
        }
    }
    return read(["GDAL"]) { [("GDAL", try gdalVersion())] }
        + read(["cairo", "pango", "librsvg"]) { try pdfLibraryVersions() }
        + read(["libxlsxwriter"]) { [("libxlsxwriter", try xlsxwriterVersion())] }
}
