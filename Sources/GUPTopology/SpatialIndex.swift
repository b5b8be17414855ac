import CGEOS
import GUPModel

/// A GEOS STRtree over the envelopes of a fixed list of geometries; queries
/// return the indices (into that list) whose envelopes intersect.
/// Built at creation, read-only afterwards: safe to query from several threads.
public final class SpatialIndex: @unchecked Sendable {
    private let tree: OpaquePointer
    /// Envelope rectangles the tree points into: they live as long as the tree.
    private let envelopes: [GeometryHandle]
    public let count: Int

    public convenience init(_ geometries: [GeometryHandle], nodeCapacity: Int = 10) throws {
        try self.init(boxes: geometries.map { try $0.bounds() }, nodeCapacity: nodeCapacity)
    }

    /// Indexes rectangles; nil boxes (empty geometries) are never returned.
    public init(boxes: [BoundingBox?], nodeCapacity: Int = 10) throws {
        let ctx = GEOSContext.current
        guard let t = GEOSSTRtree_create_r(ctx.handle, nodeCapacity) else { throw ctx.error("index spatial") }
        tree = t
        var envs: [GeometryHandle] = []
        for (k, b) in boxes.enumerated() {
            guard let b else { continue }
            let e = try GeometryHandle(rectangle: b)
            envs.append(e)
            GEOSSTRtree_insert_r(ctx.handle, t, e.ptr, UnsafeMutableRawPointer(bitPattern: k + 1))
        }
        envelopes = envs
        count = boxes.count
        // GEOS builds the tree on the first query: do it now, on one thread.
        _ = try query(BoundingBox(minX: 0, minY: 0, maxX: 0, maxY: 0))
    }

    deinit { GEOSSTRtree_destroy_r(GEOSContext.current.handle, tree) }

    private final class Sink { var items: [Int] = [] }

    /// Indices whose envelopes intersect the box, in increasing order.
    public func query(_ box: BoundingBox) throws -> [Int] {
        let g = try GeometryHandle(rectangle: box)
        return try query(g)
    }

    /// Indices whose envelopes intersect the geometry's envelope, in increasing order.
    public func query(_ g: GeometryHandle) throws -> [Int] {
        let ctx = GEOSContext.current
        let sink = Sink()
        withExtendedLifetime(sink) {
            GEOSSTRtree_query_r(ctx.handle, tree, g.ptr, { item, userdata in
                let s = Unmanaged<Sink>.fromOpaque(userdata!).takeUnretainedValue()
                s.items.append(Int(bitPattern: item) - 1)
            }, Unmanaged.passUnretained(sink).toOpaque())
        }
        return sink.items.sorted()
    }

    /// Indices whose envelopes contain the point.
    public func query(x: Double, y: Double) throws -> [Int] {
        try query(GeometryHandle(x: x, y: y))
    }
}
