import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GUPAnalysis
import GUPCartography
import GUPModel
import GUPTopology
import XCTest

/// The label engine read back from the SVG alone (print truth): label
/// boxes, drawn lines and symbols, leader lines, the key table and the
/// legend, on the demo's plans and on a plan de masse of real BD TOPO
/// buildings and roads.
final class LabelEngineTests: XCTestCase {
    // MARK: what the SVG says

    /// A label as drawn: its box (4 corners, page mm), its feature, its text.
    struct DrawnLabel {
        var corners: [Position]
        var object: String
        var text: String
        var cls: String?
    }

    /// A drawn line (page mm) and the feature it belongs to, when one is named.
    struct DrawnLine {
        var points: [Position]
        var layer: String
        var object: String?
        var streetName: String?
    }

    static func labels(_ svg: ParsedSVG) -> [DrawnLabel] {
        svg.all().filter { $0.name == "text" && ParsedSVG.attr($0, "data-boite") != nil }.map { t in
            let b = ParsedSVG.numbers(t, "data-boite")
            let coins = ParsedSVG.numbers(t, "data-coins")
            let corners = coins.count == 8
                ? stride(from: 0, to: 8, by: 2).map { Position(coins[$0], coins[$0 + 1]) }
                : [Position(b[0], b[1]), Position(b[2], b[1]), Position(b[2], b[3]), Position(b[0], b[3])]
            let lines = (t.children ?? []).compactMap { ($0 as? XMLElement)?.stringValue }
            return DrawnLabel(corners: corners, object: ParsedSVG.attr(t, "data-objet") ?? "",
                              text: lines.isEmpty ? (t.stringValue ?? "") : lines.joined(separator: " "), cls: ParsedSVG.attr(t, "class"))
        }
    }

    /// The stroke of an element as inherited from its groups.
    static func stroke(_ e: XMLElement) -> (color: String?, width: Double) {
        var color: String?, width: Double?
        var n: XMLNode? = e
        while let x = n as? XMLElement {
            if color == nil, let c = ParsedSVG.attr(x, "stroke") { color = c }
            if width == nil, let w = ParsedSVG.num(x, "stroke-width") { width = w }
            n = x.parent
        }
        return (color, width ?? 1)
    }

    /// The drawn lines of the map frames: paths of layer groups stroked
    /// 0.2 mm or more in a colour other than white or none (parcel edges
    /// and building edges are part of their fills), and the leader lines.
    static func lines(_ svg: ParsedSVG) -> [DrawnLine] {
        var out: [DrawnLine] = []
        for g in svg.all() where (ParsedSVG.attr(g, "id") ?? "").hasPrefix("couche-") {
            let layer = String(ParsedSVG.attr(g, "id")!.dropFirst("couche-".count))
            for p in svg.all(g) where p.name == "path" && ParsedSVG.attr(p, "class") != "fleche" {
                let s = stroke(p)
                guard let c = s.color, c != "none", c.lowercased() != "#ffffff", s.width >= 0.2 else { continue }
                let name = p.attributes?.first { ($0.name ?? "").hasPrefix("data-nom") }?.stringValue
                for ring in ParsedSVG.pathPoints(ParsedSVG.attr(p, "d") ?? "") {
                    // Closed rings come back without their closing vertex.
                    var pts = ring
                    if (ParsedSVG.attr(p, "d") ?? "").contains("Z"), let f = ring.first { pts.append(f) }
                    out.append(DrawnLine(points: pts, layer: layer, object: ParsedSVG.attr(p, "data-objet"), streetName: name))
                }
            }
        }
        for l in svg.all() where ParsedSVG.attr(l, "class") == "ligne-rappel" {
            let p = [Position(ParsedSVG.num(l, "x1")!, ParsedSVG.num(l, "y1")!), Position(ParsedSVG.num(l, "x2")!, ParsedSVG.num(l, "y2")!)]
            out.append(DrawnLine(points: p, layer: "ligne-rappel", object: ParsedSVG.attr(l, "data-objet"), streetName: nil))
        }
        return out
    }

