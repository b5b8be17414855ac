import XCTest
import GUPModel
import GUPTopology
import GUPProjection
@testable import GUPAnalysis

final class TenureTests: XCTestCase {
    func fixture(_ folder: String, _ file: String) -> String {
        let dot = file.lastIndex(of: ".")!
        let path = Bundle.module.path(forResource: "Fixtures/\(folder)/\(file[..<dot])", ofType: String(file[file.index(after: dot)...]))
        XCTAssertNotNil(path, "fixture \(folder)/\(file)")
        return path ?? "/nonexistent/\(folder)/\(file)"
    }

    func temporaryFolder() throws -> OutputFolder {
        let path = NSTemporaryDirectory() + "gup-tenure-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return try OutputFolder(path: path)
    }

    func load(_ folder: String, incidents: Bool, working: CRS = .lambert93) throws -> (WorkingLayer, WorkingLayer, WorkingLayer?) {
        let p = try Loader.load(path: fixture(folder, "perimetres.geojson"), working: working, expecting: .areal)
        let d = try Loader.load(path: fixture(folder, "parcelles.geojson"), working: working, expecting: .areal)
        let i = incidents ? try Loader.load(path: fixture(folder, "incidents.geojson"), working: working, expecting: .point) : nil
        return (p, d, i)
    }

    func text(_ folder: OutputFolder, _ name: String) throws -> String {
        try folder.commit()
        return try String(contentsOf: folder.url.appendingPathComponent(name), encoding: .utf8)
    }

