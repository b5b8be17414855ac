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

/// Plans that locate: the orientation layers (IGN BD TOPO roads and
/// railway of Rodez, the demo's streets), street names along their lines,
/// the inset, the veils, the non-cadastral ground, the walking route along
/// the streets. Every check reads the SVG as written.
final class OrientationTests: XCTestCase {
    static func rodez(_ name: String, _ role: LayerRole) throws -> WorkingLayer {
        try Loader.load(path: Fixture.path("bdtopo-rodez/\(name).geojson"), working: .lambert93, expecting: role.expectation).indexed()
    }

    /// A hand-drawn perimeter in the middle of the Rodez extract (Lambert-93).
    static func rodezPerimeter() throws -> WorkingLayer {
        let ring = [Position(666250, 6362350), Position(666550, 6362350), Position(666550, 6362650),
                    Position(666250, 6362650), Position(666250, 6362350)]
        let f = Feature(index: 0, geometry: .polygon(Polygon(exterior: ring)),
                        properties: Properties([("nom", .string("Secteur d'essai")), ("nom_commune", .string("Rodez, Onet-le-Château"))]))
        let layer = Layer(name: "perimetres", source: "essai.geojson", crs: .lambert93, features: [f])
        return try Loader.prepare(layer, to: .lambert93, expecting: .areal).indexed()
    }

    static func rodezBackground() throws -> OrientationLayers {
        var o = OrientationLayers(roads: try rodez("routes", .routes), railways: try rodez("voies_ferrees", .voiesFerrees))
        try o.resolveFields()
        return o
    }

    /// Distance (m) from a ground position to the nearest line of `features`.
    static func distance(_ p: Position, to shapes: [GeometryHandle]) throws -> Double {
        let pt = try GeometryHandle(x: p.x, y: p.y)
        return try shapes.map { try $0.distance(to: pt) }.min() ?? .infinity
    }

    func testRoadsOneGroupPerClassAndNamesAlongTheirLines() throws {
        let background = try Self.rodezBackground()
        XCTAssertEqual(background.roadNameField, "nom_voie_g")
        XCTAssertEqual(background.roadClassField, "importance")
        let plan = try Plans.situation(perimeters: try Self.rodezPerimeter(), quartier: nil, context: nil, background: background,
                                       options: PlanOptions(scale: 5000, date: "30/11/2026"))
        let svg = try ParsedSVG(plan.svg)
        let roads = try XCTUnwrap(svg.element(id: "couche-routes"))
        XCTAssertNotNil(svg.element(id: "couche-voies-ferrees"))
        // One group per class, each class once; the classes drawn are those of
        // the segments meeting the frame (importance 1, 3, 4, 5; NC by nature).
        let groups = (roads.children ?? []).compactMap { $0 as? XMLElement }.compactMap { ParsedSVG.attr($0, "data-classe") }
        XCTAssertEqual(groups.count, Set(groups).count)
        let ext = plan.frames[0].extent
        let r = background.roads!
        var expected = Set<String>()
        let frameBox = try GeometryHandle(rectangle: ext)
        for (k, f) in r.features.enumerated() where try r.shapes[k].intersects(frameBox) {
            expected.insert(RoadClass.of(f, field: "importance", nature: "nature")?.rawValue ?? "∅")
        }
        XCTAssertEqual(Set(groups), expected)
        XCTAssertEqual(expected, ["autoroute", "secondaire", "liaison", "locale", "chemin"], "importance 1, 3, 4, 5 and NC paths by their nature")
        // Every street name lies on a road of that name, turned with it, never upside down.
        let names = svg.all().filter { ParsedSVG.attr($0, "class") == "nom-voie" }
        XCTAssertGreaterThan(names.count, 5)
        let frame = plan.frames[0]
        for t in names {
            let name = try XCTUnwrap(t.stringValue)
            let angle = try XCTUnwrap(ParsedSVG.num(t, "data-angle"))
            XCTAssertTrue(angle > -92 && angle <= 88, "\(name) à \(angle)°")
            let x = try XCTUnwrap(ParsedSVG.num(t, "x")), y = try XCTUnwrap(ParsedSVG.num(t, "y"))
            let centre = frame.toGround(Position(x, y - 0.35 * 1.8))
            let same = r.features.indices.filter { FieldResolver.text(r.features[$0], "nom_voie_g") == name }
            XCTAssertFalse(same.isEmpty, name)
            let d = try Self.distance(centre, to: same.map { r.shapes[$0] })
            // On the line, or just beside it (half the text's height and
            // 1.1 mm: where another line runs along the street).
            XCTAssertLessThan(d, (0.5 * TextMetrics.lineHeight(1.8) + 1.3) * Double(frame.scale) / 1000, "\(name) à \(d) m de sa voie")
            // The label's direction is the road's: a point 3 mm along the text is still on it.
            let a = angle * .pi / 180
            let ahead = frame.toGround(Position(x + 3 * cos(a), y - 0.35 * 1.8 + 3 * sin(a)))
            XCTAssertLessThan(try Self.distance(ahead, to: same.map { r.shapes[$0] }),
                              (0.5 * TextMetrics.lineHeight(1.8) + 1.5) * Double(frame.scale) / 1000, name)
        }
        // Both communes the perimeter names are in the cartouche.
        let cartouche = try XCTUnwrap(svg.element(id: "cartouche")).stringValue ?? ""
        XCTAssertTrue(cartouche.contains("Commune : Rodez, Onet-le-Château"), cartouche)
    }

