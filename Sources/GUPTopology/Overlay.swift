import CGEOS
import GUPModel

/// Overlay and constructive operations. Each returns a new owned geometry
/// or throws GEOS's message.
extension GeometryHandle {
    private func unary(_ op: String, _ f: (GEOSContextHandle_t, OpaquePointer) -> OpaquePointer?) throws -> GeometryHandle {
        let ctx = GEOSContext.current
        return try Self.wrap(f(ctx.handle, ptr), ctx, op)
    }
    private func binary(_ op: String, _ o: GeometryHandle, _ f: (GEOSContextHandle_t, OpaquePointer, OpaquePointer) -> OpaquePointer?) throws -> GeometryHandle {
        let ctx = GEOSContext.current
        return try Self.wrap(f(ctx.handle, ptr, o.ptr), ctx, op)
    }

    public func intersection(_ o: GeometryHandle) throws -> GeometryHandle { try binary("intersection", o, GEOSIntersection_r) }
    public func difference(_ o: GeometryHandle) throws -> GeometryHandle { try binary("différence", o, GEOSDifference_r) }
    public func union(_ o: GeometryHandle) throws -> GeometryHandle { try binary("union", o, GEOSUnion_r) }
    public func symmetricDifference(_ o: GeometryHandle) throws -> GeometryHandle { try binary("différence symétrique", o, GEOSSymDifference_r) }

    /// Dissolves the geometry's own members.
    public func unaryUnion() throws -> GeometryHandle { try unary("union", GEOSUnaryUnion_r) }

    // Precision-aware overlay (GEOS ≥ 3.9, OverlayNG snapped to a grid): the
    // result's vertices lie on a grid of `gridSize` (in the geometry's units)
    // and the result is valid on that grid, so two runs that differ by
    // slivers thinner than the grid (1e-7 m strips between parcels joined or
    // not depending on the order of operations) give the same pieces.
    // shapely's `grid_size=` calls the same functions.
    public func intersection(_ o: GeometryHandle, gridSize: Double) throws -> GeometryHandle {
        try binary("intersection", o) { GEOSIntersectionPrec_r($0, $1, $2, gridSize) }
    }
    public func difference(_ o: GeometryHandle, gridSize: Double) throws -> GeometryHandle {
        try binary("différence", o) { GEOSDifferencePrec_r($0, $1, $2, gridSize) }
    }
    public func union(_ o: GeometryHandle, gridSize: Double) throws -> GeometryHandle {
        try binary("union", o) { GEOSUnionPrec_r($0, $1, $2, gridSize) }
    }
    public func unaryUnion(gridSize: Double) throws -> GeometryHandle {
        try unary("union") { GEOSUnaryUnionPrec_r($0, $1, gridSize) }
    }
    /// Union of many geometries on a grid (through a collection).
    public static func unaryUnion(_ gs: [GeometryHandle], gridSize: Double) throws -> GeometryHandle {
        if gs.isEmpty { return try emptyPolygon() }
        return try collection(gs, type: .geometryCollection).unaryUnion(gridSize: gridSize)
    }

    /// Union of many geometries (cascaded, through a collection).
    public static func unaryUnion(_ gs: [GeometryHandle]) throws -> GeometryHandle {
        if gs.isEmpty { return try emptyPolygon() }
        return try collection(gs, type: .geometryCollection).unaryUnion()
    }

    /// GEOS make-valid (linework method): keeps every vertex.
    public func makeValid() throws -> GeometryHandle { try unary("réparation", GEOSMakeValid_r) }

    public func buffer(_ distance: Double, quadrantSegments: Int32 = 8) throws -> GeometryHandle {
        try unary("tampon") { GEOSBuffer_r($0, $1, distance, quadrantSegments) }
    }

    /// Douglas-Peucker simplification that keeps the topology valid.
    public func simplifyPreservingTopology(_ tolerance: Double) throws -> GeometryHandle {
        try unary("simplification") { GEOSTopologyPreserveSimplify_r($0, $1, tolerance) }
    }

    /// Douglas–Peucker simplification (GEOS makes polygonal results valid):
    /// much cheaper than `simplifyPreservingTopology` on a polygon with many
    /// holes, for outlines that are tested, not drawn.
    public func simplify(_ tolerance: Double) throws -> GeometryHandle {
        try unary("simplification") { GEOSSimplify_r($0, $1, tolerance) }
    }

    /// A point guaranteed to lie inside (surface) or on the geometry.
    public func pointOnSurface() throws -> GeometryHandle { try unary("point intérieur", GEOSPointOnSurface_r) }

    public func envelope() throws -> GeometryHandle { try unary("emprise", GEOSEnvelope_r) }

    /// The smallest convex polygon holding the geometry.
    public func convexHull() throws -> GeometryHandle { try unary("enveloppe convexe", GEOSConvexHull_r) }

    /// Fast clip by an axis-aligned rectangle (result may be invalid for
    /// polygons touching the rectangle in degenerate ways: drawing only).
    public func clip(to b: BoundingBox) throws -> GeometryHandle {
        try unary("découpage") { GEOSClipByRect_r($0, $1, b.minX, b.minY, b.maxX, b.maxY) }
    }

    /// The largest circle inside a polygon (pole of inaccessibility), to
    /// `tolerance`: its centre and radius.
    public func maximumInscribedCircle(tolerance: Double) throws -> (center: Position, radius: Double) {
        let line = try unary("cercle inscrit") { GEOSMaximumInscribedCircle_r($0, $1, tolerance) }
        guard case .lineString(let ps) = try line.geometry(), ps.count == 2 else {
            throw TopologyError(operation: "cercle inscrit", message: "résultat inattendu")
        }
        let dx = ps[1].x - ps[0].x, dy = ps[1].y - ps[0].y
        return (ps[0], (dx * dx + dy * dy).squareRoot())
    }

    /// Snap coordinates to a grid of `gridSize`.
    public func withPrecision(_ gridSize: Double) throws -> GeometryHandle {
        try unary("précision") { GEOSGeom_setPrecision_r($0, $1, gridSize, 0) }
    }
}
