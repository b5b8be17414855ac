import Foundation
import GUPModel
import GUPProjection
import GUPTopology

/// Writes the files of the domanialité analysis into the output folder:
/// `domanialite.csv`, `chevauchements.csv`, `chevauchements.geojson`,
/// `non_cadastre.geojson`, `domanialite.geojson`, and when available
/// `responsabilites.csv` and `proprietaire_gestionnaire.csv`. GeoJSON is
/// written in WGS 84 lon/lat (RFC 7946), transformed back from `workingCRS`.
public enum TenureOutput {
    public static let tenureFile = "domanialite.csv"
    public static let overlapsFile = "chevauchements.csv"
    public static let responsibilitiesFile = "responsabilites.csv"
    public static let ownerManagerFile = "proprietaire_gestionnaire.csv"
    public static let tenureGeoJSONFile = "domanialite.geojson"
    public static let overlapsGeoJSONFile = "chevauchements.geojson"
    public static let nonCadastralFile = "non_cadastre.geojson"

    @discardableResult
    public static func write(_ r: TenureResult, workingCRS: CRS, to folder: OutputFolder, csv writer: CSVWriter = CSVWriter(),
                             output: ResultOutput = .geojson) throws -> [String] {
        var written: [String] = []
        func csv(_ name: String, _ header: [String], _ rows: [[CSVWriter.Cell]]) throws {
            try folder.write(writer.render(header: header, rows: rows), to: name)
            written.append(name)
        }
        func m2(_ d: Double) -> CSVWriter.Cell { .decimal(d, places: 2) }

        try csv(tenureFile, ["perimetre", "gestionnaire", "surface_m2", "part_pct"],
                r.tenureRows.map { [.text($0.perimeter), .text($0.manager), m2($0.area), m2($0.share)] })
        try csv(overlapsFile, ["perimetre", "gestionnaire_a", "gestionnaire_b", "surface_m2"],
                r.overlaps.map { [.text($0.perimeter), .text($0.managerA), .text($0.managerB), m2($0.area)] })
        if let rows = r.responsibilities {
            try csv(responsibilitiesFile, ["perimetre", "gestionnaire", "categorie", "incidents"],
                    rows.map { [.text($0.perimeter), .text($0.managers), .text($0.category), .integer($0.incidents)] })
        }
        if let rows = r.ownerManager {
            try csv(ownerManagerFile, ["perimetre", "proprietaire", "gestionnaire", "surface_m2"],
                    rows.map { [.text($0.perimeter), .text($0.owner), .text($0.manager), m2($0.area)] })
        }

        if output.format == .geojson {
            let toWGS84 = try CoordinateTransformer.shared(from: workingCRS, to: .wgs84)
            for (name, items) in layerItems(r) {
                try folder.write(renderInParallel(try lonLatFeatures(items, transformer: toWGS84)), to: name + ".geojson")
                written.append(name + ".geojson")
            }
        }
        if output != .geojson {
            written += try ResultLayers.write(try layers(r, workingCRS: workingCRS), output: output, to: folder)
        }
        return written
    }

    /// The three result layers (domanialite, chevauchements, non_cadastre) in the working CRS.
    public static func layers(_ r: TenureResult, workingCRS: CRS) throws -> [Layer] {
        try layerItems(r).map { name, items in
            let features = try items.enumerated().map { k, it in
                Feature(index: k, geometry: it.shape.isEmpty ? nil : try it.shape.geometry(), properties: it.props)
            }
            return Layer(name: name, source: name, crs: workingCRS, features: features)
        }
    }

    /// Each result layer's name (its GeoJSON file without extension) and features.
    static func layerItems(_ r: TenureResult) -> [(String, [(props: Properties, shape: GeometryHandle)])] {
        func rounded(_ d: Double) -> PropertyValue { .number((d * 100).rounded() / 100) }
        func stem(_ file: String) -> String { String(file.dropLast(".geojson".count)) }
        return [
            (stem(tenureGeoJSONFile), r.pieces.map {
                (["perimetre": .string($0.perimeter), "gestionnaire": .string($0.manager), "surface_m2": rounded($0.area)], $0.shape)
            }),
            (stem(overlapsGeoJSONFile), r.overlaps.map {
                (["perimetre": .string($0.perimeter), "gestionnaire_a": .string($0.managerA),
                  "gestionnaire_b": .string($0.managerB), "surface_m2": rounded($0.area)], $0.shape)
            }),
            (stem(nonCadastralFile), r.nonCadastral.map {
                (["perimetre": .string($0.perimeter), "surface_m2": rounded($0.area), "part_pct": rounded($0.share)], $0.shape)
            }),
        ]
    }

    /// `GeoJSONWriter().render(features)`, the features rendered on every
    /// core: each chunk is rendered as a collection, then the chunks' feature
    /// lists are spliced into one collection (same text as one render).
    static func renderInParallel(_ features: [Feature], writer: GeoJSONWriter = GeoJSONWriter()) throws -> String {
        let empty = writer.render([])
        guard let open = empty.range(of: "\"features\":[")?.upperBound, features.count > 64 else {
            return writer.render(features)
        }
        let head = String(empty[..<open]), tail = String(empty[open...])   // tail: "\n]}\n"
        let bodies = try parallelChunks(count: features.count, minChunk: 32) { r -> Substring in
            let t = writer.render(Array(features[r]))
            return t.dropFirst(head.count).dropLast(tail.count)
        }
        var s = head
        s.reserveCapacity(bodies.reduce(head.count + tail.count) { $0 + $1.utf8.count + 1 })
        for (k, b) in bodies.enumerated() {
            if k > 0 { s += "," }
            s += b
        }
        s += tail
        return s
    }

    /// Features in WGS 84 lon/lat, converted in parallel (each task its own PROJ context).
    static func lonLatFeatures(_ items: [(props: Properties, shape: GeometryHandle)],
                               transformer: CoordinateTransformer) throws -> [Feature] {
        let chunks = try parallelChunks(count: items.count, minChunk: 16) { range -> [Feature] in
            let t = try CoordinateTransformer.shared(from: transformer.source, to: transformer.target)
            return try range.map { k in
                let s = items[k].shape
                return Feature(index: k, geometry: try OutputGeometry.areal(s, transformer: t), properties: items[k].props)
            }
        }
        return chunks.flatMap { $0 }
    }
}

extension TenureResult {
    /// The rows and shapes of one perimeter (the dossier's per-quartier files).
    public func slice(perimeter: String) -> TenureResult {
        var r = self
        r.pieces = pieces.filter { $0.perimeter == perimeter }
        r.overlaps = overlaps.filter { $0.perimeter == perimeter }
        r.nonCadastral = nonCadastral.filter { $0.perimeter == perimeter }
        r.responsibilities = responsibilities?.filter { $0.perimeter == perimeter }
        r.ownerManager = ownerManager?.filter { $0.perimeter == perimeter }
        r.summaries = summaries.filter { $0.perimeter == perimeter }
        return r
    }
}
