import Foundation
import GUPModel
import GUPTopology

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One grid cell of the hotspot analysis.
public struct HotspotCell: Sendable, Equatable {
    /// Cell (i, j) covers [i·c, (i+1)·c) × [j·c, (j+1)·c) in the working CRS.
    public var i: Int
    public var j: Int
    public var incidents: Int
    /// Getis-Ord Gi* z-score.
    public var z: Double
    /// Two-sided normal p-value of z.
    public var p: Double
    /// +3/+2/+1 hot spot at 99/95/90 % confidence, −3/−2/−1 cold spot, 0 not significant.
    public var classe: Int
}

/// The hotspot grid: every cell whose interior meets the union of the
/// zones, its incident count and its Gi* statistic.
public struct HotspotGrid: @unchecked Sendable {
    public var cellSize: Double
    /// Cells in (i, j) order (i first).
    public var cells: [HotspotCell]
    /// Cell index of each incident, −1 for incidents outside the union's interior.
    public var cellOfIncident: [Int32]
    /// Incidents outside the interior of the union of the zones.
    public var outside: Int
    /// The union of the zones (working CRS).
    public var union: GeometryHandle

    public func center(of c: HotspotCell) -> Position {
        Position((Double(c.i) + 0.5) * cellSize, (Double(c.j) + 0.5) * cellSize)
    }

    public func bounds(of c: HotspotCell) -> BoundingBox {
        BoundingBox(minX: Double(c.i) * cellSize, minY: Double(c.j) * cellSize,
                    maxX: Double(c.i + 1) * cellSize, maxY: Double(c.j + 1) * cellSize)
    }
}

/// A connected area of significant hot cells: a place to visit.
public struct HotZone: @unchecked Sendable {
    /// 1 for the zone with the most incidents.
    public var rank: Int
    /// Union of the cells (GEOS), working CRS.
    public var shape: GeometryHandle
    /// Indices into `HotspotGrid.cells`.
    public var cellIndices: [Int]
    public var incidents: Int
    public var areaM2: Double
    public var maxZ: Double
    /// The three main categories (most incidents first, ties by name).
    public var mainCategories: [(category: String, incidents: Int)]
}

/// Getis-Ord Gi* hotspots on a square grid.
///
/// Definitions (as `shared/tools/reference.py` and PySAL esda
/// `G_Local(star=True, transform="B")`): n cells with counts y, mean ȳ and
/// population standard deviation s over the n cells; for cell k, W = the
/// number of cells among k and its queen neighbours that are in the grid
/// (binary weights, the cell itself included);
/// z = (Σ_{neighbours incl. k} y − ȳ·W) / (s · √((n·W − W²) / (n − 1))),
/// 0 when the denominator is 0. p = erfc(|z| / √2) (two-sided).
public enum Hotspots {
    /// Class of a p-value: ±3 when p < 0.01, ±2 when p < 0.05, ±1 when p < 0.10, else 0; sign of z.
    public static func classe(z: Double, p: Double) -> Int {
        let level = p < 0.01 ? 3 : p < 0.05 ? 2 : p < 0.10 ? 1 : 0
        return z > 0 ? level : z < 0 ? -level : 0
    }

    /// Two-sided p-value of a standard normal z-score.
    public static func pValue(_ z: Double) -> Double { erfc(abs(z) / 2.0.squareRoot()) }

    /// Gi* z-scores of cells (i, j) with values y (queen neighbours among the cells given).
    public static func getisOrdStar(i: [Int], j: [Int], values y: [Double]) -> [Double] {
        let n = y.count
        precondition(i.count == n && j.count == n)
        guard n > 1 else { return [Double](repeating: 0, count: n) }
        let i0 = i.min()! - 1, j0 = j.min()! - 1
        let ni = i.max()! - i0 + 2, nj = j.max()! - j0 + 2
        var index = [Int32](repeating: -1, count: ni * nj)
        for k in 0..<n { index[(i[k] - i0) * nj + (j[k] - j0)] = Int32(k) }
        var sum = 0.0
        for v in y { sum += v }
        let mean = sum / Double(n)
        var ss = 0.0
        for v in y { ss += (v - mean) * (v - mean) }
        let s = (ss / Double(n)).squareRoot()
        let nd = Double(n)
        var z = [Double](repeating: 0, count: n)
        z.withUnsafeMutableBufferPointer { zb in
            index.withUnsafeBufferPointer { ib in
                y.withUnsafeBufferPointer { yb in
                    for k in 0..<n {
                        let base = (i[k] - i0) * nj + (j[k] - j0)
                        var w = 0, local = 0.0
                        for di in -1...1 {
                            for dj in -1...1 {
                                let q = ib[base + di * nj + dj]
                                if q >= 0 { w += 1; local += yb[Int(q)] }
                            }
                        }
                        let wd = Double(w)
                        let den = s * ((nd * wd - wd * wd) / (nd - 1)).squareRoot()
                        zb[k] = den > 0 ? (local - mean * wd) / den : 0
                    }
                }
            }
        }
        return z
    }

