import XCTest
import GUPModel
import GUPTopology
@testable import GUPAnalysis

/// The shortcuts `Cleaning.analyze` takes to avoid GEOS overlays give what
/// the plain GEOS operations give.
final class CleaningUnionTests: XCTestCase {
    func rect(_ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double) -> [Position] {
        [Position(minX, minY), Position(maxX, minY), Position(maxX, maxY), Position(minX, maxY), Position(minX, minY)]
    }

    func testDisjointUnionEqualsGEOSUnion() throws {
        // Two overlapping squares, one touching them, two far away.
        let shapes = try [rect(0, 0, 10, 10), rect(5, 5, 15, 15), rect(15, 0, 20, 5), rect(100, 100, 110, 110), rect(200, 0, 201, 1)]
            .map { try GeometryHandle(.polygon(Polygon(exterior: $0, holes: []))) }
        let ours = try Cleaning.disjointUnion(shapes)
        let geos = try GeometryHandle.unaryUnion(shapes)
        XCTAssertTrue(try ours.isValid())
        XCTAssertEqual(try ours.area(), try geos.area(), accuracy: 1e-9)
        XCTAssertEqual(try ours.area(), 100 + 100 - 25 + 25 + 100 + 1, accuracy: 1e-9)
        XCTAssertEqual(try ours.symmetricDifference(geos).area(), 0, accuracy: 1e-9)
        XCTAssertEqual(ours.partCount, 4)
    }

    func testHoleIdentity() {
        let parcel = Polygon(exterior: rect(0, 0, 30, 30), holes: [rect(5, 5, 25, 25).reversed()])
        // Same ring, another start and direction.
        let building = Polygon(exterior: [Position(25, 5), Position(25, 25), Position(5, 25), Position(5, 5), Position(25, 5)], holes: [])
        XCTAssertTrue(Cleaning.isHole(building, of: parcel))
        XCTAssertTrue(Cleaning.isHole(Polygon(exterior: rect(5, 5, 25, 25), holes: []), of: parcel))
        // A building a little larger than the hole overlaps the parcel.
        XCTAssertFalse(Cleaning.isHole(Polygon(exterior: rect(5, 5, 25, 25.001), holes: []), of: parcel))
        XCTAssertFalse(Cleaning.isHole(Polygon(exterior: rect(5, 5, 25, 25), holes: []), of: Polygon(exterior: rect(0, 0, 30, 30), holes: [])))
    }

    func testBoxesMeeting() {
        let a = [BoundingBox(minX: 0, minY: 0, maxX: 1, maxY: 1), BoundingBox(minX: 5, minY: 5, maxX: 6, maxY: 6),
                 BoundingBox(minX: 10, minY: 0, maxX: 11, maxY: 1)]
        let b = [BoundingBox(minX: 1, minY: 1, maxX: 2, maxY: 2), BoundingBox(minX: 10.5, minY: 2, maxX: 12, maxY: 3),
                 BoundingBox(minX: 5.5, minY: 0, maxX: 5.7, maxY: 5.2)]
        let m = PolygonSet.meeting(a, b)
        XCTAssertEqual(m.a, [0, 1])
        XCTAssertEqual(m.b, [0, 2])
    }

    func testParallelSubdivisionGivesTheSamePieces() throws {
        // A street network: a square with 40 × 30 block holes (about 6 000 vertices).
        var holes: [[Position]] = []
        for i in 0..<40 { for j in 0..<30 { holes.append(rect(Double(i) * 20 + 4, Double(j) * 20 + 4, Double(i) * 20 + 16, Double(j) * 20 + 16 + Double(i % 3)).reversed()) } }
        let network = try GeometryHandle(.polygon(Polygon(exterior: rect(0, 0, 800, 600), holes: holes)))
        XCTAssertGreaterThan(try network.coordinateCount(), 16 * Cleaning.pieceVertices)
        let serial = try network.subdividedPolygons(maxVertices: Cleaning.pieceVertices)
        let parallel = try Cleaning.subdividedInParallel(network)
        XCTAssertGreaterThan(serial.count, 16)
        XCTAssertEqual(parallel.map(\.wkt), serial.map(\.wkt))
    }

