import CGDAL
import Foundation
import GUPModel

/// Reads a table (the managers table joined on parcels): CSV through the
/// project's CSV parser (`,` or `;`, UTF-8 with or without BOM, or
/// Windows-1252), XLSX and ODS through GDAL's spreadsheet drivers (first
/// sheet, or the one named with `fichier.xlsx:feuille`; first row = header;
/// every cell read as text).
public enum TableReader {
    public static func read(path raw: String) throws -> CSVTable {
        let source = DataSource.parse(raw)
        let path = source.location
        guard FileManager.default.fileExists(atPath: path) else {
            throw GUPError.input(file: path, "fichier introuvable")
        }
        let kind = try FileKind.sniff(path: path)
        switch kind {
        case .text, .empty:
            return try CSVTable.read(path: path)
        case .zip:
            return try spreadsheet(source)
        default:
            throw GUPError.input(file: path, "format de table non reconnu : le fichier ressemble à \(kind.french). Tables lues : \(SupportedFormats.tables)")
        }
    }

    static func spreadsheet(_ source: DataSource) throws -> CSVTable {
        try GDALSetup.ensure()
        let path = source.location
        // HEADERS=FORCE: a sheet of text only has no typed row to tell the
        // header from the data, and GDAL would then name columns Field1…
        // GDAL 3.6's XLSX/ODS drivers take these as configuration options
        // (no open options): set for this thread only, during the open.
        let config = [("OGR_XLSX_HEADERS", "FORCE"), ("OGR_ODS_HEADERS", "FORCE"),
                      ("OGR_XLSX_FIELD_TYPES", "STRING"), ("OGR_ODS_FIELD_TYPES", "STRING")]
        for (k, v) in config { CPLSetThreadLocalConfigOption(k, v) }
        defer { for (k, _) in config { CPLSetThreadLocalConfigOption(k, nil) } }
        let drivers = GDALStringList()
        drivers.append("XLSX")
        drivers.append("ODS")
        GDALFailure.reset()
        // Ownership: `ds` is ours until GDALClose.
        guard let ds = GDALOpenEx(path, UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY), drivers.const, nil, nil) else {
            throw GDALFailure.error(path, "archive zip qui n'est pas un classeur XLSX ou ODS lisible. Tables lues : \(SupportedFormats.tables)")
        }
        defer { GDALClose(ds) }
        let layer = try VectorReader.chooseLayer(ds, source: source)
        let defn = OGR_L_GetLayerDefn(layer)
        let n = OGR_FD_GetFieldCount(defn)
        let header = (0..<n).map { String(cString: OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, $0))).trimmingCharacters(in: .whitespaces) }
        var rows: [[String]] = []
        OGR_L_ResetReading(layer)
        // Ownership: each feature is ours until OGR_F_Destroy.
        while let f = OGR_L_GetNextFeature(layer) {
            defer { OGR_F_Destroy(f) }
            rows.append((0..<n).map { i in
                OGR_F_IsFieldSetAndNotNull(f, i) != 0 ? String(cString: OGR_F_GetFieldAsString(f, i)) : ""
            })
        }
        // Trailing empty rows (formatted but blank cells) are not data.
        while let last = rows.last, last.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { rows.removeLast() }
        return CSVTable(source: path, header: header, rows: rows)
    }
}
