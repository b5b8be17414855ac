/// A regular grid of values in a projected CRS (a kernel density surface,
/// for instance): `values[row * columns + column]`, row 0 at the bottom
/// (`origin` is the lower-left corner of cell (0, 0)).
public struct RasterGrid: Sendable, Equatable {
    public var origin: Position
    public var cellSize: Double
    public var columns: Int
    public var rows: Int
    public var values: [Double]
    /// What a value means, in French (« incidents par hectare »).
    public var unit: String

    public init(origin: Position, cellSize: Double, columns: Int, rows: Int, values: [Double], unit: String) {
        precondition(values.count == columns * rows)
        self.origin = origin
        self.cellSize = cellSize
        self.columns = columns
        self.rows = rows
        self.values = values
        self.unit = unit
    }

    public subscript(column: Int, row: Int) -> Double { values[row * columns + column] }

    /// Centre of a cell.
    public func center(column: Int, row: Int) -> Position {
        Position(origin.x + (Double(column) + 0.5) * cellSize, origin.y + (Double(row) + 0.5) * cellSize)
    }

    public var bounds: BoundingBox {
        BoundingBox(minX: origin.x, minY: origin.y,
                    maxX: origin.x + Double(columns) * cellSize, maxY: origin.y + Double(rows) * cellSize)
    }
}
