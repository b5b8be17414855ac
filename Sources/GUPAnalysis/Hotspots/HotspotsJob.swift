import Foundation
import GUPModel
import GUPTopology

/// Options of the hotspots job (`gup points-chauds`, the dossier's hotspot
/// plan and walking route).
public struct HotspotOptions: Sendable {
    /// Where Gi* is computed.
    public enum Scope: Sendable {
        /// One grid over the union of the zones (`gup points-chauds`).
        case union
        /// One grid per zone, its statistics over that zone's cells only
        /// (the dossier: each quartier's hotspots stand out in the quartier).
        case perZone
    }
    /// Side of the grid cells, m.
    public var cellSize: Double
    /// Radius of the quartic kernel density, m.
    public var radius: Double
    public var scope: Scope

    public init(cellSize: Double = 50, radius: Double = 100, scope: Scope = .union) throws {
        // Inside the lengths' domain (issue 16: 1e-13 or 1e20 trapped in Int conversions).
        guard NumberDomain.metres.contains(cellSize) else {
            throw AnalysisError.invalidSetting(.cellSize, value: cellSize, expected: "un nombre de mètres entre 0,01 et 100 000")
        }
        guard NumberDomain.metres.contains(radius) else {
            throw AnalysisError.invalidSetting(.kernelRadius, value: radius, expected: "un nombre de mètres entre 0,01 et 100 000")
        }
        self.cellSize = cellSize; self.radius = radius; self.scope = scope
    }

    /// The kernel density's cell: a fifth of the hotspot cell, never under 2 m.
    public var densityCellSize: Double { max(2, cellSize / 5) }
}

/// The hotspots of one grid: the whole union, or one zone.
public struct HotspotEntry: @unchecked Sendable {
    /// The zone (nil for the union of all zones).
    public var zone: String?
    public var grid: HotspotGrid
    public var hotZones: [HotZone]
    /// Quartic kernel density over the grid's extent grown by the radius.
    public var density: RasterGrid
    /// Category of each incident the grid was given, aligned with `grid.cellOfIncident`.
    public var categoryOfIncident: [Int32]
}

/// What the hotspots job gives: one entry (union) or one per zone.
public struct HotspotResult: @unchecked Sendable {
    public var entries: [HotspotEntry]
    /// Category names, indexed by `categoryOfIncident`.
    public var categories: [String]
    public var options: HotspotOptions

    public func entry(zone: String) -> HotspotEntry? { entries.first { $0.zone == zone } }
}

extension Hotspots {
    /// The job: Gi* on a square grid, hot zones and the kernel density.
    public static func run(_ inputs: AnalysisInputs, options: HotspotOptions, reporter: Reporter = SilentReporter()) throws -> HotspotResult {
        guard let set = inputs.incidentSet else { throw GUPError("points chauds : aucune couche de signalements") }
        switch options.scope {
        case .union:
            let grid = try analyse(zones: inputs.zones.shapes, points: set.points, cellSize: options.cellSize)
            let hot = try hotZones(grid, categories: set.categories, category: set.category)
            let density = try KernelDensity.quartic(points: set.points, radius: options.radius, cellSize: options.densityCellSize,
                                                    extent: try grown(grid.union.bounds()!, by: options.radius))
            return HotspotResult(entries: [HotspotEntry(zone: nil, grid: grid, hotZones: hot, density: density,
                                                        categoryOfIncident: set.category)],
                                 categories: set.categories, options: options)
        case .perZone:
            // Each zone takes its incidents from buckets made once, not from a scan of them all.
            let buckets = PointBuckets(points: set.points)
            let entries = try parallelMap(count: inputs.zones.count) { k -> HotspotEntry in
                let shape = inputs.zones.shapes[k]
                guard let box = try shape.bounds() else { throw GUPError("zone « \(inputs.zones.names[k]) » vide") }
                let mine = buckets.indices(in: box)
                let grid = try analyse(zones: [shape], points: mine.map { set.points[$0] }, cellSize: options.cellSize)
                let categories = mine.map { set.category[$0] }
                let hot = try hotZones(grid, categories: set.categories, category: categories)
                let extent = grown(box, by: options.radius)
                let near = buckets.indices(in: grown(extent, by: options.radius + options.densityCellSize))
                let density = try KernelDensity.quartic(points: near.map { set.points[$0] }, radius: options.radius,
                                                        cellSize: options.densityCellSize, extent: extent)
                return HotspotEntry(zone: inputs.zones.names[k], grid: grid, hotZones: hot, density: density,
                                    categoryOfIncident: categories)
            }
            return HotspotResult(entries: entries, categories: set.categories, options: options)
        }
    }

