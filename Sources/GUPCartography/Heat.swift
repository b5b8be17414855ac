import Foundation
import GUPAnalysis
import GUPModel
import GUPTopology

/// The classes of a heat layer: values at or below `floor` are not drawn,
/// class k holds the values up to `breaks[k]`. Computed once for a whole
/// dossier, so two quartiers' plans read the same way.
public struct HeatClasses: Sendable, Equatable {
    public var floor: Double
    public var breaks: [Double]
    /// « quantiles des mailles de tous les quartiers du dossier » (legend note).
    public var basis: String

    public init(floor: Double, breaks: [Double], basis: String) {
        self.floor = floor; self.breaks = breaks; self.basis = basis
    }

    /// Quantile classes over the pooled cells of `grids` that lie inside
    /// their `clips` (the perimeters grown by the kernel radius, the ground
    /// a plan draws). The floor is 5 % of the pooled maximum: the kernel's
    /// faint tail would otherwise tint every cell within a radius of any
    /// incident. Quantiles rather than equal intervals: a kernel surface is
    /// skewed (a few cells near the main hotspot hold the maximum), so equal
    /// intervals put a secondary hotspot in the lowest class (issue 14).
    /// Breaks that coincide are merged (fewer classes). Nil without any
    /// cell above the floor.
    public static func quantiles(of grids: [RasterGrid], clips: [GeometryHandle?], classes: Int = 5, basis: String) throws -> HeatClasses? {
        // Each grid's cells in its clip on every core (the dossier's 625
        // grids took 0.29 s on one core while the other waited), joined in
        // the grids' order.
        let values: [Double] = try parallelMap(count: grids.count) { k -> [Double] in
            let g = grids[k]
            let mask = try Self.mask(g, clip: k < clips.count ? clips[k] : nil)
            return g.values.indices.compactMap { i in mask[i] && g.values[i] > 0 && g.values[i].isFinite ? g.values[i] : nil }
        }.flatMap { $0 }
        guard let maxV = values.max(), maxV > 0 else { return nil }
        let floor = maxV * 0.05
        let kept = values.filter { $0 > floor }.sorted()
        guard !kept.isEmpty else { return nil }
        var breaks: [Double] = []
        let n = max(1, classes)
        for q in 1...n {
            // Nearest-rank quantile q/n of the kept cells.
            let rank = Int((Double(q) / Double(n) * Double(kept.count)).rounded(.up)) - 1
            let v = kept[min(max(rank, 0), kept.count - 1)]
            if let last = breaks.last, Self.rounded(v) <= Self.rounded(last) { continue }
            breaks.append(v)
        }
        breaks[breaks.count - 1] = maxV
        return HeatClasses(floor: floor, breaks: breaks, basis: basis)
    }

    /// Whether each cell's centre lies in `clip` (all true without one).
    /// Tiles of 8 × 8 cells are tested first: a tile whose centres' box
    /// lies in the clip's interior (`containsProperly`) is all in, a tile
    /// whose box misses the clip is all out, so only the tiles the outline
    /// crosses test their centres one by one: the same answer as testing
    /// every centre, with a GEOS point made and tested for about a fifth
    /// of the cells (0.095 s of the 60 plans des points chauds of the
    /// metro dossier went to one test per cell, thread CPU).
    static func mask(_ g: RasterGrid, clip: GeometryHandle?) throws -> [Bool] {
        guard let clip else { return [Bool](repeating: true, count: g.values.count) }
        let prepared = try PreparedGeometry(clip)
        var out = [Bool](repeating: false, count: g.values.count)
        let tile = 8
        var centres: [Position] = []
        var cells: [Int] = []
        for r0 in stride(from: 0, to: g.rows, by: tile) {
            let r1 = min(r0 + tile, g.rows) - 1
            for c0 in stride(from: 0, to: g.columns, by: tile) {
                let c1 = min(c0 + tile, g.columns) - 1
                let a = g.center(column: c0, row: r0), b = g.center(column: c1, row: r1)
                if r1 > r0, c1 > c0 {
                    let box = try GeometryHandle(rectangle: BoundingBox(minX: a.x, minY: a.y, maxX: b.x, maxY: b.y))
                    if try prepared.containsProperly(box) {
                        for row in r0...r1 { for col in c0...c1 { out[row * g.columns + col] = true } }
                        continue
                    }
                    if try !prepared.intersects(box) { continue }
                }
                for row in r0...r1 {
                    for col in c0...c1 { centres.append(g.center(column: col, row: row)); cells.append(row * g.columns + col) }
                }
            }
        }
        for (k, inside) in try prepared.contains(centres).enumerated() { out[cells[k]] = inside }
        return out
    }

