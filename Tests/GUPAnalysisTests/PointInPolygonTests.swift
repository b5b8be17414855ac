import XCTest
import GUPModel
import GUPTopology
import GUPProjection
@testable import GUPAnalysis

final class PointInPolygonTests: XCTestCase {
    func fixture(_ name: String) -> String {
        Bundle.module.path(forResource: "Fixtures/city-small/\(name)", ofType: "geojson")!
    }

    /// The batched, grid-accelerated assignment gives exactly what one
    /// prepared-contains call per (point, polygon) pair gives.
    func testBulkAssignmentMatchesPointByPointGEOS() throws {
        let parcels = try Loader.load(path: fixture("parcelles"), working: .lambert93, expecting: .areal)
        let perimeters = try Loader.load(path: fixture("perimetres"), working: .lambert93, expecting: .areal)
        let incidents = try Loader.load(path: fixture("incidents"), working: .lambert93, expecting: .point)
        XCTAssertEqual(incidents.count, 2000)
        let pts = incidents.points
        for layer in [parcels, perimeters] {
            let a = try PointInPolygon.assign(points: pts, to: layer.shapes)
            var expected = [[Int32]](repeating: [], count: pts.count)
            for (pi, s) in layer.shapes.enumerated() {
                let prep = try PreparedGeometry(s)
                for (k, inside) in try prep.contains(pts).enumerated() where inside { expected[k].append(Int32(pi)) }
            }
            var total = 0
            for k in 0..<pts.count {
                XCTAssertEqual(Array(a.polygons(containing: k)), expected[k], "point \(k)")
                total += expected[k].count
            }
            XCTAssertGreaterThan(total, 0)
        }
        // Every incident of the synthetic city lies in the city's outdoor space; most fall in a quartier.
        let inQuartier = try PointInPolygon.assign(points: pts, to: perimeters.shapes)
        let counted = (0..<pts.count).filter { !inQuartier.polygons(containing: $0).isEmpty }.count
        XCTAssertGreaterThan(counted, 1000)
    }

    func testDissolveUnionsByKeySortedByKey() throws {
        let a = try GeometryHandle(wkt: "POLYGON((0 0,2 0,2 2,0 2,0 0))")
        let b = try GeometryHandle(wkt: "POLYGON((1 0,3 0,3 2,1 2,1 0))")
        let c = try GeometryHandle(wkt: "POLYGON((10 10,11 10,11 11,10 11,10 10))")
        let d = try dissolve([a, c, b], keys: ["Ville", "OPAC", "Ville"])
        XCTAssertEqual(d.map(\.key), ["OPAC", "Ville"])
        XCTAssertEqual(try d[1].shape.area(), 6, accuracy: 1e-9)
        XCTAssertEqual(try d[0].shape.area(), 1, accuracy: 1e-9)
    }
}

final class ReviewRegressionTests: XCTestCase {
    /// Points on one vertical line, 50 km apart: the grid stays small.
    func testCollinearPointsKeepTheGridSmall() throws {
        let pts = [Position(700_100, 6_600_000), Position(700_100, 6_650_000), Position(700_100, 6_625_000)]
        let b = BoundingBox.union(pts.map(BoundingBox.init))!
        let grid = PointGrid(points: pts, extent: b, targetPerCell: 24)
        XCTAssertLessThanOrEqual(grid.columns * grid.rows, 4_000_000)
        let square = try GeometryHandle(rectangle: BoundingBox(minX: 700_000, minY: 6_620_000, maxX: 700_200, maxY: 6_630_000))
        let a = try PointInPolygon.assign(points: pts, to: [square])
        XCTAssertEqual((0..<3).map { Array(a.polygons(containing: $0)) }, [[], [], [0]])
    }

    /// A collection of two overlapping squares is one area of 1.5 squares, counted as repaired.
    func testOverlappingCollectionMembersAreDissolved() throws {
        func sq(_ x: Double) -> Geometry {
            .polygon(Polygon(exterior: [Position(x, 0), Position(x + 100, 0), Position(x + 100, 100), Position(x, 100), Position(x, 0)]))
        }
        let layer = Layer(name: "gc", source: "gc.geojson", crs: .lambert93, features: [
            Feature(index: 0, geometry: .geometryCollection([sq(0), sq(50)])),
            Feature(index: 1, geometry: nil),
            Feature(index: 2, geometry: .polygon(Polygon(exterior: [Position(0, 0), Position(10, 10), Position(10, 0), Position(0, 10), Position(0, 0)]))),
            Feature(index: 3, geometry: .point(Position(1, 1))),
        ])
        let w = try Loader.prepare(layer, to: .lambert93, expecting: .areal)
        XCTAssertEqual(w.summary.read, 4)
        XCTAssertEqual(w.summary.used, 2)
        XCTAssertEqual(w.summary.repaired, 2)        // the collection and the bow-tie
        XCTAssertEqual(w.summary.skipped.map(\.feature), ["entité n° 2", "entité n° 4"])
        XCTAssertEqual(w.summary.skipped[0].reason, "géométrie nulle")
        XCTAssertEqual(try w.shapes[0].area(), 15_000, accuracy: 1e-6)
        XCTAssertEqual(try w.shapes[1].area(), 50, accuracy: 1e-9)
    }

