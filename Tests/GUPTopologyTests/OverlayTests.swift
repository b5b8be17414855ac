import XCTest
import GUPModel
@testable import GUPTopology

final class OverlayTests: XCTestCase {
    func square(_ x: Double, _ y: Double, _ s: Double) -> Geometry {
        .polygon(Polygon(exterior: [Position(x, y), Position(x + s, y), Position(x + s, y + s), Position(x, y + s), Position(x, y)]))
    }

    func testOverlayAreasOfSquares() throws {
        let a = try GeometryHandle(square(0, 0, 10))
        let b = try GeometryHandle(square(5, 5, 10))
        XCTAssertEqual(try a.area(), 100, accuracy: 1e-12)
        XCTAssertEqual(try a.intersection(b).area(), 25, accuracy: 1e-12)
        XCTAssertEqual(try a.union(b).area(), 175, accuracy: 1e-12)
        XCTAssertEqual(try a.difference(b).area(), 75, accuracy: 1e-12)
        XCTAssertEqual(try a.symmetricDifference(b).area(), 150, accuracy: 1e-12)
        XCTAssertEqual(try GeometryHandle.unaryUnion([a, b, try GeometryHandle(square(20, 20, 1))]).area(), 176, accuracy: 1e-12)
        XCTAssertEqual(try a.length(), 40, accuracy: 1e-12)
        XCTAssertTrue(try a.intersects(b))
        XCTAssertFalse(try a.contains(b))
        XCTAssertTrue(try a.covers(try GeometryHandle(square(0, 0, 5))))
        XCTAssertEqual(try a.bounds(), BoundingBox(minX: 0, minY: 0, maxX: 10, maxY: 10))
    }

    func testRoundTripValueToGEOSAndBack() throws {
        let g = Geometry.multiPolygon([
            Polygon(exterior: [Position(0, 0), Position(10, 0), Position(10, 10), Position(0, 10), Position(0, 0)],
                    holes: [[Position(2, 2), Position(2, 4), Position(4, 4), Position(4, 2), Position(2, 2)]]),
            Polygon(exterior: [Position(20, 20), Position(21, 20), Position(21, 21), Position(20, 20)]),
        ])
        let h = try GeometryHandle(g)
        XCTAssertEqual(try h.geometry(), g)
        XCTAssertEqual(try h.area(), 100 - 4 + 0.5, accuracy: 1e-12)
        XCTAssertEqual(h.typeName, "MultiPolygon")
    }

    func testGEOSFailureBecomesErrorWithGEOSMessage() {
        // A ring that is not closed: GEOS refuses to build it.
        let bad = Geometry.polygon(Polygon(exterior: [Position(0, 0), Position(1, 0), Position(1, 1), Position(0, 1)]))
        XCTAssertThrowsError(try GeometryHandle(bad)) { e in
            let t = e as? TopologyError
            XCTAssertNotNil(t)
            XCTAssertTrue(t?.message.contains("closed") ?? false, "\(e)")
        }
        XCTAssertThrowsError(try GeometryHandle(wkt: "POLYGON((0 0, 1"))
    }

    func testValidityReasonAndMakeValidOnBowtie() throws {
        let bowtie = try GeometryHandle(wkt: "POLYGON((0 0,10 10,10 0,0 10,0 0))")
        let problem = try bowtie.validityProblem()
        XCTAssertEqual(problem?.reason, "Self-intersection")
        XCTAssertEqual(problem?.location, Position(5, 5))
        let fixed = try bowtie.makeValid()
        XCTAssertTrue(try fixed.isValid())
        XCTAssertEqual(try fixed.area(), 50, accuracy: 1e-9)
    }

    func testPointOnSurfaceInscribedCircleBufferSimplify() throws {
        let l = try GeometryHandle(wkt: "POLYGON((0 0,10 0,10 2,2 2,2 10,0 10,0 0))")
        XCTAssertTrue(try l.contains(l.pointOnSurface()))
        let (c, r) = try l.maximumInscribedCircle(tolerance: 0.01)
        // Touches x = 0, y = 0 and the inner corner (2, 2): r = 2√2 / (1 + √2).
        XCTAssertEqual(r, 2 * 2.0.squareRoot() / (1 + 2.0.squareRoot()), accuracy: 0.01)
        XCTAssertTrue(try l.contains(GeometryHandle(x: c.x, y: c.y)))
        XCTAssertEqual(try GeometryHandle(x: 0, y: 0).buffer(1, quadrantSegments: 64).area(), Double.pi, accuracy: 0.01)
        let wiggly = try GeometryHandle(wkt: "LINESTRING(0 0,1 0.01,2 0,3 0.01,4 0)")
        XCTAssertEqual(try wiggly.simplifyPreservingTopology(0.1).geometry(), .lineString([Position(0, 0), Position(4, 0)]))
    }

    func testSpatialIndexAndPreparedBatch() throws {
        let squares = try (0..<10).map { try GeometryHandle(square(Double($0) * 10, 0, 10)) }
        let index = try SpatialIndex(squares)
        XCTAssertEqual(try index.query(BoundingBox(minX: 15, minY: 1, maxX: 25, maxY: 2)), [1, 2])
        XCTAssertEqual(try index.query(x: 55, y: 5), [5])
        let prepared = try PreparedGeometry(squares[3])
        XCTAssertEqual(try prepared.contains([Position(35, 5), Position(45, 5), Position(30, 5), Position(31, 9.9)]),
                       [true, false, false, true])
    }
}
