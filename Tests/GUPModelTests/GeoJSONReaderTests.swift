import Foundation
import XCTest
@testable import GUPModel

/// Fixture folder of this test target (read in place, so it works without bundles).
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

func fixture(_ relative: String) -> String { fixtures.appendingPathComponent(relative).path }

func readString(_ text: String, checkLonLat: Bool = true) throws -> Layer {
    try GeoJSONReader.read(data: Data(text.utf8), source: "test.geojson", name: "test", checkLonLat: checkLonLat)
}

func errorMessage(_ body: () throws -> Any) -> String? {
    do { _ = try body(); return nil } catch { return "\(error)" }
}

/// Converts Foundation's JSONSerialization output (the oracle of these tests) to positions.
private func positions(_ any: Any) -> [Position] {
    if let a = any as? [Any], a.count >= 2, let x = a[0] as? NSNumber, let y = a[1] as? NSNumber, !(a[0] is [Any]) {
        return [Position(x.doubleValue, y.doubleValue)]
    }
    return (any as? [Any] ?? []).flatMap(positions)
}

private func propertyValue(_ any: Any) -> PropertyValue {
    switch any {
    case is NSNull: return .null
    case let s as String: return .string(s)
    case let n as NSNumber:
        if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
        return .number(n.doubleValue)
    case let a as [Any]: return .array(a.map(propertyValue))
    default: return .null
    }
}

final class GeoJSONReaderTests: XCTestCase {
    /// Every real file: same features, coordinates and property values as Foundation's parser.
    func testRealFilesMatchFoundationParser() throws {
        for (name, count) in [("qpv-occitanie-2015", 105), ("qpv-rennes", 6), ("communes-13", 119)] {
            let path = fixture("real/\(name).geojson")
            let layer = try GeoJSONReader.read(path: path)
            XCTAssertEqual(layer.count, count, name)
            let root = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
            let fs = root["features"] as! [[String: Any]]
            XCTAssertEqual(fs.count, layer.count)
            for (f, ref) in zip(layer.features, fs) {
                let g = ref["geometry"] as! [String: Any]
                XCTAssertEqual(f.geometry?.typeName, g["type"] as? String)
                var ours: [Position] = []
                f.geometry?.forEachPosition { ours.append($0) }
                // swift-corelibs-foundation does not always round numbers correctly
                // (-1.661646676502716 reads as -1.6616466765027162): compare within
                // 1e-12 degree here; exact rounding is tested against Double(String) below.
                let theirs = positions(g["coordinates"]!)
                XCTAssertEqual(ours.count, theirs.count, "\(name) \(f.label)")
                for (a, b) in zip(ours, theirs) where abs(a.x - b.x) > 1e-12 || abs(a.y - b.y) > 1e-12 {
                    XCTFail("\(name) \(f.label): \(a) ≠ \(b)")
                    break
                }
                let props = ref["properties"] as! [String: Any]
                XCTAssertEqual(f.properties.count, props.count)
                for e in f.properties {
                    XCTAssertEqual(e.value, propertyValue(props[e.key]!), "\(name) \(f.label) \(e.key)")
                }
            }
        }
    }

    func testRealFileDetails() throws {
        let occ = try GeoJSONReader.read(path: fixture("real/qpv-occitanie-2015.geojson"))
        XCTAssertEqual(occ.crs, .wgs84)  // legacy crs member urn:ogc:def:crs:OGC:1.3:CRS84
        XCTAssertEqual(occ.features[0].properties.keys, ["code_qp", "nom_qp", "commune_qp", "code_commune", "nom_commune", "code_departement"])
        XCTAssertEqual(occ.features[0].properties["code_qp"], .string("QP066007"))
        let communes = try GeoJSONReader.read(path: fixture("real/communes-13.geojson"))
        let types = communes.features.map { $0.geometry!.typeName }
        XCTAssertEqual(types.filter { $0 == "Polygon" }.count, 116)
        XCTAssertEqual(types.filter { $0 == "MultiPolygon" }.count, 3)
        let rennes = try GeoJSONReader.read(path: fixture("real/qpv-rennes.geojson"))
        XCTAssertTrue(rennes.features.allSatisfy { $0.geometry?.typeName == "MultiPolygon" })
    }

