import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GUPAnalysis
import GUPCartography
import GUPModel
import GUPProjection
import GUPTopology
import XCTest

/// Plans de situation on real data: the communes of Bouches-du-Rhône
/// (IGN) around the demo quartiers, and the QPV of Rennes.
final class PlanSituationTests: XCTestCase {
    func testQuartierInItsCommune() throws {
        let perimeters = try Fixture.demo("perimetres")
        let communes = try Fixture.real("communes-13")
        let plan = try Plans.situation(perimeters: perimeters, quartier: "les pins", context: communes,
                                       options: PlanOptions(date: "22/11/2025", sources: ["IGN ADMIN EXPRESS"]))
        let svg = try ParsedSVG(plan.svg)
        // The commune found by location is Vitrolles (13117).
        let commune = try XCTUnwrap(svg.element(id: "couche-commune"))
        let paths = svg.all(commune).filter { $0.name == "path" }
        XCTAssertEqual(paths.map { ParsedSVG.attr($0, "data-code") }, ["13117"])
        let cartouche = try XCTUnwrap(svg.element(id: "cartouche")).stringValue ?? ""
        XCTAssertTrue(cartouche.contains("Commune : Vitrolles"))
        XCTAssertTrue(cartouche.contains("Quartier : Les Pins"))
        let sources = svg.all().filter { ParsedSVG.attr($0, "class") == "sources" }.compactMap(\.stringValue).joined(separator: " ")
        XCTAssertEqual(sources, "Sources : IGN ADMIN EXPRESS")
        XCTAssertTrue(cartouche.contains("EPSG:2154"))
        // Neighbouring communes drawn and named; scale in the usual range.
        XCTAssertNotNil(svg.element(id: "couche-communes"))
        XCTAssertTrue((10_000...25_000).contains(plan.scale), "échelle 1/\(plan.scale)")
        let labels = svg.all(try XCTUnwrap(svg.element(id: "etiquettes"))).filter { $0.name == "text" }.compactMap(\.stringValue)
        XCTAssertTrue(labels.contains("Les Pins"))
        XCTAssertTrue(labels.contains("VITROLLES"))
        // The other quartiers are outlined.
        let others = svg.all(try XCTUnwrap(svg.element(id: "couche-quartiers"))).filter { $0.name == "path" }
        XCTAssertEqual(others.count, perimeters.count - 1)
    }

    /// The arrow is rotated by minus the meridian convergence, checked
    /// against the direction of a meridian projected by PROJ.
    func testNorthArrowFollowsTheMeridian() throws {
        let perimeters = try Fixture.demo("perimetres")
        let plan = try Plans.situation(perimeters: perimeters, quartier: nil, context: nil, options: PlanOptions(date: "x"))
        let svg = try ParsedSVG(plan.svg)
        let nord = try XCTUnwrap(svg.element(id: "nord"))
        let rotation = try XCTUnwrap(ParsedSVG.num(nord, "data-rotation"))
        // Grid azimuth of geographic north at the frame centre: project two
        // points of the same meridian.
        let centre = plan.frames[0].center
        let toLL = try CoordinateTransformer(from: .lambert93, to: .wgs84)
        let ll = try toLL.transform(centre)
        let toL93 = try CoordinateTransformer(from: .wgs84, to: .lambert93)
        let a = try toL93.transform(Position(ll.x, ll.y)), b = try toL93.transform(Position(ll.x, ll.y + 0.01))
        let azimuth = atan2(b.x - a.x, b.y - a.y) * 180 / .pi   // clockwise from grid north
        XCTAssertGreaterThan(abs(azimuth), 0.5)  // Vitrolles is 2.25° east of Lambert-93's meridian
        // SVG rotate() is clockwise on the page, as an azimuth is.
        XCTAssertEqual(rotation, azimuth, accuracy: 0.02)
    }

    /// Rennes: real MultiPolygon QPV with upper-case field names, no context.
    func testRennesWithoutContext() throws {
        let qpv = try Fixture.real("qpv-rennes")
        // At 1:50 000 the other quartiers of Rennes come into the frame.
        let plan = try Plans.situation(perimeters: qpv, quartier: "Maurepas", context: nil,
                                       options: PlanOptions(page: Page(format: .a3, orientation: .portrait), scale: 50_000, date: "x"))
        let frameBox = try GeometryHandle(rectangle: plan.frames[0].extent)
        let expected = try zip(qpv.features, qpv.shapes).filter { f, s in
            try f.properties["NOM_QP"]?.text != "Maurepas" && s.intersects(frameBox)
        }.count
        XCTAssertGreaterThan(expected, 0)
        XCTAssertEqual(plan.stats[0].drawn["quartiers"], expected)
        XCTAssertEqual(plan.stats[0].outside["quartiers"], qpv.count - 1 - expected)
        let svg = try ParsedSVG(plan.svg)
        XCTAssertEqual(ParsedSVG.attr(svg.root, "viewBox"), "0 0 297 420")
        XCTAssertEqual(plan.legend.map(\.label), ["Quartier : Maurepas", "Autres quartiers prioritaires"])
        XCTAssertThrowsError(try Plans.situation(perimeters: qpv, quartier: "Nulle part", context: nil)) { e in
            XCTAssertTrue("\(e)".contains("« Nulle part » introuvable"))
        }
    }
}
