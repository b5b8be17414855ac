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

/// Every C library GUPKit calls, with the version the loaded library reports
/// at run time, each read through its wrapper module (the only module that
/// imports that C module). `gup --version` prints this list; a wrapper for a
/// new C library adds its line here.
public var cLibraryVersions: [(name: String, version: String)] {
    [("GEOS", geosVersion), ("PROJ", projVersion), ("GDAL", gdalVersion)] + pdfLibraryVersions + [("libxlsxwriter", xlsxwriterVersion)]
}
