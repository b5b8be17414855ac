import XCTest
import GUPModel
import GUPTopology
import GUPProjection
@testable import GUPAnalysis

final class CleaningTests: XCTestCase {
    // MARK: synthetic city against the geopandas reference

    func path(_ fixture: String, _ file: String) -> String {
        Bundle.module.url(forResource: "Fixtures/\(fixture)/\(file)", withExtension: nil)!.path
    }

    func runCity(_ fixture: String, incidents: Bool) throws -> CleaningResult {
        let layers = try ["perimetres", "secteurs", "residences"].map { try Loader.read(path: path(fixture, "\($0).geojson")) }
        let working = try WorkingCRS.choose(for: layers)
        XCTAssertEqual(working, .lambert93)
        let p = try Loader.prepare(layers[0], to: working, expecting: .areal)
        let s = try Loader.prepare(layers[1], to: working, expecting: .areal)
        let r = try Loader.prepare(layers[2], to: working, expecting: .areal)
        let i = incidents ? try Loader.load(path: path(fixture, "incidents.geojson"), working: working, expecting: .point) : nil
        return try Cleaning.analyze(perimeters: p, sectors: s, residences: r, incidents: i)
    }

    func assertAgreesWithReference(_ fixture: String, _ result: CleaningResult, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try CSVTable.read(path: path(fixture, "expected/couverture.csv"))
        XCTAssertEqual(expected.rows.count, result.coverage.count, file: file, line: line)
        XCTAssertEqual(expected.rows.count, 4, file: file, line: line)
        func col(_ n: String) -> Int { expected.column(named: n)! }
        for row in expected.rows {
            guard let c = result.coverage.first(where: { $0.perimeter == row[col("perimetre")] }) else {
                XCTFail("périmètre \(row[col("perimetre")]) absent", file: file, line: line); continue
            }
            func close(_ name: String, _ ours: Double) {
                let ref = Double(row[col(name)])!
                XCTAssertEqual(ours, ref, accuracy: max(0.5, 0.005 * abs(ref)), "\(c.perimeter) \(name)", file: file, line: line)
            }
            close("surface_exterieure_m2", c.outdoorArea)
            close("couverte_m2", c.coveredArea)
            close("taux_couverture_pct", c.coverageRate)
            close("lacunes_m2", c.gapArea)
            close("doublons_m2", c.doubleCoverageArea)
            XCTAssertEqual(c.gapCount, Int(row[col("nb_lacunes")])!, "\(c.perimeter) nb_lacunes", file: file, line: line)
        }
        // The gaps themselves, area by area (reference gaps read back from its GeoJSON).
        let refGaps = try Loader.load(path: path(fixture, "expected/lacunes.geojson"), working: .lambert93, expecting: .areal)
        let refAreas = try refGaps.shapes.map { try $0.area() }.sorted(by: >)
        XCTAssertEqual(result.gaps.map(\.area).count, refAreas.count, file: file, line: line)
        for (ours, ref) in zip(result.gaps.map(\.area), refAreas) {
            XCTAssertEqual(ours, ref, accuracy: 0.005 * ref, file: file, line: line)
        }
        XCTAssertEqual(result.gaps.map(\.area), result.gaps.map(\.area).sorted(by: >), "lacunes triées par surface", file: file, line: line)
        XCTAssertTrue(result.coverage.contains { $0.doubleCoverageArea > 100 }, file: file, line: line)
    }

    func testCityWGS84AgreesWithGeopandas() throws {
        let result = try runCity("cleaning-city-wgs84", incidents: true)
        try assertAgreesWithReference("cleaning-city-wgs84", result)
        // Incidents in each gap, as geopandas' sjoin(within) counts them.
        let expected = try CSVTable.read(path: path("cleaning-city-wgs84", "expected/lacunes_incidents.csv"))
        XCTAssertEqual(expected.rows.count, result.gaps.count)
        for (row, gap) in zip(expected.rows, result.gaps) {
            XCTAssertEqual(gap.area, Double(row[0])!, accuracy: 0.005 * Double(row[0])!)
            XCTAssertEqual(gap.incidents, Int(row[1])!, "lacune de \(row[0]) m²")
            XCTAssertEqual(gap.mainCategories.reduce(0) { $0 + $1.count } <= (gap.incidents ?? 0), true)
            XCTAssertLessThanOrEqual(gap.mainCategories.count, 3)
        }
        XCTAssertGreaterThan(result.gaps.compactMap(\.incidents).reduce(0, +), 50)
        // The synthetic sectors carry `frequence`: every perimeter has a mean within the sectors' range.
        XCTAssertTrue(result.hasFrequency)
        for c in result.coverage {
            let f = try XCTUnwrap(c.meanFrequency)
            XCTAssertGreaterThanOrEqual(f, 1)
            XCTAssertLessThanOrEqual(f, 10)
        }
    }