    /// Point symbols and route arrows of the map frames, as boxes.
    static func symbols(_ svg: ParsedSVG) -> [(box: [Position], layer: String)] {
        var out: [(box: [Position], layer: String)] = []
        for g in svg.all() where (ParsedSVG.attr(g, "id") ?? "").hasPrefix("couche-") {
            let layer = String(ParsedSVG.attr(g, "id")!.dropFirst("couche-".count))
            for e in svg.all(g) {
                if e.name == "circle", let x = ParsedSVG.num(e, "cx"), let y = ParsedSVG.num(e, "cy"), let r = ParsedSVG.num(e, "r") {
                    out.append(([Position(x - r, y - r), Position(x + r, y - r), Position(x + r, y + r), Position(x - r, y + r)], layer))
                } else if e.name == "path", ParsedSVG.attr(e, "class") == "fleche" {
                    let pts = ParsedSVG.pathPoints(ParsedSVG.attr(e, "d")!).flatMap { $0 }
                    let xs = pts.map(\.x), ys = pts.map(\.y)
                    out.append(([Position(xs.min()!, ys.min()!), Position(xs.max()!, ys.min()!),
                                 Position(xs.max()!, ys.max()!), Position(xs.min()!, ys.max()!)], layer))
                }
            }
        }
        return out
    }

    // MARK: geometry of the check (independent of the engine's code)

    static func project(_ ps: [Position], on ax: Position) -> (Double, Double) {
        let v = ps.map { $0.x * ax.x + $0.y * ax.y }
        return (v.min()!, v.max()!)
    }

    /// Two convex polygons (or a polygon and a segment) overlap by more than 0.01 mm.
    static func overlap(_ a: [Position], _ b: [Position]) -> Bool {
        var axes: [Position] = []
        for poly in [a, b] {
            for i in poly.indices {
                let p = poly[i], q = poly[(i + 1) % poly.count]
                let dx = q.x - p.x, dy = q.y - p.y
                let l = (dx * dx + dy * dy).squareRoot()
                if l > 1e-9 { axes.append(Position(-dy / l, dx / l)) }
            }
        }
        for ax in axes {
            let (a0, a1) = project(a, on: ax), (b0, b1) = project(b, on: ax)
            if a1 <= b0 + 0.01 || b1 <= a0 + 0.01 { return false }
        }
        return true
    }

    /// Checks the label rules on one plan; returns the labels for more checks.
    @discardableResult
    static func checkLabels(_ svg: ParsedSVG, _ name: String, file: StaticString = #filePath, line: UInt = #line) -> [DrawnLabel] {
        let labels = labels(svg)
        XCTAssertFalse(labels.isEmpty, "\(name) : aucune étiquette", file: file, line: line)
        // No two label boxes overlap.
        for i in labels.indices {
            for j in labels.indices where j > i {
                XCTAssertFalse(overlap(labels[i].corners, labels[j].corners),
                               "\(name) : « \(labels[i].text) » et « \(labels[j].text) » se chevauchent", file: file, line: line)
            }
        }
        // No label box crosses a drawn line or symbol it is not attached to.
        let lines = lines(svg)
        let symbols = symbols(svg)
        for l in labels {
            // A stop's number sits on its white disc, which hides the route under it.
            if l.cls == "numero-symbole" { continue }
            let street = l.object.hasPrefix("voie:") ? String(l.object.dropFirst(5)) : nil
            for d in lines {
                if d.object == l.object { continue }
                if let street, d.layer == "routes", d.streetName == street { continue }
                for (p, q) in zip(d.points, d.points.dropFirst()) where overlap(l.corners, [p, q]) {
                    XCTFail("\(name) : « \(l.text) » coupe une ligne de \(d.layer)", file: file, line: line)
                    break
                }
            }
            for s in symbols where overlap(l.corners, s.box) {
                XCTFail("\(name) : « \(l.text) » couvre un symbole de \(s.layer)", file: file, line: line)
            }
        }
        // Every leader line leads to a label of its feature.
        let objects = Set(labels.map(\.object))
        for l in svg.all() where ParsedSVG.attr(l, "class") == "ligne-rappel" {
            XCTAssertTrue(objects.contains(ParsedSVG.attr(l, "data-objet") ?? "?"), "\(name) : ligne de rappel orpheline", file: file, line: line)
        }
        return labels
    }

