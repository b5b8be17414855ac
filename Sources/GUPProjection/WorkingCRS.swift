import CPROJ
import Foundation
import GUPModel

/// The projected CRS the analyses measure in, chosen from the data's extent.
public enum WorkingCRS {
    /// Chooses from a WGS 84 lon/lat box: metropolitan France Lambert-93
    /// (EPSG:2154); Guadeloupe and Martinique EPSG:5490; Guyane EPSG:2972;
    /// La Réunion EPSG:2975; Mayotte EPSG:4471; elsewhere the WGS 84 UTM
    /// zone of the box's centre.
    public static func choose(lonLatBounds b: BoundingBox) -> CRS {
        let c = b.center
        func inside(_ minLon: Double, _ minLat: Double, _ maxLon: Double, _ maxLat: Double) -> Bool {
            c.x >= minLon && c.x <= maxLon && c.y >= minLat && c.y <= maxLat
        }
        if inside(-5.8, 41.0, 10.0, 51.6) { return CRS("EPSG:2154") }
        if inside(-62.0, 14.2, -60.7, 16.6) { return CRS("EPSG:5490") }
        if inside(-54.7, 2.0, -51.5, 6.0) { return CRS("EPSG:2972") }
        if inside(55.1, -21.5, 56.0, -20.8) { return CRS("EPSG:2975") }
        if inside(44.9, -13.1, 45.4, -12.5) { return CRS("EPSG:4471") }
        let zone = min(60, max(1, Int(((c.x + 180) / 6).rounded(.down)) + 1))
        return CRS("EPSG:\(c.y >= 0 ? 32600 + zone : 32700 + zone)")
    }

    /// Chooses from layers in any CRS: their extents are brought to WGS 84
    /// first. Layers holding only points (incidents) count only when no
    /// other layer has geometries: one stray geocode (a point at 0, 0) must
    /// not move the choice thousands of kilometres.
    public static func choose(for layers: [Layer]) throws -> CRS {
        func pointsOnly(_ l: Layer) -> Bool {
            l.features.allSatisfy { f in
                switch f.geometry { case .point?, .multiPoint?, nil: return true; default: return false }
            }
        }
        let extentLayers = layers.filter { !pointsOnly($0) && $0.bounds != nil }
        var boxes: [BoundingBox] = []
        for l in (extentLayers.isEmpty ? layers : extentLayers) {
            guard let b = l.bounds else { continue }
            if l.crs.isWGS84LonLat { boxes.append(b); continue }
            let t = try CoordinateTransformer(from: l.crs, to: .wgs84)
            var corners = [Position(b.minX, b.minY), Position(b.maxX, b.maxY), Position(b.minX, b.maxY), Position(b.maxX, b.minY)]
            try t.transform(&corners)
            boxes.append(BoundingBox.union(corners.map(BoundingBox.init))!)
        }
        guard let all = BoundingBox.union(boxes) else { return CRS("EPSG:2154") }
        return choose(lonLatBounds: all)
    }

    /// The meridian convergence (degrees, angle from grid north to true
    /// north) of a projected CRS at a lon/lat point, from PROJ's factors.
    public static func meridianConvergence(of crs: CRS, lon: Double, lat: Double) throws -> Double {
        let pj = try ProjectedCRSObject.shared(crs)
        var c = PJ_COORD()
        c.lpzt.lam = lon * .pi / 180
        c.lpzt.phi = lat * .pi / 180
        let f = proj_factors(pj.pj, c)
        if proj_errno(pj.pj) != 0 {
            proj_errno_reset(pj.pj)
            throw ProjectionError(message: "facteurs de \(crs) indisponibles")
        }
        return f.meridian_convergence * 180 / .pi
    }
}

/// A CRS object with its own PROJ context, one per thread (see
/// `CoordinateTransformer.shared`): owns both and frees them once.
final class ProjectedCRSObject {
    let ctx: OpaquePointer
    let pj: OpaquePointer

    init(_ crs: CRS) throws {
        guard let c = proj_context_create() else { throw ProjectionError(message: "contexte") }
        guard let p = proj_create(c, crs.identifier) else {
            proj_context_destroy(c)
            throw ProjectionError(message: "système \(crs) inconnu")
        }
        ctx = c; pj = p
    }

    deinit {
        proj_destroy(pj)
        proj_context_destroy(ctx)
    }

    static func shared(_ crs: CRS) throws -> ProjectedCRSObject {
        let key = "gupkit.proj.crs|\(crs.identifier)"
        let dict = Thread.current.threadDictionary
        if let o = dict[key] as? ProjectedCRSObject { return o }
        let o = try ProjectedCRSObject(crs)
        dict[key] = o
        return o
    }
}

extension WorkingCRS {
    /// Refuses a working CRS the analyses cannot measure in: one PROJ does
    /// not know, or one that is not projected (degrees would make areas in
    /// square degrees). Returns the CRS when it is usable.
    @discardableResult
    public static func checkProjected(_ crs: CRS) throws -> CRS {
        try withCRSObject(crs) { _, pj in
            guard proj_get_type(pj) == PJ_TYPE_PROJECTED_CRS else {
                throw ProjectionError(message: "\(crs) n'est pas un système projeté en mètres : les surfaces seraient en degrés carrés ; choisissez par exemple EPSG:2154 (Lambert-93) ou laissez le système être choisi d'après l'emprise")
            }
            return crs
        }
    }

    /// `body` with a PROJ context and the CRS object of `crs`, both owned
    /// and destroyed here.
    static func withCRSObject<R>(_ crs: CRS, _ body: (OpaquePointer, OpaquePointer) throws -> R) throws -> R {
        guard let ctx = proj_context_create() else { throw ProjectionError(message: "contexte") }
        defer { proj_context_destroy(ctx) }
        guard let pj = proj_create(ctx, crs.identifier) else {
            throw ProjectionError(message: "système de coordonnées \(crs) inconnu de PROJ")
        }
        defer { proj_destroy(pj) }
        return try body(ctx, pj)
    }
}

extension WorkingCRS {
    /// The CRS as ESRI WKT 1, from PROJ: the content of a `.prj` file beside
    /// a raster or a Shapefile (GDAL and QGIS read the CRS of an ESRI ASCII
    /// grid `densite_noyau.asc` from `densite_noyau.prj`).
    public static func esriWKT(of crs: CRS) throws -> String {
        try withCRSObject(crs) { ctx, pj in
            // Single line: the form ESRI and GDAL write in .prj files.
            let wkt: String? = withArrayOfCStrings(["MULTILINE=NO"]) { opts in
                proj_as_wkt(ctx, pj, PJ_WKT1_ESRI, opts).map { String(cString: $0) }   // owned by pj: copied, not freed
            }
            guard let wkt, !wkt.isEmpty else {
                throw ProjectionError(message: "\(crs) : pas de définition WKT ESRI (PROJ)")
            }
            return wkt
        }
    }

    private static func withArrayOfCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeMutableBufferPointer { body(UnsafePointer($0.baseAddress!)) }
    }
}