    func testCityLambert93AgreesWithGeopandas() throws {
        let result = try runCity("cleaning-city-l93", incidents: false)
        try assertAgreesWithReference("cleaning-city-l93", result)
        XCTAssertFalse(result.hasIncidents)
        XCTAssertNil(result.gaps.first?.incidents)
    }

    // MARK: real cadastre, on the 1 mm grid

    /// Gap counts and areas on the real Épinay-sur-Orge parcels (taken as
    /// sectors, three quartiers drawn over them) agree with geopandas run
    /// with every overlay on the same 1 mm grid (fixture `cleaning-cadastre`),
    /// with the default threshold and with every gap (slivers included).
    func testRealCadastreGapCountsAgreeWithGeopandasOnTheSameGrid() throws {
        let f = "cleaning-cadastre"
        let layers = try ["perimetres", "secteurs"].map { try Loader.read(path: path(f, "\($0).geojson")) }
        let p = try Loader.prepare(layers[0], to: .lambert93, expecting: .areal)
        let s = try Loader.prepare(layers[1], to: .lambert93, expecting: .areal)
        XCTAssertGreaterThan(s.count, 1000)
        for (threshold, expected) in [(10.0, "expected"), (0.0, "expected-seuil-0")] {
            let result = try Cleaning.analyze(perimeters: p, sectors: s, threshold: threshold)
            let table = try CSVTable.read(path: path(f, "\(expected)/couverture.csv"))
            func col(_ n: String) -> Int { table.column(named: n)! }
            XCTAssertEqual(table.rows.count, 3)
            for row in table.rows {
                let c = try XCTUnwrap(result.coverage.first { $0.perimeter == row[col("perimetre")] })
                XCTAssertEqual(c.gapCount, Int(row[col("nb_lacunes")]), "\(expected) \(c.perimeter) nb_lacunes")
                // geopandas snaps the sectors before its overlays, gup snaps them in
                // each overlay: areas agree within half a millimetre along the
                // boundaries (0.5 m² here); reference.py also measures
                // couverte_m2 on its union before snapping it.
                for (name, ours) in [("surface_exterieure_m2", c.outdoorArea), ("lacunes_m2", c.gapArea),
                                     ("couverte_m2", c.coveredArea), ("doublons_m2", c.doubleCoverageArea)] {
                    XCTAssertEqual(ours, Double(row[col(name)])!, accuracy: name == "surface_exterieure_m2" ? 0.05 : 0.5,
                                   "\(expected) \(c.perimeter) \(name)")
                }
            }
            XCTAssertTrue(result.coverage.contains { $0.doubleCoverageArea > 1000 })
            // Gap by gap, largest first, against geopandas' own pieces.
            let ref = try Loader.load(path: path(f, "\(expected)/lacunes.geojson"), working: .lambert93, expecting: .areal)
            let refAreas = try ref.shapes.map { try $0.area() }.sorted(by: >)
            XCTAssertEqual(result.gaps.count, refAreas.count, "\(result.gaps.map { ($0.perimeter, $0.area) })")
            for (ours, theirs) in zip(result.gaps.map(\.area).sorted(by: >), refAreas) {
                XCTAssertEqual(ours, theirs, accuracy: max(0.5, 1e-5 * theirs))
            }
            for g in result.gaps { XCTAssertTrue(try g.shape.isValid()) }
        }
    }

    // MARK: hand-made squares with known answers

    static let x0 = 881_500.0, y0 = 6_263_000.0

    func square(_ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double, holes: [[Double]] = []) -> Geometry {
        func ring(_ a: Double, _ b: Double, _ c: Double, _ d: Double) -> [Position] {
            [Position(Self.x0 + a, Self.y0 + b), Position(Self.x0 + c, Self.y0 + b), Position(Self.x0 + c, Self.y0 + d),
             Position(Self.x0 + a, Self.y0 + d), Position(Self.x0 + a, Self.y0 + b)]
        }
        return .polygon(Polygon(exterior: ring(minX, minY, maxX, maxY), holes: holes.map { ring($0[0], $0[1], $0[2], $0[3]) }))
    }

