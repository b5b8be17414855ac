import CGEOS

extension GeometryHandle {
    private func predicate(_ op: String, _ o: GeometryHandle, _ f: (GEOSContextHandle_t, OpaquePointer, OpaquePointer) -> CChar) throws -> Bool {
        let ctx = GEOSContext.current
        let r = f(ctx.handle, ptr, o.ptr)
        if r == 2 { throw ctx.error(op) }
        return r == 1
    }
    public func intersects(_ o: GeometryHandle) throws -> Bool { try predicate("intersecte", o, GEOSIntersects_r) }
    public func contains(_ o: GeometryHandle) throws -> Bool { try predicate("contient", o, GEOSContains_r) }
    public func covers(_ o: GeometryHandle) throws -> Bool { try predicate("recouvre", o, GEOSCovers_r) }
    public func within(_ o: GeometryHandle) throws -> Bool { try predicate("dans", o, GEOSWithin_r) }
    public func touches(_ o: GeometryHandle) throws -> Bool { try predicate("touche", o, GEOSTouches_r) }
    public func equalsTopologically(_ o: GeometryHandle) throws -> Bool { try predicate("égale", o, GEOSEquals_r) }
}
