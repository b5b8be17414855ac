import XCTest
import GUPModel
@testable import GUPProjection

final class ProjectionTests: XCTestCase {
    func testLonLatToLambert93() throws {
        let t = try CoordinateTransformer(from: .wgs84, to: .lambert93)
        let p = try t.transform(Position(5.25, 43.45))
        XCTAssertEqual(p.x, 882180.93, accuracy: 0.01)
        XCTAssertEqual(p.y, 6263806.64, accuracy: 0.01)
        // EPSG:4326 declares lat/lon axis order: normalised to lon/lat all the same.
        let t2 = try CoordinateTransformer(from: CRS("EPSG:4326"), to: .lambert93)
        let p2 = try t2.transform(Position(5.25, 43.45))
        XCTAssertEqual(p2.x, p.x, accuracy: 1e-6)
        XCTAssertEqual(p2.y, p.y, accuracy: 1e-6)
    }

    func testRoundTripWithinNanodegree() throws {
        let fwd = try CoordinateTransformer(from: .wgs84, to: .lambert93)
        let back = try CoordinateTransformer(from: .lambert93, to: .wgs84)
        var pts = [Position(5.25, 43.45), Position(2.3522, 48.8566), Position(-1.6778, 48.1173), Position(7.75, 48.58)]
        let original = pts
        try fwd.transform(&pts)
        try back.transform(&pts)
        for (a, b) in zip(pts, original) {
            XCTAssertEqual(a.x, b.x, accuracy: 1e-9)
            XCTAssertEqual(a.y, b.y, accuracy: 1e-9)
        }
    }

    func testWorkingCRSChoice() throws {
        func at(_ lon: Double, _ lat: Double) -> CRS {
            WorkingCRS.choose(lonLatBounds: BoundingBox(minX: lon - 0.01, minY: lat - 0.01, maxX: lon + 0.01, maxY: lat + 0.01))
        }
        XCTAssertEqual(at(5.25, 43.45), CRS("EPSG:2154"))     // Vitrolles
        XCTAssertEqual(at(55.45, -20.88), CRS("EPSG:2975"))   // Saint-Denis, La Réunion
        XCTAssertEqual(at(-61.53, 16.24), CRS("EPSG:5490"))   // Pointe-à-Pitre
        XCTAssertEqual(at(-61.07, 14.6), CRS("EPSG:5490"))    // Fort-de-France
        XCTAssertEqual(at(-52.33, 4.93), CRS("EPSG:2972"))    // Cayenne
        XCTAssertEqual(at(45.23, -12.78), CRS("EPSG:4471"))   // Mamoudzou
        XCTAssertEqual(at(13.4, 52.52), CRS("EPSG:32633"))    // Berlin: UTM 33N
        XCTAssertEqual(at(-58.4, -34.6), CRS("EPSG:32721"))   // Buenos Aires: UTM 21S
        // A point in La Réunion is measured in metres in EPSG:2975.
        let t = try CoordinateTransformer(from: .wgs84, to: at(55.45, -20.88))
        let a = try t.transform(Position(55.45, -20.88)), b = try t.transform(Position(55.46, -20.88))
        XCTAssertEqual(b.x - a.x, 1040, accuracy: 5) // 0.01° of longitude at 20.9° S ≈ 1.04 km
    }

    func testWorkingCRSFromLayersInAnyCRS() throws {
        let l = Layer(name: "l", source: "l", crs: .lambert93,
                      features: [Feature(index: 0, geometry: .point(Position(882180.93, 6263806.64)))])
        XCTAssertEqual(try WorkingCRS.choose(for: [l]), .lambert93)
    }

    func testUnknownCRSIsAClearError() {
        XCTAssertThrowsError(try CoordinateTransformer(from: CRS("EPSG:999999"), to: .lambert93)) { e in
            XCTAssertTrue("\(e)".contains("EPSG:999999"))
        }
    }