    func testInsetDrawsTheMainFrameAtItsPlace() throws {
        let perimeters = try Fixture.demo("perimetres").indexed()
        let communes = try Fixture.real("communes-13").indexed()
        var background = OrientationLayers(roads: try Fixture.demo("routes", .shaped).indexed())
        try background.resolveFields()
        let plan = try Plans.situation(perimeters: perimeters, quartier: "Les Pins", context: communes, background: background,
                                       options: PlanOptions(date: "30/11/2026"))
        let svg = try ParsedSVG(plan.svg)
        let inset = try XCTUnwrap(svg.element(id: "carton-localisation"))
        let n = try XCTUnwrap(ParsedSVG.num(inset, "data-echelle"))
        let e = ParsedSVG.numbers(inset, "data-emprise"), c = ParsedSVG.numbers(inset, "data-cadre")
        XCTAssertEqual(e.count, 4); XCTAssertEqual(c.count, 4)
        XCTAssertGreaterThan(n, Double(plan.scale) * 4, "the inset shows more than the plan")
        // The inset's own transform, from its attributes only.
        let k = 1000 / n
        XCTAssertEqual((e[2] - e[0]) * k, c[2], accuracy: 0.01)
        func toInset(_ x: Double, _ y: Double) -> Position {
            Position(c[0] + (x - e[0]) * k, c[1] + (e[3] - y) * k)
        }
        let main = ParsedSVG.numbers(try XCTUnwrap(svg.element(id: "carte")), "data-emprise")
        let rect = try XCTUnwrap(svg.element(id: "carton-cadre"))
        XCTAssertTrue(svg.all(inset).contains { $0 === rect }, "the frame rectangle is inside the inset")
        let a = toInset(main[0], main[3]), z = toInset(main[2], main[1])
        XCTAssertEqual(try XCTUnwrap(ParsedSVG.num(rect, "x")), a.x, accuracy: 0.02)
        XCTAssertEqual(try XCTUnwrap(ParsedSVG.num(rect, "y")), a.y, accuracy: 0.02)
        XCTAssertEqual(try XCTUnwrap(ParsedSVG.num(rect, "width")), z.x - a.x, accuracy: 0.02)
        XCTAssertEqual(try XCTUnwrap(ParsedSVG.num(rect, "height")), z.y - a.y, accuracy: 0.02)
        // The commune tinted, the ground outside it veiled.
        XCTAssertNotNil(svg.element(id: "couche-voile"))
        XCTAssertEqual(ParsedSVG.attr(try XCTUnwrap(svg.element(id: "couche-commune")).children!.compactMap { $0 as? XMLElement }.first!, "fill"), "#f3eee2")
        // The demo's streets are named on the plan.
        let names = Set(svg.all().filter { ParsedSVG.attr($0, "class") == "nom-voie" }.compactMap(\.stringValue))
        XCTAssertTrue(names.contains("Boulevard de Provence"), "\(names)")
    }

    func testSituationWithoutBackgroundSaysSo() throws {
        let plan = try Plans.situation(perimeters: try Fixture.demo("perimetres"), quartier: "Les Pins", context: nil,
                                       options: PlanOptions(date: "30/11/2026"))
        XCTAssertTrue(plan.svg.contains("Sans fond de plan"))
        XCTAssertFalse(plan.svg.contains("couche-routes"))
    }

