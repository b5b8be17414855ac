import Foundation
import GUPModel

/// Kernel density surfaces of incidents, for the plans to draw.
public enum KernelDensity {
    /// Quartic (biweight) kernel density of `points` on a grid of square
    /// cells of side `cellSize` covering `extent` (working CRS, metres),
    /// the grid aligned on multiples of `cellSize`.
    ///
    /// Scaling: each incident spreads a mass of exactly 1 with the quartic
    /// kernel K(d) = 3 / (π r²) · (1 − d²/r²)² for d < r (0 beyond), whose
    /// integral over the plane is 1; the value of a cell is Σ K(dᵢ) at the
    /// cell's centre, in incidents per m², multiplied by 10,000 to give
    /// **incidents per hectare**. Far from the edges, the values summed over
    /// the grid times the cell area in hectares give back the number of
    /// incidents (up to the discretisation). This is the kernel and scaling
    /// of QGIS « Carte de chaleur » (quartic) and ArcGIS Kernel Density.
    public static func quartic(points: [Position], radius r: Double, cellSize: Double,
                               extent: BoundingBox) throws -> RasterGrid {
        try quartic(points: PointsByY(points), radius: r, cellSize: cellSize, extent: extent)
    }

    /// Points ordered by y (stable: equal y keep their order), the
    /// non-finite ones left out (they add nothing to a surface). Sorted
    /// once, they serve every surface of a run: a plan des points chauds
    /// filtered and sorted the whole incident layer (a million points on
    /// the metro test city) for its own small grid.
    public struct PointsByY: Sendable {
        public let points: [Position]
        public init(_ points: [Position]) {
            self.points = points.filter { $0.x.isFinite && $0.y.isFinite }.sorted { $0.y < $1.y }
        }

        /// The points with `yLow ≤ y ≤ yHigh`, in order.
        func slice(yLow: Double, yHigh: Double) -> ArraySlice<Position> {
            func lowerBound(_ below: (Double) -> Bool) -> Int {
                var lo = 0, hi = points.count
                while lo < hi { let m = (lo + hi) / 2; if below(points[m].y) { lo = m + 1 } else { hi = m } }
                return lo
            }
            let a = lowerBound { $0 < yLow }, b = lowerBound { $0 <= yHigh }
            return points[a..<max(a, b)]
        }
    }

