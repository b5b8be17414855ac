import Foundation
import GUPModel
import GUPProjection
import GUPTopology

/// Files of the hotspot analysis: `points_chauds.csv`,
/// `points_chauds.geojson`, `zones_chaudes.geojson` (GeoJSON in WGS 84
/// lon/lat), and the kernel density grid as an ESRI ASCII grid.
public enum HotspotsOutput {
    public static let header = ["i", "j", "x", "y", "lon", "lat", "incidents", "gi_z", "p_value", "classe"]
    /// Decimals of gi_z and p_value: 6, so that values compare within 1e-6.
    public static let statisticPlaces = 6
    /// Decimals of lon/lat (≈ 1 cm).
    public static let lonLatPlaces = 7

    /// Cell indices sorted by decreasing z, ties by i then j.
    public static func order(_ grid: HotspotGrid) -> [Int] {
        grid.cells.indices.sorted { a, b in
            let ca = grid.cells[a], cb = grid.cells[b]
            if ca.z != cb.z { return ca.z > cb.z }
            return ca.i != cb.i ? ca.i < cb.i : ca.j < cb.j
        }
    }

    /// Lon/lat of the cell centres (one PROJ call).
    public static func centersLonLat(_ grid: HotspotGrid, from working: CRS) throws -> [Position] {
        var pts = grid.cells.map(grid.center)
        try CoordinateTransformer.shared(from: working, to: .wgs84).transform(&pts)
        return pts
    }

    static func round(_ d: Double, _ places: Int) -> Double {
        CSVWriter.roundedAsWritten(d, places: places)
    }

    public static func csv(_ grid: HotspotGrid, lonLat: [Position], writer: CSVWriter = CSVWriter()) -> String {
        let rows: [[CSVWriter.Cell]] = order(grid).map { k in
            let c = grid.cells[k], p = grid.center(of: c)
            return [.integer(c.i), .integer(c.j), .decimal(p.x, places: 2), .decimal(p.y, places: 2),
                    .decimal(lonLat[k].x, places: lonLatPlaces), .decimal(lonLat[k].y, places: lonLatPlaces),
                    .integer(c.incidents), .decimal(c.z, places: statisticPlaces),
                    .decimal(c.p, places: statisticPlaces), .integer(c.classe)]
        }
        return writer.render(header: header, rows: rows)
    }

    /// The cells as polygons (corners projected to lon/lat), same properties as the CSV.
    public static func cellsGeoJSON(_ grid: HotspotGrid, lonLat: [Position], from working: CRS) throws -> String {
        GeoJSONWriter().render(try cellFeatures(grid, lonLat: lonLat, toLonLat: CoordinateTransformer.shared(from: working, to: .wgs84)))
    }

    /// The cells as polygons, in the working CRS or, with `toLonLat`, in lon/lat.
    public static func cellFeatures(_ grid: HotspotGrid, lonLat: [Position], toLonLat: CoordinateTransformer? = nil) throws -> [Feature] {
        let order = order(grid)
        var corners: [Position] = []
        corners.reserveCapacity(order.count * 4)
        for k in order {
            let b = grid.bounds(of: grid.cells[k])
            corners += [Position(b.minX, b.minY), Position(b.maxX, b.minY), Position(b.maxX, b.maxY), Position(b.minX, b.maxY)]
        }
        try toLonLat?.transform(&corners)
        var features: [Feature] = []
        features.reserveCapacity(order.count)
        for (n, k) in order.enumerated() {
            let c = grid.cells[k], p = grid.center(of: c)
            let q = Array(corners[(n * 4)..<(n * 4 + 4)])
            let props: Properties = [
                "i": .number(Double(c.i)), "j": .number(Double(c.j)),
                "x": .number(round(p.x, 2)), "y": .number(round(p.y, 2)),
                "lon": .number(round(lonLat[k].x, lonLatPlaces)), "lat": .number(round(lonLat[k].y, lonLatPlaces)),
                "incidents": .number(Double(c.incidents)),
                "gi_z": .number(round(c.z, statisticPlaces)), "p_value": .number(round(c.p, statisticPlaces)),
                "classe": .number(Double(c.classe)),
            ]
            let geometry = toLonLat == nil ? Geometry.polygon(Polygon(exterior: q + [q[0]])) : try OutputGeometry.cell(q)
            features.append(Feature(index: n, geometry: geometry, properties: props))
        }
        return features
    }

