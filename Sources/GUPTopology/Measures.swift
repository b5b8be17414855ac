import CGEOS
import GUPModel

extension GeometryHandle {
    /// Area in the square units of the CRS.
    public func area() throws -> Double {
        let ctx = GEOSContext.current
        var a = 0.0
        guard GEOSArea_r(ctx.handle, ptr, &a) != 0 else { throw ctx.error("surface") }
        return a
    }

    /// Length (perimeter for polygons).
    public func length() throws -> Double {
        let ctx = GEOSContext.current
        var l = 0.0
        guard GEOSLength_r(ctx.handle, ptr, &l) != 0 else { throw ctx.error("longueur") }
        return l
    }

    public func distance(to o: GeometryHandle) throws -> Double {
        let ctx = GEOSContext.current
        var d = 0.0
        guard GEOSDistance_r(ctx.handle, ptr, o.ptr, &d) != 0 else { throw ctx.error("distance") }
        return d
    }

    /// Bounding box, nil for an empty geometry.
    public func bounds() throws -> BoundingBox? {
        if isEmpty { return nil }
        let ctx = GEOSContext.current
        var b = BoundingBox(minX: 0, minY: 0, maxX: 0, maxY: 0)
        guard GEOSGeom_getExtent_r(ctx.handle, ptr, &b.minX, &b.minY, &b.maxX, &b.maxY) != 0 else { throw ctx.error("emprise") }
        return b
    }

    /// Coordinates of a point geometry.
    public func pointPosition() throws -> Position {
        let ctx = GEOSContext.current
        var x = 0.0, y = 0.0
        guard GEOSGeomGetX_r(ctx.handle, ptr, &x) != 0, GEOSGeomGetY_r(ctx.handle, ptr, &y) != 0 else { throw ctx.error("coordonnées du point") }
        return Position(x, y)
    }
}