    /// An unnamed road is labelled with its number (BD TOPO `numero`), a
    /// road « NC » (non classée) with nothing.
    func testUnnamedRoadsCarryTheirNumber() throws {
        func road(_ y: Double, _ props: [(String, PropertyValue)], _ k: Int) -> Feature {
            Feature(index: k, geometry: .lineString([Position(665000, y), Position(668000, y)]), properties: Properties(props))
        }
        let roads = [road(6362300, [("nom_voie_g", .string("Avenue de Paris")), ("numero", .string("D988")), ("importance", .string("2"))], 0),
                     road(6362500, [("nom_voie_g", .null), ("numero", .string("N88")), ("importance", .string("1"))], 1),
                     road(6362700, [("nom_voie_g", .null), ("numero", .string("NC")), ("importance", .string("3"))], 2)]
        let layer = try Loader.prepare(Layer(name: "routes", source: "routes.geojson", crs: .lambert93, features: roads),
                                       to: .lambert93, expecting: .shaped).indexed()
        var background = OrientationLayers(roads: layer)
        try background.resolveFields()
        XCTAssertEqual(background.roadNumberField, "numero")
        let plan = try Plans.situation(perimeters: try Self.rodezPerimeter(), quartier: nil, context: nil, background: background,
                                       options: PlanOptions(scale: 5000, date: "30/11/2026"))
        let names = Set(try ParsedSVG(plan.svg).all().filter { ParsedSVG.attr($0, "class") == "nom-voie" }.compactMap(\.stringValue))
        XCTAssertEqual(names, ["Avenue de Paris", "N88"])
    }

    /// The inset is drawn from the communes: without them the plan has
    /// none, and both the run (a warning) and the cartouche say so.
    func testInsetNeedsTheCommunesAndSaysSo() throws {
        let reporter = CollectingReporter()
        let plan = try Plans.situation(perimeters: try Self.rodezPerimeter(), quartier: nil, context: nil,
                                       background: try Self.rodezBackground(), options: PlanOptions(date: "30/11/2026"),
                                       reporter: reporter)
        let svg = try ParsedSVG(plan.svg)
        XCTAssertNil(svg.element(id: "carton-localisation"))
        XCTAssertTrue(reporter.warnings.contains { $0.contains("sans carton de localisation") && $0.contains("--contexte") }, "\(reporter.warnings)")
        XCTAssertTrue((svg.element(id: "cartouche")?.stringValue ?? "").contains("Sans carton de localisation"))
    }