    /// A failed geocode at (0, 0) is skipped, not counted somewhere in the Gulf of Guinea.
    func testNullIslandIncidentIsSkipped() throws {
        let layer = Layer(name: "i", source: "i.geojson", crs: .wgs84, features: [
            Feature(index: 0, geometry: .point(Position(5.25, 43.45))),
            Feature(index: 1, geometry: .point(Position(0, 0))),
        ])
        let w = try Loader.prepare(layer, to: .lambert93, expecting: .point)
        XCTAssertEqual(w.count, 1)
        XCTAssertEqual(w.summary.skipped.first?.reason, "position (0, 0) : géocodage manquant")
    }

    /// Preparation rewrites the features in place, chunk by chunk on every
    /// core: over several chunks, with skipped features at both ends and in
    /// the middle and one chunk going feature by feature (a polygon), the
    /// kept features stay in file order with their own properties and
    /// positions, and a layer the caller keeps is left as it was.
    func testPreparationInPlaceKeepsOrderAndTheCallersLayer() throws {
        let skipped: Set<Int> = [0, 300, 1999]
        let square = Polygon(exterior: [Position(5.3, 43.4), Position(5.301, 43.4), Position(5.301, 43.401), Position(5.3, 43.401), Position(5.3, 43.4)])
        let features = (0..<2000).map { k -> Feature in
            let g: Geometry = skipped.contains(k) ? .point(Position(0, 0))
                : k == 1000 ? .polygon(square) : .point(Position(5 + Double(k) * 1e-4, 43.3 + Double(k) * 1e-5))
            return Feature(index: k, geometry: g, properties: ["k": .number(Double(k))])
        }
        let layer = Layer(name: "i", source: "i.geojson", crs: .wgs84, features: features)
        let w = try Loader.prepare(layer, to: .lambert93, expecting: .point)
        XCTAssertEqual(w.summary.read, 2000)
        XCTAssertEqual(w.count, 1997)
        XCTAssertEqual(w.summary.skipped.map(\.feature), ["entité n° 1", "entité n° 301", "entité n° 2000"])
        let kept = (0..<2000).filter { !skipped.contains($0) }
        XCTAssertEqual(w.features.map(\.index), kept)
        XCTAssertEqual(w.features.map { $0.properties["k"] }, kept.map { PropertyValue.number(Double($0)) })
        // Each point as PROJ gives it alone; the polygon's point on surface lies in its square.
        let one = try CoordinateTransformer(from: .wgs84, to: .lambert93)
        for f in w.features where f.index != 1000 {
            guard case .point(let src)? = features[f.index].geometry, case .point(let p)? = f.geometry else { return XCTFail("\(f.index)") }
            let expected = try one.transform(src)
            XCTAssertEqual(p.x, expected.x, accuracy: 1e-6)
            XCTAssertEqual(p.y, expected.y, accuracy: 1e-6)
        }
        let box = try GeometryHandle(one.transform(Geometry.polygon(square)))
        guard case .point(let onSurface)? = w.features.first(where: { $0.index == 1000 })?.geometry else { return XCTFail("polygone") }
        XCTAssertTrue(try box.contains(GeometryHandle(.point(onSurface))))
        // The caller still holds its layer in lon/lat.
        XCTAssertEqual(layer.features, features)
    }

    /// The same for an areal layer handed over (the array rewritten is the
    /// reader's own), feature by feature: null and non-areal geometries
    /// skipped in several chunks, a bow-tie repaired; each GEOS shape stays
    /// with its feature.
    func testAnArealLayerHandedOverKeepsEachShapeWithItsFeature() throws {
        func square(_ k: Int) -> Geometry {
            let x = Double(k % 40) * 20, y = Double(k / 40) * 20, s = 5 + Double(k % 7)
            return .polygon(Polygon(exterior: [Position(x, y), Position(x + s, y), Position(x + s, y + s), Position(x, y + s), Position(x, y)]))
        }
        let bowTie = Geometry.polygon(Polygon(exterior: [Position(0, 900), Position(10, 910), Position(10, 900), Position(0, 910), Position(0, 900)]))
        let geometries: [Geometry?] = (0..<1200).map { k in
            k == 0 || k == 1199 ? nil : k == 600 ? .point(Position(1, 1)) : k == 900 ? bowTie : square(k)
        }
        let w = try Loader.prepare(Layer(name: "p", source: "p.geojson", crs: .lambert93,
                                         features: geometries.enumerated().map { Feature(index: $0.offset, geometry: $0.element,
                                                                                          properties: ["k": .number(Double($0.offset))]) }),
                                   to: .lambert93, expecting: .areal)
        XCTAssertEqual(w.summary.skipped.map(\.feature), ["entité n° 1", "entité n° 601", "entité n° 1200"])
        XCTAssertEqual(w.summary.repaired, 1)
        XCTAssertEqual(w.count, 1197)
        XCTAssertEqual(w.shapes.count, w.count)
        XCTAssertEqual(w.features.map(\.index), (0..<1200).filter { ![0, 600, 1199].contains($0) })
        for (f, shape) in zip(w.features, w.shapes) {
            XCTAssertEqual(f.properties["k"], .number(Double(f.index)))
            XCTAssertEqual(try shape.area(), try GeometryHandle(f.geometry!).area(), accuracy: 1e-9, "\(f.index)")
            if f.index != 900 {
                let s = 5 + Double(f.index % 7)
                XCTAssertEqual(try shape.area(), s * s, accuracy: 1e-9, "\(f.index)")
            }
        }
    }
}
