import CGEOS
import GUPModel

/// A GEOS geometry owned by exactly one Swift object, freed once in `deinit`.
/// Immutable once made, so it can be read from several threads (each call
/// uses its own thread's GEOS context). Child geometries are never exposed
/// borrowed: `parts` returns owned copies.
public final class GeometryHandle: @unchecked Sendable {
    let ptr: OpaquePointer

    /// Takes ownership of a GEOS geometry, and primes its cached envelopes.
    init(owning ptr: OpaquePointer) {
        self.ptr = ptr
        Self.primeEnvelopes(ptr, GEOSContext.current)
    }

    /// GEOS 3.11 computes the envelope of each geometry and ring lazily, on
    /// first use, into a cache; two threads reading a shared geometry for the
    /// first time would both write it. Computing every envelope once, at
    /// birth, makes the handle truly read-only afterwards (GEOS 3.12 dropped
    /// the lazy cache for this reason).
    private static func primeEnvelopes(_ g: OpaquePointer, _ ctx: GEOSContext) {
        var a = 0.0, b = 0.0, c = 0.0, d = 0.0
        if GEOSisEmpty_r(ctx.handle, g) != 0 { return }
        _ = GEOSGeom_getExtent_r(ctx.handle, g, &a, &b, &c, &d)
        switch GEOSGeomTypeId_r(ctx.handle, g) {
        case Int32(GEOS_POLYGON.rawValue):
            if let ext = GEOSGetExteriorRing_r(ctx.handle, g) { _ = GEOSGeom_getExtent_r(ctx.handle, ext, &a, &b, &c, &d) }
            let n = GEOSGetNumInteriorRings_r(ctx.handle, g)
            if n > 0 {
                for k in 0..<n {
                    if let h = GEOSGetInteriorRingN_r(ctx.handle, g, k) { _ = GEOSGeom_getExtent_r(ctx.handle, h, &a, &b, &c, &d) }
                }
            }
        case Int32(GEOS_MULTIPOINT.rawValue), Int32(GEOS_MULTILINESTRING.rawValue),
             Int32(GEOS_MULTIPOLYGON.rawValue), Int32(GEOS_GEOMETRYCOLLECTION.rawValue):
            let n = GEOSGetNumGeometries_r(ctx.handle, g)
            if n > 0 {
                for k in 0..<n { if let m = GEOSGetGeometryN_r(ctx.handle, g, k) { primeEnvelopes(m, ctx) } }
            }
        default:
            break
        }
    }

    deinit { GEOSGeom_destroy_r(GEOSContext.current.handle, ptr) }

    static func wrap(_ p: OpaquePointer?, _ ctx: GEOSContext, _ op: String) throws -> GeometryHandle {
        guard let p else { throw ctx.error(op) }
        return GeometryHandle(owning: p)
    }

    /// Converts a geometry value to GEOS. Throws when GEOS refuses it
    /// (a ring that is not closed or too short, for instance).
    public convenience init(_ g: Geometry) throws {
        let ctx = GEOSContext.current
        self.init(owning: try Self.make(g, ctx))
    }

    /// A point.
    public convenience init(x: Double, y: Double) throws {
        let ctx = GEOSContext.current
        guard let p = GEOSGeom_createPointFromXY_r(ctx.handle, x, y) else { throw ctx.error("point") }
        self.init(owning: p)
    }

    /// An axis-aligned rectangle polygon.
    public convenience init(rectangle b: BoundingBox) throws {
        let ctx = GEOSContext.current
        guard let p = GEOSGeom_createRectangle_r(ctx.handle, b.minX, b.minY, b.maxX, b.maxY) else { throw ctx.error("rectangle") }
        self.init(owning: p)
    }

    /// An empty polygon.
    public static func emptyPolygon() throws -> GeometryHandle {
        let ctx = GEOSContext.current
        return try wrap(GEOSGeom_createEmptyPolygon_r(ctx.handle), ctx, "polygone vide")
    }

