import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GUPAnalysis
import GUPCartography
import GUPModel
import GUPTopology
import XCTest

final class EscapingTests: XCTestCase {
    /// A name with markup characters stays text: the file parses, the
    /// label and the data- attribute read back the exact name.
    func testMarkupInNamesIsEscaped() throws {
        let nasty = "<Résidence & \"Cie\">"
        let sq = Polygon(exterior: [Position(881_600, 6_263_100), Position(881_700, 6_263_100), Position(881_700, 6_263_200),
                                    Position(881_600, 6_263_200), Position(881_600, 6_263_100)])
        let big = Polygon(exterior: [Position(881_500, 6_263_000), Position(881_800, 6_263_000), Position(881_800, 6_263_300),
                                     Position(881_500, 6_263_300), Position(881_500, 6_263_000)])
        let perim = Feature(index: 0, geometry: .polygon(big), properties: ["nom_qp": .string("Quartier 'test' & co")])
        let res = Feature(index: 0, geometry: .polygon(sq), properties: ["nom": .string(nasty), "logements": .number(12)])
        let parcel = Feature(index: 0, geometry: .polygon(sq), properties: ["id": .string("X1"), "gestionnaire": .string(nasty)])
        func layer(_ name: String, _ f: Feature) throws -> WorkingLayer {
            try Loader.prepare(Layer(name: name, source: name + ".geojson", crs: .lambert93, features: [f]),
                               to: .lambert93, expecting: .areal)
        }
        let plan = try Plans.site(perimeters: try layer("p", perim), quartier: nil,
                                  layers: .init(tenure: try layer("<d>", parcel), residences: try layer("r", res)),
                                  options: PlanOptions(date: "22/11/2025", sources: ["\"IGN\" & <autre>"]))
        XCTAssertFalse(plan.svg.contains("<Résidence"))
        XCTAssertTrue(plan.svg.contains("&lt;Résidence &amp; &quot;Cie&quot;&gt;"))
        let svg = try ParsedSVG(plan.svg)
        let texts = svg.all().filter { $0.name == "text" || $0.name == "tspan" }.compactMap(\.stringValue)
        XCTAssertTrue(texts.contains(nasty))
        let sources = svg.all().filter { ParsedSVG.attr($0, "class") == "sources" }.compactMap(\.stringValue).joined(separator: " ")
        XCTAssertTrue(sources.contains("\"IGN\" & <autre>"), sources)
        let attrs = svg.all().compactMap { ParsedSVG.attr($0, "data-nom") }
        XCTAssertTrue(attrs.contains(nasty))
        let legend = svg.all().filter { ParsedSVG.attr($0, "class") == "entree-legende" }.compactMap { ParsedSVG.attr($0, "data-libelle") }
        XCTAssertTrue(legend.contains(nasty))
        XCTAssertEqual(svg.all().filter { $0.name == "script" }.count, 0)
    }

    func testFormatting() {
        XCTAssertEqual(SVG.number(12.345), "12.35")
        XCTAssertEqual(SVG.number(-0.004), "0.00")
        XCTAssertEqual(SVG.number(-3.1), "-3.10")
        XCTAssertEqual(SVG.number(1234567.891), "1234567.89")
        XCTAssertEqual(SVG.frenchInteger(5000), "5 000")
        XCTAssertEqual(SVG.frenchInteger(100_000), "100 000")
        XCTAssertEqual(SVG.frenchInteger(500), "500")
        XCTAssertEqual(SVG.escape("a'b\u{1}c"), "a&apos;bc")
        XCTAssertEqual(SVG.dataName("Intitulé du lot"), "intitule-du-lot")
    }
}
