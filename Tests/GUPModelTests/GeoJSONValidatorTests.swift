import Foundation
import XCTest
@testable import GUPModel

/// Turf-style fixtures: `Fixtures/verifier/<case>/in/NAME.geojson` and the
/// issues expected in `out/NAME.txt` (see Fixtures/README.md and verifier/make.py).
final class GeoJSONValidatorTests: XCTestCase {
    func testVerifierFixtures() throws {
        let root = fixtures.appendingPathComponent("verifier")
        let cases = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { !$0.hasSuffix(".py") }.sorted()
        XCTAssertGreaterThanOrEqual(cases.count, 13)
        for c in cases {
            let inDir = root.appendingPathComponent(c).appendingPathComponent("in")
            for file in try FileManager.default.contentsOfDirectory(atPath: inDir.path) where file.hasSuffix(".geojson") {
                let data = try Data(contentsOf: inDir.appendingPathComponent(file))
                let expectedPath = root.appendingPathComponent(c).appendingPathComponent("out")
                    .appendingPathComponent(file.replacingOccurrences(of: ".geojson", with: ".txt"))
                let expected = try String(contentsOf: expectedPath, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
                let v = GeoJSONValidator.validate(data: data)
                XCTAssertEqual(v.issues.count, expected.count, "\(c): \(v.issues.map(\.description))")
                for (issue, e) in zip(v.issues, expected) {
                    XCTAssertEqual(issue.severity == .error ? "erreur" : "avertissement", e[0], "\(c): \(issue)")
                    XCTAssertEqual("\(issue.line):\(issue.column)", e[1], "\(c): \(issue)")
                    XCTAssertEqual(issue.pointerText, e[2], "\(c): \(issue)")
                    XCTAssertTrue(issue.message.contains(e[3]), "\(c): « \(e[3]) » absent de « \(issue.message) »")
                }
                XCTAssertEqual(v.errorCount, expected.filter { $0[0] == "erreur" }.count, c)
                XCTAssertEqual(v.isValid, !expected.contains { $0[0] == "erreur" }, c)
                // The lenient reader agrees: it refuses exactly the files with errors, with the first one's place.
                let read = Result { try GeoJSONReader.read(data: data, source: "f", name: "f") }
                if case .failure(let err) = read, let first = expected.first(where: { $0[0] == "erreur" }) {
                    XCTAssertTrue("\(err)".hasPrefix("f:\(first[1]) "), "\(c): \(err)")
                } else if case .success = read {
                    XCTAssertTrue(v.isValid, "\(c): lu sans erreur mais invalide")
                }
            }
        }
    }

    func testRealFilesAreStructurallyValid() throws {
        for name in ["qpv-occitanie-2015", "qpv-rennes", "communes-13"] {
            let v = GeoJSONValidator.validate(data: try Data(contentsOf: URL(fileURLWithPath: fixture("real/\(name).geojson"))))
            XCTAssertTrue(v.isValid, "\(name): \(v.issues.filter { $0.severity == .error })")
            XCTAssertEqual(v.featureCount, v.geometryOffsets.count)
        }
        let occ = GeoJSONValidator.validate(data: try Data(contentsOf: URL(fileURLWithPath: fixture("real/qpv-occitanie-2015.geojson"))))
        XCTAssertEqual(occ.featureCount, 105)
        XCTAssertEqual(occ.declaredCRS, "urn:ogc:def:crs:OGC:1.3:CRS84")
        XCTAssertTrue(occ.issues.contains { $0.pointer == "/crs" && $0.severity == .warning })
    }

    func testIssueCapKeepsCounting() {
        var text = #"{"type": "FeatureCollection", "features": ["#
        for k in 0..<500 { text += (k > 0 ? "," : "") + #"{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1]}}"# }
        text += "]}"
        let v = GeoJSONValidator.validate(data: Data(text.utf8), maxIssues: 10)
        XCTAssertEqual(v.errorCount, 500)
        XCTAssertEqual(v.issues.count, 10)
    }
}