    /// The grid cells of side `cellSize`, aligned on multiples of it, whose
    /// interior meets the union of the zones (intersects and does not only
    /// touch), as a state per linear id over `range`: 0 not in the grid,
    /// 1 in the grid, 2 in the grid and inside a zone's interior (every
    /// point of the cell is then inside the union's interior). A cell meets
    /// the union's interior exactly when it meets the interior of one of the
    /// (valid) zones, so the test runs zone by zone, on every core.
    static func cellStates(of zones: [GeometryHandle], cellSize c: Double, range: CellRange) throws -> [UInt8] {
        let perZone: [[(Int, UInt8)]] = try parallelMap(count: zones.count, minChunk: 1) { zi in
            guard let b = try zones[zi].bounds() else { return [] }
            let prepared = try PreparedGeometry(zones[zi])
            var out: [(Int, UInt8)] = []
            for i in Int((b.minX / c).rounded(.down))...Int((b.maxX / c).rounded(.down)) {
                for j in Int((b.minY / c).rounded(.down))...Int((b.maxY / c).rounded(.down)) {
                    let rect = try GeometryHandle(rectangle: BoundingBox(minX: Double(i) * c, minY: Double(j) * c,
                                                                         maxX: Double(i + 1) * c, maxY: Double(j + 1) * c))
                    if try prepared.containsProperly(rect) {
                        out.append((range.id(i, j), 2))
                    } else if try prepared.intersects(rect), try zones[zi].interiorsIntersect(rect) {
                        out.append((range.id(i, j), 1))
                    }
                }
            }
            return out
        }
        var state = [UInt8](repeating: 0, count: range.count)
        for list in perZone { for (id, s) in list where s > state[id] { state[id] = s } }
        return state
    }

    /// The cells of the bounding box of the union, i-major linear ids.
    struct CellRange {
        var i0, j0, ni, nj: Int
        var count: Int { ni * nj }
        func id(_ i: Int, _ j: Int) -> Int { (i - i0) * nj + (j - j0) }
        func ij(_ id: Int) -> (Int, Int) { (i0 + id / nj, j0 + id % nj) }
    }

    /// Largest grid (bounding box of the zones, in cells) accepted.
    public static let maximumGridCells = 50_000_000

    /// Builds the grid over the zones, counts the incidents inside the
    /// union's interior in their cell (floor(x/c), floor(y/c)), computes
    /// Gi* and classes.
    public static func analyse(zones: [GeometryHandle], points: [Position], cellSize c: Double) throws -> HotspotGrid {
        guard c > 0, c.isFinite else { throw GUPError("taille de cellule invalide : \(c) (attendu un nombre de mètres positif)") }
        let union = try GeometryHandle.unaryUnion(zones)
        guard let b = try union.bounds() else { throw GUPError("aucune zone utilisable : les zones n'ont aucune surface, pas de grille de points chauds") }
        // Estimated before any Int conversion (which traps beyond Int.max).
        if let excess = WorkLimits.current.gridExcess(columns: (b.width / c).rounded(.down) + 1, rows: (b.height / c).rounded(.down) + 1) {
            throw AnalysisError.invalidSetting(.cellSize, value: c, expected: "grille des points chauds de \(excess)")
        }
        let i0 = Int((b.minX / c).rounded(.down)), i1 = Int((b.maxX / c).rounded(.down))
        let j0 = Int((b.minY / c).rounded(.down)), j1 = Int((b.maxY / c).rounded(.down))
        let range = CellRange(i0: i0, j0: j0, ni: i1 - i0 + 1, nj: j1 - j0 + 1)
        guard range.ni.multipliedReportingOverflow(by: range.nj).overflow == false, range.count <= maximumGridCells else {
            throw AnalysisError.invalidSetting(.cellSize, value: c,
                                               expected: "grille de \(range.ni) × \(range.nj) cellules, au-delà de \(maximumGridCells) : choisissez une cellule plus grande")
        }
        let state = try cellStates(of: zones.filter { !$0.isEmpty }, cellSize: c, range: range)
        var ids: [Int] = []
        var slot = [Int32](repeating: -1, count: range.count)
        for id in 0..<range.count where state[id] > 0 {
            slot[id] = Int32(ids.count)
            ids.append(id)
        }
        // Each incident goes to its cell (floor(x/c), floor(y/c)) when it lies
        // inside the union's interior. In a cell inside a zone's interior it
        // does; in a cell of the grid's edge it is tested against the union
        // (its parts have disjoint interiors: a point inside is in one part);
        // anywhere else it is outside.
        var counts = [Double](repeating: 0, count: ids.count)
        var cellOf = [Int32](repeating: -1, count: points.count)
        var candidates: [Int] = []
        for k in 0..<points.count {
            let p = points[k]
            let fx = (p.x / c).rounded(.down), fy = (p.y / c).rounded(.down)
            guard fx >= Double(i0), fx <= Double(i1), fy >= Double(j0), fy <= Double(j1) else { continue }
            let id = range.id(Int(fx), Int(fy))
            switch state[id] {
            case 2:
                cellOf[k] = slot[id]
                counts[Int(slot[id])] += 1
            case 1:
                candidates.append(k)
            default:
                continue
            }
        }
        if !candidates.isEmpty {
            let parts = try union.polygonParts()
            let a = try PointInPolygon.assign(points: candidates.map { points[$0] }, to: parts)
            for (n, k) in candidates.enumerated() where a.offsets[n] != a.offsets[n + 1] {
                let p = points[k]
                let s = slot[range.id(Int((p.x / c).rounded(.down)), Int((p.y / c).rounded(.down)))]
                cellOf[k] = s
                counts[Int(s)] += 1
            }
        }
        let outside = cellOf.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
        let ij = ids.map(range.ij)
        let z = getisOrdStar(i: ij.map(\.0), j: ij.map(\.1), values: counts)
        var cells: [HotspotCell] = []
        cells.reserveCapacity(ids.count)
        for k in 0..<ids.count {
            let p = pValue(z[k])
            cells.append(HotspotCell(i: ij[k].0, j: ij[k].1, incidents: Int(counts[k]), z: z[k], p: p,
                                     classe: classe(z: z[k], p: p)))
        }
        return HotspotGrid(cellSize: c, cells: cells, cellOfIncident: cellOf, outside: outside, union: union)
    }

