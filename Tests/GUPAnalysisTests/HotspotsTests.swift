import XCTest
import GUPModel
import GUPTopology
@testable import GUPAnalysis

final class HotspotsTests: XCTestCase {
    func path(_ rel: String) -> String {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/\(rel)").path
    }

    static let x0 = 700_000.0, y0 = 6_600_000.0

    /// Fixtures/incidents-grid: an L-shaped zone and a triangle, incidents placed by cell.
    func handMadeGrid() throws -> (zones: [GeometryHandle], points: [Position], categories: [Int32]) {
        let x0 = Self.x0, y0 = Self.y0
        func wkt(_ ps: [(Double, Double)]) -> String {
            "POLYGON((" + ps.map { "\(x0 + $0.0) \(y0 + $0.1)" }.joined(separator: ",") + "))"
        }
        let l = try GeometryHandle(wkt: wkt([(0, 0), (200, 0), (200, 100), (100, 100), (100, 150), (0, 150), (0, 0)]))
        let triangle = try GeometryHandle(wkt: wkt([(260, 10), (290, 10), (260, 40), (260, 10)]))
        // Counts per cell (i − 14000, j − 132000), points near the cell centre.
        let counts: [((Int, Int), Int)] = [((0, 0), 0), ((1, 0), 1), ((2, 0), 5), ((3, 0), 9), ((0, 1), 2),
                                           ((2, 1), 7), ((3, 1), 12), ((0, 2), 1), ((1, 2), 3)]
        var pts: [Position] = [], cats: [Int32] = []
        for ((di, dj), n) in counts {
            for k in 0..<n {
                pts.append(Position(x0 + Double(di) * 50 + 10 + Double(k), y0 + Double(dj) * 50 + 20 + Double(k % 3)))
                cats.append(Int32(k % 3))
            }
        }
        // Inside the triangle (cell 5, 0): 4 incidents.
        for k in 0..<4 { pts.append(Position(x0 + 262 + Double(k), y0 + 12)); cats.append(0) }
        // Exactly on the grid corner (50, 50), inside the L: goes to cell (1, 1), floor rule.
        pts.append(Position(x0 + 50, y0 + 50)); cats.append(1)
        // Outside the union: in the excluded upper-right notch, on the L's boundary, far away.
        pts.append(Position(x0 + 150, y0 + 120)); cats.append(1)
        pts.append(Position(x0, y0 + 75)); cats.append(1)
        pts.append(Position(x0 - 500, y0)); cats.append(1)
        return ([l, triangle], pts, cats)
    }

    /// z and p from `Fixtures/incidents-grid/gistar_independent.py` (see its README), run once.
    static let independent: [(i: Int, j: Int, n: Int, z: Double, p: Double)] = [
        (14000, 132000, 0, -2.021804759, 0.043196526),
        (14000, 132001, 2, -2.613906703, 0.008951348),
        (14000, 132002, 1, -1.531219781, 0.125715084),
        (14001, 132000, 1, -1.350039726, 0.177003241),
        (14001, 132001, 1, -2.248028105, 0.024574398),
        (14001, 132002, 3, -1.019710857, 0.307865611),
        (14002, 132000, 5, 1.651644345, 0.098607074),
        (14002, 132001, 7, 1.531219781, 0.125715084),
        (14003, 132000, 9, 2.720516698, 0.006517998),
        (14003, 132001, 12, 2.720516698, 0.006517998),
        (14005, 132000, 4, -0.024875930, 0.980153927),
    ]

    func testHandMadeGridMatchesIndependentGiStar() throws {
        let (zones, pts, cats) = try handMadeGrid()
        let g = try Hotspots.analyse(zones: zones, points: pts, cellSize: 50)
        // Cells touching the L only along an edge or a corner (i = 14004, j = 132003, the notch) are not in the grid.
        XCTAssertEqual(g.cells.map { [$0.i, $0.j] }, Self.independent.map { [$0.i, $0.j] })
        for (c, e) in zip(g.cells, Self.independent) {
            XCTAssertEqual(c.incidents, e.n, "\(e)")
            XCTAssertEqual(c.z, e.z, accuracy: 1e-8, "\(e)")
            XCTAssertEqual(c.p, e.p, accuracy: 1e-8, "\(e)")
        }
        XCTAssertEqual(g.outside, 3)
        XCTAssertEqual(g.cells.map(\.classe), [-2, -3, 0, 0, -2, 0, 1, 0, 3, 3, 0])
        // The two significant hot cells are adjacent: one hot zone of 21 incidents, 5,000 m².
        let hot = try Hotspots.hotZones(g, categories: ["a", "b", "c"], category: cats)
        XCTAssertEqual(hot.count, 1)
        XCTAssertEqual(hot[0].incidents, 21)
        XCTAssertEqual(hot[0].areaM2, 5000, accuracy: 1e-6)
        XCTAssertEqual(try hot[0].shape.geometry().polygons.count, 1)
        // 9 + 12 incidents placed with categories k % 3: a = 3 + 4, b = 3 + 4, c = 3 + 4 → ties by name.
        XCTAssertEqual(hot[0].mainCategories.map(\.category), ["a", "b", "c"])
        XCTAssertEqual(hot[0].mainCategories.map(\.incidents), [7, 7, 7])
    }