    /// Compares a CSV written by gup with the one geopandas wrote: same key
    /// rows; areas within 0.5 % or 1 m², counts exactly.
    func assertCSV(_ actualPath: String, matches expectedPath: String, keys: [String], areas: [String] = [],
                   counts: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws {
        func rows(_ path: String) throws -> [[String]: [String: Double]] {
            let t = try CSVTable.read(path: path)
            var out: [[String]: [String: Double]] = [:]
            for r in t.rows {
                let k = try keys.map { name -> String in
                    guard let c = t.column(named: name) else { throw GUPError("\(path): no column \(name)") }
                    return r[c].trimmingCharacters(in: .whitespaces)
                }
                var v: [String: Double] = [:]
                for name in areas + counts { v[name] = Double(r[t.column(named: name)!]) }
                XCTAssertNil(out[k], "\(path): duplicate row \(k)", file: file, line: line)
                out[k] = v
            }
            return out
        }
        let e = try rows(expectedPath), a = try rows(actualPath)
        XCTAssertEqual(Set(a.keys), Set(e.keys), "rows of \(actualPath)", file: file, line: line)
        XCTAssertFalse(e.isEmpty, file: file, line: line)
        for (k, ev) in e {
            guard let av = a[k] else { continue }
            for c in areas {
                let x = ev[c]!, y = av[c]!
                // Areas: within 0.5 % or 1 m²; percentages: within 0.5 % of the value (or 0.01 point).
                let tolerance = c.hasSuffix("_pct") ? max(0.01, 0.005 * abs(x)) : max(1, 0.005 * abs(x))
                XCTAssertLessThanOrEqual(abs(x - y), tolerance, "\(k) \(c): expected \(x), got \(y)", file: file, line: line)
            }
            for c in counts { XCTAssertEqual(av[c], ev[c], "\(k) \(c)", file: file, line: line) }
        }
    }

    // MARK: hand-made squares

    /// Squares in Lambert-93 whose answers are worked out by hand:
    /// Carré = [0,100]², Bande = [100,150]×[0,100];
    /// A Ville [0,60]×[0,50], B OPAC [40,100]×[0,50] (overlaps A on 1 000 m²),
    /// C Ville [0,50]×[50,100], D no manager [50,80]×[60,100],
    /// E OPAC [80,120]×[60,100] (800 m² in each perimeter).
    func testSquaresKnownAnswers() throws {
        let (p, d, i) = try load("tenure-squares", incidents: true)
        let reporter = CollectingReporter()
        let r = try Tenure.analyse(perimeters: p, parcels: d, incidents: i, reporter: reporter)
        XCTAssertEqual(r.managerField, "gestionnaire")
        XCTAssertEqual(r.ownerField, "proprietaire")
        XCTAssertEqual(r.perimeterNameField, "nom")
        XCTAssertEqual(r.parcelsWithoutManager, 1)
        XCTAssertEqual(r.parcelsWithoutManagerFirst, ["D"])
        XCTAssertTrue(reporter.warnings.contains { $0.contains("1 parcelle(s) sans gestionnaire") && $0.contains("D") })
        XCTAssertEqual(r.incidentsInside, 5)
        XCTAssertEqual(r.incidentsOutside, 2)   // one far away, one on the border of both perimeters

        let folder = try temporaryFolder()
        let files = try TenureOutput.write(r, workingCRS: .lambert93, to: folder)
        XCTAssertEqual(Set(files), ["domanialite.csv", "chevauchements.csv", "chevauchements.geojson", "non_cadastre.geojson",
                                    "domanialite.geojson", "responsabilites.csv", "proprietaire_gestionnaire.csv"])
        XCTAssertEqual(try text(folder, "domanialite.csv"), """
            perimetre,gestionnaire,surface_m2,part_pct\r
            Bande,(non cadastré),4200.00,84.00\r
            Bande,OPAC,800.00,16.00\r
            Carré,(gestionnaire inconnu),1200.00,12.00\r
            Carré,(non cadastré),500.00,5.00\r
            Carré,OPAC,3800.00,38.00\r
            Carré,Ville,5500.00,55.00\r

            """)
        XCTAssertEqual(try text(folder, "chevauchements.csv"), """
            perimetre,gestionnaire_a,gestionnaire_b,surface_m2\r
            Carré,OPAC,Ville,1000.00\r

            """)
        XCTAssertEqual(try text(folder, "responsabilites.csv"), """
            perimetre,gestionnaire,categorie,incidents\r
            Bande,OPAC,epave,1\r
            Carré,(gestionnaire inconnu),tag,1\r
            Carré,(non cadastré),encombrants,1\r
            Carré,OPAC + Ville,tag,1\r
            Carré,Ville,tag,1\r

            """)
        XCTAssertEqual(try text(folder, "proprietaire_gestionnaire.csv"), """
            perimetre,proprietaire,gestionnaire,surface_m2\r
            Bande,Métropole,OPAC,800.00\r
            Carré,Métropole,OPAC,800.00\r
            Carré,Ville,OPAC,3000.00\r

            """)

        // Geometries: in WGS 84 lon/lat, with their properties, and the same areas once projected back.
        let pieces = try GeoJSONReader.read(path: folder.url.appendingPathComponent("domanialite.geojson").path)
        XCTAssertTrue(pieces.crs.isWGS84LonLat)
        XCTAssertEqual(pieces.features.map { $0.properties["gestionnaire"]?.text }, ["OPAC", "(gestionnaire inconnu)", "OPAC", "Ville"])
        XCTAssertEqual(pieces.features.map { $0.properties["perimetre"]?.text }, ["Bande", "Carré", "Carré", "Carré"])
        XCTAssertEqual(pieces.features.map { $0.properties["surface_m2"]?.number }, [800, 1200, 3800, 5500])
        // Coordinates are rounded to 1e-7 degree (about 1 cm) in the file: areas agree within 1 m².
        let back = try Loader.prepare(pieces, to: .lambert93, expecting: .areal)
        for (f, s) in zip(back.features, back.shapes) {
            XCTAssertEqual(try s.area(), f.properties["surface_m2"]!.number!, accuracy: 1)
        }
        let holes = try Loader.prepare(GeoJSONReader.read(path: folder.url.appendingPathComponent("non_cadastre.geojson").path),
                                       to: .lambert93, expecting: .areal)
        XCTAssertEqual(holes.features.map { $0.properties["perimetre"]?.text }, ["Bande", "Carré"])
        XCTAssertEqual(try holes.shapes[1].area(), 500, accuracy: 1)
        let overlap = try Loader.prepare(GeoJSONReader.read(path: folder.url.appendingPathComponent("chevauchements.geojson").path),
                                         to: .lambert93, expecting: .areal)
        XCTAssertEqual(overlap.count, 1)
        XCTAssertEqual(try overlap.shapes[0].area(), 1000, accuracy: 1)
        XCTAssertEqual(overlap.features[0].properties["gestionnaire_a"]?.text, "OPAC")

        // Summary: largest managers first, overlap, non-cadastral share.
        let carre = r.summaries.first { $0.perimeter == "Carré" }!
        XCTAssertEqual(carre.largestManagers.map(\.manager), ["Ville", "OPAC", "(gestionnaire inconnu)"])
        XCTAssertEqual(carre.overlapArea, 1000, accuracy: 1e-6)
        XCTAssertEqual(carre.nonCadastralShare, 5, accuracy: 1e-9)
    }

    func testOverlapThresholdAndFieldOptions() throws {
        let (p, d, _) = try load("tenure-squares", incidents: false)
        // The 1 000 m² overlap is below a 1 001 m² threshold, reaches a 1 000 m² one.
        XCTAssertTrue(try Tenure.analyse(perimeters: p, parcels: d, options: TenureOptions(overlapThreshold: 1001)).overlaps.isEmpty)
        XCTAssertEqual(try Tenure.analyse(perimeters: p, parcels: d, options: TenureOptions(overlapThreshold: 1000)).overlaps.count, 1)
        // The owner as manager: then no owner/manager table.
        let byOwner = try Tenure.analyse(perimeters: p, parcels: d, options: TenureOptions(managerField: "proprietaire"))
        XCTAssertNil(byOwner.ownerManager)
        XCTAssertEqual(byOwner.pieces.filter { $0.perimeter == "Carré" }.map(\.manager), ["Métropole", "Ville"])
        XCTAssertEqual(byOwner.pieces.first { $0.perimeter == "Carré" && $0.manager == "Ville" }!.area, 9500 - 800, accuracy: 1e-6)
        // A field that does not exist is a typed error that each front end words
        // with its own name for it (here the project file's key).
        XCTAssertThrowsError(try Tenure.analyse(perimeters: p, parcels: d, options: TenureOptions(managerField: "bailleur"))) {
            guard case .missingField(.manager, "bailleur", _, let available)? = $0 as? AnalysisError else { return XCTFail("\($0)") }
            XCTAssertEqual(available, ["gestionnaire", "id", "proprietaire"])
            let m = ($0 as! AnalysisError).message(ProjectFileWording(file: "dossier.toml"))
            XCTAssertTrue(m.contains("« bailleur » (dossier.toml, clé « couches.parcelles.champ_gestionnaire ») absent"), m)
        }
        XCTAssertThrowsError(try Tenure.analyse(perimeters: p, parcels: p)) {
            guard case .noField(.manager, _, _, _)? = $0 as? AnalysisError else { return XCTFail("\($0)") }
        }
    }

    // MARK: synthetic city against geopandas

    /// `Fixtures/tenure-city-small/expected` is `reference.py city-small expected --steps domanialite`.
    func testCitySmallAgreesWithGeopandas() throws {
        let (p, d, i) = try load("city-small", incidents: true)
        let r = try Tenure.analyse(perimeters: p, parcels: d, incidents: i)
        let folder = try temporaryFolder()
        try TenureOutput.write(r, workingCRS: .lambert93, to: folder)
        try folder.commit()
        let out = folder.url.path
        try assertCSV("\(out)/domanialite.csv", matches: fixture("tenure-city-small", "expected/domanialite.csv"),
                      keys: ["perimetre", "gestionnaire"], areas: ["surface_m2", "part_pct"])
        try assertCSV("\(out)/chevauchements.csv", matches: fixture("tenure-city-small", "expected/chevauchements.csv"),
                      keys: ["perimetre", "gestionnaire_a", "gestionnaire_b"], areas: ["surface_m2"])
        try assertCSV("\(out)/responsabilites.csv", matches: fixture("tenure-city-small", "expected/responsabilites.csv"),
                      keys: ["perimetre", "gestionnaire", "categorie"], counts: ["incidents"])
        XCTAssertEqual(r.parcelsWithoutManager, 0)
        XCTAssertEqual(r.incidentsInside + r.incidentsOutside, 2000)
    }

    /// The same city written in Lambert-93 (with a legacy `crs` member) gives the same areas.
    func testLambert93VariantGivesTheSameAreas() throws {
        let l93 = try Loader.read(path: fixture("tenure-city-small-l93", "perimetres.geojson"))
        XCTAssertEqual(l93.crs, .lambert93)
        let (p, d, _) = try load("city-small", incidents: false)
        let (p93, d93, _) = try load("tenure-city-small-l93", incidents: false)
        let a = try Tenure.analyse(perimeters: p, parcels: d).tenureRows
        let b = try Tenure.analyse(perimeters: p93, parcels: d93).tenureRows
        XCTAssertEqual(a.map { "\($0.perimeter)|\($0.manager)" }, b.map { "\($0.perimeter)|\($0.manager)" })
        XCTAssertEqual(a.count, 29)
        for (x, y) in zip(a, b) {
            XCTAssertLessThanOrEqual(abs(x.area - y.area), max(1, 0.005 * x.area), "\(x.perimeter) \(x.manager)")
        }
    }

    /// The zero-distance buffer used to dissolve gives GEOS's unary union.
    func testUnionByBufferEqualsUnaryUnion() throws {
        let (_, d, _) = try load("city-small", incidents: false)
        let keys = d.features.map { FieldResolver.text($0, "gestionnaire")! }
        var groups: [String: [GeometryHandle]] = [:]
        for (k, s) in zip(keys, d.shapes) { groups[k, default: []].append(s) }
        XCTAssertGreaterThan(groups.count, 4)
        for (key, members) in groups {
            let fast = try Tenure.union(members)
            let reference = try GeometryHandle.unaryUnion(members)
            XCTAssertTrue(try fast.isValid(), key)
            XCTAssertEqual(try fast.area(), try reference.area(), accuracy: 1e-6 * (try reference.area()), key)
            XCTAssertLessThan(try fast.symmetricDifference(reference).area(), 1e-3, key)
        }
    }

    // MARK: real cadastre

    /// Parcels of sections AC, AD, AE of Épinay-sur-Orge (real cadastre),
    /// managers from a CSV joined on the parcel `id` (10 parcels left out on
    /// purpose), two perimeters drawn over them; expected from geopandas.
    func testRealCadastreWithManagersTable() throws {
        let layer = try Loader.read(path: fixture("tenure-cadastre", "parcelles.geojson"))
        XCTAssertEqual(layer.count, 960)
        let table = try CSVTable.read(path: fixture("tenure-cadastre", "gestionnaires.csv"))
        let (joined, report) = try layer.joining(table, key: "id")
        XCTAssertEqual(report.unmatchedCount, 10)
        let working = try WorkingCRS.choose(for: [joined])
        XCTAssertEqual(working, .lambert93)
        let d = try Loader.prepare(joined, to: working, expecting: .areal)
        let p = try Loader.load(path: fixture("tenure-cadastre", "perimetres.geojson"), working: working, expecting: .areal)
        let r = try Tenure.analyse(perimeters: p, parcels: d)
        XCTAssertEqual(r.parcelsWithoutManager, 10)
        XCTAssertEqual(Set(r.parcelsWithoutManagerFirst).count, 5)
        XCTAssertTrue(Set(r.parcelsWithoutManagerFirst).isSubset(of: Set(layer.features.compactMap { $0.id?.text })))
        XCTAssertNil(r.ownerManager)
        let folder = try temporaryFolder()
        try TenureOutput.write(r, workingCRS: working, to: folder)
        try folder.commit()
        try assertCSV("\(folder.url.path)/domanialite.csv", matches: fixture("tenure-cadastre", "expected/domanialite.csv"),
                      keys: ["perimetre", "gestionnaire"], areas: ["surface_m2", "part_pct"])
        // Real cadastre parcels do not overlap; geopandas finds none either.
        XCTAssertTrue(r.overlaps.isEmpty)
        XCTAssertEqual(try CSVTable.read(path: fixture("tenure-cadastre", "expected/chevauchements.csv")).rows.count, 0)
        // The shares of a perimeter add up to 100 % when no claim overlaps.
        for s in r.summaries {
            let total = r.tenureRows.filter { $0.perimeter == s.perimeter }.reduce(0) { $0 + $1.share }
            XCTAssertEqual(total, 100, accuracy: 0.01, s.perimeter)
        }
    }
}

extension TenureTests {
    /// The GeoJSON rendered in parallel chunks is the text of one render.
    func testParallelGeoJSONRenderingIsIdentical() throws {
        let layer = try Loader.read(path: fixture("city-small", "parcelles.geojson"))
        XCTAssertGreaterThan(layer.count, 500)
        XCTAssertEqual(try TenureOutput.renderInParallel(layer.features), GeoJSONWriter().render(layer.features))
        let few = Array(layer.features.prefix(3))
        XCTAssertEqual(try TenureOutput.renderInParallel(few), GeoJSONWriter().render(few))
    }
}
