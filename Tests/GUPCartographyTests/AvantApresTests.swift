import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GUPAnalysis
import GUPCartography
import GUPModel
import XCTest

final class AvantApresTests: XCTestCase {
    /// Two frames, same scale, same colour for the same manager, and the
    /// manager added after the works gets its own legend entry.
    func testTwoStatesSameScaleSameColours() throws {
        let perimeters = try Fixture.demo("perimetres")
        let before = try Fixture.demo("parcelles")
        var after = before
        // Résidentialisation: the city hands over every parcel of OPAC Sud to a new landlord.
        for k in after.features.indices where after.features[k].properties["gestionnaire"]?.text == "OPAC Sud" {
            after.features[k].properties["gestionnaire"] = .string("ASL Les Pins")
        }
        let plan = try Plans.beforeAfter(perimeters: perimeters, quartier: "Les Pins", before: before, after: after,
                                         options: PlanOptions(date: "22/11/2025"))
        let svg = try ParsedSVG(plan.svg)
        let a = try XCTUnwrap(svg.element(id: "carte-avant")), b = try XCTUnwrap(svg.element(id: "carte-apres"))
        XCTAssertEqual(ParsedSVG.attr(a, "data-echelle"), ParsedSVG.attr(b, "data-echelle"))
        XCTAssertEqual(plan.frames[0].rect.width, plan.frames[1].rect.width, accuracy: 1e-9)
        XCTAssertFalse(plan.frames[0].rect.intersects(plan.frames[1].rect))
        func fills(_ frame: XMLElement, _ layer: String) -> [String: String] {
            var out: [String: String] = [:]
            for g in svg.all(frame) where ParsedSVG.attr(g, "class") == "classe" && (g.parent as? XMLElement).flatMap({ ParsedSVG.attr($0, "id") }) == "couche-" + layer {
                out[ParsedSVG.attr(g, "data-classe")!] = ParsedSVG.attr(g, "fill")
            }
            return out
        }
        let fa = fills(a, "domanialite-avant"), fb = fills(b, "domanialite-apres")
        XCTAssertEqual(fa["LOGIREM"], fb["LOGIREM"])
        XCTAssertNotNil(fa["OPAC Sud"]); XCTAssertNil(fb["OPAC Sud"]); XCTAssertNotNil(fb["ASL Les Pins"])
        XCTAssertNotEqual(fb["ASL Les Pins"], fa["OPAC Sud"].map { _ in fb["LOGIREM"] } ?? nil)
        let labels = plan.legend.map(\.label)
        XCTAssertTrue(labels.contains("ASL Les Pins") && labels.contains("OPAC Sud"))
        XCTAssertEqual(labels.filter { $0 == "LOGIREM" }.count, 1)
        // Same colours as a plan de masse made from the union of names.
        let colors = ColorAssignment(names: (before.features + after.features).compactMap { $0.properties["gestionnaire"]?.text })
        XCTAssertEqual(fb["ASL Les Pins"], colors.color(of: "ASL Les Pins"))
    }

    /// The same manager keeps its colour whichever order the names come in.
    func testColourAssignmentIsStable() {
        let a = ColorAssignment(names: ["Ville", "LOGIREM", "OPAC Sud", "Ville"])
        let b = ColorAssignment(names: ["OPAC Sud", "Ville", "LOGIREM"])
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.color(of: "LOGIREM"), ColorBrewer.set2[0])   // Set2 first
        XCTAssertNil(a.color(of: "Inconnu"))
        // Set2 but its salmon and pink (hues of the hotspot reds) and its grey
        // (too close to its green under deuteranopia), then generated colours.
        let seven = ColorAssignment(names: (1...7).map { "G\($0)" }).colors
        XCTAssertEqual(Array(seven.prefix(5)), ["#66c2a5", "#8da0cb", "#a6d854", "#ffd92f", "#e5c494"])
        XCTAssertFalse(ColorBrewer.set2.contains(seven[5]) || ColorBrewer.set2.contains(seven[6]))
    }
}