    func testDocumentKinds() throws {
        let feature = #"{"type": "Feature", "id": 7, "properties": {"b": 1, "a": "x"}, "geometry": {"type": "Point", "coordinates": [2.5, 48.25]}}"#
        let l1 = try readString(feature)
        XCTAssertEqual(l1.features, [Feature(index: 0, id: .number(7), geometry: .point(Position(2.5, 48.25)), properties: ["b": .number(1), "a": .string("x")])])
        let geometry = try readString(#"{"coordinates": [[2, 48], [3, 49]], "type": "LineString"}"#)
        XCTAssertEqual(geometry.features[0].geometry, .lineString([Position(2, 48), Position(3, 49)]))
        let gc = try readString(#"{"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [1, 2]}, {"type": "MultiPoint", "coordinates": [[1, 2], [3, 4, 5]]}]}"#)
        XCTAssertEqual(gc.features[0].geometry, .geometryCollection([.point(Position(1, 2)), .multiPoint([Position(1, 2), Position(3, 4)])]))
        // Members in any order, foreign members ignored, null geometry and properties.
        let fc = try readString(#"{"features": [{"geometry": null, "properties": null, "type": "Feature", "extra": {"deep": [1, {"x": null}]}}], "name": "n", "type": "FeatureCollection"}"#)
        XCTAssertEqual(fc.count, 1)
        XCTAssertNil(fc.features[0].geometry)
        XCTAssertTrue(fc.features[0].properties.isEmpty)
        // Empty coordinates: read as a null geometry.
        XCTAssertNil(try readString(#"{"type": "Polygon", "coordinates": []}"#).features[0].geometry)
        // Polygon with a hole, MultiPolygon.
        let mp = try readString(#"{"type": "MultiPolygon", "coordinates": [[[[0,0],[4,0],[4,4],[0,0]], [[1,1],[2,1],[2,2],[1,1]]], [[[5,5],[6,5],[6,6],[5,5]]]]}"#)
        guard case .multiPolygon(let ps)? = mp.features[0].geometry else { return XCTFail() }
        XCTAssertEqual(ps.count, 2)
        XCTAssertEqual(ps[0].holes.count, 1)
        XCTAssertEqual(ps[1].exterior.count, 4)
    }

    func testSequencesAndBOM() throws {
        let f1 = #"{"type": "Feature", "properties": {"n": 1}, "geometry": {"type": "Point", "coordinates": [1, 2]}}"#
        let f2 = #"{"type": "Feature", "properties": {"n": 2}, "geometry": {"type": "Point", "coordinates": [3, 4]}}"#
        let fc = try readString(#"{"type": "FeatureCollection", "features": ["# + f1 + "," + f2 + "]}")
        let ndjson = try readString(f1 + "\n" + f2 + "\n")
        let rs = try readString("\u{1E}" + f1 + "\n\u{1E}" + f2 + "\n")
        let bom = try readString("\u{FEFF}" + #"{"type": "FeatureCollection", "features": ["# + f1 + "," + f2 + "]}")
        XCTAssertEqual(fc.features, ndjson.features)
        XCTAssertEqual(fc.features, rs.features)
        XCTAssertEqual(fc.features, bom.features)
        XCTAssertEqual(ndjson.features.map(\.index), [0, 1])
    }

    func testLegacyCRS() throws {
        for name in ["EPSG:2154", "urn:ogc:def:crs:EPSG::2154", "epsg:2154", "http://www.opengis.net/def/crs/EPSG/0/2154"] {
            let l = try readString(#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "\#(name)"}}, "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [652000, 6862000]}}]}"#)
            XCTAssertEqual(l.crs, .lambert93, name)
        }
        let crs84 = try readString(#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}, "features": []}"#)
        XCTAssertEqual(crs84.crs, .wgs84)
        let unknown = errorMessage { try readString(#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "foo"}}, "features": []}"#) }
        XCTAssertTrue(unknown?.contains("« foo » non reconnu") == true, unknown ?? "")
    }

    func testLambertCoordinatesWithoutCRSAreAnErrorWithHint() throws {
        let text = #"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [652000.5, 6862000.25]}}]}"#
        let m = errorMessage { try readString(text) } ?? ""
        XCTAssertTrue(m.contains("Lambert-93"), m)
        XCTAssertTrue(m.contains("EPSG:2154"), m)
        XCTAssertTrue(m.contains("/features/0/geometry"), m)
        XCTAssertTrue(m.hasPrefix("test.geojson:1:127 : coordonnées (652000.5, 6862000.25)"), m)
        // Declared by the caller: accepted as is.
        XCTAssertEqual(try readString(text, checkLonLat: false).features[0].geometry, .point(Position(652000.5, 6862000.25)))
        // Not Lambert-like: the generic hint.
        let m2 = errorMessage { try readString(#"{"type": "Point", "coordinates": [200, 10]}"#) } ?? ""
        XCTAssertTrue(m2.contains("--crs-source"), m2)
        XCTAssertFalse(m2.contains("Lambert"), m2)
        // defaultCRS on the path API.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gup-reader-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("l93.geojson").path
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        XCTAssertEqual(try GeoJSONReader.read(path: p, defaultCRS: .lambert93).crs, .lambert93)
        XCTAssertNotNil(errorMessage { try GeoJSONReader.read(path: p) })
    }

    func testStructuralErrorsCarryLineColumnAndPointer() throws {
        let text = """
        {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}}
        ]}
        """
        let m = errorMessage { try readString(text) } ?? ""
        XCTAssertTrue(m.hasPrefix("test.geojson:3:87 : anneau non fermé"), m)
        XCTAssertTrue(m.contains("/features/1/geometry/coordinates/0"), m)
        let syntax = errorMessage { try readString("{\"type\": \"Point\",\n \"coordinates\": [1, 2],}") } ?? ""
        XCTAssertTrue(syntax.contains("test.geojson:2:24"), syntax)
        XCTAssertTrue(syntax.contains("JSON invalide"), syntax)
    }

    func testEmptyAndTruncatedFilesThrowAndNeverCrash() throws {
        XCTAssertTrue(errorMessage { try readString("") }?.contains("vide") == true)
        XCTAssertTrue(errorMessage { try readString("  \n ") } != nil)
        let text = try String(contentsOfFile: fixture("real/qpv-rennes.geojson"), encoding: .utf8)
        let bytes = Array(text.utf8)
        // Every prefix (step 37 bytes, and the last 300 one by one) must fail cleanly.
        var cuts = Array(stride(from: 0, to: bytes.count, by: 37))
        cuts += (bytes.count - 300)..<(bytes.count - 1)
        for n in cuts {
            let data = Data(bytes[0..<n])
            // The very last bytes are whitespace after the root object: still valid.
            if String(decoding: bytes[n...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            XCTAssertThrowsError(try GeoJSONReader.read(data: data, source: "t", name: "t"), "prefix \(n)")
        }
    }

    func testDeepNestingIsAClearErrorNotACrash() throws {
        let depth = 100_000
        let deepArray = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        for text in [
            #"{"type": "Feature", "properties": {"x": "# + deepArray + "}, \"geometry\": null}",
            #"{"type": "Point", "coordinates": "# + deepArray + "}",
            #"{"type": "Feature", "properties": {}, "geometry": null, "foreign": "# + deepArray + "}",
            deepArray,
            String(repeating: #"{"a":"#, count: depth),
            String(repeating: #"{"type": "GeometryCollection", "geometries": ["#, count: 20_000),
        ] {
            let m = errorMessage { try readString(text) } ?? ""
            XCTAssertFalse(m.isEmpty)
            let v = GeoJSONValidator.validate(data: Data(text.utf8))
            XCTAssertFalse(v.isValid)
        }
        let m = errorMessage { try readString(#"{"type": "Feature", "properties": {"x": "# + deepArray + "}, \"geometry\": null}") } ?? ""
        XCTAssertTrue(m.contains("imbrication trop profonde"), m)
    }

    func testHugeLine() throws {
        // One 16 MB line: a long string property, then an error at its end.
        let long = String(repeating: "é", count: 8_000_000)
        let good = #"{"type": "Feature", "properties": {"s": ""# + long + #""}, "geometry": {"type": "Point", "coordinates": [1, 2]}}"#
        let l = try readString(good)
        XCTAssertEqual(l.features[0].properties["s"]?.text?.count, 8_000_000)
        let bad = #"{"type": "Feature", "properties": {"s": ""# + long + #""}, "geometry": {"type": "Point", "coordinates": [1]}}"#
        let m = errorMessage { try readString(bad) } ?? ""
        // Columns count characters, not bytes.
        XCTAssertTrue(m.contains("test.geojson:1:\(8_000_000 + 91)"), String(m.prefix(200)))
    }

    func testNumbersMatchSwiftParsing() throws {
        var samples = ["0", "-0", "1", "-1", "0.1", "2.2250738585072014e-308", "1.7976931348623157e308", "5e-324",
                       "123456789012345678901234567890", "0.30000000000000004", "43.4547169", "5.3584933",
                       "652345.12", "6862000.25", "1e22", "1e23", "9007199254740993", "1.00000000000000011102230246251565404236316680908203125",
                       "3.141592653589793238462643383279", "1E+2", "1e-7", "-123.456e-10", "0.000000000000000000000000000001"]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let digits = String((0..<Int.random(in: 1...20, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! })
            let frac = String((0..<Int.random(in: 0...12, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! })
            var s = (digits.first == "0" ? "0" : digits) + (frac.isEmpty ? "" : "." + frac)
            if Bool.random(using: &rng) { s += "e\(Int.random(in: -30...30, using: &rng))" }
            samples.append(Bool.random(using: &rng) ? "-" + s : s)
        }
        for s in samples {
            let l = try readString(#"{"type": "Feature", "properties": {"v": "# + s + #"}, "geometry": null}"#)
            guard case .number(let d)? = l.features[0].properties["v"] else { return XCTFail(s) }
            XCTAssertEqual(d.bitPattern, Double(s)!.bitPattern, s)
        }
        for bad in ["01", "1.", ".5", "+1", "1e", "--1", "0x10", "NaN", "Infinity", "1e400"] {
            XCTAssertThrowsError(try readString(#"{"type": "Feature", "properties": {"v": "# + bad + #"}, "geometry": null}"#), bad)
        }
    }

    func testStringsAndEscapes() throws {
        let l = try readString(#"{"type": "Feature", "properties": {"t\u0061g": "a\"b\\c\/d\n\u00e9\ud83d\ude00"}, "geometry": null}"#)
        XCTAssertEqual(l.features[0].properties["tag"], .string("a\"b\\c/d\né😀"))
        XCTAssertThrowsError(try readString("{\"type\": \"Feature\", \"properties\": {\"a\": \"x\ny\"}, \"geometry\": null}"))
        XCTAssertThrowsError(try readString(#"{"type": "Feature", "properties": {"a": "\x"}, "geometry": null}"#))
    }

    func testParallelParseEqualsSequentialParse() throws {
        var text = #"{"type": "FeatureCollection", "features": ["#
        for k in 0..<5000 {
            if k > 0 { text += ",\n" }
            if k % 3 == 0 {
                text += #"{"type": "Feature", "id": "p\#(k)", "properties": {"k": \#(k), "s": "x,]}\"\#(k)"}, "geometry": {"type": "Point", "coordinates": [\#(Double(k) / 1000), 45.5]}}"#
            } else {
                // "a, {" looks like an element start to the splitter: it must not be trusted.
                text += #"{"properties": {"k": \#(k), "piege": "a, {", "nested": {"a": [1, [2, {"b": "]"}]]}}, "type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, \#(k)], [0, 0]]]}}"#
            }
        }
        text += "]}"
        let saved = GeoJSONReader.parallelThreshold
        defer { GeoJSONReader.parallelThreshold = saved }
        GeoJSONReader.parallelThreshold = Int.max
        let sequential = try readString(text, checkLonLat: false)
        GeoJSONReader.parallelThreshold = 0
        let parallel = try readString(text, checkLonLat: false)
        XCTAssertEqual(sequential.count, 5000)
        XCTAssertEqual(sequential.features, parallel.features)
        // An error in the middle: the same message whichever way.
        let broken = text.replacingOccurrences(of: #"[[0, 0], [1, 0], [1, 2500], [0, 0]]"#, with: #"[[0, 0], [1, 0], [1, 2500], [0, 1]]"#)
        let m1 = errorMessage { try readString(broken, checkLonLat: false) }
        GeoJSONReader.parallelThreshold = Int.max
        let m2 = errorMessage { try readString(broken, checkLonLat: false) }
        XCTAssertEqual(m1, m2)
        XCTAssertTrue(m1?.contains("/features/2500/geometry/coordinates/0") == true, m1 ?? "")
    }


    /// Each core's parser notes positions outside lon/lat range: a Lambert-93
    /// point deep in a file without `crs`, parsed on several cores, is refused
    /// as in the sequential parse.
    func testParallelParseFindsCoordinatesOutsideLonLat() throws {
        try XCTSkipIf(Processors.active < 2, "la lecture parallèle demande au moins deux cœurs")
        func collection(badAt: Int?) -> String {
            var text = #"{"type": "FeatureCollection", "features": ["#
            for k in 0..<3000 {
                if k > 0 { text += ",\n" }
                let xy = k == badAt ? "[652000.5, 6862000.5]" : "[\(2 + Double(k) / 10_000), 48.5]"
                text += #"{"type": "Feature", "properties": {"k": \#(k)}, "geometry": {"type": "Point", "coordinates": \#(xy)}}"#
            }
            return text + "]}"
        }
        let saved = GeoJSONReader.parallelThreshold
        defer { GeoJSONReader.parallelThreshold = saved }
        var messages: [String?] = []
        for threshold in [Int.max, 0] {
            GeoJSONReader.parallelThreshold = threshold
            XCTAssertEqual(try readString(collection(badAt: nil)).count, 3000)
            messages.append(errorMessage { try readString(collection(badAt: 2700)) })
        }
        XCTAssertEqual(messages[0], messages[1])
        XCTAssertTrue(messages[1]?.contains("/features/2700/geometry") == true, messages[1] ?? "aucune erreur")
        XCTAssertTrue(messages[1]?.contains("Lambert-93") == true, messages[1] ?? "")
    }
    func testMappedFileReadsSpecialCases() throws {
        XCTAssertTrue(errorMessage { try GeoJSONReader.read(path: "/nonexistent/x.geojson") }?.contains("introuvable") == true)
        XCTAssertTrue(errorMessage { try GeoJSONReader.read(path: fixtures.path) }?.contains("dossier") == true)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gup-empty-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("vide.geojson").path
        FileManager.default.createFile(atPath: p, contents: Data())
        XCTAssertTrue(errorMessage { try GeoJSONReader.read(path: p) }?.contains("vide") == true)
    }
}
