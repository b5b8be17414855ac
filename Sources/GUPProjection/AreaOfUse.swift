import CPROJ
import Foundation
import GUPModel

/// Where a CRS may be used (PROJ's area of use), and the check that a
/// layer's coordinates lie there. A CRS given by the user for files that
/// declare none is only a guess about those files: WGS 84 degrees read as
/// Lambert-93 metres land in the Gulf of Guinea and measure « 0,00 ha ».
public enum AreaOfUse {
    /// The area of use in WGS 84 degrees and its name, nil when PROJ gives none.
    public static func of(_ crs: CRS) throws -> (box: BoundingBox, name: String)? {
        guard let ctx = proj_context_create() else { throw ProjectionError(message: "contexte") }
        defer { proj_context_destroy(ctx) }
        guard let pj = proj_create(ctx, crs.identifier) else {
            throw ProjectionError(message: "système de coordonnées \(crs) inconnu de PROJ")
        }
        defer { proj_destroy(pj) }
        var w = 0.0, s = 0.0, e = 0.0, n = 0.0
        var name: UnsafePointer<CChar>?
        guard proj_get_area_of_use(ctx, pj, &w, &s, &e, &n, &name) != 0, w > -1000 else { return nil }
        // An area crossing the antimeridian has west > east: treat it as the whole band.
        if w > e { w = -180; e = 180 }
        return (BoundingBox(minX: w, minY: s, maxX: e, maxY: n), name.map { String(cString: $0) } ?? crs.identifier)
    }

    /// Checks that the layer's coordinates, read in `layer.crs`, fall inside
    /// that CRS's area of use (1° of margin). `how` says where the CRS came
    /// from, for the message. Throws a French error naming the file, the
    /// extent and the CRS the coordinates look like.
    public static func check(_ layer: Layer, how: String) throws {
        guard let b = layer.bounds else { return }
        let margin = 1.0
        var inside = true
        var areaName = "monde"
        if layer.crs.isWGS84LonLat {
            inside = b.minX >= -180 && b.maxX <= 180 && b.minY >= -90 && b.maxY <= 90
        } else {
            guard let area = try of(layer.crs) else { return }
            areaName = area.name
            let t = try CoordinateTransformer(from: layer.crs, to: .wgs84)
            let corners = [Position(b.minX, b.minY), Position(b.maxX, b.maxY), Position(b.minX, b.maxY),
                           Position(b.maxX, b.minY), b.center]
            for c in corners {
                guard let p = try? t.transform(c) else { inside = false; break }
                if p.x < area.box.minX - margin || p.x > area.box.maxX + margin
                    || p.y < area.box.minY - margin || p.y > area.box.maxY + margin { inside = false; break }
            }
        }
        if inside { return }
        let extent = String(format: "%.6g %.6g – %.6g %.6g", b.minX, b.minY, b.maxX, b.maxY)
        throw GUPError.input(file: layer.source,
            "coordonnées (emprise \(extent)) hors de la zone d'usage de \(layer.crs.identifier.count > 40 ? "son système" : layer.crs.identifier) (« \(areaName) »), \(how) ; elles ressemblent à \(lookalike(b)) : déclarez le bon système pour ce fichier (--crs-source ne vaut que pour les fichiers sans système ; dans dossier.toml, clé crs de la couche)")
    }

    /// What CRS a box of coordinates looks like, in French.
    public static func lookalike(_ b: BoundingBox) -> String {
        func within(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> Bool {
            b.minX >= x0 && b.maxX <= x1 && b.minY >= y0 && b.maxY <= y1
        }
        if within(-180, -90, 180, 90) { return "des longitudes/latitudes en degrés WGS 84 (EPSG:4326)" }
        if within(50_000, 6_000_000, 1_300_000, 7_200_000) { return "du Lambert-93 en mètres (EPSG:2154)" }
        if within(1_000_000, 1_000_000, 2_400_000, 9_400_000) { return "une projection conique conforme CC42 à CC50 (EPSG:3942 à 3950)" }
        if within(50_000, 1_600_000, 1_200_000, 2_700_000) { return "du Lambert II étendu (EPSG:27572)" }
        if within(100_000, -10_000_000, 900_000, 10_000_000) { return "des coordonnées UTM en mètres" }
        return "aucun système connu"
    }
}