    func testClassesAndPValues() {
        XCTAssertEqual(Hotspots.pValue(1.959963984540054), 0.05, accuracy: 1e-12)
        XCTAssertEqual(Hotspots.pValue(-2.5758293035489), 0.01, accuracy: 1e-12)
        XCTAssertEqual(Hotspots.pValue(0), 1, accuracy: 1e-15)
        XCTAssertEqual(Hotspots.classe(z: 2.6, p: Hotspots.pValue(2.6)), 3)
        XCTAssertEqual(Hotspots.classe(z: -2.0, p: Hotspots.pValue(2.0)), -2)
        XCTAssertEqual(Hotspots.classe(z: 1.7, p: Hotspots.pValue(1.7)), 1)
        XCTAssertEqual(Hotspots.classe(z: 1.6, p: Hotspots.pValue(1.6)), 0)
    }

    func testDiagonalHotCellsFormOneZone() throws {
        // Queen contiguity: two hot cells touching at a corner are one place to visit.
        let cells = (0..<10).flatMap { i in (0..<10).map { j in (i, j) } }
        var values = [Double](repeating: 0, count: cells.count)
        values[cells.firstIndex { $0 == (2, 2) }!] = 30
        values[cells.firstIndex { $0 == (3, 3) }!] = 30
        let z = Hotspots.getisOrdStar(i: cells.map(\.0), j: cells.map(\.1), values: values)
        let grid = HotspotGrid(cellSize: 10, cells: cells.enumerated().map { k, c in
            HotspotCell(i: c.0, j: c.1, incidents: Int(values[k]), z: z[k], p: Hotspots.pValue(z[k]),
                        classe: Hotspots.classe(z: z[k], p: Hotspots.pValue(z[k])))
        }, cellOfIncident: [], outside: 0, union: try GeometryHandle.emptyPolygon())
        let hot = try Hotspots.hotZones(grid, categories: [], category: [])
        XCTAssertEqual(hot.count, 1)
        XCTAssertEqual(hot[0].incidents, 60)
        XCTAssertTrue(hot[0].cellIndices.count >= 2)
    }

