import XCTest
import GUPModel
import GUPProjection
@testable import GUPTopology

final class RealDataTests: XCTestCase {
    /// A real QPV perimeter GEOS finds invalid is made valid, and its area
    /// in Lambert-93 is positive and stable (the same when repaired again).
    func testInvalidOccitaniePerimeterIsRepaired() throws {
        let path = Bundle.module.path(forResource: "Fixtures/qpv-occitanie-2015", ofType: "geojson")!
        let layer = try GeoJSONReader.read(path: path)
        XCTAssertEqual(layer.count, 105)
        XCTAssertEqual(layer.crs, .wgs84)
        var invalid: [Int] = []
        for (k, f) in layer.features.enumerated() where try !GeometryHandle(f.geometry!).isValid() { invalid.append(k) }
        XCTAssertEqual(invalid.count, 32)
        let t = try CoordinateTransformer(from: .wgs84, to: .lambert93)
        for k in invalid.prefix(5) {
            let g = layer.features[k].geometry!
            let h = try GeometryHandle(g)
            XCTAssertNotNil(try h.validityProblem())
            let fixed = try h.makeValid()
            XCTAssertTrue(try fixed.isValid())
            let projected = try GeometryHandle(t.transform(try fixed.geometry()))
            let area = try projected.area()
            XCTAssertGreaterThan(area, 10_000, "un QPV fait plus d'un hectare")
            let again = try GeometryHandle(t.transform(try fixed.makeValid().geometry())).area()
            XCTAssertEqual(area, again, accuracy: 1e-6)
        }
    }
}