    /// A collection (Multi* when `type` says so) taking copies of `members`.
    public static func collection(_ members: [GeometryHandle], type: CollectionType) throws -> GeometryHandle {
        let ctx = GEOSContext.current
        var owned: [OpaquePointer?] = []
        owned.reserveCapacity(members.count)
        for m in members {
            guard let c = GEOSGeom_clone_r(ctx.handle, m.ptr) else {
                for o in owned { GEOSGeom_destroy_r(ctx.handle, o) }
                throw ctx.error("copie")
            }
            owned.append(c)
        }
        let r = owned.withUnsafeMutableBufferPointer {
            GEOSGeom_createCollection_r(ctx.handle, type.geosType, $0.baseAddress, UInt32($0.count))
        }
        guard let r else {
            for o in owned { GEOSGeom_destroy_r(ctx.handle, o) }
            throw ctx.error("collection")
        }
        return GeometryHandle(owning: r)
    }

    public enum CollectionType: Sendable {
        case multiPoint, multiLineString, multiPolygon, geometryCollection
        var geosType: Int32 {
            switch self {
            case .multiPoint: return Int32(GEOS_MULTIPOINT.rawValue)
            case .multiLineString: return Int32(GEOS_MULTILINESTRING.rawValue)
            case .multiPolygon: return Int32(GEOS_MULTIPOLYGON.rawValue)
            case .geometryCollection: return Int32(GEOS_GEOMETRYCOLLECTION.rawValue)
            }
        }
    }

    private static func seq(_ ps: [Position], _ ctx: GEOSContext) throws -> OpaquePointer {
        let s = ps.withUnsafeBytes { raw -> OpaquePointer? in
            GEOSCoordSeq_copyFromBuffer_r(ctx.handle, raw.baseAddress!.assumingMemoryBound(to: Double.self), UInt32(ps.count), 0, 0)
        }
        guard let s else { throw ctx.error("suite de coordonnées") }
        return s
    }

    private static func ring(_ ps: [Position], _ ctx: GEOSContext) throws -> OpaquePointer {
        let s = try seq(ps, ctx)
        guard let r = GEOSGeom_createLinearRing_r(ctx.handle, s) else { throw ctx.error("anneau") }
        return r
    }

    private static func polygon(_ p: Polygon, _ ctx: GEOSContext) throws -> OpaquePointer {
        if p.exterior.isEmpty {
            guard let e = GEOSGeom_createEmptyPolygon_r(ctx.handle) else { throw ctx.error("polygone vide") }
            return e
        }
        let shell = try ring(p.exterior, ctx)
        var holes: [OpaquePointer?] = []
        do {
            for h in p.holes { holes.append(try ring(h, ctx)) }
        } catch {
            GEOSGeom_destroy_r(ctx.handle, shell)
            for h in holes { GEOSGeom_destroy_r(ctx.handle, h) }
            throw error
        }
        let r = holes.withUnsafeMutableBufferPointer {
            GEOSGeom_createPolygon_r(ctx.handle, shell, $0.baseAddress, UInt32($0.count))
        }
        guard let r else { throw ctx.error("polygone") }
        return r
    }

    private static func collect(_ parts: [OpaquePointer?], _ type: GEOSGeomTypes, _ ctx: GEOSContext) throws -> OpaquePointer {
        var parts = parts
        let r = parts.withUnsafeMutableBufferPointer {
            GEOSGeom_createCollection_r(ctx.handle, Int32(type.rawValue), $0.baseAddress, UInt32($0.count))
        }
        guard let r else {
            for p in parts { GEOSGeom_destroy_r(ctx.handle, p) }
            throw ctx.error("collection")
        }
        return r
    }

