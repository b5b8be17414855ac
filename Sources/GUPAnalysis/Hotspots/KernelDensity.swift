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
        // Points farther than r from the extent add nothing, and would overflow the Int row and column indices.
        let sorted = points.filter {
            $0.x >= extent.minX - r && $0.x <= extent.maxX + r && $0.y >= extent.minY - r && $0.y <= extent.maxY + r
        }.sorted { $0.y < $1.y }
        let r2 = r * r
        let scale = 3 / (Double.pi * r2) * 10_000
        func lowerBound(_ y: Double) -> Int {
            var lo = 0, hi = sorted.count
            while lo < hi { let m = (lo + hi) / 2; if sorted[m].y < y { lo = m + 1 } else { hi = m } }
            return lo
        }
        let bands = try parallelChunks(count: rows, minChunk: 8) { band -> [Double] in
            var v = [Double](repeating: 0, count: band.count * columns)
            let yLow = oy + (Double(band.lowerBound) + 0.5) * cellSize - r
            let yHigh = oy + (Double(band.upperBound - 1) + 0.5) * cellSize + r
            var k = lowerBound(yLow)
            while k < sorted.count, sorted[k].y <= yHigh {
                let p = sorted[k]
                k += 1
                // Rows of this band whose centre is within r of p in y.
                let rowLo = max(band.lowerBound, Int(((p.y - r - oy) / cellSize - 0.5).rounded(.up)))
                let rowHi = min(band.upperBound - 1, Int(((p.y + r - oy) / cellSize - 0.5).rounded(.down)))
                if rowLo > rowHi { continue }
                for row in rowLo...rowHi {
                    let dy = oy + (Double(row) + 0.5) * cellSize - p.y
                    let rest = r2 - dy * dy
                    if rest <= 0 { continue }
                    let half = rest.squareRoot()
                    let c0 = max(0, Int(((p.x - half - ox) / cellSize - 0.5).rounded(.up)))
                    let c1 = min(columns - 1, Int(((p.x + half - ox) / cellSize - 0.5).rounded(.down)))
                    if c0 > c1 { continue }
                    let base = (row - band.lowerBound) * columns
                    for col in c0...c1 {
                        let dx = ox + (Double(col) + 0.5) * cellSize - p.x
                        let t = 1 - (dx * dx + dy * dy) / r2
                        if t > 0 { v[base + col] += scale * t * t }
                    }
                }
            }
            return v
        }
        return RasterGrid(origin: Position(ox, oy), cellSize: cellSize, columns: columns, rows: rows,
                          values: bands.flatMap { $0 }, unit: "incidents par hectare")
    }
}
