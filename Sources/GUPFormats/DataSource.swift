import Foundation
import GUPModel

/// Where a layer comes from, as the user wrote it: a file (with an optional
/// layer name inside it), or a PostGIS connection with a table or a query.
///
/// On the command line: `parcelles.shp`, `bdtopo.gpkg:troncon_de_route`,
/// `"PG:dbname=gup host=/chemin/socket tables=perimetres"`. In `dossier.toml`:
/// `fichier`, `couche` and `requete`.
public struct DataSource: Sendable, Equatable, CustomStringConvertible {
    /// A file path, or a GDAL connection string (`PG:…`).
    public var location: String
    /// The layer inside a multi-layer source (GeoPackage layer, `schema.table`).
    public var layer: String?
    /// An SQL query whose result is the layer (PostGIS, GeoPackage).
    public var query: String?

    public init(location: String, layer: String? = nil, query: String? = nil) {
        self.location = location
        self.layer = layer
        self.query = query
    }

    /// True for a database connection (`PG:…`) rather than a file.
    public var isConnection: Bool { location.uppercased().hasPrefix("PG:") }

    /// For messages: the file or connection (password hidden), with the layer.
    public var description: String {
        let base = redactConnection(location)
        if let layer { return "\(base):\(layer)" }
        return base
    }

    /// Parses a command-line source: `PG:…` as it is; `fichier.gpkg:couche`
    /// when `fichier.gpkg` exists and the whole text does not; else a path.
    public static func parse(_ raw: String) -> DataSource {
        if raw.uppercased().hasPrefix("PG:") { return DataSource(location: raw) }
        let fm = FileManager.default
        if fm.fileExists(atPath: raw) { return DataSource(location: raw) }
        if let colon = raw.lastIndex(of: ":"), colon != raw.startIndex {
            let file = String(raw[..<colon])
            let layer = String(raw[raw.index(after: colon)...])
            if !layer.isEmpty, !layer.contains("/"), fm.fileExists(atPath: file) {
                return DataSource(location: file, layer: layer)
            }
        }
        return DataSource(location: raw)
    }
}

/// What a file looks like from its first bytes. The format of a file is
/// recognised from its content, never from its extension (a `.json` may be
/// a GeoPackage, a `.txt` a CSV).
public enum FileKind: Equatable, Sendable {
    case geoJSON
    case zip
    case sqlite
    case flatGeobuf
    case shapefile
    case dbf
    case xml
    case pdf
    case image(String)
    case text
    case empty
    case binary

    /// Reads the first bytes of `path`, a regular file only: the open is
    /// non-blocking (`InputFile.openRegular`), so a FIFO is refused with a
    /// clear message instead of waiting forever for a writer.
    public static func sniff(path: String) throws -> FileKind {
        let (fd, _) = try InputFile.openRegular(path: path, register: false)
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 4096)
        let n = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
        return sniff(Array(head.prefix(max(0, n))))
    }

    public static func sniff(_ b: [UInt8]) -> FileKind {
        if b.isEmpty { return .empty }
        func starts(_ p: [UInt8]) -> Bool { b.count >= p.count && Array(b[0..<p.count]) == p }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if starts(Array("SQLite format 3".utf8)) { return .sqlite }
        if starts([0x66, 0x67, 0x62, 0x03]) { return .flatGeobuf }           // "fgb" v3
        if starts([0x00, 0x00, 0x27, 0x0A]) { return .shapefile }           // .shp/.shx file code 9994
        if starts(Array("%PDF".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return .image("PNG") }
        if starts([0xFF, 0xD8, 0xFF]) { return .image("JPEG") }
        if starts(Array("II*\0".utf8)) || starts(Array("MM\0*".utf8)) { return .image("TIFF") }
        // dBASE: version byte, then a plausible YY MM DD date.
        if b.count >= 32, [0x03, 0x83, 0x8B, 0x30, 0xF5].contains(b[0]), b[2] >= 1, b[2] <= 12, b[3] >= 1, b[3] <= 31 {
            return .dbf
        }
        // Text: skip a UTF-8 BOM and white space, look at the first character.
        var k = starts([0xEF, 0xBB, 0xBF]) ? 3 : 0
        while k < b.count, [0x20, 0x09, 0x0A, 0x0D, 0x1E].contains(b[k]) { k += 1 }
        guard k < b.count else { return .empty }
        if b[k] == UInt8(ascii: "{") || b[k] == UInt8(ascii: "[") { return .geoJSON }
        if b[k] == UInt8(ascii: "<") { return .xml }
        if b.prefix(4096).contains(0) { return .binary }
        return .text
    }

    /// « une archive zip », for messages.
    public var french: String {
        switch self {
        case .geoJSON: return "du JSON"
        case .zip: return "une archive zip"
        case .sqlite: return "une base SQLite (GeoPackage ?)"
        case .flatGeobuf: return "un fichier FlatGeobuf"
        case .shapefile: return "la géométrie d'un Shapefile (.shp)"
        case .dbf: return "une table dBASE (.dbf) sans géométrie"
        case .xml: return "du XML (KML, GML ?)"
        case .pdf: return "un document PDF"
        case .image(let f): return "une image \(f)"
        case .text: return "du texte"
        case .empty: return "un fichier vide"
        case .binary: return "un fichier binaire de format inconnu"
        }
    }
}

/// The formats read, for messages.
public enum SupportedFormats {
    public static let layers = "GeoJSON, Shapefile (.shp, ou .zip qui le contient), GeoPackage (fichier.gpkg:couche), FlatGeobuf, KML, GML, CSV (colonnes lon/lat, x/y, WKT, geo_point_2d ou geo_shape), PostGIS (PG:…)"
    public static let tables = "CSV (séparateur , ou ;, UTF-8 ou Windows-1252), XLSX, ODS"
}
