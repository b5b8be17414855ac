import Foundation
import GUPAnalysis
import GUPCartography
import GUPModel
import XCTest

/// The plans of a dossier share what they cut and simplify (`DrawMemo`):
/// a plan drawn with the memo is byte for byte the plan drawn without it.
final class DrawMemoTests: XCTestCase {
    static let date = "30/11/2026"

    func testSitePlansServedFromTheMemoAreTheSame() throws {
        let perimeters = try Fixture.demo("perimetres").indexed()
        let layers = Plans.SiteLayers(tenure: try Fixture.demo("parcelles").indexed(), residences: try Fixture.demo("residences").indexed())
        func plan(_ memo: DrawMemo?, title: String = "Plan de masse") throws -> String {
            var o = PlanOptions(date: Self.date)
            o.memo = memo
            return try Plans.site(perimeters: perimeters, quartier: "Les Pins", layers: layers, title: title, options: o).svg
        }
        let alone = try plan(nil)
        let memo = DrawMemo(keepsClipped: true)
        let first = try plan(memo)
        let kept = memo.count
        XCTAssertGreaterThan(kept, 10, "parcels cut to the frame, residences' circles")
        // Another plan of the same quartier (same frame): everything comes from the memo.
        let second = try plan(memo, title: "Parcours")
        XCTAssertEqual(memo.count, kept, "nothing computed again")
        XCTAssertEqual(first, alone)
        XCTAssertEqual(second, try plan(nil, title: "Parcours"))
    }

    func testSituationMemoKeepsOnlyShapesDrawnWhole() throws {
        let perimeters = try Fixture.demo("perimetres").indexed()
        let communes = try Fixture.real("communes-13").indexed()
        var background = OrientationLayers(roads: try Fixture.demo("routes", .shaped).indexed())
        try background.resolveFields()
        func plan(_ quartier: String, _ memo: DrawMemo?) throws -> String {
            var o = PlanOptions(date: Self.date)
            o.memo = memo
            return try Plans.situation(perimeters: perimeters, quartier: .name(quartier), context: communes, background: background, options: o).svg
        }
        let memo = DrawMemo(keepsClipped: false)
        let names = ["Les Pins", "Le Liourat"]
        var withMemo: [String] = []
        for n in names { withMemo.append(try plan(n, memo)) }
        XCTAssertGreaterThan(memo.count, 0, "the inset's communes are drawn whole")
        for (k, n) in names.enumerated() { XCTAssertEqual(withMemo[k], try plan(n, nil), n) }
        // A memo keeping cut shapes too holds more (the roads and communes cut to the frames).
        let all = DrawMemo(keepsClipped: true)
        for n in names { _ = try plan(n, all) }
        XCTAssertGreaterThan(all.count, memo.count)
    }
}
