import CGEOS

extension GeometryHandle {
    /// Does the DE-9IM matrix of (self, other) match `pattern`
    /// (`T********`: the interiors meet)?
    public func relate(_ o: GeometryHandle, pattern: String) throws -> Bool {
        let ctx = GEOSContext.current
        let r = GEOSRelatePattern_r(ctx.handle, ptr, o.ptr, pattern)
        if r == 2 { throw ctx.error("relation \(pattern)") }
        return r == 1
    }

    /// True when the interiors meet: intersects and does not only touch.
    public func interiorsIntersect(_ o: GeometryHandle) throws -> Bool {
        try relate(o, pattern: "T********")
    }
}
