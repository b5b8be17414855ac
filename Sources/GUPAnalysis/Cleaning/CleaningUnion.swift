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

    /// These polygons minus `other`'s, on the overlay grid: only the
    /// polygons whose boxes meet one of `other`'s go through GEOS, with only
    /// the polygons of `other` they can meet; the others are kept as they
    /// are (first, in their order, then the pieces of the difference).
    func subtracting(_ other: PolygonSet) throws -> PolygonSet {
        let m = PolygonSet.meeting(boxes, other.boxes)
        guard !m.a.isEmpty else { return self }
        let touched = try collection(m.a).difference(other.collection(m.b), gridSize: OverlayGrid.size).polygonParts()
        let hit = Set(m.a)
        return try PolygonSet(polygons.indices.filter { !hit.contains($0) }.map { polygons[$0] } + touched)
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
        let ring = Array(f.exterior.dropLast())
        return g.holes.contains { $0.count == ring.count + 1 && Rings.same(ring, Array($0.dropLast()), tolerance: 0) }
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

/// The residences' footprints of one perimeter, to recognise the holes a
/// cleaner's space has where a building stands.
///
/// Why: the gaps are E − ∪ Uᵢ, E the outdoor space (the perimeter minus the
/// footprints F), Uᵢ each cleaner's outdoor space. Both E and every Uᵢ have a
/// hole per building, and each snapped difference re-nodes every ring of
/// both sides, while GEOS 3.11's snap-rounding seeds a random-number
/// generator per ring (`std::random_device`, a CPUID each, about 17 µs in a
/// virtual machine): on the metro-scale city, 103,537 rings went through the
/// gap differences of 625 perimeters, 4.5 s of the command's 9.6 s of
/// processor time (a temporary ring count per call site, and perf). When
/// every filled hole lies in F, (P − ∪ Uᵢᶠ) − F = E − ∪ Uᵢ, Uᵢᶠ being Uᵢ with
/// those holes filled: the buildings are taken out once, at the end, from
/// what is left, instead of being re-noded by every difference.
struct FootprintHoles {
    /// F's polygons (disjoint, from `Cleaning.disjointUnion`) and their boxes.
    let parts: PolygonSet
    /// The same polygons as values (their areas on the grid, `OverlayGrid.roundedArea`).
    let values: [GUPModel.Polygon]
    /// The exterior ring of each part without holes (a building with a
    /// courtyard is never matched: filling its ring would cover the yard),
    /// without its closing point and repeated points.
    private let rings: [[Position]?]

    /// A hole matches a footprint when their rings have the same vertices,
    /// each within the grid in x and y (snap-rounding moves a vertex by half
    /// the grid at most), in the same cyclic order either way round. A hole
    /// that snap-rounding changed otherwise (a vertex added or merged) is
    /// not matched and stays a hole: only slower, never wrong.
    static let tolerance = OverlayGrid.size

    init(_ footprints: GeometryHandle) throws {
        parts = try PolygonSet(footprints.polygonParts())
        values = try parts.polygons.map { g in
            guard case .polygon(let p) = try g.geometry() else { throw GUPError("emprises : polygone attendu") }
            return p
        }
        rings = values.map { $0.holes.isEmpty ? Rings.open($0.exterior) : nil }
    }

    /// Whether the hole (a closed ring) is one of the footprints.
    func isFootprint(_ hole: [Position]) -> Bool {
        let h = Rings.open(hole)
        guard let box = BoundingBox.finiteExtent(h) else { return false }
        let t = Self.tolerance
        for (k, b) in parts.boxes.enumerated() {
            guard let r = rings[k], abs(b.minX - box.minX) <= t, abs(b.minY - box.minY) <= t,
                  abs(b.maxX - box.maxX) <= t, abs(b.maxY - box.maxY) <= t else { continue }
            if Rings.same(h, r, tolerance: t) { return true }
        }
        return false
    }

    /// The polygons with their footprint holes filled. A hole is kept when
    /// another polygon of the set lies in its box (an island in the hole:
    /// filling would make the polygons overlap).
    func filled(_ set: PolygonSet) throws -> PolygonSet {
        var out: [GeometryHandle] = []
        out.reserveCapacity(set.polygons.count)
        for (k, g) in set.polygons.enumerated() {
            guard case .polygon(let p) = try g.geometry(), !p.holes.isEmpty else { out.append(g); continue }
            let kept = p.holes.filter { hole in
                guard isFootprint(hole), let hb = BoundingBox.finiteExtent(hole) else { return true }
                let island = set.boxes.indices.contains { $0 != k && hb.covers(set.boxes[$0]) }
                return island
            }
            out.append(kept.count == p.holes.count ? g : try GeometryHandle(.polygon(Polygon(exterior: p.exterior, holes: kept))))
        }
        return try PolygonSet(out)
    }
}
