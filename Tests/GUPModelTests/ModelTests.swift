import XCTest
@testable import GUPModel

final class ModelTests: XCTestCase {
    func testCRSParsing() {
        XCTAssertEqual(CRS.parse("urn:ogc:def:crs:OGC:1.3:CRS84"), .wgs84)
        XCTAssertEqual(CRS.parse("urn:ogc:def:crs:EPSG::2154"), .lambert93)
        XCTAssertEqual(CRS.parse("EPSG:2154"), .lambert93)
        XCTAssertEqual(CRS.parse("epsg:2154"), .lambert93)
        XCTAssertEqual(CRS.parse("2154"), .lambert93)
        XCTAssertNil(CRS.parse("Lambert"))
    }

    func testPropertyFallbacksAndFrenchNumbers() {
        let p: Properties = ["NOM_QP": .string("Maurepas"), "pop": .string("6 206"), "surface": .number(49)]
        XCTAssertEqual(p.first(of: FieldNames.perimeterName)?.value, .string("Maurepas"))
        XCTAssertEqual(p.first(of: FieldNames.perimeterName)?.key, "NOM_QP")
        XCTAssertEqual(p["pop"]?.number, 6206)
        XCTAssertEqual(PropertyValue.string("12,5").number, 12.5)
        XCTAssertNil(p.first(of: ["absent"]))
        // pandas writes missing values as "nan": not a number of dwellings.
        XCTAssertNil(PropertyValue.string("nan").number)
        XCTAssertNil(PropertyValue.string("inf").number)
        XCTAssertNil(PropertyValue.number(.nan).number)
    }

    func testCSVJoinOnFeatureId() throws {
        let table = try CSVTable.parse("id;gestionnaire\n91216000AB0037;Ville\n91216000AB0038;\"OPAC; Sud\"\n", source: "g.csv")
        XCTAssertEqual(table.header, ["id", "gestionnaire"])
        let layer = Layer(name: "p", source: "p.geojson", crs: .wgs84, features: [
            Feature(index: 0, id: .string("91216000AB0037"), geometry: nil),
            Feature(index: 1, id: .string("91216000AB0038"), geometry: nil),
            Feature(index: 2, id: .string("91216000AB0099"), geometry: nil),
        ])
        let (joined, report) = try layer.joining(table, key: "id")
        XCTAssertEqual(joined.features[0].properties["gestionnaire"], .string("Ville"))
        XCTAssertEqual(joined.features[1].properties["gestionnaire"], .string("OPAC; Sud"))
        XCTAssertEqual(report.unmatchedCount, 1)
        XCTAssertEqual(report.unmatchedFirst, ["91216000AB0099"])
        XCTAssertThrowsError(try layer.joining(table, key: "parcelle")) { e in
            XCTAssertTrue("\(e)".contains("g.csv"))
        }
    }

    func testOutputFolderWritesAtomicallyAndOnlyInside() throws {
        let dir = NSTemporaryDirectory() + "gup-out-\(UUID().uuidString)"
        let out = try OutputFolder(path: dir)
        try out.write("a,b\r\n", to: "t.csv")
        // Nothing in place before the commit.
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir))
        try out.commit()
        XCTAssertEqual(try String(contentsOfFile: dir + "/t.csv", encoding: .utf8), "a,b\r\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), [".gup-manifeste.json", "t.csv"])
        XCTAssertThrowsError(try out.write("x", to: "../evil.csv"))
        XCTAssertThrowsError(try out.write("x", to: "/tmp/evil.csv"))
        try? FileManager.default.removeItem(atPath: dir)
    }
}

final class OutputFolderErrorTests: XCTestCase {
    func testUnwritableTargetIsAFrenchReason() throws {
        let dir = NSTemporaryDirectory() + "gup-ro-\(UUID().uuidString)"
        // A file standing where a folder of the output should go.
        let out = try OutputFolder(path: dir)
        try out.write("a", to: "t.csv")
        XCTAssertThrowsError(try out.write("a", to: "t.csv/x")) { e in
            XCTAssertTrue("\(e)".hasPrefix("Écriture impossible de "), "\(e)")
        }
        try out.commit()
        // A file standing where the folder should go.
        FileManager.default.createFile(atPath: dir + "/plein", contents: Data("x".utf8))
        XCTAssertThrowsError(try OutputFolder(path: dir + "/plein")) { e in
            XCTAssertTrue("\(e)".contains("un fichier porte déjà ce nom"), "\(e)")
        }
        // Nothing half-written is left behind.
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.hasSuffix(".tmp") })
        try? FileManager.default.removeItem(atPath: dir)
    }
}
