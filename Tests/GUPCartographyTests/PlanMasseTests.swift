import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GUPAnalysis
import GUPCartography
import GUPModel
import GUPTopology
import XCTest

/// The plan de masse of the demo quartier « Les Pins », parsed back.
final class PlanMasseTests: XCTestCase {
    static var perimeters: WorkingLayer!
    static var parcels: WorkingLayer!
    static var residences: WorkingLayer!
    static var plan: RenderedPlan!
    static var svg: ParsedSVG!

    override class func setUp() {
        super.setUp()
        perimeters = try! Fixture.demo("perimetres")
        parcels = try! Fixture.demo("parcelles")
        residences = try! Fixture.demo("residences")
        plan = try! Plans.site(perimeters: perimeters, quartier: "Les Pins",
                               layers: .init(tenure: parcels, residences: residences),
                               options: PlanOptions(page: Page(format: .a4, orientation: .paysage), date: "22/11/2025"))
        svg = try! ParsedSVG(plan.svg)
    }

    func testPageIsMillimetres() {
        let r = Self.svg.root
        XCTAssertEqual(ParsedSVG.attr(r, "width"), "297mm")
        XCTAssertEqual(ParsedSVG.attr(r, "height"), "210mm")
        XCTAssertEqual(ParsedSVG.attr(r, "viewBox"), "0 0 297 210")
        XCTAssertEqual(ParsedSVG.attr(r, "font-family"), "DejaVu Sans, Arial, sans-serif")
    }

    /// Every vertex of the drawn perimeter maps back (through the frame's
    /// own data-cadre / data-emprise / data-echelle) to a vertex of the
    /// quartier in Lambert-93 within 0.2 mm at print scale.
    func testPerimeterVerticesArePrintTrue() throws {
        let carte = try XCTUnwrap(Self.svg.element(id: "carte"))
        let n = try XCTUnwrap(ParsedSVG.num(carte, "data-echelle"))
        XCTAssertEqual(ParsedSVG.attr(carte, "data-crs"), "EPSG:2154")
        let emprise = ParsedSVG.numbers(carte, "data-emprise")
        let cadre = ParsedSVG.numbers(carte, "data-cadre")
        XCTAssertEqual(emprise.count, 4); XCTAssertEqual(cadre.count, 4)
        // The emprise is the cadre at 1:N.
        XCTAssertEqual((emprise[2] - emprise[0]) * 1000 / n, cadre[2], accuracy: 0.02)
        XCTAssertEqual((emprise[3] - emprise[1]) * 1000 / n, cadre[3], accuracy: 0.02)

        let layer = try XCTUnwrap(Self.svg.element(id: "couche-perimetre"))
        let paths = Self.svg.all(layer).filter { $0.name == "path" }
        XCTAssertEqual(paths.count, 1)
        XCTAssertEqual(ParsedSVG.attr(paths[0], "data-nom_qp"), "Les Pins")
        let drawn = ParsedSVG.pathPoints(ParsedSVG.attr(paths[0], "d")!).flatMap { $0 }
        XCTAssertGreaterThanOrEqual(drawn.count, 6)
        let pins = Self.perimeters.features.first { $0.properties["nom_qp"]?.text == "Les Pins" }!
        var truth: [Position] = []
        pins.geometry!.forEachPosition { truth.append($0) }
        let tolerance = 0.2 * n / 1000   // 0.2 mm on paper, in metres
        for p in drawn {
            let ground = Position(emprise[0] + (p.x - cadre[0]) * n / 1000, emprise[3] - (p.y - cadre[1]) * n / 1000)
            let d = truth.map { (($0.x - ground.x) * ($0.x - ground.x) + ($0.y - ground.y) * ($0.y - ground.y)).squareRoot() }.min()!
            XCTAssertLessThan(d, tolerance, "sommet (\(p.x), \(p.y)) mm à \(d) m du périmètre")
        }
    }

    func testScaleBar() throws {
        let bar = try XCTUnwrap(Self.svg.element(id: "echelle-graphique"))
        let metres = try XCTUnwrap(ParsedSVG.num(bar, "data-longueur-m"))
        let mm = try XCTUnwrap(ParsedSVG.num(bar, "data-longueur-mm"))
        let n = Double(Self.plan.scale)
        XCTAssertEqual(mm, metres * 1000 / n, accuracy: 0.01)
        // Drawn length: the segments end to end.
        let segs = Self.svg.all(bar).filter { ParsedSVG.attr($0, "class") == "segment" }
        XCTAssertGreaterThanOrEqual(segs.count, 4)
        let x0 = segs.map { ParsedSVG.num($0, "x")! }.min()!
        let x1 = segs.map { ParsedSVG.num($0, "x")! + ParsedSVG.num($0, "width")! }.max()!
        XCTAssertEqual(x1 - x0, mm, accuracy: 0.03)
        // A round length: 1, 2 or 5 × 10^k.
        let lead = metres / pow(10, floor(log10(metres)))
        XCTAssertTrue([1.0, 2.0, 5.0].contains { abs($0 - lead) < 1e-9 }, "longueur \(metres) m")
        // About a fifth of the frame.
        let frameW = Self.plan.frames[0].rect.width
        XCTAssertGreaterThan(mm, frameW / 10); XCTAssertLessThan(mm, frameW / 2.5)
        XCTAssertTrue(Self.plan.svg.contains("1/\(SVG.frenchInteger(Self.plan.scale))"))
    }

