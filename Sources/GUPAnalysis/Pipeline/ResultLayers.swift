import Foundation
import GUPFormats
import GUPModel

/// Where the result layers of a run go: GeoJSON files (WGS 84, RFC 7946,
/// the default), or every layer in one GeoPackage in the working CRS; and,
/// besides, PostGIS tables.
public struct ResultOutput: Sendable, Equatable {
    public enum Format: String, Sendable, CaseIterable {
        case geojson, gpkg
    }
    public var format: Format
    /// A `PG:` connection: result layers also written as tables there.
    public var postgis: String?

    public init(format: Format = .geojson, postgis: String? = nil) {
        self.format = format
        self.postgis = postgis
    }

    public static let geojson = ResultOutput()

    /// The GeoPackage written with `--format gpkg`.
    public static let geoPackageName = "resultats.gpkg"

    /// Parses `--format` (`geojson`, `gpkg`); the message names the option.
    public static func parseFormat(_ raw: String) throws -> Format {
        guard let f = Format(rawValue: raw.lowercased()) else {
            throw GUPError("--format : « \(raw) » non reconnu (geojson ou gpkg)")
        }
        return f
    }
}

/// The one place result layers leave through GDAL (GeoPackage, PostGIS);
/// GeoJSON stays with each analysis's writer.
public enum ResultLayers {
    /// Writes `layers` (in the working CRS) as `output` asks beyond GeoJSON;
    /// returns the files written in the folder.
    public static func write(_ layers: [Layer], output: ResultOutput, to folder: OutputFolder) throws -> [String] {
        var written: [String] = []
        if output.format == .gpkg {
            try LayerWriter.writeGeoPackage(layers, to: ResultOutput.geoPackageName, in: folder)
            written.append(ResultOutput.geoPackageName)
        }
        if let pg = output.postgis {
            try LayerWriter.writePostGIS(layers, connection: pg.uppercased().hasPrefix("PG:") ? pg : "PG:" + pg)
        }
        return written
    }
}
