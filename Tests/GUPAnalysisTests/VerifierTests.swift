import Foundation
import XCTest
import GUPAnalysis
import GUPModel

/// The GeoJSON fixtures live with the model tests (one copy for both targets).
private let modelFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("GUPModelTests/Fixtures")

private func fixture(_ relative: String) -> String { modelFixtures.appendingPathComponent(relative).path }

final class VerifierTests: XCTestCase {
    /// The Occitanie QPV file: structurally valid, 32 of its 105 polygons invalid for GEOS.
    func testOccitanieHas32InvalidGeometries() {
        let r = GeoJSONVerifier.verify(path: fixture("real/qpv-occitanie-2015.geojson"), maxIssues: 1000)
        XCTAssertNil(r.unreadable)
        XCTAssertEqual(r.featureCount, 105)
        XCTAssertEqual(r.invalidGeometryCount, 32)
        XCTAssertEqual(r.errorCount, 32)
        XCTAssertEqual(r.exitStatus, 1)
        let geos = r.issues.filter { $0.message.hasPrefix("géométrie invalide (GEOS)") }
        XCTAssertEqual(geos.count, 32)
        // Each names its feature by pointer, its place in the file, and where the problem is.
        let first = geos[0]
        XCTAssertEqual(first.pointer, "/features/3/geometry")
        XCTAssertEqual(first.line, 9)
        XCTAssertTrue(first.message.contains("auto-intersection"), first.message)
        XCTAssertTrue(first.message.contains(" en ("), first.message)
        XCTAssertEqual(Set(geos.map(\.pointer)).count, 32)
        XCTAssertTrue(r.summary.contains("32 erreurs dont 32 géométries invalides"), r.summary)
    }

    func testValidFilesExitZeroWithWarnings() {
        for name in ["qpv-rennes", "communes-13"] {
            let r = GeoJSONVerifier.verify(path: fixture("real/\(name).geojson"))
            XCTAssertEqual(r.exitStatus, 0, "\(name): \(r.issues)")
            XCTAssertGreaterThan(r.warningCount, 0)  // clockwise exterior rings
            XCTAssertTrue(r.summary.contains("valide"))
        }
        let bom = GeoJSONVerifier.verify(path: fixture("verifier/valide-bom/in/valide-bom.geojson"))
        XCTAssertEqual(bom.exitStatus, 0, "\(bom.issues)")
        XCTAssertEqual(bom.featureCount, 1)
    }

    func testStructuralErrorsSkipGEOSAndExitOne() {
        let r = GeoJSONVerifier.verify(path: fixture("verifier/coordonnees/in/coordonnees.geojson"))
        XCTAssertEqual(r.exitStatus, 1)
        XCTAssertEqual(r.errorCount, 7)
        XCTAssertEqual(r.invalidGeometryCount, 0)
    }

    func testUnreadableExitsTwo() {
        let r = GeoJSONVerifier.verify(path: "/nonexistent/quartiers.geojson")
        XCTAssertEqual(r.exitStatus, 2)
        XCTAssertTrue(r.summary.contains("illisible"), r.summary)
        XCTAssertEqual(GeoJSONVerifier.verify(path: modelFixtures.path).exitStatus, 2)
        // An empty file can be read: it is an error, not unreadable.
        XCTAssertEqual(GeoJSONVerifier.verify(path: fixture("verifier/vide/in/vide.geojson")).exitStatus, 1)
    }

