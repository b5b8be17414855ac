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

    /// A lon/lat position on the written grid (what `GeoJSONWriter` prints),
    /// each coordinate the double nearest to k × 10⁻⁷: what a reader parses
    /// back from the printed text, and what GEOS's precision reduction
    /// computes (round(x × scale) / scale). Multiplying k by 1e-7 instead gave
    /// doubles one unit off (5.285575299999892 for 5.2855753): validity was
    /// then checked on coordinates other than the written ones, and a part
    /// rounded here beside a part reduced by GEOS could be valid in memory
    /// and self-intersecting once written (`gup verifier`).
    static func onGrid(_ p: Position) -> Position {
        Position((p.x * lonLatScale).rounded() / lonLatScale, (p.y * lonLatScale).rounded() / lonLatScale)
    }

    /// 1 / `lonLatGrid`, exactly.
    static let lonLatScale = 1e7

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
            if let repaired = try partwise(parts, invalidRounded: rounded) { return repaired }
        }
        return try reduced(lonLat)
    }

    /// The repair of a rounded geometry GEOS finds invalid, part by part,
    /// before the whole geometry's precision reduction.
    ///
    /// Why: on the metro-scale domanialité, 4,049 of the 4,747 written
    /// pieces failed the rounded check, nearly all for one of their 2 to 5
    /// parts: 1,934 for « too few points » (a sliver of the 1 mm overlay
    /// that the 1 cm lon/lat grid collapses) and 2,110 for self-intersections
    /// (counted with a temporary trace). Each went whole through GEOS's
    /// precision reduction, whose snap-rounding seeds a random-number
    /// generator per ring (`std::random_device`, a CPUID each, costly in a
    /// virtual machine): 12 % of the `gup domanialite` command's processor
    /// time (perf, DWARF call graphs). Here, rings that rounding collapses
    /// (fewer than three distinct points, or no area) are dropped, as the
    /// precision reduction drops them; the parts still invalid alone are
    /// reduced alone; the result is kept only if GEOS finds it valid,
    /// otherwise the whole geometry is reduced as before. Nil: not repaired.
    /// `invalidRounded`: the parts rounded as they are, already found
    /// invalid; when cleaning changes nothing, the cleaned whole is that
    /// geometry and is not checked again (a validity check of the whole
    /// piece less for most of them).
    static func partwise(_ parts: [Polygon], invalidRounded: Geometry? = nil) throws -> Geometry? {
        var kept: [(rounded: Polygon, original: Polygon)] = []
        for p in parts {
            guard let ext = cleanedRing(p.exterior.map(onGrid)) else { continue }
            let holes = p.holes.compactMap { cleanedRing($0.map(onGrid)) }
            kept.append((Polygon(exterior: ext, holes: holes), p))
        }
        if kept.isEmpty { return nil }
        let cleaned = Geometry.multiPolygon(kept.map(\.rounded))
        if cleaned != invalidRounded, try GeometryHandle(cleaned).isValid() { return cleaned }
        var out: [Polygon] = []
        for k in kept {
            if try GeometryHandle(.polygon(k.rounded)).isValid() { out.append(k.rounded); continue }
            // GEOS leaves some coordinates a unit in the last place off the
            // grid (43.460691999999995): put back on the printed grid, so
            // the validity checked below is the written geometry's.
            guard case .multiPolygon(let ps) = try reduced(.polygon(k.original)).mapPositions(onGrid) else { return nil }
            out += ps
        }
        let assembled = Geometry.multiPolygon(out)
        return try GeometryHandle(assembled).isValid() ? assembled : nil
    }

    /// A rounded ring without its repeated consecutive points, nil when it
    /// has collapsed (fewer than three distinct points, or no area).
    static func cleanedRing(_ ring: [Position]) -> [Position]? {
        let r = Rings.open(ring)
        guard r.count >= 3 else { return nil }
        var twiceArea = 0.0
        for k in r.indices {
            let a = r[k], b = r[(k + 1) % r.count]
            twiceArea += a.x * b.y - b.x * a.y
        }
        guard twiceArea != 0 else { return nil }
        return r + [r[0]]
    }

    /// GEOS's precision reduction to the output grid, as a MultiPolygon.
    static func reduced(_ lonLat: Geometry) throws -> Geometry {
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
