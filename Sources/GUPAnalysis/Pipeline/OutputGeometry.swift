import Foundation
import GUPModel
import GUPProjection
import GUPTopology

/// Geometry as the GeoJSON files hold it: in WGS 84 lon/lat, on the grid the
/// writer prints (`GeoJSONWriter` writes 7 decimals, 1e-7° ≈ 1 cm).
///
/// Why not just print rounded coordinates: rounding each vertex after an
/// overlay moves nearly-touching edges onto each other, and `gup verifier`
/// found self-intersections and collapsed rings in the demo dossier's
/// domanialité, lacunes and non_cadastre files. GEOS's precision reduction
/// (`GEOSGeom_setPrecision_r`, an overlay snapped to the grid) gives a
/// geometry that is valid *on the grid*, so printing it changes nothing.
public enum OutputGeometry {
    /// The grid of written lon/lat coordinates: 10^-precision of `GeoJSONWriter`.
    public static let lonLatGrid = 1e-7

    /// An areal result (working CRS) as written: lon/lat, reduced to the
    /// output grid by GEOS, checked valid, always a MultiPolygon (pieces
    /// thinner than the grid vanish; an empty result is an empty MultiPolygon).
    public static func areal(_ shape: GeometryHandle, transformer: CoordinateTransformer) throws -> Geometry {
        if shape.isEmpty { return .multiPolygon([]) }
        return try areal(transformer.transform(shape.geometry()))
    }

    /// Same, for a geometry already in lon/lat.
    public static func areal(_ lonLat: Geometry) throws -> Geometry {
        let reduced = try GeometryHandle(lonLat).withPrecision(lonLatGrid)
        if let problem = try reduced.validityProblem() {
            // GEOS's precision reduction returns valid polygons; this would be a GEOS defect.
            throw GUPError("GEOS (réduction de précision) : géométrie écrite invalide : \(problem.french)")
        }
        return .multiPolygon(try reduced.polygonParts().compactMap {
            if case .polygon(let p) = try $0.geometry() { return p }
            return nil
        })
    }
}