    /// Every residence of the quartier has its name on the plan or a number
    /// drawn on the plan and its line in the key table.
    static func checkResidencesNamed(_ svg: ParsedSVG, _ plan: RenderedPlan, residences: WorkingLayer, quartier: GeometryHandle,
                                     layer: String = "residences", strict: Bool = true, _ name: String,
                                     file: StaticString = #filePath, line: UInt = #line) throws {
        let labels = labels(svg)
        let prepared = try PreparedGeometry(quartier)
        let inside = try prepared.contains(residences.features.map { $0.geometry!.bounds!.center })
        // The key table: in the legend, or in the frame and continued in the legend.
        let key = svg.all().filter { ParsedSVG.attr($0, "class") == "cle-numero" }
        let keyed = Dictionary(key.map { (ParsedSVG.attr($0, "data-objet") ?? "", ParsedSVG.attr($0, "data-numero") ?? "") },
                               uniquingKeysWith: { a, _ in a })
        var named = 0, numbered = 0, missing = 0
        for (k, f) in residences.features.enumerated() where inside[k] {
            let object = layer + ":" + (f.id?.text ?? String(k))
            let own = labels.filter { $0.object == object }
            if own.contains(where: { $0.cls != "numero" }) { named += 1; continue }
            guard let n = keyed[object] else {
                if strict { XCTFail("\(name) : résidence \(object) sans étiquette ni numéro", file: file, line: line) }
                missing += 1
                continue
            }
            XCTAssertTrue(own.contains { $0.cls == "numero" && $0.text == n }, "\(name) : numéro \(n) absent du plan", file: file, line: line)
            numbered += 1
        }
        XCTAssertEqual(named, plan.labelCounts.placed - labels.filter { $0.object.hasPrefix("voie:") }.count
                       - labels.filter { !$0.object.hasPrefix(layer + ":") && !$0.object.hasPrefix("voie:") && $0.cls != "numero" }.count,
                       "\(name) : étiquettes comptées", file: file, line: line)
        if strict {
            XCTAssertEqual(numbered, plan.labelCounts.numbered, file: file, line: line)
            XCTAssertEqual(plan.labelCounts.dropped, 0, "\(name) : résidences sans nom", file: file, line: line)
            XCTAssertEqual(plan.labelCounts.keyLeftOut, 0, file: file, line: line)
        } else {
            // Whatever the plan could not hold is counted for the terminal and rapport.json.
            XCTAssertEqual(numbered + plan.labelCounts.keyLeftOut, plan.labelCounts.numbered, file: file, line: line)
            XCTAssertEqual(missing, plan.labelCounts.keyLeftOut + plan.labelCounts.dropped, file: file, line: line)
        }
        XCTAssertGreaterThan(named + numbered, 0, file: file, line: line)
    }