    /// Past the roads of an extract (the Rodez fixture is a 1.2 × 1 km box)
    /// the ground is hatched and in the legend, so it does not read as open
    /// country; a frame inside the extract has no hatch.
    func testGroundBeyondTheRoadsExtractIsHatched() throws {
        let background = try Self.rodezBackground()
        let wide = try Plans.situation(perimeters: try Self.rodezPerimeter(), quartier: nil, context: nil, background: background,
                                       options: PlanOptions(scale: 10_000, date: "30/11/2026"))
        XCTAssertTrue(wide.legend.contains { $0.layer == "hors-emprise" && $0.label.hasPrefix("Hors emprise du fond de plan") },
                      "\(wide.legend)")
        let svg = try ParsedSVG(wide.svg)
        let hatch = try XCTUnwrap(svg.element(id: "couche-hors-emprise"))
        // The hatched ground holds the frame's corners (outside the box) and no road vertex.
        let frame = wide.frames[0]
        let d = svg.all(hatch).compactMap { ParsedSVG.attr($0, "d") }.joined(separator: " ")
        let rings = ParsedSVG.pathPoints(d).map { ring in ring.map { frame.toGround($0) } }
        func inside(_ p: Position) -> Bool {
            var odd = false
            for r in rings { for (a, b) in zip(r, r.dropFirst() + [r[0]]) where (a.y > p.y) != (b.y > p.y) {
                if p.x < a.x + (p.y - a.y) / (b.y - a.y) * (b.x - a.x) { odd.toggle() }
            } }
            return odd
        }
        let ext = frame.extent
        XCTAssertTrue(inside(Position(ext.minX + 20, ext.minY + 20)))
        XCTAssertTrue(inside(Position(ext.maxX - 20, ext.maxY - 20)))
        // Vertices on the hull's edge (the extract's cut) are on the boundary: within 1 m of it.
        func toBoundary(_ p: Position) -> Double {
            var best = Double.infinity
            for r in rings { for (a, b) in zip(r, r.dropFirst() + [r[0]]) {
                let dx = b.x - a.x, dy = b.y - a.y, l2 = dx * dx + dy * dy
                let t = l2 > 0 ? max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / l2)) : 0
                best = min(best, hypot(p.x - a.x - t * dx, p.y - a.y - t * dy))
            } }
            return best
        }
        var checked = 0
        for f in background.roads!.features {
            guard case .lineString(let ps)? = f.geometry else { continue }
            for p in ps where toBoundary(p) > 1 {
                checked += 1
                XCTAssertFalse(inside(p), "vertex \(p) of a road hatched")
            }
        }
        XCTAssertGreaterThan(checked, 1000)
        let close = try Plans.situation(perimeters: try Self.rodezPerimeter(), quartier: nil, context: nil, background: background,
                                        options: PlanOptions(scale: 2_500, date: "30/11/2026"))
        XCTAssertFalse(close.legend.contains { $0.layer == "hors-emprise" })
    }

    /// The demo's whole fond (roads by class, railway, water surface and
    /// line, buildings, places) with the communes and the inset: every legend
    /// entry is drawn in the shortened legend box, none left out.
    func testCrowdedLegendKeepsEveryEntry() throws {
        var background = OrientationLayers(roads: try Fixture.demo("routes", .shaped).indexed(),
                                           railways: try Fixture.demo("voies_ferrees", .shaped).indexed(),
                                           water: try Fixture.demo("eau", .shaped).indexed(), buildings: try Fixture.demo("bati").indexed(),
                                           places: try Fixture.demo("lieux", .shaped).indexed())
        try background.resolveFields(explicit: [.placeName: "toponyme"])
        let plan = try Plans.situation(perimeters: try Fixture.demo("perimetres").indexed(), quartier: "Les Pins",
                                       context: try Fixture.real("communes-13").indexed(), background: background,
                                       options: PlanOptions(date: "30/11/2026"))
        let svg = try ParsedSVG(plan.svg)
        XCTAssertNotNil(svg.element(id: "carton-localisation"))
        for id in ["couche-eau", "couche-bati", "couche-lieux", "couche-voies-ferrees"] { XCTAssertNotNil(svg.element(id: id), id) }
        let drawn = svg.all(try XCTUnwrap(svg.element(id: "legende"))).filter { ParsedSVG.attr($0, "class") == "entree-legende" }
        XCTAssertGreaterThan(plan.legend.count, 12)
        XCTAssertEqual(drawn.count, plan.legend.count, "legend entries drawn")
        XCTAssertTrue(plan.legend.contains { $0.layer == "eau" && $0.classKey == "cours" })
        XCTAssertTrue(plan.legend.contains { $0.layer == "eau" && $0.classKey == "surface" })
    }

    func testSitePlanNonCadastralGroundInTheLegendAndVeil() throws {
        // At 1/1 000 the quartier must fit the frame: a 180 m square of Les Pins.
        var perimeters = try Fixture.demo("perimetres")
        let k = try Plans.select(perimeters, name: "Les Pins").index
        let c = try XCTUnwrap(try perimeters.shapes[k].bounds()).center
        let square = try GeometryHandle(rectangle: BoundingBox(minX: c.x - 90, minY: c.y - 90, maxX: c.x + 90, maxY: c.y + 90))
        perimeters.shapes[k] = try perimeters.shapes[k].intersection(square)
        perimeters.features[k].geometry = try perimeters.shapes[k].geometry()
        perimeters.index = nil
        var background = OrientationLayers(roads: try Fixture.demo("routes", .shaped).indexed())
        try background.resolveFields()
        let plan = try Plans.site(perimeters: perimeters, quartier: "Les Pins",
                                  layers: .init(tenure: try Fixture.demo("parcelles"), background: background),
                                  options: PlanOptions(scale: 1000, date: "30/11/2026"))
        XCTAssertTrue(plan.legend.contains { $0.layer == "non-cadastre" && $0.label.hasPrefix("Sol non cadastré") }, "\(plan.legend)")
        let svg = try ParsedSVG(plan.svg)
        XCTAssertNotNil(svg.element(id: "couche-voile"))
        XCTAssertNotNil(svg.element(id: "couche-routes"))
        XCTAssertFalse(svg.all().filter { ParsedSVG.attr($0, "class") == "nom-voie" }.isEmpty)
        // At 1/1 000 the parcels carry their reference (section and number).
        let refs = svg.all(try XCTUnwrap(svg.element(id: "etiquettes"))).filter { ParsedSVG.attr($0, "data-couche") == "domanialite" }
        XCTAssertFalse(refs.isEmpty)
    }

    func testRouteFollowsTheStreets() throws {
        let roads = try Self.rodez("routes", .routes)
        let network = RoadNetwork(lines: roads.features)
        // Start and stops inside blocks, off the roads.
        let start = Position(666300, 6362400)
        let stops = [Position(666700, 6362800), Position(666100, 6362700), Position(666500, 6362200), Position(666900, 6362300)]
        let route = try XCTUnwrap(NetworkRoute.plan(start: start, stops: stops, network: network))
        XCTAssertEqual(route.straightLegs, 0)
        XCTAssertEqual(Set(route.order), Set(0..<stops.count))
        // Every vertex on a road line (1 m), first and last the snapped start.
        for p in route.line { XCTAssertLessThan(try Self.distance(p, to: roads.shapes), 1.0, "\(p)") }
        XCTAssertEqual(route.line.first, route.start)
        XCTAssertEqual(route.line.last, route.start)
        // The length is the drawn line's, and no shorter than the straight loop.
        XCTAssertEqual(route.length, try GeometryHandle(.lineString(route.line)).length(), accuracy: 1e-6)
        let straight = WalkingRoute.plan(start: route.start, stops: route.stops)
        XCTAssertGreaterThanOrEqual(route.length, straight.length - 1e-6)
        // One leg per stop and the way back, adding up to the loop; each leg
        // no shorter than the straight line between the snapped points it joins.
        XCTAssertEqual(route.legs.count, stops.count + 1)
        XCTAssertEqual(route.legs.reduce(0, +), route.length, accuracy: 1e-6)
        let walked = [route.start] + route.order.map { route.stops[$0] } + [route.start]
        for (k, (a, b)) in zip(walked, walked.dropFirst()).enumerated() {
            XCTAssertGreaterThanOrEqual(route.legs[k], hypot(b.x - a.x, b.y - a.y) - 1e-6, "leg \(k)")
        }
        // Drawn on a plan with arrows.
        let stopLayer = WorkingLayer(derived: "parcours", source: "parcours.geojson", crs: .lambert93,
                                     features: [Feature(index: 0, geometry: .lineString(route.line), properties: Properties())])
        let plan = try Plans.site(perimeters: try Self.rodezPerimeter(), quartier: nil,
                                  layers: .init(route: stopLayer, routeAlongStreets: true, background: try Self.rodezBackground()),
                                  options: PlanOptions(scale: 5000, date: "30/11/2026"))
        XCTAssertGreaterThan(plan.svg.components(separatedBy: "class=\"fleche\"").count - 1, 3)
        XCTAssertFalse(plan.svg.contains("vol d'oiseau"))
    }

    func testShortestPathMatchesABruteForceOnASmallGrid() throws {
        // A 4 × 4 grid of 100 m streets with one long detour edge.
        var features: [Feature] = []
        for i in 0..<4 {
            features.append(Feature(index: features.count, geometry: .lineString((0..<4).map { Position(Double(i) * 100, Double($0) * 100) }), properties: Properties()))
            features.append(Feature(index: features.count, geometry: .lineString((0..<4).map { Position(Double($0) * 100, Double(i) * 100) }), properties: Properties()))
        }
        let net = RoadNetwork(lines: features)
        XCTAssertEqual(net.nodes.count, 16)
        let a = try XCTUnwrap(net.snap(Position(-20, 10))), b = try XCTUnwrap(net.snap(Position(310, 290)))
        XCTAssertEqual(a.position, Position(0, 10))
        XCTAssertEqual(b.position, Position(300, 290))
        let p = try XCTUnwrap(net.shortestPaths(from: a, to: [b])[0])
        // Manhattan distance on the grid.
        XCTAssertEqual(p.length, 300 + 280, accuracy: 1e-9)
        XCTAssertEqual(p.length, try GeometryHandle(.lineString(p.positions)).length(), accuracy: 1e-9)
    }
}