    /// The hot zones, ranked, in lon/lat: rang, incidents, cellules,
    /// surface_m2, gi_z_max, the three main categories and, with a density
    /// grid, its peak value in the zone (densite_max_par_ha).
    public static func hotZonesGeoJSON(_ zones: [HotZone], grid: HotspotGrid, density: RasterGrid? = nil,
                                       from working: CRS) throws -> String {
        GeoJSONWriter().render(try hotZoneFeatures(zones, grid: grid, density: density,
                                                   toLonLat: CoordinateTransformer.shared(from: working, to: .wgs84)))
    }

    /// The hot zones as features, in the working CRS or, with `toLonLat`, in lon/lat.
    public static func hotZoneFeatures(_ zones: [HotZone], grid: HotspotGrid, density: RasterGrid? = nil,
                                       toLonLat t: CoordinateTransformer? = nil) throws -> [Feature] {
        var features: [Feature] = []
        for z in zones {
            var props: Properties = [
                "rang": .number(Double(z.rank)),
                "incidents": .number(Double(z.incidents)),
                "cellules": .number(Double(z.cellIndices.count)),
                "surface_m2": .number(round(z.areaM2, 2)),
                "gi_z_max": .number(round(z.maxZ, statisticPlaces)),
                "categories_principales": .string(z.mainCategories.map { "\($0.category) (\($0.incidents))" }.joined(separator: ", ")),
            ]
            for (n, c) in z.mainCategories.enumerated() {
                props["categorie_\(n + 1)"] = .string(c.category)
                props["incidents_\(n + 1)"] = .number(Double(c.incidents))
            }
            if let density {
                props["densite_max_par_ha"] = .number(round(try peak(of: density, in: z.shape), 2))
            }
            // In lon/lat (GeoJSON): reduced to the written grid, MultiPolygon; else the working CRS as computed.
            let g = try t.map { try OutputGeometry.areal(z.shape, transformer: $0) } ?? z.shape.geometry()
            features.append(Feature(index: z.rank - 1, geometry: g, properties: props))
        }
        return features
    }

    /// The largest value of the density grid among the cells whose centre lies in `shape`.
    static func peak(of g: RasterGrid, in shape: GeometryHandle) throws -> Double {
        guard let b = try shape.bounds() else { return 0 }
        let c0 = max(0, Int(((b.minX - g.origin.x) / g.cellSize).rounded(.down)))
        let c1 = min(g.columns - 1, Int(((b.maxX - g.origin.x) / g.cellSize).rounded(.down)))
        let r0 = max(0, Int(((b.minY - g.origin.y) / g.cellSize).rounded(.down)))
        let r1 = min(g.rows - 1, Int(((b.maxY - g.origin.y) / g.cellSize).rounded(.down)))
        guard c0 <= c1, r0 <= r1 else { return 0 }
        var centers: [Position] = [], values: [Double] = []
        for r in r0...r1 { for c in c0...c1 { centers.append(g.center(column: c, row: r)); values.append(g[c, r]) } }
        let inside = try PreparedGeometry(shape).contains(centers)
        var m = 0.0
        for (k, ok) in inside.enumerated() where ok { m = max(m, values[k]) }
        return m
    }

    /// Writes the density grid as `NAME.asc` with its CRS in `NAME.prj`
    /// (ESRI WKT from PROJ), and returns the two file names.
    @discardableResult
    public static func writeDensityGrid(_ g: RasterGrid, crs: CRS, to folder: OutputFolder,
                                        name: String = "densite_noyau") throws -> [String] {
        try folder.write(asciiGrid(g), to: "\(name).asc")
        try folder.write(WorkingCRS.esriWKT(of: crs), to: "\(name).prj")
        return ["\(name).asc", "\(name).prj"]
    }

    /// ESRI ASCII grid (QGIS, GDAL `AAIGrid`), rows from the top, values with 4 decimals.
    public static func asciiGrid(_ g: RasterGrid) -> String {
        var s = "ncols \(g.columns)\nnrows \(g.rows)\n"
        s += "xllcorner \(CSVWriter.fixed(g.origin.x, places: 2))\nyllcorner \(CSVWriter.fixed(g.origin.y, places: 2))\n"
        s += "cellsize \(CSVWriter.fixed(g.cellSize, places: 2))\nNODATA_value -9999\n"
        // The cells as bytes, each number written in place (`appendFixed`).
        var bytes = Array(s.utf8)
        bytes.reserveCapacity(bytes.count + g.rows * g.columns * 7)
        let zero = Array(CSVWriter.fixed(0, places: 4).utf8)   // most cells of a density grid
        for r in stride(from: g.rows - 1, through: 0, by: -1) {
            for c in 0..<g.columns {
                if c > 0 { bytes.append(UInt8(ascii: " ")) }
                let v = g[c, r]
                if v == 0 { bytes.append(contentsOf: zero) } else { CSVWriter.appendFixed(v, places: 4, to: &bytes) }
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