    func layer(_ name: String, _ items: [(Geometry, Properties)], expecting: GeometryExpectation = .areal) throws -> WorkingLayer {
        let l = Layer(name: name, source: "\(name).geojson", crs: .lambert93,
                      features: items.enumerated().map { Feature(index: $0, geometry: $1.0, properties: $1.1) })
        return try Loader.prepare(l, to: .lambert93, expecting: expecting)
    }

    /// P = 100 m square with a 20 m residence in the middle (E = 9 600 m²).
    /// A = left half minus a 2 m notch at a corner (4 m², under the
    /// threshold), frequency 2, plus a second A sector overlapping the first
    /// (20 m square, frequency 5: not double coverage). B = x 48..100,
    /// y 0..97, frequency 3: leaves a 50 × 3 strip (150 m²) uncovered and
    /// overlaps A on x 48..50, cut in two by the residence (80 + 74 m²).
    func handMade(threshold: Double = 10, withIncidents: Bool = false) throws -> CleaningResult {
        let p = try layer("perimetres", [(square(0, 0, 100, 100), ["nom": .string("Carré")])])
        let r = try layer("residences", [(square(40, 40, 60, 60), [:])])
        let aWithNotch: Geometry = .polygon(Polygon(exterior: [
            Position(Self.x0 + 2, Self.y0), Position(Self.x0 + 50, Self.y0), Position(Self.x0 + 50, Self.y0 + 100),
            Position(Self.x0, Self.y0 + 100), Position(Self.x0, Self.y0 + 2), Position(Self.x0 + 2, Self.y0 + 2),
            Position(Self.x0 + 2, Self.y0)]))
        let s = try layer("secteurs", [
            (aWithNotch, ["intervenant": .string("A"), "frequence": .number(2)]),
            (square(10, 10, 30, 30), ["intervenant": .string("A"), "frequence": .number(5)]),
            (square(48, 0, 100, 97), ["intervenant": .string("B"), "frequence": .string("3")]),
        ])
        var incidents: WorkingLayer?
        if withIncidents {
            incidents = try layer("signalements", [
                (.point(Position(Self.x0 + 60, Self.y0 + 98.5)), ["categorie": .string("tag")]),
                (.point(Position(Self.x0 + 70, Self.y0 + 99)), ["categorie": .string("tag")]),
                (.point(Position(Self.x0 + 80, Self.y0 + 98)), ["categorie": .string("epave")]),
                (.point(Position(Self.x0 + 1, Self.y0 + 1)), ["categorie": .string("tag")]),      // in the ignored notch
                (.point(Position(Self.x0 + 20, Self.y0 + 50)), ["categorie": .string("encombrants")]), // covered
            ], expecting: .point)
        }
        return try Cleaning.analyze(perimeters: p, sectors: s, residences: r, incidents: incidents, threshold: threshold)
    }

    func testHandMadeSquares() throws {
        let result = try handMade()
        XCTAssertEqual(result.coverage.count, 1)
        let c = result.coverage[0]
        XCTAssertEqual(c.perimeter, "Carré")
        XCTAssertEqual(c.outdoorArea, 9600, accuracy: 1e-6)
        XCTAssertEqual(c.coveredArea, 9600 - 150 - 4, accuracy: 1e-6)
        // The 4 m² notch is under the threshold: one gap only, the strip.
        XCTAssertEqual(c.gapCount, 1)
        XCTAssertEqual(c.gapArea, 150, accuracy: 1e-6)
        XCTAssertEqual(result.gaps.count, 1)
        XCTAssertEqual(try result.gaps[0].shape.bounds()!.minX, Self.x0 + 50, accuracy: 1e-6)
        // A and B overlap on x 48..50 outside the residence; A's two sectors overlapping is not a double.
        XCTAssertEqual(c.doubleCoverageArea, 80 + 74, accuracy: 1e-6)
        XCTAssertEqual(result.doubles.count, 1)
        XCTAssertEqual(result.doubles[0].cleaners, ["A", "B"])
        XCTAssertEqual(result.doubles[0].pieces.map(\.area), [80, 74].map(Double.init), accuracy: 1e-6)
        // Frequency: A at 2 on 4 796 m² plus 3 more on its 400 m² second sector; B at 3 on 4 804 m².
        let integral: Double = 2.0 * 4796 + 3.0 * 400 + 3.0 * 4804
        XCTAssertEqual(try XCTUnwrap(c.meanFrequency), integral / 9446, accuracy: 1e-9)
        XCTAssertEqual(result.sectorsWithoutCleaner, 0)
    }