    func testEverythingInsidePage() {
        let w = 297.0, h = 210.0
        var checked = 0
        for e in Self.svg.all() {
            var pts: [Position] = []
            switch e.name {
            case "rect":
                guard let x = ParsedSVG.num(e, "x"), let y = ParsedSVG.num(e, "y") else { continue }
                pts = [Position(x, y), Position(x + ParsedSVG.num(e, "width")!, y + ParsedSVG.num(e, "height")!)]
            case "circle":
                let cx = ParsedSVG.num(e, "cx")!, cy = ParsedSVG.num(e, "cy")!, r = ParsedSVG.num(e, "r")!
                pts = [Position(cx - r, cy - r), Position(cx + r, cy + r)]
            case "path":
                pts = ParsedSVG.pathPoints(ParsedSVG.attr(e, "d")!).flatMap { $0 }
            case "text":
                guard let x = ParsedSVG.num(e, "x"), let y = ParsedSVG.num(e, "y"), let s = ParsedSVG.num(e, "font-size") else { continue }
                let wd = TextMetrics.width(e.stringValue ?? "", size: s)
                let anchor = ParsedSVG.attr(e, "text-anchor") ?? ParsedSVG.attr(e.parent as! XMLElement, "text-anchor") ?? "start"
                let left = anchor == "middle" ? x - wd / 2 : x
                pts = [Position(left, y - s), Position(left + min(wd, w), y + s * 0.3)]
            default: continue
            }
            // Children of the north arrow are rotated by a degree or two around the arrow's centre.
            for p in pts {
                checked += 1
                XCTAssertTrue(p.x >= 0 && p.x <= w && p.y >= 0 && p.y <= h, "\(e.name ?? "?") hors de la page : \(p)")
            }
        }
        XCTAssertGreaterThan(checked, 1000)
    }

    /// Legend entries are exactly the classes that have something drawn.
    func testLegendEntriesAreClassesDrawn() throws {
        var drawn = Set<String>()
        let carte = try XCTUnwrap(Self.svg.element(id: "carte"))
        // Layers marked data-legende="non" (the veil outside the quartier) are drawn, not listed.
        for layer in Self.svg.all(carte) where (ParsedSVG.attr(layer, "id") ?? "").hasPrefix("couche-")
            && ParsedSVG.attr(layer, "data-legende") != "non" {
            let name = String(ParsedSVG.attr(layer, "id")!.dropFirst("couche-".count))
            for g in (layer.children ?? []).compactMap({ $0 as? XMLElement }) where ParsedSVG.attr(g, "class") == "classe" {
                if (g.children ?? []).contains(where: { $0 is XMLElement }) {
                    drawn.insert(name + "|" + (ParsedSVG.attr(g, "data-classe") ?? ""))
                }
            }
        }
        let legend = try XCTUnwrap(Self.svg.element(id: "legende"))
        let entries = Self.svg.all(legend).filter { ParsedSVG.attr($0, "class") == "entree-legende" }
        let listed = Set(entries.map { ParsedSVG.attr($0, "data-couche")! + "|" + ParsedSVG.attr($0, "data-classe")! })
        XCTAssertEqual(entries.count, listed.count, "entrée de légende en double")
        XCTAssertEqual(listed, drawn)
        // The demo's 7 managers are all in the frame of « Les Pins » at this scale…
        let managers = entries.filter { ParsedSVG.attr($0, "data-couche") == "domanialite" }.map { ParsedSVG.attr($0, "data-libelle")! }
        XCTAssertEqual(Set(managers), Set(Self.parcels.features.compactMap { $0.properties["gestionnaire"]?.text }.filter { m in
            drawn.contains("domanialite|" + m) }))
        XCTAssertFalse(managers.isEmpty)
    }

    /// A manager with no parcel in the frame has no legend entry.
    func testLegendOmitsAbsentClasses() throws {
        var parcels = Self.parcels!
        // One parcel 50 km away, with a manager nobody else has.
        var far = parcels.features[0]
        far.properties["gestionnaire"] = .string("Bailleur lointain")
        far.geometry = far.geometry!.mapPositions { Position($0.x + 50_000, $0.y) }
        parcels.features.append(far)
        parcels.shapes.append(try GeometryHandle(far.geometry!))
        let plan = try Plans.site(perimeters: Self.perimeters, quartier: "Les Pins", layers: .init(tenure: parcels),
                                  options: PlanOptions(date: "22/11/2025"))
        XCTAssertFalse(plan.legend.contains { $0.label == "Bailleur lointain" })
        XCTAssertTrue(plan.legend.contains { $0.label == "LOGIREM" })
        XCTAssertEqual(plan.stats[0].outside["domanialite"].map { $0 >= 1 }, true)
    }

