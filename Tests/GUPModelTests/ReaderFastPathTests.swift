import Foundation
import XCTest
@testable import GUPModel

/// The reader's fast paths (member names and type values compared by words,
/// cached property names, strings scanned 8 bytes at a time, exact number
/// shortcuts) against independently known answers: generated documents whose
/// expected content is the generator's own data, and Swift's Double(String).
final class ReaderFastPathTests: XCTestCase {
    /// A JSON string literal for `s` (escapes quote, backslash and controls; others as is).
    private func json(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    private func featureText(_ props: [(String, PropertyValue)], x: Double = 1.5, y: Double = 2.5) -> String {
        let members = props.map { k, v -> String in
            let value: String
            switch v {
            case .string(let s): value = json(s)
            case .number(let d): value = "\(d)"
            case .bool(let b): value = b ? "true" : "false"
            default: value = "null"
            }
            return json(k) + ": " + value
        }
        return "{\"type\": \"Feature\", \"properties\": {\(members.joined(separator: ", "))}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [\(x), \(y)]}}"
    }

    /// Property names in varying orders, counts, lengths (short, 15, 16, 17 and
    /// more bytes), with escapes and non-ASCII: every feature gets exactly its
    /// own names and values, in order.
    func testCachedPropertyNamesFollowEveryFeature() throws {
        let pool = ["id", "categorie", "date", "a", "", "nom_de_rue_16oct", "nom_de_rue_15oc", "nom_de_rue_17octe",
                    "un nom de propriété nettement plus long", "k\"q", "tab\there", "é", "date2"]
        var rng = SystemRandomNumberGenerator()
        var expected: [[(String, PropertyValue)]] = []
        for n in 0..<400 {
            // Runs of the same order (the cached case), then changes.
            if n % 7 == 0 || expected.isEmpty {
                let count = Int.random(in: 0...6, using: &rng)
                let names = Array(pool.shuffled(using: &rng).prefix(count))
                expected.append(names.map { ($0, .number(Double(n))) })
            } else {
                expected.append(expected[expected.count - 1].map { ($0.0, .string("v\(n)-\($0.0)")) })
            }
        }
        let text = "{\"type\": \"FeatureCollection\", \"features\": [" + expected.map { featureText($0) }.joined(separator: ",\n") + "]}"
        let layer = try readString(text)
        XCTAssertEqual(layer.count, expected.count)
        for (f, e) in zip(layer.features, expected) {
            XCTAssertEqual(f.properties.keys, e.map(\.0), f.label)
            XCTAssertEqual(f.properties.entries.map(\.value), e.map(\.1), f.label)
        }
    }

    /// A duplicate name is refused whether the names before it came from the
    /// cache or not, and wherever it stands.
    func testDuplicatePropertyNamesAreRefusedAfterCachedNames() throws {
        let good = featureText([("id", .number(1)), ("categorie", .string("tag")), ("date", .string("2025"))])
        for dup in [[("id", PropertyValue.number(2)), ("categorie", .string("x")), ("id", .number(3))],
                    [("id", .number(2)), ("categorie", .string("x")), ("date", .string("d")), ("categorie", .string("y"))],
                    [("id", .number(2)), ("id", .number(3))],
                    [("categorie", .string("x")), ("id", .number(2)), ("categorie", .string("y"))]] {
            let text = "{\"type\": \"FeatureCollection\", \"features\": [\(good), \(good), \(featureText(dup))]}"
            let message = errorMessage { try readString(text) }
            XCTAssertNotNil(message, "\(dup)")
            XCTAssertTrue(message?.contains("double") ?? false, message ?? "")
        }
    }

    /// Names that only start like GeoJSON members are foreign members, and
    /// type values that only start like Feature or Point are unknown types;
    /// short documents (fewer bytes than a word after a name) read the same.
    func testNamesAndTypesThatOnlyLookLikeTheUsualOnes() throws {
        let f = try readString("{\"type\": \"Feature\", \"typex\": 1, \"geometryx\": 2, \"propertiesx\": 3, \"coordinatesx\": 4, \"properties\": {\"a\": 1}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [1, 2]}}")
        XCTAssertEqual(f.features.first?.properties["a"], .number(1))
        XCTAssertEqual(f.features.first?.geometry, .point(Position(1, 2)))
        XCTAssertNotNil(errorMessage { try readString("{\"type\": \"FeatureX\", \"properties\": {}, \"geometry\": null}") })
        XCTAssertNotNil(errorMessage { try readString("{\"type\": \"Feature\", \"properties\": {}, \"geometry\": {\"type\": \"Pointy\", \"coordinates\": [1, 2]}}") })
        XCTAssertEqual(try readString("{\"type\":\"Point\",\"coordinates\":[1,2]}").features.first?.geometry, .point(Position(1, 2)))
        XCTAssertEqual(try readString("{\"coordinates\":[3,4],\"type\":\"Point\"}").features.first?.geometry, .point(Position(3, 4)))
        XCTAssertEqual(try readString("{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"id\":7}}").features.first?.properties["id"], .number(7))
    }

    /// Strings of every length up to 40 with an escape, a non-ASCII character
    /// or a control byte at every position (across the 8-byte blocks).
    func testStringsOfEveryLengthAndStopPosition() throws {
        for length in 0...40 {
            for at in 0...length {
                var chars = Array(repeating: "x", count: length)
                for (insert, decoded) in [("\\\"", "\""), ("\\\\", "\\"), ("\\n", "\n"), ("é", "é"), ("\\u00e9", "é")] {
                    var c = chars
                    c.insert(insert, at: at)
                    var d = chars
                    d.insert(decoded, at: at)
                    let text = "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"s\":\"\(c.joined())\"}}"
                    XCTAssertEqual(try readString(text).features.first?.properties["s"], .string(d.joined()), text)
                }
                chars.insert("\u{01}", at: at)
                let bad = "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"s\":\"\(chars.joined())\"}}"
                XCTAssertNotNil(errorMessage { try readString(bad) }, "control byte at \(at) of \(length)")
            }
        }
        // Unterminated strings that end the buffer at every length.
        for length in 0...20 {
            let text = "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"s\":\"" + String(repeating: "y", count: length)
            XCTAssertNotNil(errorMessage { try readString(text) })
        }
    }

    /// Numbers of the shapes the word-at-a-time path reads (1 to 8 integer
    /// digits, 0 to 9 fraction digits, leading zeros in the fraction, signs,
    /// exponents, every delimiter after them), as property values and as
    /// coordinates: bit for bit what Double(String) gives.
    func testNumbersOfEveryShortShapeAreCorrectlyRounded() throws {
        var rng = SystemRandomNumberGenerator()
        func digits(_ n: Int) -> String { String((0..<n).map { _ in "0123456789".randomElement(using: &rng)! }) }
        var samples: [String] = ["0", "-0", "0.0", "-0.0", "9999999", "9999999.9999999", "0.0000001", "1234567.1234567", "43.4547169", "5.3584933"]
        for _ in 0..<6000 {
            let intDigits = Int.random(in: 1...8, using: &rng)
            var int = digits(intDigits)
            if intDigits > 1, int.first == "0" { int = "1" + int.dropFirst() }
            let fracDigits = Int.random(in: 0...9, using: &rng)
            var s = int + (fracDigits == 0 ? "" : "." + (Bool.random(using: &rng) ? "00" : "") + digits(fracDigits))
            if Int.random(in: 0..<8, using: &rng) == 0 { s += ["e5", "E-3", "e+2"].randomElement(using: &rng)! }
            samples.append(Bool.random(using: &rng) ? "-" + s : s)
        }
        var properties: [String] = []
        var expected: [Double] = []
        for (k, s) in samples.enumerated() {
            properties.append("\"p\(k)\":\(s)")
            expected.append(Double(s)!)
        }
        // 40 values per feature, each followed by `,` or (the last) by `}`.
        var features: [String] = []
        for start in stride(from: 0, to: properties.count, by: 40) {
            let members = properties[start..<min(start + 40, properties.count)].joined(separator: k(rng: &rng))
            features.append("{\"type\":\"Feature\",\"geometry\":null,\"properties\":{" + members + "}}")
        }
        let layer = try readString("{\"type\":\"FeatureCollection\",\"features\":[" + features.joined(separator: ",") + "]}")
        let got = layer.features.flatMap { $0.properties.entries.map(\.value) }
        XCTAssertEqual(got.count, expected.count)
        for (g, (e, s)) in zip(got, zip(expected, samples)) {
            guard case .number(let d) = g else { XCTFail(s); continue }
            XCTAssertEqual(d.bitPattern, e.bitPattern, s)
        }
        // As coordinates (followed by `,` and `]`), in lon/lat range.
        for s in samples.prefix(2000) {
            let x = Double(s)!
            guard abs(x) <= 90 else { continue }
            let l = try readString("{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[\(s),\(s)]}}")
            XCTAssertEqual(l.features[0].geometry, .point(Position(x, x)), s)
        }
        // Malformed numbers close to the fast shapes, followed by enough bytes for a word.
        for bad in ["01", "00.5", "-01.5", "1.", "1.x", "-", "-x", "1.e5", "-.5", "1.5.5", "12345678.5.5", "0.", "1e", "1.5e"] {
            let text = "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"v\":\(bad),\"padding\":\"xxxxxxxxxxxxxxxxxxxxxxxx\"}}"
            XCTAssertNotNil(errorMessage { try readString(text) }, bad)
        }
    }

    private func k(rng: inout SystemRandomNumberGenerator) -> String { [",", ", ", ",\n", " ,"].randomElement(using: &rng)! }

    /// The parser notes positions outside lon/lat range wherever they stand
    /// (the layer is checked again only then): each is refused, in range is read.
    func testPositionsOutsideLonLatAreFoundInEveryGeometryKind() throws {
        let ring = "[[0,0],[1,0],[1,1],[0,0]]"
        func geometries(_ p: String) -> [String] {
            ["{\"type\":\"Point\",\"coordinates\":\(p)}",
             "{\"type\":\"MultiPoint\",\"coordinates\":[[1,1],\(p)]}",
             "{\"type\":\"LineString\",\"coordinates\":[[1,1],\(p)]}",
             "{\"type\":\"Polygon\",\"coordinates\":[\(ring),[\(p),[1,0],[1,1],\(p)]]}",
             "{\"type\":\"MultiPolygon\",\"coordinates\":[[\(ring)],[[\(p),[1,0],[1,1],\(p)]]]}",
             "{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"Point\",\"coordinates\":[1,1]},{\"type\":\"Point\",\"coordinates\":\(p)}]}"]
        }
        func feature(_ g: String) -> String { "{\"type\":\"Feature\",\"properties\":{},\"geometry\":\(g)}" }
        for p in ["[652345.5,6862000.25]", "[180.5,0]", "[0,-90.001]"] {
            for g in geometries(p) {
                for doc in [g, feature(g), "{\"type\":\"FeatureCollection\",\"features\":[\(feature(geometries("[2,2]")[0])),\(feature(g))]}",
                            feature(geometries("[2,2]")[0]) + "\n" + feature(g)] {
                    XCTAssertNotNil(errorMessage { try readString(doc) }, doc)
                    XCTAssertNoThrow(try readString(doc, checkLonLat: false), doc)
                }
            }
        }
        for g in geometries("[-180,90]") {
            XCTAssertNoThrow(try readString(feature(g)), g)
        }
    }

    /// Features and geometries whose opening bytes repeat the previous one's
    /// skip to their properties or coordinates; openings that change (spacing,
    /// member order, type) are read in full; members after a repeated opening
    /// are still checked (a second `type` is a duplicate).
    func testRepeatedOpeningsOfFeaturesAndGeometries() throws {
        let variants: [(String, Geometry?, Properties)] = [
            ("{\"type\": \"Feature\", \"properties\": {\"a\": 1}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [1, 2]}}", .point(Position(1, 2)), ["a": .number(1)]),
            ("{\"type\": \"Feature\", \"properties\": {\"a\": 2}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [3, 4]}}", .point(Position(3, 4)), ["a": .number(2)]),
            ("{\"type\": \"Feature\", \"properties\": {\"a\": 3}, \"geometry\": {\"type\": \"MultiPoint\", \"coordinates\": [[5, 6]]}}", .multiPoint([Position(5, 6)]), ["a": .number(3)]),
            ("{\"type\": \"Feature\", \"properties\": {\"a\": 4}, \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[1, 1], [2, 2]]}}", .lineString([Position(1, 1), Position(2, 2)]), ["a": .number(4)]),
            ("{\"type\":\"Feature\",\"properties\":{\"a\":5},\"geometry\":{\"type\":\"Point\",\"coordinates\":[7,8]}}", .point(Position(7, 8)), ["a": .number(5)]),
            ("{\"properties\": {\"a\": 6}, \"type\": \"Feature\", \"geometry\": {\"coordinates\": [9, 10], \"type\": \"Point\"}}", .point(Position(9, 10)), ["a": .number(6)]),
            ("{\"type\": \"Feature\", \"id\": 3, \"properties\": {\"a\": 7}, \"geometry\": null}", nil, ["a": .number(7)]),
            ("{\"type\": \"Feature\", \"properties\": {\"a\": 8}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [11, 12]}, \"extra\": [1]}", .point(Position(11, 12)), ["a": .number(8)]),
        ]
        var rng = SystemRandomNumberGenerator()
        var order: [Int] = []
        for _ in 0..<300 {
            // Runs of the same variant, then another.
            let v = Int.random(in: 0..<variants.count, using: &rng)
            order.append(contentsOf: repeatElement(v, count: Int.random(in: 1...4, using: &rng)))
        }
        let text = "{\"type\": \"FeatureCollection\", \"features\": [" + order.map { variants[$0].0 }.joined(separator: ", ") + "]}"
        let layer = try readString(text)
        XCTAssertEqual(layer.count, order.count)
        for (f, v) in zip(layer.features, order) {
            XCTAssertEqual(f.geometry, variants[v].1, f.label)
            XCTAssertEqual(f.properties, variants[v].2, f.label)
        }
        let good = variants[0].0
        for bad in ["{\"type\": \"Feature\", \"properties\": {\"a\": 1}, \"geometry\": null, \"type\": \"Feature\"}",
                    "{\"type\": \"Feature\", \"properties\": {\"a\": 1}, \"properties\": {}, \"geometry\": null}",
                    "{\"type\": \"Feature\", \"properties\": {\"a\": 1}}",
                    "{\"type\": \"Feature\", \"properties\": {\"a\": 1}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [1, 2], \"type\": \"Point\"}}",
                    "{\"type\": \"Feature\", \"properties\": {\"a\": 1}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [1, 2], \"coordinates\": [1, 2]}}",
                    "{\"type\": \"Feature\", \"properties\": {\"a\": 1}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [1, 2], \"properties\": {}}}"] {
            let doc = "{\"type\": \"FeatureCollection\", \"features\": [\(good), \(good), \(bad)]}"
            XCTAssertNotNil(errorMessage { try readString(doc) }, bad)
        }
    }

    /// Documents cut at every byte of a feature, the cut falling exactly at
    /// the end of a page followed by an inaccessible page: an error, never a
    /// read past the end (which would crash here).
    func testCutsBeforeAnInaccessiblePageNeverReadPastTheEnd() throws {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard let map = mmap(nil, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), map != MAP_FAILED else {
            return XCTFail("mmap")
        }
        defer { munmap(map, 2 * page) }
        XCTAssertEqual(mprotect(map + page, page, PROT_NONE), 0)
        let buffer = map.assumingMemoryBound(to: UInt8.self)
        let features = [
            "{\"type\": \"Feature\", \"properties\": {\"id\": 12, \"categorie\": \"depot_sauvage\", \"date\": \"2025-05-05T13:43:00\"}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [5.3584933, 43.4547169]}}",
            "{\"type\":\"Feature\",\"properties\":{\"nom\":\"r\\u00e9sidence \\\"A\\\"\",\"n\":-1.5e-3},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}}",
        ]
        for feature in features {
            for warm in [0, 3] {
                let head = Array(("{\"type\": \"FeatureCollection\", \"features\": [" + Array(repeating: feature, count: warm).map { $0 + ", " }.joined()).utf8)
                let bytes = Array(feature.utf8)
                for cut in 0..<bytes.count {
                    let content = head + bytes[0..<cut]
                    let start = buffer + page - content.count
                    content.withUnsafeBufferPointer { start.update(from: $0.baseAddress!, count: content.count) }
                    let message = errorMessage {
                        try GeoJSONReader.read(bytes: UnsafeBufferPointer(start: start, count: content.count), source: "cut.geojson",
                                               name: "cut", defaultCRS: nil, checkLonLat: true, release: nil)
                    }
                    XCTAssertNotNil(message, "cut at \(cut)")
                }
            }
        }
    }
}
