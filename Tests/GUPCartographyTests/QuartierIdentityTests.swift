import Foundation
import GUPAnalysis
import GUPCartography
import GUPModel
import XCTest

/// A plan draws the quartier it was asked for, by the names every analysis
/// writes: a name field outside the usual list, repeated names (told apart
/// by their feature number) and names differing only by case.
final class QuartierIdentityTests: XCTestCase {
    /// The demo perimeters renamed through a field `appellation`:
    /// « Centre » twice, « les pins » and « Les Pins ».
    static func renamed() throws -> WorkingLayer {
        var p = try Fixture.demo("perimetres")
        let names = ["Centre", "Centre", "les pins", "Les Pins"]
        for k in p.features.indices { p.features[k].properties = Properties([("appellation", .string(names[k]))]) }
        return p
    }

    func frameCentre(_ plan: RenderedPlan) -> Position { plan.frames[0].center }

    func testEachNameDrawsItsOwnQuartier() throws {
        let p = try Self.renamed()
        let zones = try ZoneSet.make(from: p, nameField: "appellation")
        XCTAssertEqual(zones.names, ["Centre (entité n° 1)", "Centre (entité n° 2)", "les pins", "Les Pins"])
        for k in 0..<4 {
            let byName = try Plans.select(p, name: zones.names[k], nameField: "appellation")
            XCTAssertEqual(byName.index, k, zones.names[k])
            let plan = try Plans.site(perimeters: p, quartier: .zone(zones, index: k), layers: .init(), options: PlanOptions(date: "x"))
            // The frame is centred on that quartier, not on another one.
            let c = try p.shapes[k].bounds()!.center
            XCTAssertEqual(frameCentre(plan).x, c.x, accuracy: 1, zones.names[k])
            XCTAssertEqual(frameCentre(plan).y, c.y, accuracy: 1, zones.names[k])
            XCTAssertTrue(plan.svg.contains("Quartier : \(zones.names[k])"), zones.names[k])
        }
        // Exact names win over case-folded ones; a folded name matching two is refused.
        XCTAssertEqual(try Plans.select(p, name: "les pins", nameField: "appellation").index, 2)
        XCTAssertEqual(try Plans.select(p, name: "Les Pins", nameField: "appellation").index, 3)
        XCTAssertThrowsError(try Plans.select(p, name: "LES PINS", nameField: "appellation")) {
            XCTAssertTrue("\($0)".contains("désigne plusieurs quartiers"), "\($0)")
        }
        XCTAssertThrowsError(try Plans.select(p, name: "Centre", nameField: "appellation")) {
            XCTAssertTrue("\($0)".contains("« Centre » introuvable"), "\($0)")
        }
    }
}