    func testMeridianConvergenceLambert93() throws {
        // Lambert-93's central meridian is 3° E: no convergence there, some east of it.
        XCTAssertEqual(try WorkingCRS.meridianConvergence(of: .lambert93, lon: 3, lat: 46.5), 0, accuracy: 1e-6)
        // On a Lambert conformal conic projection the convergence is
        // n·(λ − λ0), n = ln(m1/m2) / ln(t1/t2) from the standard parallels
        // (44° and 49° N for Lambert-93) on the GRS80 ellipsoid: computed
        // here from the textbook formulas, independently of PROJ.
        let e = sqrt(0.00669438002290)
        func m(_ phi: Double) -> Double { cos(phi) / sqrt(1 - e * e * sin(phi) * sin(phi)) }
        func t(_ phi: Double) -> Double {
            tan(.pi / 4 - phi / 2) / pow((1 - e * sin(phi)) / (1 + e * sin(phi)), e / 2)
        }
        let p1 = 44.0 * .pi / 180, p2 = 49.0 * .pi / 180
        let n = log(m(p1) / m(p2)) / log(t(p1) / t(p2))
        for (lon, lat) in [(5.25, 43.45), (-1.55, 47.2), (7.75, 48.58)] {
            let c = try WorkingCRS.meridianConvergence(of: .lambert93, lon: lon, lat: lat)
            XCTAssertEqual(abs(c), abs(n * (lon - 3)), accuracy: 1e-6, "convergence at \(lon), \(lat)")
        }
        // Called again on the same thread (the operation is kept): same value.
        XCTAssertEqual(try WorkingCRS.meridianConvergence(of: .lambert93, lon: 5.25, lat: 43.45),
                       try WorkingCRS.meridianConvergence(of: .lambert93, lon: 5.25, lat: 43.45))
    }
}

final class WorkingCRSCheckTests: XCTestCase {
    func testGeographicWorkingCRSIsRefusedProjectedAccepted() throws {
        XCTAssertNoThrow(try WorkingCRS.checkProjected(.lambert93))
        XCTAssertNoThrow(try WorkingCRS.checkProjected(CRS("EPSG:32631")))
        XCTAssertThrowsError(try WorkingCRS.checkProjected(CRS("EPSG:4326"))) { e in
            XCTAssertTrue("\(e)".contains("degrés carrés"), "\(e)")
        }
        XCTAssertThrowsError(try WorkingCRS.checkProjected(CRS("EPSG:999999")))
    }
}

final class WorkingCRSPointLayerTests: XCTestCase {
    /// One stray incident at (0, 0) does not move the working CRS of a zone in La Réunion.
    func testPointLayersDoNotMoveTheChoice() throws {
        let zone = Layer(name: "z", source: "z", crs: .wgs84, features: [Feature(index: 0, geometry: .polygon(Polygon(exterior: [
            Position(55.45, -20.88), Position(55.46, -20.88), Position(55.46, -20.87), Position(55.45, -20.87), Position(55.45, -20.88),
        ])))])
        let incidents = Layer(name: "i", source: "i", crs: .wgs84, features: [
            Feature(index: 0, geometry: .point(Position(55.455, -20.875))), Feature(index: 1, geometry: .point(Position(0, 0))),
        ])
        XCTAssertEqual(try WorkingCRS.choose(for: [zone, incidents]), CRS("EPSG:2975"))
        // Points alone still choose.
        XCTAssertEqual(try WorkingCRS.choose(for: [Layer(name: "p", source: "p", crs: .wgs84, features: [
            Feature(index: 0, geometry: .point(Position(5.25, 43.45)))])]), .lambert93)
    }
}

/// Issue 16, cases 9 and 10: the working CRS chosen from the bulk of the
/// data and checked; CRSs that cannot be a working CRS refused with the reason.
final class WorkingCRSHardeningTests: XCTestCase {
    /// The four demo perimeters (Vitrolles), plus extra squares given in lon/lat.
    func layer(plus extra: [(lon: Double, lat: Double)]) throws -> Layer {
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Data/demo/perimetres.geojson").path
        var l = try GeoJSONReader.read(path: demo)
        for c in extra {
            let ring = [Position(c.lon, c.lat), Position(c.lon + 0.001, c.lat), Position(c.lon + 0.001, c.lat + 0.001),
                        Position(c.lon, c.lat + 0.001), Position(c.lon, c.lat)]
            l.features.append(Feature(index: l.features.count, geometry: .polygon(Polygon(exterior: ring, holes: []))))
        }
        return l
    }

    func testOneStrayFeatureDoesNotMoveTheChoiceAndIsReported() throws {
        // A parcel in Australia: the box's centre was in the Indian Ocean, a UTM zone.
        let l = try layer(plus: [(140.0, -35.0)])
        let r = CollectingReporter()
        XCTAssertEqual(try WorkingCRS.choose(for: [l], reporter: r), CRS("EPSG:2154"))
        XCTAssertEqual(r.warnings.count, 1)
        XCTAssertTrue(r.warnings[0].contains("1 entité(s) loin du domaine de validité de EPSG:2154"), r.warnings[0])
        XCTAssertTrue(r.warnings[0].contains("entité n° 5 (lon 140.00, lat -35.00)"), r.warnings[0])
        // Without the stray, nothing to report.
        let clean = CollectingReporter()
        XCTAssertEqual(try WorkingCRS.choose(for: [try layer(plus: [])], reporter: clean), CRS("EPSG:2154"))
        XCTAssertEqual(clean.warnings, [])
    }