    private static func make(_ g: Geometry, _ ctx: GEOSContext) throws -> OpaquePointer {
        // Builds members first; on failure frees what was built.
        func build(_ items: Int, _ one: (Int) throws -> OpaquePointer) throws -> [OpaquePointer?] {
            var out: [OpaquePointer?] = []
            out.reserveCapacity(items)
            do { for k in 0..<items { out.append(try one(k)) } } catch {
                for o in out { GEOSGeom_destroy_r(ctx.handle, o) }
                throw error
            }
            return out
        }
        switch g {
        case .point(let p):
            guard let r = GEOSGeom_createPointFromXY_r(ctx.handle, p.x, p.y) else { throw ctx.error("point") }
            return r
        case .lineString(let ps):
            let s = try seq(ps, ctx)
            guard let r = GEOSGeom_createLineString_r(ctx.handle, s) else { throw ctx.error("ligne") }
            return r
        case .polygon(let p):
            return try polygon(p, ctx)
        case .multiPoint(let ps):
            return try collect(build(ps.count) { k in
                guard let r = GEOSGeom_createPointFromXY_r(ctx.handle, ps[k].x, ps[k].y) else { throw ctx.error("point") }
                return r
            }, GEOS_MULTIPOINT, ctx)
        case .multiLineString(let ls):
            return try collect(build(ls.count) { k in
                let s = try seq(ls[k], ctx)
                guard let r = GEOSGeom_createLineString_r(ctx.handle, s) else { throw ctx.error("ligne") }
                return r
            }, GEOS_MULTILINESTRING, ctx)
        case .multiPolygon(let ps):
            return try collect(build(ps.count) { try polygon(ps[$0], ctx) }, GEOS_MULTIPOLYGON, ctx)
        case .geometryCollection(let gs):
            return try collect(build(gs.count) { try make(gs[$0], ctx) }, GEOS_GEOMETRYCOLLECTION, ctx)
        }
    }

    // MARK: back to values

    /// Converts back to a geometry value. Empty points become empty multipoints.
    public func geometry() throws -> Geometry {
        try Self.value(ptr, GEOSContext.current)
    }

    private static func positions(_ s: OpaquePointer, _ ctx: GEOSContext) throws -> [Position] {
        var n: UInt32 = 0
        guard GEOSCoordSeq_getSize_r(ctx.handle, s, &n) != 0 else { throw ctx.error("taille de suite") }
        var dims: UInt32 = 0
        guard GEOSCoordSeq_getDimensions_r(ctx.handle, s, &dims) != 0 else { throw ctx.error("dimensions") }
        var out = [Position](repeating: Position(0, 0), count: Int(n))
        if n == 0 { return out }
        let ok = out.withUnsafeMutableBytes { raw in
            GEOSCoordSeq_copyToBuffer_r(ctx.handle, s, raw.baseAddress!.assumingMemoryBound(to: Double.self), 0, 0)
        }
        guard ok != 0 else { throw ctx.error("lecture des coordonnées") }
        return out
    }

    private static func ringPositions(_ r: OpaquePointer, _ ctx: GEOSContext) throws -> [Position] {
        guard let s = GEOSGeom_getCoordSeq_r(ctx.handle, r) else { throw ctx.error("anneau") }
        return try positions(s, ctx)
    }

    private static func polygonValue(_ p: OpaquePointer, _ ctx: GEOSContext) throws -> Polygon {
        if GEOSisEmpty_r(ctx.handle, p) == 1 { return Polygon(exterior: []) }
        guard let ext = GEOSGetExteriorRing_r(ctx.handle, p) else { throw ctx.error("anneau extérieur") }
        let n = GEOSGetNumInteriorRings_r(ctx.handle, p)
        guard n >= 0 else { throw ctx.error("anneaux intérieurs") }
        var holes: [[Position]] = []
        holes.reserveCapacity(Int(n))
        for k in 0..<n {
            guard let h = GEOSGetInteriorRingN_r(ctx.handle, p, k) else { throw ctx.error("anneau intérieur") }
            holes.append(try ringPositions(h, ctx))
        }
        return Polygon(exterior: try ringPositions(ext, ctx), holes: holes)
    }