    func testSyntheticCityGiStarMatchesReferenceWithin1e6() throws {
        let z = try Loader.load(path: path("city-small/perimetres.geojson"), working: .lambert93, expecting: .areal)
        let i = try Loader.load(path: path("city-small/incidents.geojson"), working: .lambert93, expecting: .point)
        let set = try IncidentSet.make(from: i)
        let g = try Hotspots.analyse(zones: z.shapes, points: set.points, cellSize: 50)
        let expected = try CSVTable.read(path: path("incidents-city/expected/points_chauds_ref.csv"))
        XCTAssertEqual(g.cells.count, expected.rows.count)
        let c = { (n: String) in expected.column(named: n)! }
        var byKey: [String: HotspotCell] = [:]
        for cell in g.cells { byKey["\(cell.i),\(cell.j)"] = cell }
        for e in expected.rows {
            let got = try XCTUnwrap(byKey["\(e[c("i")]),\(e[c("j")])"], "\(e)")
            XCTAssertEqual(got.incidents, Int(e[c("incidents")]), "\(e)")
            XCTAssertEqual(got.z, Double(e[c("gi_z")])!, accuracy: 1e-6, "\(e)")
            XCTAssertEqual(got.p, Double(e[c("p_value")])!, accuracy: 1e-6, "\(e)")
        }
        // The CSV keeps 6 decimals: still within 1e-6, sorted by decreasing z.
        let lonLat = try HotspotsOutput.centersLonLat(g, from: .lambert93)
        let table = try CSVTable.parse(HotspotsOutput.csv(g, lonLat: lonLat), source: "points_chauds.csv")
        XCTAssertEqual(table.header, ["i", "j", "x", "y", "lon", "lat", "incidents", "gi_z", "p_value", "classe"])
        let zs = table.rows.map { Double($0[7])! }
        XCTAssertEqual(zs, zs.sorted(by: >))
        for r in table.rows {
            let ref = expected.rows.first { $0[c("i")] == r[0] && $0[c("j")] == r[1] }!
            XCTAssertEqual(Double(r[7])!, Double(ref[c("gi_z")])!, accuracy: 1e-6)
            XCTAssertEqual(Double(r[8])!, Double(ref[c("p_value")])!, accuracy: 1e-6)
            XCTAssertEqual(Double(r[2])!, Double(ref[c("x")])!, accuracy: 1e-9)
            // Lon/lat of a Vitrolles cell centre.
            XCTAssertEqual(Double(r[4])!, 5.25, accuracy: 0.05)
            XCTAssertEqual(Double(r[5])!, 43.45, accuracy: 0.05)
        }
        // Hot zones: ranked by incidents, written in lon/lat, readable back.
        let hot = try Hotspots.hotZones(g, categories: set.categories, category: set.category)
        XCTAssertFalse(hot.isEmpty)
        XCTAssertEqual(hot.map(\.incidents), hot.map(\.incidents).sorted(by: >))
        XCTAssertEqual(hot.map(\.rank), Array(1...hot.count))
        let hotCells = g.cells.filter { $0.classe >= 2 }
        XCTAssertEqual(hot.reduce(0) { $0 + $1.cellIndices.count }, hotCells.count)
        XCTAssertEqual(hot.reduce(0) { $0 + $1.incidents }, hotCells.reduce(0) { $0 + $1.incidents })
        for h in hot {
            XCTAssertEqual(h.mainCategories.count, 3)
            XCTAssertEqual(h.mainCategories.reduce(0) { $0 + $1.incidents } <= h.incidents, true)
        }
        let text = try HotspotsOutput.hotZonesGeoJSON(hot, grid: g, from: .lambert93)
        let back = try GeoJSONReader.read(data: Data(text.utf8), source: "zones_chaudes.geojson", name: "zones_chaudes")
        XCTAssertEqual(back.count, hot.count)
        XCTAssertEqual(back.features[0].properties["rang"], .number(1))
        XCTAssertEqual(back.features[0].properties["incidents"], .number(Double(hot[0].incidents)))
        let cellsText = try HotspotsOutput.cellsGeoJSON(g, lonLat: lonLat, from: .lambert93)
        let cellsBack = try GeoJSONReader.read(data: Data(cellsText.utf8), source: "points_chauds.geojson", name: "p")
        XCTAssertEqual(cellsBack.count, g.cells.count)
    }

    func testKernelDensityIsInIncidentsPerHectare() throws {
        // One incident at a cell centre, radius 100 m, 5 m cells.
        let p = Position(Self.x0 + 502.5, Self.y0 + 502.5)
        let extent = BoundingBox(minX: Self.x0, minY: Self.y0, maxX: Self.x0 + 1000, maxY: Self.y0 + 1000)
        let g = try KernelDensity.quartic(points: [p], radius: 100, cellSize: 5, extent: extent)
        XCTAssertEqual(g.columns, 200)
        XCTAssertEqual(g.rows, 200)
        XCTAssertEqual(g.unit, "incidents par hectare")
        // Peak at the point: 3 / (π r²) per m² = 3 / (π · 10⁴) · 10⁴ per ha.
        XCTAssertEqual(g[100, 100], 3 / Double.pi, accuracy: 1e-12)
        // At 50 m: 3/π · (1 − 0.25)² per ha.
        XCTAssertEqual(g[110, 100], 3 / Double.pi * 0.5625, accuracy: 1e-12)
        // Zero at and beyond the radius.
        XCTAssertEqual(g[120, 100], 0)
        XCTAssertEqual(g[100, 130], 0)
        // Mass: Σ values × cell area in ha ≈ 1 incident.
        let mass = g.values.reduce(0, +) * (25.0 / 10_000)
        XCTAssertEqual(mass, 1, accuracy: 0.005)
        // Two incidents: the surface adds up.
        let two = try KernelDensity.quartic(points: [p, p], radius: 100, cellSize: 5, extent: extent)
        XCTAssertEqual(two[105, 97], 2 * g[105, 97], accuracy: 1e-12)
        XCTAssertThrowsError(try KernelDensity.quartic(points: [p], radius: 0, cellSize: 5, extent: extent))
    }