    func testThresholdDropsSmallGapsAndDoubles() throws {
        let c = try handMade(threshold: 200).coverage[0]
        XCTAssertEqual(c.gapCount, 0)
        XCTAssertEqual(c.gapArea, 0)
        XCTAssertEqual(c.doubleCoverageArea, 0)
        // Covered area does not depend on the threshold.
        XCTAssertEqual(c.coveredArea, 9446, accuracy: 1e-6)
    }

    func testSameCleanerOverlapIsNotDoubleCoverage() throws {
        let p = try layer("perimetres", [(square(0, 0, 100, 100), ["nom": .string("Q")])])
        let s = try layer("secteurs", [
            (square(0, 0, 60, 100), ["intervenant": .string("Ville")]),
            (square(40, 0, 100, 100), ["intervenant": .string("Ville")]),
        ])
        let result = try Cleaning.analyze(perimeters: p, sectors: s)
        XCTAssertEqual(result.coverage[0].doubleCoverageArea, 0)
        XCTAssertTrue(result.doubles.isEmpty)
        XCTAssertEqual(result.coverage[0].coveredArea, 10_000, accuracy: 1e-6)
        XCTAssertEqual(result.coverage[0].outdoorArea, 10_000, accuracy: 1e-6)
        XCTAssertFalse(result.hasFrequency)
        XCTAssertNil(result.coverage[0].meanFrequency)
    }

    func testIncidentsInGapsWithMainCategories() throws {
        let result = try handMade(withIncidents: true)
        XCTAssertEqual(result.gaps.count, 1)
        XCTAssertEqual(result.gaps[0].incidents, 3)
        XCTAssertEqual(result.gaps[0].mainCategories.map(\.category), ["tag", "epave"])
        XCTAssertEqual(result.gaps[0].mainCategories.map(\.count), [2, 1])
    }

    func testWriters() throws {
        let result = try handMade(withIncidents: true)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cleaning-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try OutputFolder(path: dir.path)
        try CleaningWriter.write(result, to: folder)
        try folder.commit()
        let coverage = try String(contentsOf: dir.appendingPathComponent("couverture.csv"), encoding: .utf8)
        XCTAssertEqual(coverage, """
            perimetre,surface_exterieure_m2,couverte_m2,taux_couverture_pct,lacunes_m2,nb_lacunes,doublons_m2,frequence_moyenne\r
            Carré,9600.00,9446.00,98.40,150.00,1,154.00,2.67\r

            """)
        let doubles = try String(contentsOf: dir.appendingPathComponent("doublons.csv"), encoding: .utf8)
        XCTAssertEqual(doubles, "perimetre,intervenants,surface_m2\r\nCarré,A + B,154.00\r\n")
        // GeoJSON in WGS 84 lon/lat, read back with the project's reader.
        let gaps = try GeoJSONReader.read(path: dir.appendingPathComponent("lacunes.geojson").path)
        XCTAssertEqual(gaps.features.count, 1)
        let b = try XCTUnwrap(gaps.features[0].geometry?.bounds)
        XCTAssertEqual(b.minX, 5.2, accuracy: 0.2)
        XCTAssertEqual(b.minY, 43.4, accuracy: 0.2)
        XCTAssertEqual(gaps.features[0].properties["surface_m2"], .number(150))
        XCTAssertEqual(gaps.features[0].properties["incidents"], .number(3))
        XCTAssertEqual(gaps.features[0].properties["categories_principales"], .string("tag (2), epave (1)"))
        let doubleShapes = try GeoJSONReader.read(path: dir.appendingPathComponent("doublons.geojson").path)
        XCTAssertEqual(doubleShapes.features.map { $0.properties["surface_m2"] }, [.number(80), .number(74)])
        XCTAssertEqual(doubleShapes.features.map { $0.properties["intervenants"] }, [.string("A + B"), .string("A + B")])
        // Projected back, the written gap keeps its area (within the 1e-7° rounding).
        let back = try Loader.prepare(gaps, to: .lambert93, expecting: .areal)
        XCTAssertEqual(try back.shapes[0].area(), 150, accuracy: 1.5)
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