    func testFootprintHolesAreFilledOnlyWhenTheyAreBuildings() throws {
        // Buildings: a plain one, one with a courtyard, one far away.
        let plain = rect(10, 10, 20, 20)
        let courtyard = Polygon(exterior: rect(40, 10, 60, 30), holes: [rect(45, 15, 55, 25).reversed()])
        let f = try Cleaning.disjointUnion([Polygon(exterior: plain, holes: []), courtyard, Polygon(exterior: rect(200, 0, 210, 10), holes: [])]
            .map { try GeometryHandle(.polygon($0)) })
        let buildings = try FootprintHoles(f)
        // The plain building's ring moved by less than the grid, another start, the other way round.
        let snapped = [Position(20.0004, 10), Position(20.0004, 20), Position(10, 19.9996), Position(10, 10), Position(20.0004, 10)].reversed()
        XCTAssertTrue(buildings.isFootprint(Array(snapped)))
        XCTAssertFalse(buildings.isFootprint(rect(10, 10, 20, 20.002)), "moved by more than the grid")
        XCTAssertFalse(buildings.isFootprint(rect(40, 10, 60, 30)), "a building with a courtyard is never matched")
        XCTAssertFalse(buildings.isFootprint([Position(10, 10), Position(20, 10), Position(20, 20), Position(15, 20), Position(10, 20), Position(10, 10)]),
                       "a vertex more")
        // A cleaner's space: holes at the plain building and at an open yard; an island inside a second building's hole.
        let space = Polygon(exterior: rect(0, 0, 100, 100), holes: [plain.reversed(), rect(70, 70, 80, 80).reversed()])
        let set = try PolygonSet([try GeometryHandle(.polygon(space))])
        let filled = try buildings.filled(set)
        XCTAssertEqual(try filled.collection().area(), 100 * 100 - 100, accuracy: 1e-9, "the building's hole filled, the yard's kept")
        let withIsland = try PolygonSet([try GeometryHandle(.polygon(space)), try GeometryHandle(.polygon(Polygon(exterior: rect(12, 12, 14, 14), holes: [])))])
        XCTAssertEqual(try buildings.filled(withIsland).collection().area(), 100 * 100 - 200 + 4, accuracy: 1e-9, "a hole with an island is kept")
    }

    func testGapsWithFilledHolesEqualTheDirectDifference() throws {
        // P, two buildings (one inside the cleaner's space, one in the open), E = P − F, U = a cleaner's space around the first.
        let p = try GeometryHandle(.polygon(Polygon(exterior: rect(0, 0, 100, 50), holes: [])))
        let f = try Cleaning.disjointUnion([rect(10, 10, 20, 20), rect(70, 10, 80, 20)].map { try GeometryHandle(.polygon(Polygon(exterior: $0, holes: []))) })
        let u = try GeometryHandle(.polygon(Polygon(exterior: rect(0, 0, 50, 50), holes: [rect(10, 10, 20, 20).reversed()])))
        let direct = try p.difference(f, gridSize: OverlayGrid.size).difference(u, gridSize: OverlayGrid.size)
        let buildings = try FootprintHoles(f)
        let filled = try buildings.filled(try PolygonSet([u])).collection()
        XCTAssertEqual(try filled.area(), 2500, accuracy: 1e-9)
        let viaFilled = try p.difference(filled, gridSize: OverlayGrid.size).difference(buildings.parts.collection(), gridSize: OverlayGrid.size)
        XCTAssertEqual(try viaFilled.area(), 2500 - 100, accuracy: 1e-9)
        XCTAssertEqual(try viaFilled.symmetricDifference(direct).area(), 0, accuracy: 1e-9)
    }

    func testRoundedAreaIsTheAreaGEOSGivesOnTheGrid() throws {
        // A building off the grid, with a courtyard, at Lambert-93 magnitudes.
        let x = 651_234.56789, y = 6_862_345.43219
        let ring = [Position(x, y), Position(x + 20.0004, y + 0.0006), Position(x + 19.9996, y + 15.0007),
                    Position(x - 0.0004, y + 14.9993), Position(x, y)]
        let yard = [Position(x + 5.0003, y + 5.0004), Position(x + 5.0003, y + 9.9996), Position(x + 14.9996, y + 9.9996),
                    Position(x + 14.9996, y + 5.0004), Position(x + 5.0003, y + 5.0004)]
        let building = Polygon(exterior: ring, holes: [yard])
        let g = try GeometryHandle(.polygon(building))
        let ours = try XCTUnwrap(OverlayGrid.roundedArea(building))
        XCTAssertEqual(ours, try g.withPrecision(OverlayGrid.size).area(), accuracy: 1e-9)
        XCTAssertNotEqual(ours, try g.area(), "the rounding changes the area")
        // A ring that collapses on the grid: GEOS is asked instead.
        let sliver = Polygon(exterior: [Position(x, y), Position(x + 10, y), Position(x + 10, y + 0.0002), Position(x, y)])
        XCTAssertNil(OverlayGrid.roundedArea(sliver))
    }
}
