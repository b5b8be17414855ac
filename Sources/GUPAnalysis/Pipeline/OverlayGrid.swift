import Foundation
import GUPModel
import GUPTopology

/// The fixed precision grid of the nettoyage and domanialité overlays:
/// 1 mm in the working CRS (metres).
///
/// Why: with floating overlays the number of pieces depended on the order of
/// operations. On real Paris parcels the count of cleaning gaps differed from
/// geopandas (15 against 13, 130 against 131) with areas equal to the cm²:
/// pieces joined by strips about 1e-7 m wide were split or not. On a fixed
/// grid (perimeters snapped by GEOS, every clip, difference and intersection
/// GEOS's precision-aware OverlayNG on the same grid, which snap-rounds its
/// inputs, as shapely's `grid_size=`), such strips
/// collapse the same way whatever the order. 1 mm is far below what a
/// cadastre or a sector drawing means, and far above double rounding at
/// Lambert-93 magnitudes (1e-9 m).
public enum OverlayGrid {
    public static let size = 0.001

    /// The shapes snapped to the grid by GEOS (valid on the grid; a part
    /// thinner than the grid collapses), in parallel.
    static func snapped(_ shapes: [GeometryHandle]) throws -> [GeometryHandle] {
        try parallelMap(count: shapes.count, minChunk: 64) { try shapes[$0].withPrecision(size) }
    }

    /// The area of a polygon with its vertices on the grid (each coordinate
    /// rounded as GEOS's precision model makes it precise), which is what a
    /// snapped overlay gives a polygon no other edge comes near; nil when a
    /// ring collapses on the grid (the caller then asks GEOS).
    static func roundedArea(_ p: Polygon) -> Double? {
        guard let first = p.exterior.first else { return nil }
        let scale = 1 / size
        func onGrid(_ q: Position) -> Position { Position((q.x * scale).rounded() / scale, (q.y * scale).rounded() / scale) }
        // Products of Lambert-93 magnitudes (10⁶ × 10⁶) lose a millimetre
        // square to cancellation: measured from a nearby origin instead.
        let origin = onGrid(first)
        func ringArea(_ ring: [Position]) -> Double? {
            guard ring.count >= 4 else { return nil }
            var twice = 0.0
            var previous = onGrid(ring[0])
            previous = Position(previous.x - origin.x, previous.y - origin.y)
            for q in ring.dropFirst() {
                var r = onGrid(q)
                r = Position(r.x - origin.x, r.y - origin.y)
                twice += previous.x * r.y - r.x * previous.y
                previous = r
            }
            return twice == 0 ? nil : abs(twice) / 2
        }
        guard var area = ringArea(p.exterior) else { return nil }
        for h in p.holes {
            guard let a = ringArea(h) else { return nil }
            area -= a
        }
        return area
    }

    /// True when an inward buffer of half the grid leaves nothing: the
    /// polygon is nowhere a grid cell wide.
    static func isThinnerThanGrid(_ polygon: GeometryHandle) throws -> Bool {
        try polygon.buffer(-size / 2, quadrantSegments: 2).isEmpty
    }
}