    func testSelfIntersectionLocationAndSequences() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gup-verif-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A bow tie: its two edges cross at (1, 1). Second text of a sequence, third line.
        let text = """
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}}

        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}}

        """
        let p = dir.appendingPathComponent("noeud.geojsonl").path
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        let r = GeoJSONVerifier.verify(path: p)
        XCTAssertEqual(r.invalidGeometryCount, 1)
        let issue = try XCTUnwrap(r.issues.first { $0.severity == .error })
        XCTAssertEqual(issue.text, 1)
        XCTAssertEqual(issue.pointerText, "texte n° 2, /geometry")
        XCTAssertEqual("\(issue.line):\(issue.column)", "3:51")
        XCTAssertTrue(issue.message.contains("auto-intersection en (1.0, 1.0)"), issue.message)
        // Lambert-93 coordinates: an error without crs, fine once the CRS is declared.
        let l93 = fixture("verifier/lambert-sans-crs/in/lambert-sans-crs.geojson")
        XCTAssertEqual(GeoJSONVerifier.verify(path: l93).exitStatus, 1)
        XCTAssertEqual(GeoJSONVerifier.verify(path: l93, declaredCRS: .lambert93).exitStatus, 0)
    }
}

final class LoadingHonestyTests: XCTestCase {
    /// Loading for analysis: the 32 invalid Occitanie polygons are repaired,
    /// counted and reported; nothing is dropped.
    func testOccitanieLoadRepairsAndReports() throws {
        let reporter = CollectingReporter()
        let w = try Loader.load(path: fixture("real/qpv-occitanie-2015.geojson"), working: .lambert93,
                                expecting: .areal, reporter: reporter)
        XCTAssertEqual(w.summary.read, 105)
        XCTAssertEqual(w.summary.used, 105)
        XCTAssertEqual(w.summary.repaired, 32)
        XCTAssertTrue(w.summary.skipped.isEmpty)
        XCTAssertEqual(w.shapes.count, 105)
        for s in w.shapes { XCTAssertTrue(try s.isValid()) }
        XCTAssertTrue(reporter.warnings.contains { $0.contains("32 géométrie(s) invalide(s) réparée(s)") }, "\(reporter.warnings)")
        XCTAssertTrue(reporter.infos.contains { $0.contains("105 entité(s) lue(s), 105 utilisée(s) dont 32 réparée(s)") }, "\(reporter.infos)")
    }

    /// Structural errors stop the load with the verifier's message.
    func testStructuralErrorStopsTheLoadWithVerifierMessage() {
        let path = fixture("verifier/coordonnees/in/coordonnees.geojson")
        XCTAssertThrowsError(try Loader.read(path: path)) { e in
            let m = "\(e)"
            XCTAssertTrue(m.hasPrefix("\(path):2:84 : position de 1 valeur(s)"), m)
            XCTAssertTrue(m.contains("[/features/0/geometry/coordinates, entité n° 1]"), m)
        }
    }

    /// Null geometries are skipped and counted.
    func testNullGeometriesAreSkippedAndCounted() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gup-load-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("p.geojson").path
        try #"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": null}, {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[2, 48], [2.001, 48], [2.001, 48.001], [2, 48]]]}}]}"#
            .write(toFile: p, atomically: true, encoding: .utf8)
        let w = try Loader.load(path: p, working: .lambert93, expecting: .areal)
        XCTAssertEqual(w.summary.read, 2)
        XCTAssertEqual(w.summary.used, 1)
        XCTAssertEqual(w.summary.skipped.map(\.reason), ["géométrie nulle"])
        // Lambert-93 file without crs, CRS given by the caller.
        let q = dir.appendingPathComponent("l93.geojson").path
        try #"{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [652000, 6862000]}}"#
            .write(toFile: q, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Loader.read(path: q))
        XCTAssertEqual(try Loader.read(path: q, declaredCRS: .lambert93).crs, .lambert93)
    }
}

