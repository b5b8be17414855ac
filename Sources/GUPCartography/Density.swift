import Foundation
import GUPModel

/// A provisional density surface for the heat layer of a plan de masse:
/// incidents counted per square cell and expressed per hectare. It stands
/// in until the incidents analysis provides its kernel density (any
/// `RasterGrid` can be drawn); it is a plain count, not a kernel estimate.
public enum IncidentCountGrid {
    /// Counts `points` (working CRS) in cells of `cellSize` metres covering
    /// `extent`; points outside are not counted.
    public static func make(points: [Position], extent: BoundingBox, cellSize: Double = 25) -> RasterGrid {
        let cols = max(1, Int((extent.width / cellSize).rounded(.up)))
        let rows = max(1, Int((extent.height / cellSize).rounded(.up)))
        var v = [Double](repeating: 0, count: cols * rows)
        let perHa = 10_000 / (cellSize * cellSize)
        for p in points {
            let c = Int(((p.x - extent.minX) / cellSize).rounded(.down))
            let r = Int(((p.y - extent.minY) / cellSize).rounded(.down))
            guard c >= 0, c < cols, r >= 0, r < rows else { continue }
            v[r * cols + c] += perHa
        }
        return RasterGrid(origin: Position(extent.minX, extent.minY), cellSize: cellSize, columns: cols, rows: rows,
                          values: v, unit: "incidents par hectare")
    }
}