    /// The banded, vectorised surface against the kernel summed over
    /// every point for every cell, on random points inside, on the edges of
    /// and outside the extent (within and beyond the radius), with cell
    /// centres exactly at the radius from a point.
    func testKernelDensityMatchesTheSumOverAllPoints() throws {
        var rng = SplitMix(seed: 20261206)
        for trial in 0..<6 {
            let cell = [2.5, 5, 1.25, 7.3, 10, 3][trial]
            let r = [40.0, 100, 17, 55, 25, 12.5][trial]
            let extent = BoundingBox(minX: Self.x0 + 3.3, minY: Self.y0 - 7.1,
                                     maxX: Self.x0 + 3.3 + rng.next(in: 60...400), maxY: Self.y0 - 7.1 + rng.next(in: 60...400))
            var points: [Position] = []
            for _ in 0..<300 {
                // Inside, and up to 1.5 r outside on every side.
                points.append(Position(rng.next(in: (extent.minX - 1.5 * r)...(extent.maxX + 1.5 * r)),
                                       rng.next(in: (extent.minY - 1.5 * r)...(extent.maxY + 1.5 * r))))
            }
            // On the edges and corners of the extent; two points at the same y.
            points += [Position(extent.minX, extent.minY), Position(extent.maxX, extent.maxY),
                       Position(extent.minX, extent.maxY), Position(extent.maxX + r, extent.minY + 10),
                       Position(extent.minX + 20, extent.minY - r), Position(extent.minX + 21, extent.minY - r)]
            let g = try KernelDensity.quartic(points: points, radius: r, cellSize: cell, extent: extent)
            // A point exactly r away from a cell centre in x (cell sides and
            // radii exact in binary, but for 7.3 m): that cell gets 0.
            if cell != 7.3 {
                let c = g.center(column: g.columns / 2, row: g.rows / 2)
                let edge = try KernelDensity.quartic(points: [Position(c.x + r, c.y)], radius: r, cellSize: cell, extent: extent)
                XCTAssertEqual(edge[g.columns / 2, g.rows / 2], 0)
                XCTAssertGreaterThan(edge[g.columns / 2 + 1, g.rows / 2], 0)
            }
            let sorted = try KernelDensity.quartic(points: KernelDensity.PointsByY(points), radius: r, cellSize: cell, extent: extent)
            XCTAssertEqual(sorted.values, g.values, "ordered once or per call: the same values")
            let scale = 3 / (Double.pi * r * r) * 10_000
            var compared = 0, nonZero = 0
            for row in 0..<g.rows {
                for col in 0..<g.columns {
                    let q = g.center(column: col, row: row)
                    var expected = 0.0
                    for p in points {
                        let d2 = (q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y)
                        if d2 < r * r { let t = 1 - d2 / (r * r); expected += scale * t * t }
                    }
                    let got = g[col, row]
                    XCTAssertEqual(got, expected, accuracy: 1e-12 * max(1, abs(expected)), "trial \(trial) cell \(col),\(row)")
                    compared += 1
                    if expected > 0 { nonZero += 1 }
                }
            }
            XCTAssertEqual(compared, g.columns * g.rows)
            XCTAssertGreaterThan(nonZero, compared / 4, "trial \(trial): most cells near some point")
        }
    }

    func testHugeGridIsRefusedWithAMessage() throws {
        let z = try GeometryHandle(wkt: "POLYGON((0 0,100000 0,100000 100000,0 100000,0 0))")
        // A typed error since the pipeline refactor; each front end names the setting (--cellule, seuils.cellule_m).
        XCTAssertThrowsError(try Hotspots.analyse(zones: [z], points: [], cellSize: 1)) {
            guard case AnalysisError.invalidSetting(.cellSize, 1, let expected) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(expected.contains("choisissez une cellule plus grande"), expected)
        }
        // 1e-13 m used to trap converting the cell indices to Int; the limit names the option that raises it.
        XCTAssertThrowsError(try Hotspots.analyse(zones: [z], points: [], cellSize: 1e-13)) {
            guard case AnalysisError.invalidSetting(.cellSize, _, let expected) = $0 else { return XCTFail("\($0)") }
            XCTAssertTrue(expected.contains("plus que la limite de 1\u{202F}000\u{202F}000"), expected)
            XCTAssertTrue(expected.contains("--max-cellules"), expected)
        }
    }
}

/// A small seeded generator, so the random test inputs are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func nextUInt() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + Double(nextUInt() >> 11) / Double(1 << 53) * (range.upperBound - range.lowerBound)
    }
}