    private static func value(_ g: OpaquePointer, _ ctx: GEOSContext) throws -> Geometry {
        let t = GEOSGeomTypeId_r(ctx.handle, g)
        func members<T>(_ f: (OpaquePointer) throws -> T) throws -> [T] {
            let n = GEOSGetNumGeometries_r(ctx.handle, g)
            guard n >= 0 else { throw ctx.error("membres") }
            var out: [T] = []
            out.reserveCapacity(Int(n))
            for k in 0..<n {
                guard let m = GEOSGetGeometryN_r(ctx.handle, g, k) else { throw ctx.error("membre") }
                out.append(try f(m))
            }
            return out
        }
        switch t {
        case Int32(GEOS_POINT.rawValue):
            if GEOSisEmpty_r(ctx.handle, g) == 1 { return .multiPoint([]) }
            guard let s = GEOSGeom_getCoordSeq_r(ctx.handle, g) else { throw ctx.error("point") }
            return .point(try positions(s, ctx)[0])
        case Int32(GEOS_LINESTRING.rawValue), Int32(GEOS_LINEARRING.rawValue):
            guard let s = GEOSGeom_getCoordSeq_r(ctx.handle, g) else { throw ctx.error("ligne") }
            return .lineString(try positions(s, ctx))
        case Int32(GEOS_POLYGON.rawValue):
            return .polygon(try polygonValue(g, ctx))
        case Int32(GEOS_MULTIPOINT.rawValue):
            return .multiPoint(try members { m in
                guard let s = GEOSGeom_getCoordSeq_r(ctx.handle, m) else { throw ctx.error("point") }
                return try positions(s, ctx)[0]
            })
        case Int32(GEOS_MULTILINESTRING.rawValue):
            return .multiLineString(try members { m in
                guard let s = GEOSGeom_getCoordSeq_r(ctx.handle, m) else { throw ctx.error("ligne") }
                return try positions(s, ctx)
            })
        case Int32(GEOS_MULTIPOLYGON.rawValue):
            return .multiPolygon(try members { try polygonValue($0, ctx) })
        case Int32(GEOS_GEOMETRYCOLLECTION.rawValue):
            return .geometryCollection(try members { try value($0, ctx) })
        default:
            throw ctx.error("type \(t)")
        }
    }

    // MARK: structure

    /// GEOS type name (`Polygon`, `MultiPolygon`, …).
    public var typeName: String {
        let ctx = GEOSContext.current
        guard let c = GEOSGeomType_r(ctx.handle, ptr) else { return "?" }
        defer { GEOSFree_r(ctx.handle, c) }
        return String(cString: c)
    }

    public var isEmpty: Bool { GEOSisEmpty_r(GEOSContext.current.handle, ptr) == 1 }

    /// Number of members (1 for a simple geometry).
    public var partCount: Int { Int(GEOSGetNumGeometries_r(GEOSContext.current.handle, ptr)) }

    /// Owned copies of the members (the geometry itself for a simple one).
    public func parts() throws -> [GeometryHandle] {
        let ctx = GEOSContext.current
        let n = GEOSGetNumGeometries_r(ctx.handle, ptr)
        guard n >= 0 else { throw ctx.error("membres") }
        var out: [GeometryHandle] = []
        out.reserveCapacity(Int(n))
        for k in 0..<n {
            guard let m = GEOSGetGeometryN_r(ctx.handle, ptr, k) else { throw ctx.error("membre") }
            out.append(try Self.wrap(GEOSGeom_clone_r(ctx.handle, m), ctx, "copie"))
        }
        return out
    }

    /// The polygons of this geometry, flattened out of multi and collections;
    /// lines and points produced by an overlay are left out.
    public func polygonParts() throws -> [GeometryHandle] {
        let ctx = GEOSContext.current
        switch GEOSGeomTypeId_r(ctx.handle, ptr) {
        case Int32(GEOS_POLYGON.rawValue):
            return isEmpty ? [] : [try Self.wrap(GEOSGeom_clone_r(ctx.handle, ptr), ctx, "copie")]
        case Int32(GEOS_MULTIPOLYGON.rawValue), Int32(GEOS_GEOMETRYCOLLECTION.rawValue):
            return try parts().flatMap { try $0.polygonParts() }
        default:
            return []
        }
    }

    /// WKT, for messages and debugging.
    public var wkt: String {
        let ctx = GEOSContext.current
        guard let w = GEOSWKTWriter_create_r(ctx.handle) else { return "?" }
        defer { GEOSWKTWriter_destroy_r(ctx.handle, w) }
        GEOSWKTWriter_setTrim_r(ctx.handle, w, 1)
        guard let c = GEOSWKTWriter_write_r(ctx.handle, w, ptr) else { return "?" }
        defer { GEOSFree_r(ctx.handle, c) }
        return String(cString: c)
    }

    /// Reads WKT (tests, fixtures).
    public convenience init(wkt: String) throws {
        let ctx = GEOSContext.current
        guard let r = GEOSWKTReader_create_r(ctx.handle) else { throw ctx.error("lecteur WKT") }
        defer { GEOSWKTReader_destroy_r(ctx.handle, r) }
        guard let g = GEOSWKTReader_read_r(ctx.handle, r, wkt) else { throw ctx.error("WKT") }
        self.init(owning: g)
    }
}
