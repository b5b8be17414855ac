import Foundation
import XCTest
@testable import GUPModel

final class GeoJSONWriterTests: XCTestCase {
    /// `writer/<case>/in` → `out`: expected files computed with Python/shapely (see writer/make.py).
    func testWriterFixtures() throws {
        let root = fixtures.appendingPathComponent("writer")
        let cases = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { !$0.hasSuffix(".py") }
        XCTAssertFalse(cases.isEmpty)
        for c in cases {
            let inDir = root.appendingPathComponent(c).appendingPathComponent("in")
            for file in try FileManager.default.contentsOfDirectory(atPath: inDir.path) {
                let layer = try GeoJSONReader.read(path: inDir.appendingPathComponent(file).path)
                let text = GeoJSONWriter().render(layer.features)
                let written = try GeoJSONReader.read(data: Data(text.utf8), source: "écrit", name: "w")
                let expected = try GeoJSONReader.read(path: root.appendingPathComponent(c).appendingPathComponent("out").appendingPathComponent(file).path)
                XCTAssertEqual(written.features.count, expected.features.count)
                for (w, e) in zip(written.features, expected.features) {
                    XCTAssertEqual(w.id, e.id)
                    XCTAssertEqual(w.geometry, e.geometry, "\(c) \(w.label)")
                    XCTAssertEqual(w.properties, e.properties, "\(c) \(w.label)")
                    XCTAssertEqual(w.properties.keys, e.properties.keys, "order \(c) \(w.label)")
                }
                // What we write passes the strict validator without any warning.
                let v = GeoJSONValidator.validate(data: Data(text.utf8))
                XCTAssertTrue(v.issues.isEmpty, "\(v.issues)")
            }
        }
    }

