import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GUPAnalysis
import GUPCartography
import GUPModel
import GUPTopology
import XCTest

/// Commune names on the plan de situation, read back from the SVG: each
/// stands inside its commune as drawn (never beside it with a leader line,
/// never numbered), and a commune too small for its name goes unnamed and
/// is counted among the labels without room.
final class CommuneLabelTests: XCTestCase {
    static let communeLayers = ["commune", "communes", "carton-commune", "carton-communes"]

    /// Even-odd rule over every ring (page mm).
    static func inside(_ p: Position, _ rings: [[Position]]) -> Bool {
        var c = false
        for ring in rings {
            for (a, b) in zip(ring, ring.dropFirst()) where (a.y > p.y) != (b.y > p.y) {
                if p.x < a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y) { c.toggle() }
            }
        }
        return c
    }

    /// The rings (closed, page mm) of the paths drawn for `object` in the layer's group.
    static func rings(_ svg: ParsedSVG, layer: String, object: String) -> [[Position]] {
        var out: [[Position]] = []
        for g in svg.all() where ParsedSVG.attr(g, "id") == "couche-" + layer {
            for p in svg.all(g) where p.name == "path" && ParsedSVG.attr(p, "data-objet") == object {
                for r in ParsedSVG.pathPoints(ParsedSVG.attr(p, "d") ?? "") where r.count >= 3 { out.append(r + [r[0]]) }
            }
        }
        return out
    }

    /// Every commune label lies inside its commune's drawn polygon (its 4
    /// corners inside, no edge of the polygon across its box) and no leader
    /// line leads to one. Returns the commune labels and their font sizes.
    @discardableResult
    static func checkCommuneLabels(_ svg: ParsedSVG, _ name: String, file: StaticString = #filePath,
                                   line: UInt = #line) -> [(label: LabelEngineTests.DrawnLabel, size: Double)] {
        var out: [(LabelEngineTests.DrawnLabel, Double)] = []
        let sizes = Dictionary(svg.all().filter { $0.name == "text" && ParsedSVG.attr($0, "data-boite") != nil }
            .map { (ParsedSVG.attr($0, "data-objet") ?? "", ParsedSVG.num($0, "font-size") ?? 0) }, uniquingKeysWith: { a, _ in a })
        for l in LabelEngineTests.labels(svg) {
            guard let layer = communeLayers.first(where: { l.object.hasPrefix($0 + ":") }) else { continue }
            let rings = rings(svg, layer: layer, object: l.object)
            XCTAssertFalse(rings.isEmpty, "\(name) : « \(l.text) » sans commune dessinée", file: file, line: line)
            for c in l.corners {
                XCTAssertTrue(inside(c, rings), "\(name) : « \(l.text) » déborde de sa commune en \(c)", file: file, line: line)
            }
            let crossing = rings.contains { r in zip(r, r.dropFirst()).contains { LabelEngineTests.overlap(l.corners, [$0, $1]) } }
            XCTAssertFalse(crossing, "\(name) : « \(l.text) » coupe le contour de sa commune", file: file, line: line)
            XCTAssertNotEqual(l.cls, "numero", "\(name) : commune numérotée", file: file, line: line)
            out.append((l, sizes[l.object] ?? 0))
        }
        for r in svg.all() where ParsedSVG.attr(r, "class") == "ligne-rappel" {
            let object = ParsedSVG.attr(r, "data-objet") ?? ""
            XCTAssertFalse(communeLayers.contains { object.hasPrefix($0 + ":") }, "\(name) : ligne de rappel vers \(object)",
                           file: file, line: line)
        }
        return out
    }

    // MARK: a synthetic commune map

    static func square(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [Position] {
        [Position(x0, y0), Position(x1, y0), Position(x1, y1), Position(x0, y1), Position(x0, y0)]
    }

    static func layer(_ name: String, _ items: [(String, Polygon)]) throws -> WorkingLayer {
        let features = items.enumerated().map { k, it in
            Feature(index: k, geometry: .polygon(it.1), properties: Properties([("nom", .string(it.0))]))
        }
        return try WorkingLayer(derived: name, source: name + ".geojson", crs: .lambert93, features: features,
                                shapes: features.map { try GeometryHandle($0.geometry!) }).indexed()
    }

    /// A 300 m quartier in Grandeville (a 5 km commune), Moyenneville to
    /// the east; with `small`, two communes enclosed in Grandeville: a
    /// 120 m one (too small for its name at any size) and a 450 m wide strip.
    static func plan(small: Bool) throws -> RenderedPlan {
        let quartier = try layer("perimetres", [("Les Tilleuls", Polygon(exterior: square(700_000, 6_600_000, 700_300, 6_600_300)))])
        let tiny = square(700_900, 6_601_300, 701_020, 6_601_420)
        let strip = square(698_700, 6_599_000, 699_150, 6_601_200)
        var communes: [(String, Polygon)] = [
            ("Grandeville", Polygon(exterior: square(697_000, 6_597_000, 701_500, 6_603_000),
                                    holes: small ? [Array(tiny.reversed()), Array(strip.reversed())] : [])),
            ("Moyenneville", Polygon(exterior: square(701_500, 6_597_000, 707_000, 6_603_000))),
        ]
        if small {
            communes.append(("Saint-Martin-des-Champs", Polygon(exterior: tiny)))
            communes.append(("Longueville", Polygon(exterior: strip)))
        }
        return try Plans.situation(perimeters: quartier, quartier: nil, context: try layer("communes", communes),
                                   options: PlanOptions(date: "30/11/2026"))
    }

    func testCommuneNamesStayInsideTheirCommunes() throws {
        let plan = try Self.plan(small: true)
        let svg = try ParsedSVG(plan.svg)
        let named = Self.checkCommuneLabels(svg, "communes synthétiques")
        let sizes = Dictionary(named.map { ($0.label.text, $0.size) }, uniquingKeysWith: { a, _ in a })
        // The big communes named at their size, the strip at a smaller one.
        XCTAssertEqual(sizes["GRANDEVILLE"], 3.4, "\(sizes)")
        XCTAssertEqual(sizes["MOYENNEVILLE"], 3.0, "\(sizes)")
        let strip = try XCTUnwrap(sizes["LONGUEVILLE"], "\(sizes)")
        XCTAssertLessThan(strip, 3.0)
        XCTAssertGreaterThanOrEqual(strip, 2.2)
        // The 120 m commune is drawn, unnamed, with no leader line and no number.
        let drawn = svg.all(try XCTUnwrap(svg.element(id: "couche-communes"))).filter { $0.name == "path" }
        XCTAssertEqual(drawn.count, 3)
        XCTAssertNil(sizes["SAINT-MARTIN-DES-CHAMPS"])
        let texts = svg.all().filter { $0.name == "text" }.compactMap(\.stringValue)
        XCTAssertFalse(texts.contains { $0.uppercased().contains("SAINT-MARTIN") }, "ni étiquette, ni numéro, ni légende des numéros")
        XCTAssertEqual(plan.labelCounts.numbered, 0)
        LabelEngineTests.checkLabels(svg, "communes synthétiques")
    }

    /// The name with no room is counted (terminal, `rapport.json`): one
    /// more label without room than on the same map without the small commune.
    func testCommuneTooSmallIsCountedAsDropped() throws {
        let with = try Self.plan(small: true), without = try Self.plan(small: false)
        XCTAssertEqual(with.labelCounts.dropped, without.labelCounts.dropped + 1,
                       "\(with.labelCounts.summary) / \(without.labelCounts.summary)")
        XCTAssertEqual(with.labelCounts.json["sans_place"], with.labelCounts.dropped)
        let svg = try ParsedSVG(with.svg)
        XCTAssertEqual(ParsedSVG.num(try XCTUnwrap(svg.element(id: "etiquettes")), "data-ecartees").map { Int($0) },
                       with.labelCounts.dropped)
    }

    /// Real IGN communes of Bouches-du-Rhône around the demo quartier, main
    /// frame and inset.
    func testRealCommunesAroundTheDemo() throws {
        let perimeters = try Fixture.demo("perimetres").indexed()
        var background = OrientationLayers(roads: try Fixture.demo("routes", .shaped).indexed())
        try background.resolveFields()
        let plan = try Plans.situation(perimeters: perimeters, quartier: "Les Pins", context: try Fixture.real("communes-13").indexed(),
                                       background: background, options: PlanOptions(date: "30/11/2026"))
        let svg = try ParsedSVG(plan.svg)
        let named = Self.checkCommuneLabels(svg, "Vitrolles")
        XCTAssertTrue(named.contains { $0.label.text == "VITROLLES" }, "\(named.map(\.label.text))")
        XCTAssertTrue(named.contains { $0.label.object.hasPrefix("carton-") }, "des communes nommées dans le carton")
    }
}