    /// The legend lists the classes drawn, each in the shape the map draws.
    static func checkLegend(_ svg: ParsedSVG, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let legend = try XCTUnwrap(svg.element(id: "legende"), file: file, line: line)
        let entries = svg.all(legend).filter { ParsedSVG.attr($0, "class") == "entree-legende" }
        var listed = Set<String>()
        for e in entries {
            let layer = ParsedSVG.attr(e, "data-couche")!, cls = ParsedSVG.attr(e, "data-classe")!
            listed.insert(layer + "|" + cls)
            let groups = svg.all().filter { ParsedSVG.attr($0, "id") == "couche-" + layer }
            XCTAssertFalse(groups.isEmpty, "\(name) : légende sans couche \(layer)", file: file, line: line)
            let drawn = groups.flatMap { svg.all($0) }.filter { el in
                let c = ParsedSVG.attr(el, "data-classe")
                return (cls.isEmpty && el.name == "g" && ParsedSVG.attr(el, "class") == "classe") || c == cls
            }.flatMap { svg.all($0) }.filter { ["path", "circle", "rect"].contains($0.name ?? "") && ParsedSVG.attr($0, "class") != "fleche" }
            XCTAssertFalse(drawn.isEmpty, "\(name) : « \(ParsedSVG.attr(e, "data-libelle")!) » en légende mais non dessiné", file: file, line: line)
            // The real shape: points as their symbol, lines as a line, areas as a box.
            let shape = ParsedSVG.attr(e, "data-forme")
            let kids = svg.all(e).map { $0.name ?? "" }
            if drawn.allSatisfy({ $0.name == "circle" }) {
                XCTAssertEqual(shape, "point", name, file: file, line: line)
                XCTAssertTrue(kids.contains("circle"), name, file: file, line: line)
            } else if drawn.allSatisfy({ $0.name == "path" && !(ParsedSVG.attr($0, "d") ?? "").contains("Z") }) {
                XCTAssertEqual(shape, "ligne", "\(name) : \(ParsedSVG.attr(e, "data-libelle")!)", file: file, line: line)
                XCTAssertTrue(kids.contains("line"), name, file: file, line: line)
            } else if drawn.contains(where: { $0.name == "rect" && ParsedSVG.attr($0.parent as! XMLElement, "class") == "classe" }) {
                XCTAssertEqual(shape, "surface", name, file: file, line: line)   // raster classes
            } else {
                XCTAssertEqual(shape, "surface", "\(name) : \(ParsedSVG.attr(e, "data-libelle")!)", file: file, line: line)
                XCTAssertTrue(kids.contains("rect"), name, file: file, line: line)
            }
        }
        // …and every class drawn is listed (layers kept out on purpose excepted).
        for g in svg.all() where (ParsedSVG.attr(g, "id") ?? "").hasPrefix("couche-") && ParsedSVG.attr(g, "data-legende") == nil {
            let layer = String(ParsedSVG.attr(g, "id")!.dropFirst("couche-".count))
            if layer.hasPrefix("carton-") { continue }
            for c in (g.children ?? []).compactMap({ $0 as? XMLElement }) where ParsedSVG.attr(c, "class") == "classe" {
                guard (c.children ?? []).contains(where: { ($0 as? XMLElement) != nil }) else { continue }
                let key = layer + "|" + (ParsedSVG.attr(c, "data-classe") ?? "")
                XCTAssertTrue(listed.contains(key), "\(name) : classe dessinée absente de la légende : \(key)", file: file, line: line)
            }
        }
        // No diagnostic text on the plan.
        XCTAssertFalse(svg.root.xmlString.contains("non placée"), name, file: file, line: line)
    }

    // MARK: the plans

    static let date = "30/11/2026"

    func testDemoPlanDeMasse() throws {
        let perimeters = try Fixture.demo("perimetres")
        let residences = try Fixture.demo("residences")
        var background = OrientationLayers(roads: try Fixture.demo("routes", .shaped).indexed())
        try background.resolveFields()
        let plan = try Plans.site(perimeters: perimeters, quartier: "Les Pins",
                                  layers: .init(tenure: try Fixture.demo("parcelles"), residences: residences, background: background),
                                  options: PlanOptions(date: Self.date))
        let svg = try ParsedSVG(plan.svg)
        let labels = Self.checkLabels(svg, "plan de masse")
        XCTAssertTrue(labels.contains { $0.object.hasPrefix("voie:") }, "des noms de rue")
        try Self.checkResidencesNamed(svg, plan, residences: residences,
                                      quartier: try Plans.select(perimeters, name: "Les Pins").shape, "plan de masse")
        try Self.checkLegend(svg, "plan de masse")
        // Les Pins is too dense for every name: some residences are numbered,
        // the key table is on the plan, and the leader lines lead somewhere.
        XCTAssertGreaterThan(plan.labelCounts.numbered, 0)
        XCTAssertNotNil(svg.element(id: "cle-numeros"))
        XCTAssertEqual(plan.labelCounts.keyLeftOut, 0)
        // Long names wrapped or set beside: no residence label is wider than 45 mm.
        for l in labels where l.object.hasPrefix("residences:") {
            XCTAssertLessThan(l.corners[1].x - l.corners[0].x, 45, l.text)
        }
    }