    /// No two label boxes (recomputed from the text and its font size)
    /// overlap, every label is inside the frame, and each residence of
    /// the quartier is named or numbered (none dropped).
    func testLabelsDoNotOverlap() throws {
        let labels = try XCTUnwrap(Self.svg.element(id: "etiquettes"))
        let frame = Self.plan.frames[0].rect
        var boxes: [PageRect] = []
        var turned = 0
        for t in Self.svg.all(labels) where t.name == "text" {
            // Names turned along their building: checked on their corners by LabelEngineTests.
            if ParsedSVG.attr(t, "transform") != nil { turned += 1; continue }
            let s = ParsedSVG.num(t, "font-size")!
            let lines = (t.children ?? []).compactMap { ($0 as? XMLElement)?.stringValue }
            let x = ParsedSVG.num(t, "x")!, y = ParsedSVG.num(t, "y")!
            let w = lines.map { TextMetrics.width($0, size: s) }.max()!
            // From the first baseline: ascent above, the other lines and a descent below.
            let box = PageRect(x: x - w / 2, y: y - 0.95 * s, width: w,
                               height: 0.95 * s + Double(lines.count - 1) * TextMetrics.lineHeight(s) + 0.25 * s)
            XCTAssertTrue(frame.contains(box), "étiquette hors du cadre : \(lines)")
            for o in boxes { XCTAssertFalse(o.intersects(box), "étiquettes superposées : \(lines)") }
            boxes.append(box)
        }
        XCTAssertGreaterThan(boxes.count, 20)
        // Names and numbers (the residences named in the key table).
        XCTAssertEqual(Int(ParsedSVG.attr(labels, "data-placees")!)! + Int(ParsedSVG.attr(labels, "data-numerotees")!)!, boxes.count + turned)
        // Residences of the quartier (centre inside) are the labelled ones.
        let pins = try Plans.select(Self.perimeters, name: "Les Pins").shape
        let prepared = try PreparedGeometry(pins)
        let inside = try prepared.contains(Self.residences.features.map { $0.geometry!.bounds!.center }).filter { $0 }.count
        XCTAssertEqual(Self.plan.labelsPlaced + Self.plan.labelsNumbered + Self.plan.labelsDropped, inside)
        XCTAssertEqual(Self.plan.labelsDropped, 0)
    }

    func testFeaturesKeepIdentifyingData() throws {
        let layer = try XCTUnwrap(Self.svg.element(id: "couche-domanialite"))
        let paths = Self.svg.all(layer).filter { $0.name == "path" }
        XCTAssertGreaterThan(paths.count, 100)
        XCTAssertTrue(paths.allSatisfy { (ParsedSVG.attr($0, "data-id") ?? "").hasPrefix("13117") })
        XCTAssertTrue(paths.allSatisfy { ParsedSVG.attr($0, "data-gestionnaire") != nil })
        // Coordinates with 2 decimals.
        let d = ParsedSVG.attr(paths[0], "d")!
        let re = try NSRegularExpression(pattern: "-?[0-9]+\\.[0-9]{2}(?![0-9])")
        let tokens = d.split(whereSeparator: { "MLZ ".contains($0) })
        XCTAssertTrue(tokens.allSatisfy { re.firstMatch(in: String($0), range: NSRange(location: 0, length: $0.utf16.count)) != nil })
    }

    func testDefaultScaleIsSmallestThatFits() throws {
        // Les Pins is about 580 m × 490 m; the A4 landscape frame is
        // 201 × 194 mm; with 5 % margins 580 m needs ≤ 181 mm: 1:2 500
        // gives 232 mm (too wide), 1:5 000 gives 116 mm.
        let b = try Plans.select(Self.perimeters, name: "Les Pins").shape.bounds()!
        XCTAssertGreaterThan(b.width * 1000 / 2500, Self.plan.frames[0].rect.width * 0.9)
        XCTAssertLessThan(b.width * 1000 / 5000, Self.plan.frames[0].rect.width * 0.9)
        XCTAssertEqual(Self.plan.scale, 5000)
        let a3 = try Plans.site(perimeters: Self.perimeters, quartier: "Les Pins", layers: .init(),
                                options: PlanOptions(page: Page(format: .a3), date: "x"))
        XCTAssertEqual(a3.scale, 2500)
        let forced = try Plans.site(perimeters: Self.perimeters, quartier: "Les Pins", layers: .init(),
                                    options: PlanOptions(scale: 10_000, date: "x"))
        XCTAssertEqual(forced.scale, 10_000)
        XCTAssertTrue(forced.svg.contains("data-echelle=\"10000\""))
    }
}
