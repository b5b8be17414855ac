import GUPAnalysis
import GUPModel
import GUPProjection
import GUPTopology
import XCTest

/// The written geometry is valid on the grid it is written on.
final class OutputGeometryTests: XCTestCase {
    /// A vertex 4e-8° above the bottom edge: printed with 7 decimals it lands
    /// on that edge (GEOS: invalid); reduced by GEOS first, it is valid.
    func testPrecisionIsReducedByGEOSNotByRoundingThePrintedCoordinates() throws {
        let ring = [Position(0, 0), Position(0.001, 0), Position(0.001, 0.001), Position(0.0005, 0.00000004),
                    Position(0, 0.001), Position(0, 0)]
        let polygon = Geometry.polygon(Polygon(exterior: ring))
        XCTAssertTrue(try GeometryHandle(polygon).isValid())
        // What printing with 7 decimals used to do.
        let rounded = Geometry.polygon(Polygon(exterior: ring.map { Position(($0.x * 1e7).rounded() / 1e7, ($0.y * 1e7).rounded() / 1e7) }))
        XCTAssertFalse(try GeometryHandle(rounded).isValid())

        let written = try OutputGeometry.areal(polygon)
        guard case .multiPolygon(let parts) = written else { return XCTFail("\(written.typeName)") }
        XCTAssertEqual(parts.count, 2)   // the two lobes that meet at the vertex
        // Printing the written geometry changes nothing and it stays valid.
        let text = GeoJSONWriter().render([Feature(index: 0, geometry: written, properties: [:])])
        let back = try GeoJSONReader.read(data: Data(text.utf8), source: "test", name: "test")
        XCTAssertEqual(GeoJSONWriter().render(back.features), text)
        let coordinates = try XCTUnwrap(back.features[0].geometry)
        guard case .multiPolygon(let read) = coordinates else { return XCTFail() }
        for p in read { for q in p.exterior { XCTAssertEqual(q.x * 1e7, (q.x * 1e7).rounded(), accuracy: 1e-6) } }
        XCTAssertTrue(try GeometryHandle(coordinates).isValid())
    }

    func testPolygonsFromTheWorkingCRSComeOutAsMultiPolygons() throws {
        let square = try GeometryHandle(rectangle: BoundingBox(minX: 900_000, minY: 6_250_000, maxX: 900_100, maxY: 6_250_100))
        let t = try CoordinateTransformer(from: .lambert93, to: .wgs84)
        guard case .multiPolygon(let parts) = try OutputGeometry.areal(square, transformer: t) else { return XCTFail() }
        XCTAssertEqual(parts.count, 1)
        XCTAssertEqual(try OutputGeometry.areal(GeometryHandle.emptyPolygon(), transformer: t), .multiPolygon([]))
    }

    /// Grid cells take the rounding path when it keeps them convex, GEOS's
    /// reduction otherwise: both written cells are valid and print unchanged.
    func testCellsAreRoundedWhenThatKeepsThemConvexElseReducedByGEOS() throws {
        // A 50 m cell of Lambert-93 in lon/lat: rounded, the same area within rounding.
        let t = try CoordinateTransformer(from: .lambert93, to: .wgs84)
        var corners = [Position(900_000, 6_250_000), Position(900_050, 6_250_000), Position(900_050, 6_250_050), Position(900_000, 6_250_050)]
        try t.transform(&corners)
        let cell = try OutputGeometry.cell(corners)
        guard case .multiPolygon(let parts) = cell, parts.count == 1 else { return XCTFail("\(cell)") }
        for p in parts[0].exterior {
            XCTAssertEqual(p.x * 1e7, (p.x * 1e7).rounded(), accuracy: 1e-6)
            XCTAssertEqual(p.y * 1e7, (p.y * 1e7).rounded(), accuracy: 1e-6)
        }
        XCTAssertTrue(try GeometryHandle(cell).isValid())
        let exact = try GeometryHandle(Geometry.polygon(Polygon(exterior: corners + [corners[0]]))).area()
        XCTAssertEqual(try GeometryHandle(cell).area(), exact, accuracy: exact * 1e-3)
        // A cell 3e-8° wide: rounding would fold it onto a line; GEOS drops it.
        let sliver = [Position(2, 45), Position(2.00000003, 45), Position(2.00000003, 45.001), Position(2, 45.001)]
        let thin = try OutputGeometry.cell(sliver)
        XCTAssertTrue(try GeometryHandle(thin).isValid())
        guard case .multiPolygon(let thinParts) = thin else { return XCTFail("\(thin)") }
        XCTAssertTrue(thinParts.allSatisfy { !$0.exterior.isEmpty })
    }

