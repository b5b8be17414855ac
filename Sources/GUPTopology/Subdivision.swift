import CGEOS
import GUPModel

/// Splitting large geometries into small pieces, so that later overlays
/// against small areas only touch the few coordinates near them (as
/// PostGIS `ST_Subdivide`). The pieces are made by real GEOS intersections
/// with rectangles: their union is the original geometry.
extension GeometryHandle {
    /// Number of coordinates (all rings, all members).
    public func coordinateCount() throws -> Int {
        let ctx = GEOSContext.current
        let n = GEOSGetNumCoordinates_r(ctx.handle, ptr)
        guard n >= 0 else { throw ctx.error("nombre de coordonnées") }
        return Int(n)
    }

    /// The polygons of this geometry, recursively halved along the longer
    /// side of their bounding box until each has at most `maxVertices`
    /// coordinates (or `maxDepth` halvings were made).
    public func subdividedPolygons(maxVertices: Int = 256, maxDepth: Int = 24) throws -> [GeometryHandle] {
        var out: [GeometryHandle] = []
        for p in try polygonParts() { try Self.subdivide(p, maxVertices, maxDepth, into: &out) }
        return out
    }

    private static func subdivide(_ g: GeometryHandle, _ maxVertices: Int, _ depth: Int, into out: inout [GeometryHandle]) throws {
        guard !g.isEmpty else { return }
        guard depth > 0, try g.coordinateCount() > maxVertices, let b = try g.bounds(), b.width > 0 || b.height > 0 else {
            out.append(g)
            return
        }
        let halves = b.halvesAcrossLongerSide
        for h in halves {
            let piece = try g.intersection(GeometryHandle(rectangle: h))
            for p in try piece.polygonParts() { try subdivide(p, maxVertices, depth - 1, into: &out) }
        }
    }
}
