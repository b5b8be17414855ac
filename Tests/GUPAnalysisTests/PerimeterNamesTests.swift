import XCTest
import GUPModel
import GUPTopology
@testable import GUPAnalysis

/// Every analysis writes the same perimeter names, so the CSV files of one
/// dossier join on them, even when two perimeters share a name.
final class PerimeterNamesTests: XCTestCase {
    func square(_ x: Double, _ s: Double = 100) -> Geometry {
        .polygon(Polygon(exterior: [Position(x, 0), Position(x + s, 0), Position(x + s, s), Position(x, s), Position(x, 0)]))
    }

    func layer(_ name: String, _ features: [Feature]) throws -> WorkingLayer {
        try Loader.prepare(Layer(name: name, source: "\(name).geojson", crs: .lambert93, features: features), to: .lambert93, expecting: .areal)
    }

    func testDuplicateAndMissingNamesAreTheSameEverywhere() throws {
        let perimeters = try layer("perimetres", [
            Feature(index: 0, geometry: square(0), properties: ["nom": .string("Centre")]),
            Feature(index: 1, geometry: square(200), properties: ["nom": .string("Centre")]),
            Feature(index: 2, geometry: square(400), properties: [:]),
        ])
        let parcels = try layer("parcelles", [0.0, 200, 400].enumerated().map {
            Feature(index: $0.offset, geometry: square($0.element, 50), properties: ["gestionnaire": .string("Ville")])
        })
        let sectors = try layer("secteurs", [Feature(index: 0, geometry: square(-10, 600), properties: ["intervenant": .string("Ville")])])
        let expected = ["Centre (entité n° 1)", "Centre (entité n° 2)", "entité n° 3"]
        let reporter = CollectingReporter()
        XCTAssertEqual(try ZoneSet.make(from: perimeters, reporter: reporter).names, expected)
        XCTAssertTrue(reporter.warnings.contains { $0.contains("en double") })
        let tenure = try Tenure.analyse(perimeters: perimeters, parcels: parcels)
        XCTAssertEqual(Set(tenure.tenureRows.map(\.perimeter)), Set(expected))
        let cleaning = try Cleaning.analyze(perimeters: perimeters, sectors: sectors)
        XCTAssertEqual(Set(cleaning.coverage.map(\.perimeter)), Set(expected))
    }
}