    /// Significant hot cells (class ≥ `minimumClass`) grouped into connected
    /// areas (queen contiguity, as the Gi* weights), each the GEOS union of
    /// its cells, ranked by incidents (then by higher peak z, then position),
    /// with its three main categories.
    public static func hotZones(_ grid: HotspotGrid, categories: [String], category: [Int32],
                                minimumClass: Int = 2) throws -> [HotZone] {
        let hot = grid.cells.indices.filter { grid.cells[$0].classe >= minimumClass }
        guard !hot.isEmpty else { return [] }
        var key: [Int64: Int] = [:]
        func k(_ i: Int, _ j: Int) -> Int64 { Int64(i) << 32 | Int64(UInt32(bitPattern: Int32(truncatingIfNeeded: j))) }
        for h in hot { key[k(grid.cells[h].i, grid.cells[h].j)] = h }
        var component = [Int: Int]()
        var groups: [[Int]] = []
        for h in hot where component[h] == nil {
            var stack = [h], members: [Int] = []
            component[h] = groups.count
            while let x = stack.popLast() {
                members.append(x)
                let c = grid.cells[x]
                for di in -1...1 { for dj in -1...1 where di != 0 || dj != 0 {
                    if let y = key[k(c.i + di, c.j + dj)], component[y] == nil {
                        component[y] = groups.count
                        stack.append(y)
                    }
                } }
            }
            groups.append(members.sorted())
        }
        // Category counts per group.
        var perGroup = [[Int]](repeating: [Int](repeating: 0, count: categories.count), count: groups.count)
        for (n, cell) in grid.cellOfIncident.enumerated() where cell >= 0 {
            if let g = component[Int(cell)] { perGroup[g][Int(category[n])] += 1 }
        }
        var zones = try parallelMap(count: groups.count) { g -> HotZone in
            let members = groups[g]
            let rects = try members.map { try GeometryHandle(rectangle: grid.bounds(of: grid.cells[$0])) }
            let shape = try GeometryHandle.unaryUnion(rects)
            let counts = perGroup[g]
            let main = counts.indices.filter { counts[$0] > 0 }
                .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : categories[$0] < categories[$1] }
                .prefix(3).map { (category: categories[$0], incidents: counts[$0]) }
            return HotZone(rank: 0, shape: shape, cellIndices: members,
                           incidents: members.reduce(0) { $0 + grid.cells[$1].incidents },
                           areaM2: try shape.area(), maxZ: members.map { grid.cells[$0].z }.max()!,
                           mainCategories: Array(main))
        }
        zones.sort { a, b in
            if a.incidents != b.incidents { return a.incidents > b.incidents }
            if a.maxZ != b.maxZ { return a.maxZ > b.maxZ }
            return a.cellIndices[0] < b.cellIndices[0]
        }
        for r in zones.indices { zones[r].rank = r + 1 }
        return zones
    }
}