/// `gup verifier` on the files of the GIS hand-over: a GeoPackage through
/// GDAL, a QGIS project's data sources.
final class HandOverVerifierTests: XCTestCase {
    /// GDAL's ogr2ogr (gdal-bin), which must succeed.
    func ogr2ogr(_ args: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ogr2ogr")
        p.arguments = args
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "ogr2ogr \(args)", file: file, line: line)
    }

    func temporary() throws -> URL {
        let u = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gup-handover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// The Occitanie QPV file as a GeoPackage (ogr2ogr, geometries as they
    /// are): GEOS finds the same 32 invalid polygons, named by layer and
    /// feature; a layer declared of any geometry type is an error too.
    func testGeoPackageInvalidGeometriesAndMixedTypesAreErrors() throws {
        let dir = try temporary()
        let gpkg = dir.appendingPathComponent("qpv.gpkg").path
        try ogr2ogr(["-f", "GPKG", gpkg, fixture("real/qpv-occitanie-2015.geojson"), "-nln", "qpv"])
        let r = HandOverVerifier.verifyGeoPackage(path: gpkg, maxIssues: 1000)
        XCTAssertNil(r.unreadable)
        XCTAssertEqual(r.featureCount, 105)
        XCTAssertEqual(r.invalidGeometryCount, 32)
        XCTAssertEqual(r.exitStatus, 1)
        let geos = r.located.filter { $0.message.contains("géométrie invalide (GEOS)") }
        XCTAssertEqual(geos.count, 32)
        XCTAssertTrue(geos[0].message.hasPrefix("couche « qpv », "), geos[0].message)
        XCTAssertTrue(geos[0].message.contains("auto-intersection"), geos[0].message)
        XCTAssertFalse(r.located.contains { $0.message.contains("type de géométrie") }, "\(r.located)")
        try ogr2ogr(["-f", "GPKG", "-update", gpkg, fixture("real/qpv-rennes.geojson"), "-nln", "quelconque", "-nlt", "GEOMETRY"])
        let mixed = HandOverVerifier.verifyGeoPackage(path: gpkg, maxIssues: 1000)
        XCTAssertEqual(mixed.errorCount, 33, "\(mixed.located)")
        XCTAssertTrue(mixed.located.contains { $0.message == "couche « quelconque » : type de géométrie « Unknown (any) » (un seul type attendu, par exemple MultiPolygon ou Point)" },
                      "\(mixed.located)")
    }

    /// A project whose sources are absolute, missing, or name a layer the
    /// GeoPackage lacks; a file that is not XML is unreadable.
    func testQGISProjectSourcesMustBeRelativeAndPresent() throws {
        let dir = try temporary()
        let gpkg = dir.appendingPathComponent("d.gpkg").path
        try ogr2ogr(["-f", "GPKG", gpkg, fixture("real/qpv-rennes.geojson"), "-nln", "qpv"])
        func project(_ sources: [String]) throws -> String {
            let path = dir.appendingPathComponent("p\(UUID().uuidString.prefix(4)).qgs").path
            let layers = sources.enumerated().map { k, s in
                "<maplayer type=\"vector\"><id>l\(k)</id><datasource>\(s.replacingOccurrences(of: "&", with: "&amp;"))</datasource></maplayer>"
            }.joined()
            try "<qgis version=\"3.22.16\"><projectlayers>\(layers)</projectlayers></qgis>".write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let good = HandOverVerifier.verifyQGISProject(path: try project(["./d.gpkg|layername=qpv"]))
        XCTAssertEqual(good.exitStatus, 0, "\(good.located)")
        XCTAssertEqual(good.featureCount, 1)
        let bad = HandOverVerifier.verifyQGISProject(path: try project([gpkg + "|layername=qpv", "./absent.gpkg|layername=qpv",
                                                                        "./d.gpkg|layername=autre"]))
        XCTAssertEqual(bad.errorCount, 3, "\(bad.located)")
        XCTAssertTrue(bad.located.contains { $0.message.contains("chemin absolu") }, "\(bad.located)")
        XCTAssertTrue(bad.located.contains { $0.message.contains("fichier « ./absent.gpkg » absent") }, "\(bad.located)")
        XCTAssertTrue(bad.located.contains { $0.message.contains("couche « autre » absente de « ./d.gpkg »") }, "\(bad.located)")
        let notXML = dir.appendingPathComponent("x.qgs").path
        try "<qgis><projectlayers>".write(toFile: notXML, atomically: true, encoding: .utf8)
        XCTAssertEqual(HandOverVerifier.verifyQGISProject(path: notXML).exitStatus, 2)
    }
}
