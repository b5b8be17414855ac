import Foundation
import GUPModel
import GUPTopology

/// Which polygons contain each point (interior only, as `within` in
/// PostGIS or geopandas): a compressed table, `polygons(containing: k)`
/// gives the sorted polygon indices for point `k`.
public struct PointAssignment: Sendable {
    /// `offsets[k]..<offsets[k+1]` indexes `polygonIndices` for point k.
    public let offsets: [Int32]
    public let polygonIndices: [Int32]

    public var pointCount: Int { offsets.count - 1 }

    public func polygons(containing point: Int) -> ArraySlice<Int32> {
        polygonIndices[Int(offsets[point])..<Int(offsets[point + 1])]
    }

    /// Number of points in each polygon.
    public func countsPerPolygon(polygonCount: Int) -> [Int] {
        var c = [Int](repeating: 0, count: polygonCount)
        for p in polygonIndices { c[Int(p)] += 1 }
        return c
    }
}

/// Bulk point-in-polygon: assigns many points to many polygons.
///
/// Polygon-major, in batches: points are bucketed once on a grid; for each
/// polygon (prepared once per task, tasks on every core) the grid cells
/// under its envelope are tested as rectangles first — a cell the polygon
/// contains properly takes all its points without a per-point test, a cell
/// it does not meet takes none — and only points of boundary cells are
/// tested one by one with the prepared geometry.
public enum PointInPolygon {
    public static func assign(points: [Position], to polygons: [GeometryHandle]) throws -> PointAssignment {
        let n = points.count
        guard n > 0, !polygons.isEmpty else {
            return PointAssignment(offsets: [Int32](repeating: 0, count: n + 1), polygonIndices: [])
        }
        let boxes = try polygons.map { try $0.bounds() }
        guard let extent = BoundingBox.finiteExtent(points) else {
            return PointAssignment(offsets: [Int32](repeating: 0, count: n + 1), polygonIndices: [])
        }
        let grid = PointGrid(points: points, extent: extent, targetPerCell: 24)
        // Per polygon: the points inside, found in parallel (each task prepares its own).
        let perPolygon: [[Int32]] = try parallelMap(count: polygons.count, minChunk: 4) { pi in
            guard let b = boxes[pi] else { return [] }
            return try grid.pointsInside(polygons[pi], bounds: b)
        }
        // Invert to a per-point table, polygon indices sorted per point.
        var counts = [Int32](repeating: 0, count: n + 1)
        for list in perPolygon { for p in list { counts[Int(p) + 1] += 1 } }
        for k in 0..<n { counts[k + 1] += counts[k] }
        var fill = counts
        var indices = [Int32](repeating: 0, count: Int(counts[n]))
        for (pi, list) in perPolygon.enumerated() {
            for p in list {
                indices[Int(fill[Int(p)])] = Int32(pi)
                fill[Int(p)] += 1
            }
        }
        return PointAssignment(offsets: counts, polygonIndices: indices)
    }
}

/// Points bucketed on a regular grid (compressed rows).
struct PointGrid {
    let points: [Position]
    let origin: Position
    let cell: Double
    let columns: Int
    let rows: Int
    let cellStart: [Int32]
    let order: [Int32]

    init(points: [Position], extent: BoundingBox, targetPerCell: Int) {
        self.points = points
        let area = extent.width * extent.height
        var cell = (area * Double(targetPerCell) / Double(max(points.count, 1))).squareRoot()
        // Points all on one line (zero width or height) or a single point:
        // the cell follows the longer side, never a vanishing size.
        let longest = max(extent.width, extent.height)
        if !(cell > 0) || cell < longest / 2000 { cell = longest / 2000 }
        if !(cell > 0) { cell = 1 }
        // Keep the grid within a sane number of cells.
        while (extent.width / cell + 1) * (extent.height / cell + 1) > 4_000_000 { cell *= 2 }
        self.cell = cell
        origin = Position(extent.minX, extent.minY)
        columns = max(1, Int((extent.width / cell).rounded(.down)) + 1)
        rows = max(1, Int((extent.height / cell).rounded(.down)) + 1)
        var start = [Int32](repeating: 0, count: columns * rows + 1)
        var cellOf = [Int32](repeating: -1, count: points.count)
        for (k, p) in points.enumerated() where p.x.isFinite && p.y.isFinite {
            let c = Int((p.x - extent.minX) / cell), r = Int((p.y - extent.minY) / cell)
            let id = min(r, rows - 1) * columns + min(c, columns - 1)
            cellOf[k] = Int32(id)
            start[id + 1] += 1
        }
        for k in 0..<(columns * rows) { start[k + 1] += start[k] }
        var fill = start
        var order = [Int32](repeating: 0, count: Int(start[columns * rows]))
        for k in 0..<points.count where cellOf[k] >= 0 {
            let id = Int(cellOf[k])
            order[Int(fill[id])] = Int32(k)
            fill[id] += 1
        }
        cellStart = start
        self.order = order
    }

