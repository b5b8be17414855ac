import Foundation
import GUPModel
import GUPTopology

extension Cleaning {
    /// Union of polygonal shapes that are mostly far apart (building
    /// footprints): shapes whose bounding boxes meet no other box are taken
    /// as they are, only groups of shapes with meeting boxes (closed boxes:
    /// touching counts) go through a GEOS union. Shapes of different groups
    /// are disjoint, so the polygons gathered into one MultiPolygon are
    /// exactly the union, without the overlays a cascaded union would make
    /// between far-apart shapes.
    static func disjointUnion(_ shapes: [GeometryHandle]) throws -> GeometryHandle {
        let boxes = try shapes.map { try $0.bounds() }
        let live = boxes.indices.filter { boxes[$0] != nil }
        guard live.count > 1 else {
            return try live.isEmpty ? GeometryHandle.emptyPolygon() : GeometryHandle.unaryUnion([shapes[live[0]]], gridSize: OverlayGrid.size)
        }
        // Groups of meeting boxes (union-find over a sweep along x).
        var parent = Array(0..<shapes.count)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        let byMinX = live.sorted { boxes[$0]!.minX < boxes[$1]!.minX }
        for (n, i) in byMinX.enumerated() {
            let bi = boxes[i]!
            for j in byMinX[(n + 1)...] {
                let bj = boxes[j]!
                if bj.minX > bi.maxX { break }
                if bi.intersects(bj) {
                    let ri = root(i), rj = root(j)
                    if ri != rj { parent[ri] = rj }
                }
            }
        }
        var groups: [Int: [Int]] = [:]
        var order: [Int] = []
        for i in live {
            let r = root(i)
            if groups[r] == nil { order.append(r) }
            groups[r, default: []].append(i)
        }
        var polygons: [GeometryHandle] = []
        for r in order {
            let members = groups[r]!
            let single = shapes[members[0]]
            if members.count == 1, single.typeName == "Polygon" || single.typeName == "MultiPolygon" {
                polygons += try single.polygonParts()
            } else {
                polygons += try GeometryHandle.unaryUnion(members.map { shapes[$0] }, gridSize: OverlayGrid.size).polygonParts()
            }
        }
        return try GeometryHandle.collection(polygons, type: .multiPolygon)
    }
}

/// A polygonal union kept as its polygons (disjoint interiors) with their
/// bounding boxes, so that an overlay with another shape can be given only
/// the polygons that can take part in it.
struct PolygonSet {
    var polygons: [GeometryHandle]
    var boxes: [BoundingBox]

    init(_ polygons: [GeometryHandle]) throws {
        var kept: [GeometryHandle] = [], boxes: [BoundingBox] = []
        for p in polygons {
            guard let b = try p.bounds() else { continue }
            kept.append(p); boxes.append(b)
        }
        self.polygons = kept
        self.boxes = boxes
    }

    var isEmpty: Bool { polygons.isEmpty }

    /// The polygons as one MultiPolygon (valid: they come from a valid union).
    func collection(_ members: [Int]? = nil) throws -> GeometryHandle {
        try GeometryHandle.collection(members.map { $0.map { polygons[$0] } } ?? polygons, type: .multiPolygon)
    }

    /// Indices of the boxes of `a` meeting some box of `b`, and of the
    /// boxes of `b` meeting some box of `a` (closed boxes), in increasing order.
    static func meeting(_ a: [BoundingBox], _ b: [BoundingBox]) -> (a: [Int], b: [Int]) {
        // Sweep along x over both lists.
        var events: [(minX: Double, side: Int, index: Int)] = []
        events.reserveCapacity(a.count + b.count)
        for (i, x) in a.enumerated() { events.append((x.minX, 0, i)) }
        for (i, x) in b.enumerated() { events.append((x.minX, 1, i)) }
        events.sort { $0.minX != $1.minX ? $0.minX < $1.minX : $0.side < $1.side }
        var active: [[Int]] = [[], []]
        var hit: [[Bool]] = [[Bool](repeating: false, count: a.count), [Bool](repeating: false, count: b.count)]
        let lists = [a, b]
        for e in events {
            let box = lists[e.side][e.index]
            let other = 1 - e.side
            active[other].removeAll { lists[other][$0].maxX < box.minX }
            for j in active[other] where lists[other][j].intersects(box) {
                hit[e.side][e.index] = true
                hit[other][j] = true
            }
            active[e.side].append(e.index)
        }
        return (a.indices.filter { hit[0][$0] }, b.indices.filter { hit[1][$0] })
    }
}

extension Cleaning {
    /// Whether footprint `f` is exactly one of the holes of polygon `g`
    /// (same closed ring, any start, either direction): then `g − f = g`
    /// and no overlay is needed. Sectors drawn as parcels minus the same
    /// buildings have such holes.
    static func isHole(_ f: GUPModel.Polygon, of g: GUPModel.Polygon) -> Bool {
        guard f.holes.isEmpty, f.exterior.count >= 4 else { return false }
        let ring = f.exterior.dropLast()
        let n = ring.count
        for hole in g.holes where hole.count == n + 1 {
            let h = Array(hole.dropLast())
            guard let start = h.firstIndex(of: ring.first!) else { continue }
            let r = Array(ring)
            if (0..<n).allSatisfy({ h[(start + $0) % n] == r[$0] }) { return true }
            if (0..<n).allSatisfy({ h[(start - $0 + n) % n] == r[$0] }) { return true }
        }
        return false
    }
}

extension Cleaning {
    static let pieceVertices = 256

    /// `polygon.subdividedPolygons(maxVertices: pieceVertices)` (the same
    /// pieces in the same order), with the halves of a large polygon
    /// subdivided in parallel: one sector polygon (a street network with a
    /// hole per block) can hold much of a city's vertices.
    static func subdividedInParallel(_ polygon: GeometryHandle, depth: Int = 24) throws -> [GeometryHandle] {
        guard polygon.typeName == "Polygon", try polygon.coordinateCount() > 16 * pieceVertices, depth > 0,
              let b = try polygon.bounds(), b.width > 0 || b.height > 0 else {
            return try polygon.subdividedPolygons(maxVertices: pieceVertices, maxDepth: depth)
        }
        // The same halving as `subdividedPolygons`: across the longer side.
        let halves = b.halvesAcrossLongerSide
        let children = try parallelMap(count: 2) { h in
            try polygon.intersection(GeometryHandle(rectangle: halves[h])).polygonParts()
        }.flatMap { $0 }
        return try parallelMap(count: children.count) { try subdividedInParallel(children[$0], depth: depth - 1) }.flatMap { $0 }
    }
}