    func testDemoRouteWithStopsAndHotspots() throws {
        // The walking route drawn through the quartier, its stops numbered on their discs.
        let perimeters = try Fixture.demo("perimetres")
        let residences = try Fixture.demo("residences")
        let pins = try Plans.select(perimeters, name: "Les Pins").shape
        let b = try XCTUnwrap(try pins.bounds())
        let c = b.center
        let loop: [Position] = [Position(c.x - 60, c.y - 40), Position(c.x + 60, c.y - 40), Position(c.x + 60, c.y + 40),
                                Position(c.x - 60, c.y + 40), Position(c.x - 60, c.y - 40)]
        let route = WorkingLayer(derived: "parcours", source: "parcours.geojson", crs: .lambert93,
                                 features: [Feature(index: 0, geometry: .lineString(loop), properties: Properties())])
        var stops: [Feature] = []
        var shapes: [GeometryHandle] = []
        for (k, p) in loop.dropLast().enumerated() {
            let h = try GeometryHandle(x: p.x, y: p.y).buffer(11)
            stops.append(Feature(index: k, geometry: try h.geometry(), properties: Properties([("numero", .number(Double(k + 1)))])))
            shapes.append(h)
        }
        let stopLayer = WorkingLayer(derived: "arrets", source: "parcours_arrets.geojson", crs: .lambert93, features: stops, shapes: shapes)
        let plan = try Plans.site(perimeters: perimeters, quartier: "Les Pins",
                                  layers: .init(tenure: try Fixture.demo("parcelles"), residences: residences,
                                                route: route, stops: stopLayer, routeAlongStreets: true),
                                  title: "Parcours du diagnostic en marchant", options: PlanOptions(date: Self.date))
        let svg = try ParsedSVG(plan.svg)
        let labels = Self.checkLabels(svg, "parcours")
        XCTAssertEqual(labels.filter { $0.cls == "numero-symbole" }.map(\.text).sorted(), ["1", "2", "3", "4"])
        try Self.checkResidencesNamed(svg, plan, residences: residences, quartier: pins, "parcours")
        try Self.checkLegend(svg, "parcours")
    }

    func testDemoPlanDeSituationWithInset() throws {
        let perimeters = try Fixture.demo("perimetres").indexed()
        var background = OrientationLayers(roads: try Fixture.demo("routes", .shaped).indexed())
        try background.resolveFields()
        let plan = try Plans.situation(perimeters: perimeters, quartier: "Les Pins", context: try Fixture.real("communes-13").indexed(),
                                       background: background, options: PlanOptions(date: Self.date))
        let svg = try ParsedSVG(plan.svg)
        let labels = Self.checkLabels(svg, "plan de situation")
        // The quartier is named first of all.
        XCTAssertTrue(labels.contains { $0.text == "Les Pins" }, "\(labels.map { $0.text })")
        try Self.checkLegend(svg, "plan de situation")
    }

    /// Real BD TOPO buildings (347 footprints around a test perimeter in
    /// Rodez) taken as the residences, with the real roads: small, dense,
    /// irregular buildings, most of them too small for their name.
    func testRealBuildingsAndRoads() throws {
        let buildings = try Loader.load(path: Fixture.path("bdtopo-rodez/batiments.geojson"), working: .lambert93, expecting: .areal)
        var background = OrientationLayers(roads: try Loader.load(path: Fixture.path("bdtopo-rodez/routes.geojson"),
                                                                  working: .lambert93, expecting: .shaped).indexed())
        try background.resolveFields()
        let square = Feature(index: 0, geometry: .polygon(Polygon(exterior: [
            Position(666250, 6362350), Position(666550, 6362350), Position(666550, 6362650), Position(666250, 6362650), Position(666250, 6362350),
        ])), properties: Properties([("nom", .string("Périmètre d'essai"))]))
        let perimeters = WorkingLayer(derived: "perimetres", source: "essai.geojson", crs: .lambert93, features: [square],
                                      shapes: [try GeometryHandle(square.geometry!)])
        let plan = try Plans.site(perimeters: perimeters, quartier: nil, layers: .init(residences: buildings, background: background),
                                  options: PlanOptions(scale: 2500, date: Self.date))
        let svg = try ParsedSVG(plan.svg)
        Self.checkLabels(svg, "Rodez")
        // 200-odd footprints in the perimeter: more numbers than an A4 holds;
        // the ones without room are counted, not hidden.
        try Self.checkResidencesNamed(svg, plan, residences: buildings, quartier: perimeters.shapes[0], strict: false, "Rodez")
        let counts = plan.labelCounts
        XCTAssertLessThan(Double(counts.keyLeftOut + counts.dropped), 0.2 * Double(counts.placed + counts.numbered),
                          "\(counts.summary)")
        try Self.checkLegend(svg, "Rodez")
        XCTAssertGreaterThan(plan.labelCounts.numbered, 20, "most real buildings are too small for their name")
    }
}