    /// Indices of the points the polygon contains (interior), sorted.
    func pointsInside(_ polygon: GeometryHandle, bounds b: BoundingBox) throws -> [Int32] {
        let c0 = max(0, Int(((b.minX - origin.x) / cell).rounded(.down)))
        let c1 = min(columns - 1, Int(((b.maxX - origin.x) / cell).rounded(.down)))
        let r0 = max(0, Int(((b.minY - origin.y) / cell).rounded(.down)))
        let r1 = min(rows - 1, Int(((b.maxY - origin.y) / cell).rounded(.down)))
        guard c0 <= c1, r0 <= r1 else { return [] }
        let prepared = try PreparedGeometry(polygon)
        var out: [Int32] = []
        var candidates: [Position] = []
        var candidateIds: [Int32] = []
        for r in r0...r1 {
            for c in c0...c1 {
                let id = r * columns + c
                let s = Int(cellStart[id]), e = Int(cellStart[id + 1])
                if s == e { continue }
                let cellBox = BoundingBox(minX: origin.x + Double(c) * cell, minY: origin.y + Double(r) * cell,
                                          maxX: origin.x + Double(c + 1) * cell, maxY: origin.y + Double(r + 1) * cell)
                if e - s >= 4 {
                    let rect = try GeometryHandle(rectangle: cellBox)
                    if try prepared.containsProperly(rect) {
                        out.append(contentsOf: order[s..<e])
                        continue
                    }
                    if try !prepared.intersects(rect) { continue }
                }
                for k in s..<e {
                    let p = points[Int(order[k])]
                    if b.contains(p) {
                        candidates.append(p)
                        candidateIds.append(order[k])
                    }
                }
            }
        }
        if !candidates.isEmpty {
            let inside = try prepared.contains(candidates)
            for (k, ok) in inside.enumerated() where ok { out.append(candidateIds[k]) }
        }
        out.sort()
        return out
    }
}

/// Points bucketed once on a grid, then asked for those inside boxes: the
/// dossier takes each quartier's incidents from it instead of scanning a
/// million points per quartier.
public struct PointBuckets: Sendable {
    let grid: PointGrid?

    public init(points: [Position]) {
        grid = BoundingBox.finiteExtent(points).map { PointGrid(points: points, extent: $0, targetPerCell: 24) }
    }

    /// Indices of the points inside `box` (borders included), ascending.
    public func indices(in box: BoundingBox) -> [Int] {
        guard let g = grid else { return [] }
        let c0 = max(0, Int(((box.minX - g.origin.x) / g.cell).rounded(.down)))
        let c1 = min(g.columns - 1, Int(((box.maxX - g.origin.x) / g.cell).rounded(.down)))
        let r0 = max(0, Int(((box.minY - g.origin.y) / g.cell).rounded(.down)))
        let r1 = min(g.rows - 1, Int(((box.maxY - g.origin.y) / g.cell).rounded(.down)))
        guard c0 <= c1, r0 <= r1 else { return [] }
        var out: [Int] = []
        for r in r0...r1 {
            for c in c0...c1 {
                let id = r * g.columns + c
                for k in Int(g.cellStart[id])..<Int(g.cellStart[id + 1]) {
                    let i = Int(g.order[k])
                    if box.contains(g.points[i]) { out.append(i) }
                }
            }
        }
        out.sort()
        return out
    }
}
