/// A 2D position in the coordinates of its layer's CRS (lon/lat order for
/// geographic CRSs, easting/northing for projected ones).
public struct Position: Hashable, Sendable {
    public var x: Double
    public var y: Double
    @inlinable public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
}

/// A polygon: one exterior ring and its holes; each ring is closed
/// (first position repeated last). Positions of a ring are contiguous.
public struct Polygon: Hashable, Sendable {
    public var exterior: [Position]
    public var holes: [[Position]]
    public init(exterior: [Position], holes: [[Position]] = []) {
        self.exterior = exterior
        self.holes = holes
    }
    /// All rings, exterior first.
    public var rings: [[Position]] { [exterior] + holes }
}

/// A geometry value (Simple Features subset of RFC 7946). Value semantics;
/// the GEOS layer converts it to and from GEOS handles.
public enum Geometry: Hashable, Sendable {
    case point(Position)
    case multiPoint([Position])
    case lineString([Position])
    case multiLineString([[Position]])
    case polygon(Polygon)
    case multiPolygon([Polygon])
    case geometryCollection([Geometry])

    /// The GeoJSON type name.
    public var typeName: String {
        switch self {
        case .point: return "Point"
        case .multiPoint: return "MultiPoint"
        case .lineString: return "LineString"
        case .multiLineString: return "MultiLineString"
        case .polygon: return "Polygon"
        case .multiPolygon: return "MultiPolygon"
        case .geometryCollection: return "GeometryCollection"
        }
    }

    /// True for Polygon and MultiPolygon (and collections made only of them).
    public var isAreal: Bool {
        switch self {
        case .polygon, .multiPolygon: return true
        case .geometryCollection(let gs): return !gs.isEmpty && gs.allSatisfy(\.isAreal)
        default: return false
        }
    }

    /// Calls `body` on every position, in order.
    public func forEachPosition(_ body: (Position) throws -> Void) rethrows {
        switch self {
        case .point(let p): try body(p)
        case .multiPoint(let ps), .lineString(let ps): try ps.forEach(body)
        case .multiLineString(let ls): for l in ls { try l.forEach(body) }
        case .polygon(let p): for r in p.rings { try r.forEach(body) }
        case .multiPolygon(let ps): for p in ps { for r in p.rings { try r.forEach(body) } }
        case .geometryCollection(let gs): for g in gs { try g.forEachPosition(body) }
        }
    }

    /// Returns the same geometry with every position transformed.
    public func mapPositions(_ f: (Position) throws -> Position) rethrows -> Geometry {
        switch self {
        case .point(let p): return .point(try f(p))
        case .multiPoint(let ps): return .multiPoint(try ps.map(f))
        case .lineString(let ps): return .lineString(try ps.map(f))
        case .multiLineString(let ls): return .multiLineString(try ls.map { try $0.map(f) })
        case .polygon(let p): return .polygon(try p.mapPositions(f))
        case .multiPolygon(let ps): return .multiPolygon(try ps.map { try $0.mapPositions(f) })
        case .geometryCollection(let gs): return .geometryCollection(try gs.map { try $0.mapPositions(f) })
        }
    }

    /// Number of positions.
    public var positionCount: Int {
        var n = 0
        forEachPosition { _ in n += 1 }
        return n
    }

    /// The bounding box, nil for an empty geometry.
    public var bounds: BoundingBox? {
        var b: BoundingBox?
        forEachPosition { p in
            if b == nil { b = BoundingBox(p) } else { b!.extend(p) }
        }
        return b
    }

    /// The polygons of an areal geometry (empty for other types).
    public var polygons: [Polygon] {
        switch self {
        case .polygon(let p): return [p]
        case .multiPolygon(let ps): return ps
        case .geometryCollection(let gs): return gs.flatMap(\.polygons)
        default: return []
        }
    }
}

extension Polygon {
    public func mapPositions(_ f: (Position) throws -> Position) rethrows -> Polygon {
        Polygon(exterior: try exterior.map(f), holes: try holes.map { try $0.map(f) })
    }
}

/// An axis-aligned rectangle.
public struct BoundingBox: Hashable, Sendable {
    public var minX, minY, maxX, maxY: Double
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX; self.minY = minY; self.maxX = maxX; self.maxY = maxY
    }
    public init(_ p: Position) { self.init(minX: p.x, minY: p.y, maxX: p.x, maxY: p.y) }
    public mutating func extend(_ p: Position) {
        if p.x < minX { minX = p.x }
        if p.x > maxX { maxX = p.x }
        if p.y < minY { minY = p.y }
        if p.y > maxY { maxY = p.y }
    }
    public mutating func extend(_ b: BoundingBox) {
        minX = Swift.min(minX, b.minX); minY = Swift.min(minY, b.minY)
        maxX = Swift.max(maxX, b.maxX); maxY = Swift.max(maxY, b.maxY)
    }
    public var width: Double { maxX - minX }
    public var height: Double { maxY - minY }
    public var center: Position { Position((minX + maxX) / 2, (minY + maxY) / 2) }
    public func intersects(_ o: BoundingBox) -> Bool {
        minX <= o.maxX && o.minX <= maxX && minY <= o.maxY && o.minY <= maxY
    }
    public func contains(_ p: Position) -> Bool {
        p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY
    }
    /// Whether `o` lies in this box (closed boxes).
    public func covers(_ o: BoundingBox) -> Bool {
        o.minX >= minX && o.maxX <= maxX && o.minY >= minY && o.maxY <= maxY
    }
    /// The box of the finite positions, nil when there are none.
    ///
    /// Why a loop of its own: `union` over a lazy filter and map of a
    /// million incidents (the point-in-polygon assignment's extent, twice
    /// per `gup domanialite`) was 2.2 % of the command's processor time, on
    /// one thread (perf): generic iteration, a box built per point.
    public static func finiteExtent(_ points: [Position]) -> BoundingBox? {
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for p in points where p.x.isFinite && p.y.isFinite {
            minX = Swift.min(minX, p.x); maxX = Swift.max(maxX, p.x)
            minY = Swift.min(minY, p.y); maxY = Swift.max(maxY, p.y)
        }
        return minX <= maxX ? BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY) : nil
    }

    /// The two halves of the box, cut across its longer side.
    public var halvesAcrossLongerSide: [BoundingBox] {
        if width >= height {
            let c = (minX + maxX) / 2
            return [BoundingBox(minX: minX, minY: minY, maxX: c, maxY: maxY), BoundingBox(minX: c, minY: minY, maxX: maxX, maxY: maxY)]
        }
        let c = (minY + maxY) / 2
        return [BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: c), BoundingBox(minX: minX, minY: c, maxX: maxX, maxY: maxY)]
    }

    /// The union of several boxes, nil when there are none.
    public static func union<S: Sequence>(_ boxes: S) -> BoundingBox? where S.Element == BoundingBox {
        var it = boxes.makeIterator()
        guard var b = it.next() else { return nil }
        while let n = it.next() { b.extend(n) }
        return b
    }
}