    /// The value as the legend prints it (one decimal, two below 1).
    static func rounded(_ v: Double) -> Double { v < 1 ? (v * 100).rounded() / 100 : (v * 10).rounded() / 10 }
}

/// What a plan needs to draw the density of incidents: the points and
/// the kernel radius (the plan computes the surface itself, with cells of
/// 1 mm on paper at its scale), and the dossier's shared classes.
public struct HeatInput: Sendable {
    /// The incidents, ordered by y once for all the plans that share them.
    public var points: KernelDensity.PointsByY
    public var radius: Double
    /// Classes shared by the plans of a dossier; nil: computed from this plan's own surface.
    public var classes: HeatClasses?
    /// Largest cell asked for (m); the cell is never more than 1 mm on paper.
    public var maxCellSize: Double?

    public init(points: [Position], radius: Double, classes: HeatClasses? = nil, maxCellSize: Double? = nil) {
        self.init(points: KernelDensity.PointsByY(points), radius: radius, classes: classes, maxCellSize: maxCellSize)
    }

    /// The same, with the points already ordered (a dossier orders its incidents once for all its plans).
    public init(points: KernelDensity.PointsByY, radius: Double, classes: HeatClasses? = nil, maxCellSize: Double? = nil) {
        self.points = points; self.radius = radius; self.classes = classes; self.maxCellSize = maxCellSize
    }

    /// The cell side (m) at 1:`scale`: 1 mm on paper, or `maxCellSize` when smaller.
    public func cellSize(scale: Int) -> Double {
        let mm = Double(scale) / 1000
        return min(mm, maxCellSize ?? mm)
    }

    /// The density surface of a plan at 1:`scale`, over the frame's
    /// `extent` cut to the quartier grown by the radius, with the cells
    /// outside `clip` (the quartier grown by the radius) set to 0: no
    /// straight cut-off of the computation rectangle shows.
    public func surface(scale: Int, extent: BoundingBox, quartier: GeometryHandle) throws -> (grid: RasterGrid, clip: GeometryHandle) {
        let clip = try quartier.buffer(radius)
        let cb = try clip.bounds() ?? extent
        let e = BoundingBox(minX: max(extent.minX, cb.minX), minY: max(extent.minY, cb.minY),
                            maxX: min(extent.maxX, cb.maxX), maxY: min(extent.maxY, cb.maxY))
        guard e.maxX > e.minX, e.maxY > e.minY else { throw GUPError("densité : le quartier est hors du cadre du plan") }
        var g = try KernelDensity.quartic(points: points, radius: radius, cellSize: cellSize(scale: scale), extent: e)
        let mask = try HeatClasses.mask(g, clip: clip)
        for i in g.values.indices where !mask[i] { g.values[i] = 0 }
        return (g, clip)
    }
}

extension RasterLayer {
    /// A heat layer in the given classes, ColorBrewer YlOrRd.
    public init(grid: RasterGrid, classes: HeatClasses, opacity: Double = 0.8) {
        self.init(grid: grid, breaks: classes.breaks, colors: ColorBrewer.sequential(count: classes.breaks.count), opacity: opacity)
        floor = classes.floor
        basis = classes.basis
    }
}