    /// A stray in a second layer, in Lambert-93, after a feature without
    /// geometry: the warning names that layer and that feature (the points
    /// are numbered past the features that gave none).
    func testStrayInASecondLayerAfterANullGeometryIsNamed() throws {
        func square(_ x: Double, _ y: Double) -> Geometry {
            .polygon(Polygon(exterior: [Position(x, y), Position(x + 50, y), Position(x + 50, y + 50), Position(x, y + 50), Position(x, y)]))
        }
        let l93 = Layer(name: "l93", source: "l93.geojson", crs: .lambert93, features: [
            Feature(index: 0, geometry: nil),
            Feature(index: 1, geometry: square(870_000, 6_263_000)),   // Vitrolles
            Feature(index: 2, geometry: square(2_400_000, 6_600_000)), // far east of the Lambert-93 area
        ])
        let r = CollectingReporter()
        XCTAssertEqual(try WorkingCRS.choose(for: [try layer(plus: []), l93], reporter: r), CRS("EPSG:2154"))
        XCTAssertEqual(r.warnings.count, 1)
        XCTAssertTrue(r.warnings.first?.contains("1 entité(s) loin du domaine de validité de EPSG:2154") == true, r.warnings.first ?? "")
        XCTAssertTrue(r.warnings.first?.contains("l93.geojson, entité n° 3 (lon ") == true, r.warnings.first ?? "")
    }

    func testMetropoleAndOverseasTogetherIsAnError() throws {
        // As in a national QPV file: Vitrolles and Saint-Denis de La Réunion.
        let l = try layer(plus: [(55.45, -20.88), (55.46, -20.89)])
        XCTAssertThrowsError(try WorkingCRS.choose(for: [l])) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("la métropole (4 entité(s)"), m)
            XCTAssertTrue(m.contains("La Réunion (2 entité(s)"), m)
            XCTAssertTrue(m.contains("--crs"), m)
        }
    }

    func testReunionAloneGetsItsOwnCRS() throws {
        var l = try layer(plus: [(55.45, -20.88)])
        l.features.removeFirst(4)
        XCTAssertEqual(try WorkingCRS.choose(for: [l]), CRS("EPSG:2975"))
    }

    func testVerticalGeocentricAndWebMercatorAreRefusedWithTheReason() {
        for (code, word) in [("EPSG:5714", "vertical"), ("EPSG:4978", "géocentrique"), ("EPSG:3857", "Web Mercator"),
                             ("EPSG:4326", "degrés carrés"), ("EPSG:5698", "composé")] {
            XCTAssertThrowsError(try WorkingCRS.checkProjected(CRS(code))) { XCTAssertTrue("\($0)".contains(word), "\(code): \($0)") }
        }
        XCTAssertNoThrow(try WorkingCRS.checkProjected(CRS("EPSG:2154")))
        // As the CRS of a file's coordinates, a vertical CRS is refused too.
        XCTAssertThrowsError(try CoordinateTransformer(from: CRS("EPSG:5714"), to: .lambert93)) {
            XCTAssertTrue("\($0)".contains("système vertical"), "\($0)")
        }
    }

    func testPROJErrorsAreFrench() {
        XCTAssertThrowsError(try WorkingCRS.checkProjected(CRS("EPSG:999999"))) {
            XCTAssertTrue("\($0)".contains("inconnu de PROJ"), "\($0)")
        }
        XCTAssertThrowsError(try CoordinateTransformer(from: CRS("EPSG:999999"), to: .lambert93)) {
            XCTAssertFalse("\($0)".contains("Unknown error"), "\($0)")
            XCTAssertTrue("\($0)".contains("système de coordonnées inconnu"), "\($0)")
        }
    }

    /// The median by selection equals the sorted array's element of the
    /// same rank, with ties, duplicates and already sorted input.
    func testSelectionEqualsSortedRank() {
        var g = SystemRandomNumberGenerator()
        for n in [1, 2, 3, 10, 101, 1000, 65_537] {
            for kind in 0..<4 {
                let values: [Double] = (0..<n).map { i in
                    switch kind {
                    case 0: return Double.random(in: -180...180, using: &g)
                    case 1: return Double(Int.random(in: 0..<5, using: &g))   // many ties
                    case 2: return Double(i)                                   // sorted
                    default: return Double(n - i)                              // reversed
                    }
                }
                let sorted = values.sorted()
                for rank in Set([0, n / 2, n - 1, n / 3]) {
                    var v = values
                    XCTAssertEqual(WorkingCRS.select(&v, rank: rank), sorted[rank], "n \(n), cas \(kind), rang \(rank)")
                }
            }
        }
    }
}