    static func grown(_ b: BoundingBox, by d: Double) -> BoundingBox {
        BoundingBox(minX: b.minX - d, minY: b.minY - d, maxX: b.maxX + d, maxY: b.maxY + d)
    }
}

extension HotspotsOutput {
    public static let cellsCSVFile = "points_chauds.csv"
    public static let cellsGeoJSONFile = "points_chauds.geojson"
    public static let hotZonesFile = "zones_chaudes.geojson"
    public static let densityFile = "densite_noyau.asc"

    /// Writes one entry's files and returns their names (the density grid
    /// and its `.prj` only when `densityGrid`).
    @discardableResult
    /// The two result layers (points_chauds, zones_chaudes) of one or more
    /// entries, in the working CRS; with several entries (one per zone) each
    /// feature carries its zone in `perimetre`.
    public static func layers(_ entries: [HotspotEntry], working: CRS) throws -> [Layer] {
        // Each entry's features on every core (625 entries took 0.6 s on one
        // core before the dossier's quartiers, perf), joined in order.
        let perEntry = try parallelMap(count: entries.count) { n -> (cells: [Feature], zones: [Feature]) in
            let e = entries[n]
            let lonLat = try centersLonLat(e.grid, from: working)
            return (try cellFeatures(e.grid, lonLat: lonLat), try hotZoneFeatures(e.hotZones, grid: e.grid, density: e.density))
        }
        var cells: [Feature] = [], zones: [Feature] = []
        for (e, parts) in zip(entries, perEntry) {
            for var f in parts.cells {
                if entries.count > 1, let z = e.zone { f.properties["perimetre"] = .string(z) }
                f.index = cells.count
                cells.append(f)
            }
            for var f in parts.zones {
                if entries.count > 1, let z = e.zone { f.properties["perimetre"] = .string(z) }
                f.index = zones.count
                zones.append(f)
            }
        }
        return [Layer(name: "points_chauds", source: "points_chauds", crs: working, features: cells),
                Layer(name: "zones_chaudes", source: "zones_chaudes", crs: working, features: zones)]
    }

    public static func write(_ e: HotspotEntry, working: CRS, to folder: OutputFolder, densityGrid: Bool = true,
                             csv writer: CSVWriter = CSVWriter(), output: ResultOutput = .geojson) throws -> [String] {
        let lonLat = try centersLonLat(e.grid, from: working)
        try folder.write(csv(e.grid, lonLat: lonLat, writer: writer), to: cellsCSVFile)
        var written = [cellsCSVFile]
        if output.format == .geojson {
            try folder.write(cellsGeoJSON(e.grid, lonLat: lonLat, from: working), to: cellsGeoJSONFile)
            try folder.write(hotZonesGeoJSON(e.hotZones, grid: e.grid, density: e.density, from: working), to: hotZonesFile)
            written += [cellsGeoJSONFile, hotZonesFile]
        }
        if output != .geojson {
            written += try ResultLayers.write(try layers([e], working: working), output: output, to: folder)
        }
        if densityGrid {
            written += try writeDensityGrid(e.density, crs: working, to: folder)
        }
        return written
    }
}
