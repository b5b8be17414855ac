import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GUPAnalysis
import GUPCartography
import GUPModel
import GUPTopology
import XCTest

/// Issue 14, symbology and layout of the plans, read back from the SVG.
final class SymbologyTests: XCTestCase {
    // MARK: colour science, written again here from the published formulas
    // (IEC 61966-2-1 sRGB, CIE 1976 L*a*b* D65, Machado et al. 2009 severity 1)
    // so the plans' colours are checked by code that is not the code drawing them.

    static func lab(_ hex: String, _ m: [Double]? = nil) -> (Double, Double, Double) {
        let v = UInt32(hex.dropFirst(), radix: 16)!
        func lin(_ c: UInt32) -> Double { let s = Double(c) / 255; return s <= 0.04045 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4) }
        var r = lin((v >> 16) & 255), g = lin((v >> 8) & 255), b = lin(v & 255)
        if let m {
            let (r2, g2, b2) = (m[0] * r + m[1] * g + m[2] * b, m[3] * r + m[4] * g + m[5] * b, m[6] * r + m[7] * g + m[8] * b)
            r = min(max(r2, 0), 1); g = min(max(g2, 0), 1); b = min(max(b2, 0), 1)
        }
        let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
        let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
        let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883
        func f(_ t: Double) -> Double { t > 216.0 / 24389 ? cbrt(t) : (24389.0 / 27 * t + 16) / 116 }
        return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))
    }
    static let deutan = [0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.011820, 0.042940, 0.968881]
    static let protan = [0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216, -0.003882, -0.048116, 1.051998]
    /// ΔE76 in normal vision, deuteranopia and protanopia.
    static func deltaE(_ a: String, _ b: String) -> [Double] {
        [nil, deutan, protan].map { m in
            let p = lab(a, m), q = lab(b, m)
            return ((p.0 - q.0) * (p.0 - q.0) + (p.1 - q.1) * (p.1 - q.1) + (p.2 - q.2) * (p.2 - q.2)).squareRoot()
        }
    }
    static func hue(_ hex: String) -> Double { let c = lab(hex); let h = atan2(c.2, c.1) * 180 / .pi; return h < 0 ? h + 360 : h }

    /// The demo parcels handed to `n` managers in turn (`type` from `kinds` when given).
    static func parcels(managers n: Int, kinds: [String]? = nil) throws -> WorkingLayer {
        var l = try Fixture.demo("parcelles")
        for k in l.features.indices {
            let m = k % n
            l.features[k].properties["gestionnaire"] = .string(String(format: "Gestionnaire %02d", m + 1))
            if let kinds { l.features[k].properties["type"] = .string(kinds[m % kinds.count]) }
        }
        return l
    }

    /// Fills of the classes of a layer group, by class key.
    static func fills(_ svg: ParsedSVG, layer: String) -> [String: String] {
        var out: [String: String] = [:]
        guard let g = svg.element(id: "couche-" + layer) else { return out }
        for c in svg.all(g) where ParsedSVG.attr(c, "class") == "classe" {
            if let k = ParsedSVG.attr(c, "data-classe"), let f = ParsedSVG.attr(c, "fill") { out[k] = f }
        }
        return out
    }

    // MARK: manager colours

    /// 25 managers (and 30) on one plan: 25 (30) different fills, any two
    /// ΔE76 ≥ 10 in normal vision and under simulated deuteranopia and
    /// protanopia; none within ΔE76 10 of the hotspot reds, no red hue.
    func testTwentyFiveManagersNeverShareOrConfuseAColour() throws {
        let perimeters = try Fixture.demo("perimetres")
        for n in [25, 30] {
            let plan = try Plans.site(perimeters: perimeters, quartier: "Les Pins", layers: .init(tenure: try Self.parcels(managers: n)),
                                      options: PlanOptions(date: "30/11/2026"))
            let fills = Self.fills(try ParsedSVG(plan.svg), layer: "domanialite")
            XCTAssertEqual(fills.count, n, "every manager drawn")
            let colours = Array(fills.values)
            XCTAssertEqual(Set(colours).count, n, "no colour repeats")
            var worst = Double.infinity
            for i in colours.indices { for j in colours.indices where j > i { worst = min(worst, Self.deltaE(colours[i], colours[j]).min()!) } }
            XCTAssertGreaterThanOrEqual(worst, 10, "\(n) managers: smallest ΔE76 \(worst)")
            for c in colours {
                for red in ["#e31a1c", "#b10026", "#d7301f"] {
                    XCTAssertGreaterThanOrEqual(Self.deltaE(c, red).min()!, 10, "\(c) near hotspot red \(red)")
                }
                let h = Self.hue(c), l = Self.lab(c)
                XCTAssertFalse((l.1 * l.1 + l.2 * l.2).squareRoot() > 30 && (h >= 345 || h <= 45), "\(c) is a red")
            }
        }
        // The same manager keeps its colour whatever the order of the names.
        let a = ColorAssignment(names: (1...25).map { "G\($0)" }), b = ColorAssignment(names: (1...25).reversed().map { "G\($0)" })
        XCTAssertEqual(a, b)
    }

    /// A `type` column groups managers in hue families: public bodies in
    /// blues and violets, social landlords in greens and teals, co-ownerships
    /// in yellows and browns; still ΔE76 ≥ 10 apart in every vision.
    func testManagerKindsKeepToTheirHueFamilies() throws {
        let kinds = ["Collectivité publique", "Bailleur social", "Copropriété"]
        let perimeters = try Fixture.demo("perimetres")
        let plan = try Plans.site(perimeters: perimeters, quartier: "Les Pins",
                                  layers: .init(tenure: try Self.parcels(managers: 15, kinds: kinds)), options: PlanOptions(date: "30/11/2026"))
        let fills = Self.fills(try ParsedSVG(plan.svg), layer: "domanialite")
        XCTAssertEqual(fills.count, 15)
        for (name, colour) in fills {
            let m = Int(name.suffix(2))! - 1
            let h = Self.hue(colour)
            switch m % 3 {
            case 0: XCTAssertTrue((236...330).contains(h), "public \(name) \(colour) hue \(h)")
            case 1: XCTAssertTrue((120...235).contains(h), "landlord \(name) \(colour) hue \(h)")
            default: XCTAssertTrue((56...108).contains(h), "co-ownership \(name) \(colour) hue \(h)")
            }
        }
        let c = Array(fills.values)
        for i in c.indices { for j in c.indices where j > i { XCTAssertGreaterThanOrEqual(Self.deltaE(c[i], c[j]).min()!, 10) } }
        // The legend says the kind.
        XCTAssertTrue(plan.legend.contains { $0.label == "Gestionnaire 02 (bailleur)" })
    }

    // MARK: incidents

    /// Incident categories differ by shape as well as colour, and no dot is
    /// a shade of the parcel palette: each dot is at least 10 L* darker than
    /// every parcel fill.
    func testIncidentCategoriesHaveShapesAndStayOffTheParcelPalette() throws {
        let perimeters = try Fixture.demo("perimetres")
        let parcels = try Fixture.demo("parcelles")
        // One report at the point on surface of each parcel, 7 categories in turn.
        let categories = ["dépôt sauvage", "encombrants", "tag", "épave", "éclairage", "propreté", "dégradation"]
        var feats: [String] = []
        for (k, s) in parcels.shapes.enumerated() {
            let p = try s.pointOnSurface().pointPosition()
            feats.append("{\"type\":\"Feature\",\"properties\":{\"categorie\":\"\(categories[k % 7])\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(p.x),\(p.y)]}}")
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gup-incidents-\(UUID().uuidString).geojson")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(("{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::2154\"}},\"features\":[" + feats.joined(separator: ",") + "]}").utf8).write(to: url)
        let incidents = try Loader.load(path: url.path, working: .lambert93, expecting: .point)
        let plan = try Plans.site(perimeters: perimeters, quartier: "Les Pins", layers: .init(tenure: parcels, incidents: incidents),
                                  options: PlanOptions(date: "30/11/2026"))
        let svg = try ParsedSVG(plan.svg)
        let group = try XCTUnwrap(svg.element(id: "couche-incidents"))
        var styles: [String: (fill: String, shape: String)] = [:]
        for c in svg.all(group) where ParsedSVG.attr(c, "class") == "classe" {
            let first = (c.children ?? []).compactMap { $0 as? XMLElement }.first!
            let shape = first.name == "path" ? ((ParsedSVG.attr(first, "d") ?? "").filter { $0 == "L" }.count == 2 ? "triangle" : "losange") : first.name!
            styles[ParsedSVG.attr(c, "data-classe")!] = (ParsedSVG.attr(c, "fill")!, shape)
        }
        XCTAssertEqual(styles.count, 7)
        XCTAssertEqual(Set(styles.values.map(\.fill)).count, 7, "one colour per category")
        XCTAssertEqual(Set(styles.values.map(\.shape)), ["circle", "rect", "triangle", "losange"], "four shapes in turn")
        // Two categories of the same shape differ in colour by ΔE76 ≥ 10 in every vision.
        let byShape = Dictionary(grouping: styles.values, by: \.shape)
        for (_, v) in byShape where v.count > 1 {
            for i in v.indices { for j in v.indices where j > i { XCTAssertGreaterThanOrEqual(Self.deltaE(v[i].fill, v[j].fill).min()!, 10) } }
        }
        let parcelFills = Self.fills(svg, layer: "domanialite").values
        XCTAssertFalse(parcelFills.isEmpty)
        for s in styles.values {
            for p in parcelFills { XCTAssertGreaterThanOrEqual(Self.lab(p).0 - Self.lab(s.fill).0, 10, "dot \(s.fill) on parcel \(p)") }
        }
    }

    // MARK: layout

    /// The cartouche carries the fields a technician signs, the producers
    /// as sources and never a file name.
    func testCartoucheFieldsAndProducers() throws {
        let perimeters = try Fixture.demo("perimetres")
        let fields = TitleBlockFields(client: "Ville de Vitrolles", author: "A. Martin", number: "GUP-2026-004", revision: "B",
                                      dataDate: "01/10/2026")
        let plan = try Plans.site(perimeters: perimeters, quartier: "Les Pins", layers: .init(tenure: try Fixture.demo("parcelles")),
                                  options: PlanOptions(date: "30/11/2026", sources: ["DGFiP (cadastre)", "Ville de Vitrolles"], titleBlock: fields))
        let svg = try ParsedSVG(plan.svg)
        let c = try XCTUnwrap(svg.element(id: "cartouche"))
        XCTAssertEqual(ParsedSVG.attr(c, "data-maitre-ouvrage"), "Ville de Vitrolles")
        XCTAssertEqual(ParsedSVG.attr(c, "data-auteur"), "A. Martin")
        XCTAssertEqual(ParsedSVG.attr(c, "data-numero-plan"), "GUP-2026-004")
        XCTAssertEqual(ParsedSVG.attr(c, "data-indice"), "B")
        XCTAssertEqual(ParsedSVG.attr(c, "data-date-donnees"), "01/10/2026")
        let text = svg.all(c).filter { $0.name == "text" }.map { $0.stringValue ?? "" }.joined(separator: "\n")
        for t in ["Maître d'ouvrage : Ville de Vitrolles", "Auteur : A. Martin", "Plan n° GUP-2026-004 — indice B",
                  "données du 01/10/2026", "Sources : DGFiP (cadastre) ; Ville de Vitrolles"] {
            XCTAssertTrue(text.contains(t), "\(t) in \(text)")
        }
        XCTAssertFalse(text.contains(".geojson"), text)
    }

    /// Every coordinate tick sits where its Lambert-93 value projects on the
    /// page (within 0.01 mm), at round values, on all four sides.
    func testTicksAtTheirProjectedCoordinates() throws {
        let perimeters = try Fixture.demo("perimetres")
        for (page, scale) in [(Page(format: .a3), 2_500), (Page(format: .a4, orientation: .portrait), 5_000)] {
            let plan = try Plans.site(perimeters: perimeters, quartier: "Les Pins", layers: .init(tenure: try Fixture.demo("parcelles")),
                                      options: PlanOptions(page: page, scale: scale, date: "30/11/2026"))
            let svg = try ParsedSVG(plan.svg)
            let frame = try XCTUnwrap(svg.element(id: "carte"))
            let e = ParsedSVG.numbers(frame, "data-emprise"), r = ParsedSVG.numbers(frame, "data-cadre")
            let k = 1000.0 / Double(scale)
            let g = try XCTUnwrap(svg.element(id: "graduations"))
            XCTAssertEqual(ParsedSVG.attr(g, "data-crs"), "EPSG:2154")
            let step = try XCTUnwrap(ParsedSVG.num(g, "data-pas-m"))
            let ticks = svg.all(g).filter { ParsedSVG.attr($0, "class") == "graduation" }
            var xs = 0, ys = 0
            for t in ticks {
                let v = ParsedSVG.num(t, "data-valeur")!
                XCTAssertEqual(v.truncatingRemainder(dividingBy: step), 0, accuracy: 1e-9)
                if ParsedSVG.attr(t, "data-axe") == "x" {
                    xs += 1
                    XCTAssertEqual(ParsedSVG.num(t, "x1")!, r[0] + (v - e[0]) * k, accuracy: 0.01)
                    XCTAssertTrue(v >= e[0] && v <= e[2])
                } else {
                    ys += 1
                    XCTAssertEqual(ParsedSVG.num(t, "y1")!, r[1] + (e[3] - v) * k, accuracy: 0.01)
                }
            }
            // Both sides of each axis, at least 3 values each.
            XCTAssertGreaterThanOrEqual(xs, 6); XCTAssertGreaterThanOrEqual(ys, 6)
            let labels = svg.all(g).filter { ParsedSVG.attr($0, "class") == "graduation-texte" }.map { $0.stringValue ?? "" }
            XCTAssertTrue(labels.contains { $0.hasPrefix("6 26") }, "\(labels)")   // northings with French digit grouping
        }
    }

    /// A forced scale the quartier does not fit: a French error naming the
    /// scale, the frame size needed and a scale that fits.
    func testForcedScaleThatDoesNotFitIsAnError() throws {
        let perimeters = try Fixture.demo("perimetres")
        XCTAssertThrowsError(try Plans.site(perimeters: perimeters, quartier: "Les Pins", layers: .init(),
                                            options: PlanOptions(scale: 1_000, date: "30/11/2026"))) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("1/1 000"), m)
            XCTAssertTrue(m.contains("mm"), m)
            XCTAssertTrue(m.contains("--echelle 5000"), m)
        }
        // The plan de situation asks only its quartier to fit (its surroundings may be cut).
        XCTAssertNoThrow(try Plans.situation(perimeters: perimeters, quartier: "Les Pins", context: nil,
                                             options: PlanOptions(scale: 5_000, date: "30/11/2026")))
    }

    /// French decimal commas in every text of a plan (« 2,5 km », « 1,6° »).
    func testNoDecimalPointInAnyText() throws {
        let perimeters = try Fixture.demo("perimetres")
        for scale in [5_000, 25_000] {
            let plan = try Plans.site(perimeters: perimeters, quartier: "Les Pins", layers: .init(tenure: try Fixture.demo("parcelles")),
                                      options: PlanOptions(scale: scale, date: "30/11/2026"))
            let svg = try ParsedSVG(plan.svg)
            for t in svg.all().filter({ $0.name == "text" }) {
                let s = t.stringValue ?? ""
                XCTAssertNil(s.range(of: "[0-9]\\.[0-9]", options: .regularExpression), s)
            }
        }
        XCTAssertEqual(SVG.frenchNumber(2.5), "2,5")
        XCTAssertEqual(SVG.frenchDecimal(1234.56, digits: 1), "1 234,6")
    }

    // MARK: heat

    /// The heat layer: cells of at most 1 mm on paper, none beyond the
    /// quartier grown by the kernel radius (no computation rectangle),
    /// parcels in grey outline only, the given classes used and written.
    func testHeatLayerCellsClassesAndNoManagerColours() throws {
        let perimeters = try Fixture.demo("perimetres")
        let parcels = try Fixture.demo("parcelles")
        let points = try parcels.shapes.map { try $0.pointOnSurface().pointPosition() }
        let classes = HeatClasses(floor: 1, breaks: [10, 20, 40, 80, 1_000], basis: "classes communes")
        let plan = try Plans.site(perimeters: perimeters, quartier: "Les Pins",
                                  layers: .init(tenure: parcels, heat: HeatInput(points: points, radius: 100, classes: classes)),
                                  options: PlanOptions(page: Page(format: .a3), scale: 2_500, date: "30/11/2026"))
        let svg = try ParsedSVG(plan.svg)
        let heat = try XCTUnwrap(svg.element(id: "couche-chaleur"))
        XCTAssertEqual(ParsedSVG.numbers(heat, "data-bornes"), [10, 20, 40, 80, 1_000])
        XCTAssertEqual(ParsedSVG.num(heat, "data-plancher"), 1)
        XCTAssertLessThanOrEqual(try XCTUnwrap(ParsedSVG.num(heat, "data-maille-m")), 2.5, "1 mm at 1/2 500")
        XCTAssertNil(svg.element(id: "couche-domanialite"), "no manager colours under the heat")
        let outlines = try XCTUnwrap(svg.element(id: "couche-parcelles"))
        XCTAssertTrue(svg.all(outlines).allSatisfy { ParsedSVG.attr($0, "fill").map { $0 == "none" } ?? true })
        XCTAssertTrue(plan.legend.contains { $0.label == "10,0 – 20,0 incidents par hectare" })
        XCTAssertTrue(plan.legend.contains { $0.label == "1,0 – 10,0 incidents par hectare" }, "\(plan.legend.map(\.label))")
        // Every drawn run of cells lies within the quartier grown by the radius (+ one cell).
        let frame = try XCTUnwrap(svg.element(id: "carte"))
        let e = ParsedSVG.numbers(frame, "data-emprise"), r = ParsedSVG.numbers(frame, "data-cadre")
        let k = 1000.0 / 2_500
        let q = try Plans.select(perimeters, name: "Les Pins").shape
        let grown = try PreparedGeometry(try q.buffer(100 + 2.5 * 1.5))
        var corners: [Position] = []
        for rect in svg.all(heat) where rect.name == "rect" {
            let x = ParsedSVG.num(rect, "x")!, y = ParsedSVG.num(rect, "y")!, w = ParsedSVG.num(rect, "width")!, h = ParsedSVG.num(rect, "height")!
            for (px, py) in [(x, y), (x + w, y + h)] { corners.append(Position(e[0] + (px - r[0]) / k, e[3] - (py - r[1]) / k)) }
        }
        XCTAssertGreaterThan(corners.count, 100)
        XCTAssertTrue(try grown.contains(corners).allSatisfy { $0 })
    }

    /// The surface of a plan keeps exactly the cells whose centre lies in
    /// the quartier grown by the radius (tested per tile, then per cell on
    /// the tiles the outline crosses): each cell against GEOS's own
    /// point-in-polygon test, and the kept values those of the whole grid.
    func testHeatSurfaceKeepsTheCellsWhoseCentreIsInTheClip() throws {
        let perimeters = try Fixture.demo("perimetres")
        let points = try Fixture.demo("parcelles").shapes.map { try $0.pointOnSurface().pointPosition() }
        for name in ["Les Pins", "Le Liourat"] {
            let q = try Plans.select(perimeters, name: name).shape
            let qb = try XCTUnwrap(q.bounds())
            let extent = BoundingBox(minX: qb.minX - 150, minY: qb.minY - 150, maxX: qb.maxX + 150, maxY: qb.maxY + 150)
            let heat = HeatInput(points: points, radius: 100)
            let (g, clip) = try heat.surface(scale: 2_000, extent: extent, quartier: q)
            XCTAssertGreaterThan(g.columns, 16); XCTAssertGreaterThan(g.rows, 16)
            let whole = try KernelDensity.quartic(points: points, radius: 100, cellSize: g.cellSize,
                                                  extent: BoundingBox(minX: g.origin.x + 1e-6, minY: g.origin.y + 1e-6,
                                                                      maxX: g.bounds.maxX - 1e-6, maxY: g.bounds.maxY - 1e-6))
            XCTAssertEqual(whole.columns, g.columns); XCTAssertEqual(whole.rows, g.rows)
            let prepared = try PreparedGeometry(clip)
            var inside = 0, outside = 0
            for row in 0..<g.rows {
                for col in 0..<g.columns {
                    let c = g.center(column: col, row: row)
                    if try prepared.contains(try GeometryHandle(x: c.x, y: c.y)) {
                        inside += 1
                        XCTAssertEqual(g[col, row], whole[col, row], "\(name) \(col),\(row)")
                    } else {
                        outside += 1
                        XCTAssertEqual(g[col, row], 0, "\(name) \(col),\(row)")
                    }
                }
            }
            XCTAssertGreaterThan(inside, 200, name)
            XCTAssertGreaterThan(outside, 50, name)
        }
    }

    /// Shared classes: the quantiles over the pooled cells of two grids.
    func testPooledQuantileClasses() throws {
        func grid(_ values: [Double]) -> RasterGrid {
            RasterGrid(origin: Position(0, 0), cellSize: 10, columns: values.count, rows: 1, values: values, unit: "incidents par hectare")
        }
        let c = try XCTUnwrap(try HeatClasses.quantiles(of: [grid([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), grid([11, 12, 13, 14, 15, 16, 17, 18, 19, 20])],
                                                         clips: [nil, nil], classes: 4, basis: "x"))
        XCTAssertEqual(c.floor, 1, accuracy: 1e-12)   // 5 % of 20
        // 19 cells above the floor (2…20): nearest-rank quartiles 6, 11, 16, then the maximum.
        XCTAssertEqual(c.breaks, [6, 11, 16, 20])
    }

    // MARK: avant / après

    /// 17 parcels of Les Pins change manager: they are outlined in both
    /// states, the table's surfaces add up to their areas, the CSV says the
    /// same, and the panels are stacked in portrait.
    func testAvantApresOutlinesChangesAndTablesTheTransfers() throws {
        let perimeters = try Fixture.demo("perimetres")
        let before = try Fixture.demo("parcelles")
        let q = try Plans.select(perimeters, name: "Les Pins").shape
        let pq = try PreparedGeometry(q)
        var after = before
        var changed: [Int] = []
        for k in before.features.indices where try pq.contains(before.shapes[k]) {
            if before.features[k].properties["gestionnaire"]?.text == "OPAC Sud" && changed.count < 12 {
                after.features[k].properties["gestionnaire"] = .string("Ville"); changed.append(k)
            } else if before.features[k].properties["gestionnaire"]?.text == "LOGIREM" && changed.count >= 12 && changed.count < 17 {
                after.features[k].properties["gestionnaire"] = .string("ASL Les Pins"); changed.append(k)
            }
        }
        XCTAssertEqual(changed.count, 17)
        // The demo's parcels overlap a little (its overlaps are a case of the
        // domanialité analysis): ground the new manager already held through
        // an overlapping parcel did not change hands.
        var expected = 0.0
        for k in changed {
            let to = after.features[k].properties["gestionnaire"]!.text!
            let held = before.shapes.indices.filter { before.features[$0].properties["gestionnaire"]?.text == to }.map { before.shapes[$0] }
            expected += try before.shapes[k].intersection(q).difference(try GeometryHandle.unaryUnion(held)).area()
        }
        XCTAssertEqual(expected, try changed.reduce(0.0) { $0 + (try before.shapes[$1].intersection(q).area()) }, accuracy: 1)
        let plan = try Plans.beforeAfter(perimeters: perimeters, quartier: "Les Pins", before: before, after: after,
                                         options: PlanOptions(page: Page(format: .a4, orientation: .portrait), date: "30/11/2026"))
        let svg = try ParsedSVG(plan.svg)
        // Outlined in both states.
        for side in ["avant", "apres"] {
            let g = try XCTUnwrap(svg.element(id: "couche-parcelles-modifiees-" + side))
            // Drawn once over a white casing: the paths of the « trait » group.
            let paths = svg.all(g).filter { ParsedSVG.attr($0, "class") == "trait" }.flatMap { svg.all($0) }.filter { $0.name == "path" }
            XCTAssertEqual(paths.count, 17, side)
        }
        // The table on the plan: rows sum to the changed parcels' area.
        let rows = svg.all().filter { ParsedSVG.attr($0, "class") == "ligne-tableau" }
        XCTAssertEqual(rows.count, 2)
        let total = rows.reduce(0.0) { $0 + ParsedSVG.num($1, "data-surface-m2")! }
        XCTAssertEqual(total, expected, accuracy: 0.05)
        let opac = try XCTUnwrap(rows.first { ParsedSVG.attr($0, "data-de") == "OPAC Sud" })
        XCTAssertEqual(ParsedSVG.attr(opac, "data-vers"), "Ville")
        // The CSV.
        let csv = TenureChange.csv(plan.transfers)
        let lines = csv.split(separator: "\r\n").map(String.init)
        XCTAssertEqual(lines[0], "gestionnaire_avant,gestionnaire_apres,surface_m2")
        let csvTotal = lines.dropFirst().reduce(0.0) { $0 + Double($1.split(separator: ",").last!)! }
        XCTAssertEqual(csvTotal, expected, accuracy: 0.02)
        // Stacked in portrait: same x and width, one under the other.
        XCTAssertEqual(plan.frames[0].rect.x, plan.frames[1].rect.x)
        XCTAssertEqual(plan.frames[0].rect.width, plan.frames[1].rect.width)
        XCTAssertLessThan(plan.frames[0].rect.maxY, plan.frames[1].rect.y)
        XCTAssertGreaterThan(plan.frames[0].rect.width, plan.frames[0].rect.height)
    }
}

/// The cartouche's date of the day, against Foundation's formatter.
final class CartoucheDateTests: XCTestCase {
    func testTodayIsWhatAFrenchDateFormatterWrites() {
        let f = DateFormatter()
        f.locale = Locale(identifier: "fr_FR")
        f.dateFormat = "dd/MM/yyyy"
        let before = f.string(from: Date())
        let ours = Cartouche.today()
        let after = f.string(from: Date())
        // Either side of the call (a test run across midnight).
        XCTAssertTrue(ours == before || ours == after, "\(ours) au lieu de \(before)")
        XCTAssertEqual(ours.count, 10)
    }
}