    func testPrecisionAndNumbers() throws {
        let f = Feature(index: 0, geometry: .point(Position(2.123456789, -0.00000001)),
                        properties: ["a": .number(0.1 + 0.2), "b": .number(1e21), "c": .number(-3), "d": .number(.nan)])
        var s = ""
        GeoJSONWriter().writeFeature(f, into: &s)
        XCTAssertTrue(s.contains(#""coordinates":[2.1234568,0]"#), s)
        XCTAssertTrue(s.contains(#""a":0.30000000000000004"#), s)
        XCTAssertTrue(s.contains(#""c":-3"#), s)
        XCTAssertTrue(s.contains(#""d":null"#), s)
        var s3 = ""
        GeoJSONWriter(precision: 2).writeFeature(f, into: &s3)
        XCTAssertTrue(s3.contains(#""coordinates":[2.12,0]"#), s3)
        // Property numbers round-trip exactly.
        for d in [0.1, 1.0 / 3, 1e-300, 123456.789e10, -2.5e-8, Double.greatestFiniteMagnitude, 9007199254740993] {
            var t = ""
            GeoJSONWriter.writeValue(.number(d), into: &t)
            let doc: String = #"{"type": "Feature", "properties": {"v": "# + t + #"}, "geometry": null}"#
            let back = try GeoJSONReader.read(data: Data(doc.utf8), source: "t", name: "t")
            XCTAssertEqual(back.features[0].properties["v"], .number(d), t)
        }
    }

    func testLambertOutputDeclaresItsCRS() throws {
        let f = Feature(index: 0, geometry: .point(Position(652000.25, 6862000.5)))
        let text = GeoJSONWriter(precision: 2, crs: .lambert93).render([f])
        XCTAssertTrue(text.contains("urn:ogc:def:crs:EPSG::2154"))
        let back = try GeoJSONReader.read(data: Data(text.utf8), source: "t", name: "t")
        XCTAssertEqual(back.crs, .lambert93)
        XCTAssertEqual(back.features[0].geometry, f.geometry)
    }
}

final class CSVWriterTests: XCTestCase {
    func testRFC4180() throws {
        let w = CSVWriter()
        let text = w.render(header: ["nom", "surface_m2", "n"], rows: [
            [.text("Les \"Pins\", bât. A"), .decimal(1234.5, places: 2), .integer(3)],
            [.text("deux\nlignes"), .decimal(-0.001, places: 2), .empty],
        ])
        XCTAssertEqual(text, "nom,surface_m2,n\r\n\"Les \"\"Pins\"\", bât. A\",1234.50,3\r\n\"deux\nlignes\",0.00,\r\n")
        // Read back by the project's RFC 4180 reader.
        let t = try CSVTable.parse(text, source: "t.csv")
        XCTAssertEqual(t.header, ["nom", "surface_m2", "n"])
        XCTAssertEqual(t.rows, [["Les \"Pins\", bât. A", "1234.50", "3"], ["deux\nlignes", "0.00", ""]])
    }

    func testFrenchSpreadsheetOption() throws {
        let w = CSVWriter(french: true)
        let text = w.render(header: ["périmètre", "part_pct"], rows: [[.text("Quartier; nord"), .decimal(12.345, places: 2)], [.text("Sud, est"), .decimal(7, places: 2)]])
        XCTAssertEqual(text, "\u{FEFF}périmètre;part_pct\r\n\"Quartier; nord\";12,35\r\n\"Sud, est\";7,00\r\n")
        XCTAssertEqual(Array(Data(text.utf8).prefix(3)), [0xEF, 0xBB, 0xBF])
        XCTAssertNotNil(CSVWriter(dialect: "excel")?.french == true ? 1 : nil)
        XCTAssertEqual(CSVWriter(dialect: "rfc4180")?.french, false)
        XCTAssertNil(CSVWriter(dialect: "tableur"))
        let t = try CSVTable.parse(text, source: "t.csv")
        XCTAssertEqual(t.rows, [["Quartier; nord", "12,35"], ["Sud, est", "7,00"]])
        XCTAssertEqual(PropertyValue.string(t.rows[0][1]).number, 12.35)
    }
}

final class CoordinateFormatTests: XCTestCase {
    /// The fast formatter agrees with printf's correctly rounded `%.*f`.
    func testCoordinateMatchesPrintf() {
        func printf(_ d: Double, _ p: Int) -> String {
            var t = String(format: "%.\(p)f", d)
            if t.contains(".") {
                while t.hasSuffix("0") { t.removeLast() }
                if t.hasSuffix(".") { t.removeLast() }
            }
            return t == "-0" ? "0" : t
        }
        var values: [Double] = [0, -0.0, 0.15, 0.25, 1.00000005, 44.99999995, -0.00000001, 2.123456789, 652000.125, 6862000.005, 1e-12, 123456789.123456789, -179.99999999, 1e20]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20000 {
            values.append(Double.random(in: -180...180, using: &rng))
            values.append((Double(Int.random(in: -1_800_000_000...1_800_000_000, using: &rng)) + 0.5) / 1e7)
            values.append(Double.random(in: 0...1_300_000, using: &rng).rounded() / 100)
        }
        for d in values {
            for p in [0, 2, 3, 7] {
                XCTAssertEqual(GeoJSONWriter.coordinate(d, p), printf(d, p), "\(d) \(p)")
            }
        }
    }
}

/// Fixed-point numbers of the CSV and grid files, checked against
/// Foundation's formatter (an independent printf) and the sign rule.
final class FixedNumberTests: XCTestCase {
    func testFixedMatchesFoundationsFormatAndDropsTheSignOfZero() {
        let values: [Double] = [0, 1, -1.5, 1234.56789, 0.125, 0.375, 2.5e-7, 987654321.987654321, -42.0001, 1e15 + 0.5]
        for v in values {
            for places in [0, 2, 4, 7] {
                var expected = String(format: "%.\(places)f", v)
                if expected.hasPrefix("-"), Double(expected) == 0 { expected.removeFirst() }
                XCTAssertEqual(CSVWriter.fixed(v, places: places), expected, "\(v) with \(places) places")
            }
        }
        XCTAssertEqual(CSVWriter.fixed(-0.00001, places: 2), "0.00")
        XCTAssertEqual(CSVWriter.fixed(-0.0, places: 1), "0.0")
        XCTAssertEqual(CSVWriter.fixed(-0.06, places: 1), "-0.1")
        // Beyond the stack buffer: still printf's digits.
        XCTAssertEqual(CSVWriter.fixed(1e70, places: 2), String(format: "%.2f", 1e70))
    }
}

/// `CSVWriter.appendFixed` writes exactly what `CSVWriter.fixed` (printf)
/// writes, halves and signs included.
final class AppendFixedTests: XCTestCase {
    private func appended(_ d: Double, _ places: Int) -> String {
        var b: [UInt8] = []
        CSVWriter.appendFixed(d, places: places, to: &b)
        return String(decoding: b, as: UTF8.self)
    }

    func testSameDigitsAsPrintf() {
        var g = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 1.5, 2.5, -2.5, 0.00005, 1.00005, 0.12345, 2.675, 1.005, 1e-9, -1e-9,
                                123456789.98765, 1e14, 1e15, 1e16, 4.35, 0.045, 9.99995, 99999.99995,
                                .nan, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
        for _ in 0..<20_000 {
            let e = Double.random(in: -8...12, using: &g)
            values.append(pow(10, e) * (Bool.random(using: &g) ? 1 : -1))
        }
        // Exact halves at every number of places, and their neighbours.
        for p in 0...6 {
            for k in 0..<500 {
                let h = (Double(k) + 0.5) / pow(10, Double(p))
                values += [h, h.nextUp, h.nextDown, -h]
            }
        }
        for v in values {
            for p in 0...6 {
                XCTAssertEqual(appended(v, p), CSVWriter.fixed(v, places: p), "\(v) à \(p) décimales")
                // The number read back from the text, bit for bit (sign of zero included).
                let read = Double(CSVWriter.fixed(v, places: p)) ?? v
                let fast = CSVWriter.roundedAsWritten(v, places: p)
                XCTAssertTrue(read.bitPattern == fast.bitPattern || (read.isNaN && fast.isNaN), "\(v) à \(p) décimales : \(fast) au lieu de \(read)")
            }
        }
    }
}