    /// Printed and read back: the same text again, every coordinate the
    /// double nearest to k × 10⁻⁷, and GEOS finds it valid.
    private func assertWrittenValid(_ g: Geometry, file: StaticString = #filePath, line: UInt = #line) throws {
        let text = GeoJSONWriter().render([Feature(index: 0, geometry: g, properties: [:])])
        let back = try GeoJSONReader.read(data: Data(text.utf8), source: "test", name: "test")
        XCTAssertEqual(GeoJSONWriter().render(back.features), text, file: file, line: line)
        let read = try XCTUnwrap(back.features[0].geometry)
        XCTAssertTrue(try GeometryHandle(read).isValid(), file: file, line: line)
        // In memory as in the file: the coordinates written are the ones
        // kept (the writer may turn rings round, RFC 7946).
        func positions(_ g: Geometry) -> [Position] {
            var out: [Position] = []
            g.forEachPosition { out.append($0) }
            return out.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        }
        XCTAssertEqual(positions(read), positions(g), file: file, line: line)
    }

    /// A multipolygon whose rounding breaks one part only: a sliver part
    /// thinner than the grid (« too few points » once rounded) is dropped,
    /// a part with a vertex 4e-8° from an edge is reduced alone, the other
    /// part is kept as rounded, and what is written is valid as read back.
    func testPartsThatRoundingBreaksAreRepairedAlone() throws {
        let square = Polygon(exterior: [Position(1, 1), Position(1.001, 1), Position(1.001, 1.001), Position(1, 1.001), Position(1, 1)])
        let sliver = Polygon(exterior: [Position(2, 2), Position(2.001, 2), Position(2.001, 2.00000002), Position(2, 2.00000002), Position(2, 2)])
        let notched = Polygon(exterior: [Position(0, 0), Position(0.001, 0), Position(0.001, 0.001), Position(0.0005, 0.00000004),
                                         Position(0, 0.001), Position(0, 0)])
        let g = Geometry.multiPolygon([square, sliver, notched])
        XCTAssertTrue(try GeometryHandle(g).isValid())
        let written = try OutputGeometry.areal(g)
        guard case .multiPolygon(let parts) = written else { return XCTFail("\(written.typeName)") }
        // The square, the notched part's two lobes; no sliver.
        XCTAssertEqual(parts.count, 3)
        XCTAssertTrue(parts.contains(square))
        XCTAssertFalse(parts.contains { $0.exterior.contains { $0.y > 1.999 } })
        try assertWrittenValid(written)
        // The whole geometry's area is kept within the rounding.
        XCTAssertEqual(try GeometryHandle(written).area(), try GeometryHandle(g).area(), accuracy: 1e-10)
    }

    /// Rounded coordinates are the doubles a reader parses back (not
    /// k × 1e-7, a unit in the last place away for some k).
    func testRoundedCoordinatesAreTheParsedDoubles() throws {
        let p = Position(5.28557531234, 43.46069199999)
        let ring = [p, Position(p.x + 0.001, p.y), Position(p.x + 0.001, p.y + 0.001), Position(p.x, p.y + 0.001), p]
        let written = try OutputGeometry.areal(.polygon(Polygon(exterior: ring)))
        guard case .multiPolygon(let parts) = written else { return XCTFail() }
        for q in parts[0].exterior {
            XCTAssertEqual(q.x, Double(String(format: "%.7f", q.x)))
            XCTAssertEqual(q.y, Double(String(format: "%.7f", q.y)))
        }
        try assertWrittenValid(written)
    }
}
