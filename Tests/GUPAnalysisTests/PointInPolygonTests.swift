import XCTest
import GUPModel
import GUPTopology
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
