import CGEOS
import GUPModel

/// A prepared geometry for repeated predicates against one polygon.
/// GEOS builds its indexes lazily, so one instance must not be used from
/// several threads at once: prepare one per task.
public final class PreparedGeometry {
    let ptr: OpaquePointer
    /// Keeps the base geometry alive as long as the prepared one.
    public let base: GeometryHandle

    public init(_ base: GeometryHandle) throws {
        let ctx = GEOSContext.current
        guard let p = GEOSPrepare_r(ctx.handle, base.ptr) else { throw ctx.error("préparation") }
        ptr = p
        self.base = base
    }

    deinit { GEOSPreparedGeom_destroy_r(GEOSContext.current.handle, ptr) }

    private func predicate(_ op: String, _ o: GeometryHandle, _ f: (GEOSContextHandle_t, OpaquePointer, OpaquePointer) -> CChar) throws -> Bool {
        let ctx = GEOSContext.current
        let r = f(ctx.handle, ptr, o.ptr)
        if r == 2 { throw ctx.error(op) }
        return r == 1
    }

    public func contains(_ o: GeometryHandle) throws -> Bool { try predicate("contient", o, GEOSPreparedContains_r) }
    public func covers(_ o: GeometryHandle) throws -> Bool { try predicate("recouvre", o, GEOSPreparedCovers_r) }
    public func intersects(_ o: GeometryHandle) throws -> Bool { try predicate("intersecte", o, GEOSPreparedIntersects_r) }
    public func containsProperly(_ o: GeometryHandle) throws -> Bool { try predicate("contient strictement", o, GEOSPreparedContainsProperly_r) }

    /// For each position: does the geometry contain it (interior, not boundary)?
    /// One call for the whole batch; positions outside the envelope are
    /// rejected without a GEOS call.
    public func contains(_ points: UnsafeBufferPointer<Position>, into result: UnsafeMutableBufferPointer<Bool>) throws {
        precondition(result.count >= points.count)
        let ctx = GEOSContext.current
        let env = try base.bounds()
        for k in 0..<points.count {
            let p = points[k]
            guard let env, env.contains(p) else { result[k] = false; continue }
            guard let g = GEOSGeom_createPointFromXY_r(ctx.handle, p.x, p.y) else { throw ctx.error("point") }
            let r = GEOSPreparedContains_r(ctx.handle, ptr, g)
            GEOSGeom_destroy_r(ctx.handle, g)
            if r == 2 { throw ctx.error("contient") }
            result[k] = r == 1
        }
    }

    /// Convenience over arrays.
    public func contains(_ points: [Position]) throws -> [Bool] {
        var out = [Bool](repeating: false, count: points.count)
        try points.withUnsafeBufferPointer { ps in
            try out.withUnsafeMutableBufferPointer { try contains(ps, into: $0) }
        }
        return out
    }
}
