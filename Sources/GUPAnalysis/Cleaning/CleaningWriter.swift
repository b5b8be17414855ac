import Foundation
import GUPModel
import GUPProjection
import GUPTopology

/// Writes the nettoyage outputs: `couverture.csv`, `lacunes.geojson`,
/// `doublons.geojson`, `doublons.csv` (CSV: header, 2 decimals; GeoJSON in
/// WGS 84 lon/lat, RFC 7946).
public enum CleaningWriter {
    public static let coverageFile = "couverture.csv"
    public static let gapsFile = "lacunes.geojson"
    public static let doublesGeoJSONFile = "doublons.geojson"
    public static let doublesCSVFile = "doublons.csv"

    /// Writes the four files (with `--format gpkg`, the two layers go into
    /// `resultats.gpkg` in the working CRS instead of GeoJSON) and returns their names.
    @discardableResult
    public static func write(_ r: CleaningResult, to folder: OutputFolder, csv: CSVWriter = CSVWriter(),
                             output: ResultOutput = .geojson) throws -> [String] {
        try folder.write(coverageCSV(r, csv: csv), to: coverageFile)
        var written = [coverageFile]
        if output.format == .geojson {
            try folder.write(gapsGeoJSON(r), to: gapsFile)
            try folder.write(doublesGeoJSON(r), to: doublesGeoJSONFile)
            written += [gapsFile, doublesGeoJSONFile]
        }
        try folder.write(doublesCSV(r, csv: csv), to: doublesCSVFile)
        written.append(doublesCSVFile)
        if output != .geojson {
            written += try ResultLayers.write(try layers(r), output: output, to: folder)
        }
        return written
    }

    /// The two result layers (lacunes, doublons) in the working CRS.
    public static func layers(_ r: CleaningResult) throws -> [Layer] {
        [Layer(name: "lacunes", source: "lacunes", crs: r.crs, features: try gapFeatures(r)),
         Layer(name: "doublons", source: "doublons", crs: r.crs, features: try doubleFeatures(r))]
    }

    /// `perimetre,surface_exterieure_m2,couverte_m2,taux_couverture_pct,lacunes_m2,nb_lacunes,doublons_m2`
    /// (+ `frequence_moyenne` when sectors carry a frequency), one row per perimeter, sorted by name.
    public static func coverageCSV(_ r: CleaningResult, csv: CSVWriter = CSVWriter()) -> String {
        var header = ["perimetre", "surface_exterieure_m2", "couverte_m2", "taux_couverture_pct",
                      "lacunes_m2", "nb_lacunes", "doublons_m2"]
        if r.hasFrequency { header.append("frequence_moyenne") }
        let rows: [[CSVWriter.Cell]] = r.coverage.map { c in
            var row: [CSVWriter.Cell] = [.text(c.perimeter), .decimal(c.outdoorArea, places: 2), .decimal(c.coveredArea, places: 2),
                                         .decimal(c.coverageRate, places: 2), .decimal(c.gapArea, places: 2),
                                         .integer(c.gapCount), .decimal(c.doubleCoverageArea, places: 2)]
            if r.hasFrequency { row.append(c.meanFrequency.map { .decimal($0, places: 2) } ?? .empty) }
            return row
        }
        return csv.render(header: header, rows: rows)
    }

    /// `perimetre,intervenants,surface_m2`, one row per perimeter and pair of
    /// cleaners (sorted, joined by ` + `), sorted by perimeter then cleaners.
    public static func doublesCSV(_ r: CleaningResult, csv: CSVWriter = CSVWriter()) -> String {
        csv.render(header: ["perimetre", "intervenants", "surface_m2"], rows: r.doubles.map {
            [.text($0.perimeter), .text($0.cleaners.joined(separator: " + ")), .decimal($0.area, places: 2)]
        })
    }

    /// Each gap as a feature (`perimetre`, `surface_m2`, and with incidents
    /// `incidents`, `categories_principales`), largest first, in the working CRS.
    public static func gapFeatures(_ r: CleaningResult) throws -> [Feature] {
        var features: [Feature] = []
        for (k, g) in r.gaps.enumerated() {
            var p = Properties()
            p["perimetre"] = .string(g.perimeter)
            p["surface_m2"] = .number(rounded(g.area))
            if r.hasIncidents {
                p["incidents"] = .number(Double(g.incidents ?? 0))
                p["categories_principales"] = .string(g.mainCategories.map { "\($0.category) (\($0.count))" }.joined(separator: ", "))
            }
            features.append(Feature(index: k, geometry: try g.shape.geometry(), properties: p))
        }
        return features
    }

    /// Each double-coverage polygon as a feature (`perimetre`, `intervenants`,
    /// `surface_m2`), sorted by perimeter, cleaners, then largest first, in the working CRS.
    public static func doubleFeatures(_ r: CleaningResult) throws -> [Feature] {
        var features: [Feature] = []
        for d in r.doubles {
            for piece in d.pieces {
                var p = Properties()
                p["perimetre"] = .string(d.perimeter)
                p["intervenants"] = .string(d.cleaners.joined(separator: " + "))
                p["surface_m2"] = .number(rounded(piece.area))
                features.append(Feature(index: features.count, geometry: try piece.shape.geometry(), properties: p))
            }
        }
        return features
    }

    /// The gaps as GeoJSON in WGS 84 lon/lat (RFC 7946).
    public static func gapsGeoJSON(_ r: CleaningResult) throws -> String {
        try lonLatGeoJSON(gapFeatures(r), from: r.crs)
    }

    /// The double-coverage pieces as GeoJSON in WGS 84 lon/lat (RFC 7946).
    public static func doublesGeoJSON(_ r: CleaningResult) throws -> String {
        try lonLatGeoJSON(doubleFeatures(r), from: r.crs)
    }

    /// Areal features of the working CRS as GeoJSON: lon/lat, reduced to the
    /// written grid and checked valid, always MultiPolygon (`OutputGeometry`).
    static func lonLatGeoJSON(_ features: [Feature], from crs: CRS) throws -> String {
        let toWGS84 = try CoordinateTransformer.shared(from: crs, to: .wgs84)
        return GeoJSONWriter().render(try features.map { f in
            var f = f
            f.geometry = try f.geometry.map { try OutputGeometry.areal(toWGS84.transform($0)) }
            return f
        })
    }

    private static func rounded(_ d: Double) -> Double { (d * 100).rounded() / 100 }
}

extension CleaningResult {
    /// The rows and shapes of one perimeter (the dossier's per-quartier files).
    public func slice(perimeter: String) -> CleaningResult {
        var r = self
        r.coverage = coverage.filter { $0.perimeter == perimeter }
        r.gaps = gaps.filter { $0.perimeter == perimeter }
        r.doubles = doubles.filter { $0.perimeter == perimeter }
        return r
    }
}
