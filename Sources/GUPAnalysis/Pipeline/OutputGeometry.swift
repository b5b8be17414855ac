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

    /// A lon/lat position on the written grid (what `GeoJSONWriter` prints).
    static func onGrid(_ p: Position) -> Position {
        Position((p.x / lonLatGrid).rounded() * lonLatGrid, (p.y / lonLatGrid).rounded() * lonLatGrid)
    }

    /// A convex quadrilateral in lon/lat (a grid cell's corners, in ring
    /// order) as written: its corners rounded to the output grid. A convex
    /// ring whose corners stay strictly convex once rounded is a valid
    /// polygon on the grid, so GEOS's precision reduction (an overlay,
    /// 9 % of a 60-quartier dossier's processor time for the hotspot cells)
    /// is only asked for a cell that rounding would fold.
    public static func cell(_ corners: [Position]) throws -> Geometry {
        precondition(corners.count == 4, "four corners expected")
        let q = corners.map(onGrid)
        var sign = 0.0
        var convex = true
        for k in 0..<4 {
            let a = q[k], b = q[(k + 1) % 4], c = q[(k + 2) % 4]
            let cross = (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x)
            if cross == 0 || (sign != 0 && (cross > 0) != (sign > 0)) { convex = false; break }
            sign = cross
        }
        guard convex else { return try areal(.polygon(Polygon(exterior: corners + [corners[0]]))) }
        return .multiPolygon([Polygon(exterior: q + [q[0]])])
    }

    /// Same, for a geometry already in lon/lat.
    ///
    /// First the cheap way: the coordinates rounded to the grid, kept when
    /// GEOS finds the result valid (most pieces: nothing on them is closer
    /// than the grid). Only a geometry rounding breaks goes through GEOS's
    /// precision reduction, an overlay per geometry (with a random-number
    /// generator seeded per ring in GEOS 3.11's snap-rounding: 17 % of the
    /// metro-scale domanialité command's processor time, perf).
    public static func areal(_ lonLat: Geometry) throws -> Geometry {
        let parts: [Polygon]
        switch lonLat {
        case .polygon(let p): parts = [p]
        case .multiPolygon(let ps): parts = ps
        default: parts = []
        }
        if !parts.isEmpty {
            let rounded = Geometry.multiPolygon(parts).mapPositions(onGrid)
            if try GeometryHandle(rounded).isValid() { return rounded }
        }
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