    /// `quartic(points:…)` over points already ordered by y: the same
    /// values, bit for bit (the same points, summed in the same order).
    public static func quartic(points byY: PointsByY, radius r: Double, cellSize: Double,
                               extent: BoundingBox) throws -> RasterGrid {
        guard r > 0, r.isFinite else { throw GUPError("rayon de lissage invalide : \(r) (attendu un nombre de mètres positif)") }
        guard cellSize > 0, cellSize.isFinite else { throw GUPError("taille de cellule invalide : \(cellSize)") }
        try WorkLimits.current.checkRaster(columns: (extent.width / cellSize).rounded(.up) + 1, rows: (extent.height / cellSize).rounded(.up) + 1,
                                         what: "grille de densité, mailles de \(NumberDomain.describe(cellSize)) m")
        guard r / cellSize < 100_000 else {
            throw GUPError("rayon de lissage de \(NumberDomain.describe(r)) m pour des mailles de \(NumberDomain.describe(cellSize)) m : plus de 100 000 mailles par rayon, réduisez le rayon")
        }
        let ox = (extent.minX / cellSize).rounded(.down) * cellSize
        let oy = (extent.minY / cellSize).rounded(.down) * cellSize
        let columns = max(1, Int(((extent.maxX - ox) / cellSize).rounded(.up)))
        let rows = max(1, Int(((extent.maxY - oy) / cellSize).rounded(.up)))
        guard columns.multipliedReportingOverflow(by: rows).overflow == false, columns * rows <= 100_000_000 else {
            throw GUPError("grille de densité de \(columns) × \(rows) cellules : trop grande, choisissez une cellule plus grande")
        }
        // Points sorted by y, so each band of rows finds its points by binary search.
        // Points farther than r from every cell centre add nothing, and would
        // overflow the Int row and column indices. The cells' centres, not the
        // extent asked for: the grid overhangs the extent by up to a cell, and
        // a point just beyond the extent grown by r reaches those outer cells
        // (they missed it until a test summing over all points found it).
        let firstX = ox + 0.5 * cellSize, lastX = ox + (Double(columns) - 0.5) * cellSize
        let firstY = oy + 0.5 * cellSize, lastY = oy + (Double(rows) - 0.5) * cellSize
        let sorted = byY.slice(yLow: firstY - r, yHigh: lastY + r).filter { $0.x >= firstX - r && $0.x <= lastX + r }
        let r2 = r * r
        let scale = 3 / (Double.pi * r2) * 10_000
        // scale · (1 − d²/r²)² computed as factor · (r² − d²)²: no division per cell.
        let factor = scale / (r2 * r2)
        let inverseCell = 1 / cellSize
        func lowerBound(_ y: Double) -> Int {
            var lo = 0, hi = sorted.count
            while lo < hi { let m = (lo + hi) / 2; if sorted[m].y < y { lo = m + 1 } else { hi = m } }
            return lo
        }
        // The centre of each column, computed once with the same formula
        // the cells' centres always had, so every distance is bit for bit
        // the one of the earlier per-cell computation.
        let centresX = (0..<columns).map { ox + (Double($0) + 0.5) * cellSize }
        let bands = try parallelChunks(count: rows, minChunk: 8) { band -> [Double] in
            var v = [Double](repeating: 0, count: band.count * columns)
            let yLow = oy + (Double(band.lowerBound) + 0.5) * cellSize - r
            let yHigh = oy + (Double(band.upperBound - 1) + 0.5) * cellSize + r
            var k = lowerBound(yLow)
            v.withUnsafeMutableBufferPointer { out in
                centresX.withUnsafeBufferPointer { cx in
                    while k < sorted.count, sorted[k].y <= yHigh {
                        let p = sorted[k]
                        k += 1
                        // Rows of this band whose centre is within r of p in y.
                        let rowLo = max(band.lowerBound, Int(((p.y - r - oy) / cellSize - 0.5).rounded(.up)))
                        let rowHi = min(band.upperBound - 1, Int(((p.y + r - oy) / cellSize - 0.5).rounded(.down)))
                        if rowLo > rowHi { continue }
                        for row in rowLo...rowHi {
                            let dy = oy + (Double(row) + 0.5) * cellSize - p.y
                            let dy2 = dy * dy
                            let rest = r2 - dy2
                            if rest <= 0 { continue }
                            let half = rest.squareRoot()
                            // The chord's columns, widened by up to a column at each
                            // end: a column beyond the disc adds factor·0² = 0, so the
                            // sums are those of the exact chord. Truncation rather than
                            // a division and `ceil`/`floor` per row (library calls on
                            // this baseline x86-64 build): the row set-up was half the
                            // loop's time (perf annotate).
                            let lo = (p.x - half - ox) * inverseCell - 0.5
                            let hi = (p.x + half - ox) * inverseCell - 0.5
                            let c0 = lo > 0 ? Int(lo) : 0
                            let c1 = hi < Double(columns - 1) ? Int(max(hi, -1)) + 1 : columns - 1
                            if c0 > c1 { continue }
                            Self.addChord(into: out.baseAddress! + (row - band.lowerBound) * columns, centres: cx.baseAddress!,
                                          from: c0, through: c1, px: p.x, rest: rest, factor: factor)
                        }
                    }
                }
            }
            return v
        }
        return RasterGrid(origin: Position(ox, oy), cellSize: cellSize, columns: columns, rows: rows,
                          values: bands.flatMap { $0 }, unit: "incidents par hectare")
    }

    /// Adds the kernel of one point to the cells `c0...c1` of one row (the
    /// chord of the kernel's disc): k · w² with w = r² − dy² − dx², the
    /// quartic kernel's scale · (1 − d²/r²)² without a division per cell (a
    /// division was half the loop's time on this baseline x86-64 build: a
    /// fifth of the metro dossier's plans des points chauds, perf). A cell
    /// on the chord's ends may lie at r or a rounding beyond: its w is taken
    /// as 0 by a select rather than a branch, so the loop has no test and the
    /// compiler vectorises it (a cell exactly at r on the point's row, dy = 0,
    /// gets exactly 0; elsewhere rounding may leave a value about 1e-16 of
    /// the peak, as the earlier form did).
    @inline(__always)
    static func addChord(into row: UnsafeMutablePointer<Double>, centres: UnsafePointer<Double>, from c0: Int, through c1: Int,
                         px: Double, rest: Double, factor k: Double) {
        var col = c0
        let vpx = SIMD4<Double>(repeating: px), vrest = SIMD4<Double>(repeating: rest), vk = SIMD4<Double>(repeating: k)
        let raw = UnsafeMutableRawPointer(row), craw = UnsafeRawPointer(centres)
        while col &+ 3 <= c1 {
            let off = col &* MemoryLayout<Double>.stride
            let dx = craw.loadUnaligned(fromByteOffset: off, as: SIMD4<Double>.self) - vpx
            let w = pointwiseMax(vrest - dx * dx, .zero)
            let cur = raw.loadUnaligned(fromByteOffset: off, as: SIMD4<Double>.self)
            raw.storeBytes(of: cur + vk * w * w, toByteOffset: off, as: SIMD4<Double>.self)
            col &+= 4
        }
        while col <= c1 {
            let dx = centres[col] - px
            let t = rest - dx * dx
            let w = t > 0 ? t : 0
            row[col] += k * w * w
            col &+= 1
        }
    }
}
