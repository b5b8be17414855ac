import Foundation
import GUPAnalysis
import GUPFormats
import GUPModel
import GUPProjection
import XCTest

func fixture(_ rel: String) -> String {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures/\(rel)").path
}

/// Every format goes through `Loader.read`, the function every command and
/// the dossier call.
final class ReaderTests: XCTestCase {
    func read(_ path: String, crs: CRS? = nil) throws -> Layer {
        try Loader.read(DataSource.parse(path), options: ReadOptions(declaredCRS: crs))
    }

    func names(_ l: Layer, _ key: String) -> Set<String> {
        Set(l.features.compactMap { $0.properties[key]?.text })
    }

    // MARK: Shapefile

    func testShapefileWithoutCPGInUTF8ReadsAccents() throws {
        let l = try read(fixture("routes-utf8.shp"))
        XCTAssertEqual(l.count, 30)
        XCTAssertEqual(l.crs, CRS("EPSG:2154"), "ESRI .prj without AUTHORITY matched to EPSG by OSRFindMatches")
        XCTAssertTrue(names(l, "nature").contains("Route à 1 chaussée"), "\(names(l, "nature"))")
        XCTAssertFalse(l.features.contains { ($0.properties["nature"]?.text ?? "").contains("Ã") })
        guard case .lineString(let ps)? = l.features[0].geometry else { return XCTFail("\(String(describing: l.features[0].geometry))") }
        XCTAssertGreaterThan(ps[0].x, 600_000)   // Lambert-93 metres around Rodez
        XCTAssertGreaterThan(ps[0].y, 6_300_000)
    }

    func testShapefileWithoutCPGInLatin1ReadsAccents() throws {
        let l = try read(fixture("routes-latin1.shp"))
        XCTAssertTrue(names(l, "nature").contains("Route à 1 chaussée"), "\(names(l, "nature"))")
    }

    func testRealBDTopoShapefile() throws {
        // IGN BD TOPO v2 as shipped: UTF-8 .dbf, no .cpg, LDID 0.
        let path = "/work/shared/data/bdtopo-rodez-v2/ROUTE.shp"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(path) absent") }
        let l = try read(path)
        XCTAssertEqual(l.count, 4_981)
        XCTAssertTrue(names(l, "nature").contains("Route à 1 chaussée"))
    }

    func testZippedShapefile() throws {
        let l = try read(fixture("routes-utf8.zip"))
        XCTAssertEqual(l.count, 30)
        XCTAssertEqual(l.crs, CRS("EPSG:2154"))
        XCTAssertTrue(names(l, "nature").contains("Route à 1 chaussée"))
    }

    // MARK: GeoPackage

    func testGeoPackageLayerChosenOrListed() throws {
        XCTAssertThrowsError(try read(fixture("troncons-2-couches.gpkg"))) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("2 couches"), m)
            XCTAssertTrue(m.contains("troncon_de_route") && m.contains("commune"), m)
        }
        let l = try read(fixture("troncons-2-couches.gpkg") + ":troncon_de_route")
        XCTAssertEqual(l.count, 50)
        XCTAssertEqual(l.crs, CRS("EPSG:2154"))
        XCTAssertEqual(Set(l.features.compactMap { $0.id?.number }).count, 50, "GeoPackage fid as feature id")
        XCTAssertThrowsError(try read(fixture("troncons-2-couches.gpkg") + ":routes")) { e in
            XCTAssertTrue("\(e)".contains("couche « routes » absente"), "\(e)")
        }
    }

    func testRealGeoPackage() throws {
        let path = "/work/shared/data/bdtopo-marseille10-troncons.gpkg"
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("\(path) absent") }
        let l = try read(path)
        XCTAssertEqual(l.count, 2_936)
        XCTAssertEqual(l.crs, CRS("EPSG:2154"))
    }

    // MARK: Other GDAL formats, same layer as the GeoJSON

    func testFlatGeobufKMLGMLMatchGeoJSON() throws {
        let ref = try read(fixture("qpv-rennes.geojson"))
        for f in ["qpv-rennes.fgb", "qpv-rennes.kml", "qpv-rennes.gml"] {
            let l = try read(fixture(f))
            XCTAssertEqual(l.count, ref.count, f)
            XCTAssertTrue(l.crs.isWGS84LonLat, "\(f) : \(l.crs)")
            // FlatGeobuf stores features in spatial-index order.
            XCTAssertEqual(l.features.map { $0.geometry?.positionCount ?? 0 }.sorted(), ref.features.map { $0.geometry?.positionCount ?? 0 }.sorted(), f)
            let b = try XCTUnwrap(l.bounds), rb = try XCTUnwrap(ref.bounds)
            XCTAssertEqual(b.minX, rb.minX, accuracy: 1e-9, f)
            XCTAssertEqual(b.maxY, rb.maxY, accuracy: 1e-9, f)
        }
    }

    // MARK: CSV

    func testOpendatasoftExportAllRowsWithPositions() throws {
        let l = try read(fixture("dansmarue-paris-echantillon-2020.csv"))
        XCTAssertEqual(l.count, 1_999)
        XCTAssertEqual(l.features.filter { $0.geometry == nil }.count, 0)
        XCTAssertTrue(l.crs.isWGS84LonLat)
        // Paris, lon/lat order (geo_point_2d is « lat,lon »).
        let b = try XCTUnwrap(l.bounds)
        XCTAssertTrue(b.minX > 2.2 && b.maxX < 2.5 && b.minY > 48.8 && b.maxY < 48.95, "\(b)")
        XCTAssertEqual(l.features[1].properties["TYPE_DECLARATION"], .string("Propreté"))
        XCTAssertNotNil(l.features[0].properties["DATE DECLARATION"])
        let w = try Loader.prepare(l, to: .lambert93, expecting: .point)
        XCTAssertEqual(w.summary.used, 1_999)
    }

    func testGeoPoint2DOnlyWithBOM() throws {
        let l = try read(fixture("incidents-geopoint-bom.csv"))
        XCTAssertEqual(l.count, 30)
        XCTAssertNotNil(l.features[0].properties["ID_DECLARATION"], "BOM not part of the first header: \(l.features[0].properties.keys)")
        guard case .point(let p)? = l.features[0].geometry else { return XCTFail() }
        XCTAssertEqual(p.x, 2.341156843849894, accuracy: 1e-12)
        XCTAssertEqual(p.y, 48.84823612301676, accuracy: 1e-12)
    }

    func testWindows1252SemicolonDecimalCommaCSV() throws {
        let l = try read(fixture("incidents-excel.csv"))
        XCTAssertEqual(l.count, 40)
        XCTAssertNotNil(l.features[0].properties["catégorie"], "\(l.features[0].properties.keys)")
        XCTAssertTrue(names(l, "catégorie").contains("Propreté"))
        guard case .point(let p)? = l.features[0].geometry else { return XCTFail() }
        XCTAssertEqual(p.x, 2.341156843849894, accuracy: 1e-12)
        XCTAssertEqual(p.y, 48.84823612301676, accuracy: 1e-12)
    }

    // MARK: Unreadable files

    func testUnknownFormatSaysWhatItLooksLike() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gup-formats-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = dir.appendingPathComponent("plan.geojson").path
        FileManager.default.createFile(atPath: png, contents: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]))
        XCTAssertThrowsError(try read(png)) { e in
            XCTAssertTrue("\(e)".contains("une image PNG"), "\(e)")
            XCTAssertTrue("\(e)".contains("ogr2ogr"), "\(e)")
        }
        let txt = dir.appendingPathComponent("notes.csv").path
        try "nom;commentaire\nA;rien\n".write(toFile: txt, atomically: true, encoding: .utf8)
        let l = try read(txt)
        XCTAssertEqual(l.count, 1)
        XCTAssertNil(l.features[0].geometry, "no position: kept, then reported as skipped by prepare")
        let w = try Loader.prepare(l, to: .lambert93, expecting: .point)
        XCTAssertEqual(w.summary.skipped.count, 1)
    }

    // MARK: --crs-source

    func testCRSSourceAppliesOnlyWhereNoneDeclaredAndIsChecked() throws {
        // A Lambert-93 GeoJSON without crs member: --crs-source EPSG:2154 makes it readable.
        let l93 = try read(fixture("qpv-rennes-l93-sans-crs.geojson"), crs: .lambert93)
        XCTAssertEqual(l93.crs, .lambert93)
        // Without it: refused, naming Lambert-93.
        XCTAssertThrowsError(try read(fixture("qpv-rennes-l93-sans-crs.geojson"))) { e in
            XCTAssertTrue("\(e)".contains("Lambert-93"), "\(e)")
        }
        // A file declaring its CRS (legacy crs member CRS84) keeps it.
        XCTAssertTrue(try read(fixture("qpv-rennes.geojson"), crs: .lambert93).crs.isWGS84LonLat)
        // The same option applied to WGS 84 perimeters declaring none: an error, not « 0,00 ha ».
        let dir0 = FileManager.default.temporaryDirectory.appendingPathComponent("gup-crs0-\(UUID())")
        try FileManager.default.createDirectory(at: dir0, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir0) }
        let wgs = dir0.appendingPathComponent("perimetres.geojson").path
        let text = try String(contentsOfFile: fixture("qpv-rennes.geojson"), encoding: .utf8)
            .replacingOccurrences(of: "\"crs\": { \"type\": \"name\", \"properties\": { \"name\": \"urn:ogc:def:crs:OGC:1.3:CRS84\" } },", with: "")
        try text.write(toFile: wgs, atomically: true, encoding: .utf8)
        XCTAssertTrue(try read(wgs).crs.isWGS84LonLat)
        XCTAssertThrowsError(try read(wgs, crs: .lambert93)) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("perimetres.geojson"), m)
            XCTAssertTrue(m.contains("longitudes/latitudes"), m)
            XCTAssertTrue(m.contains("EPSG:2154"), m)
        }
        // A file with its own CRS (.prj) ignores --crs-source.
        let shp = try read(fixture("routes-utf8.shp"), crs: CRS("EPSG:4326"))
        XCTAssertEqual(shp.crs, .lambert93)
        // A CSV (no CRS) in Lambert-93 with --crs-source.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gup-crs-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("points.csv").path
        try "x;y;nom\n652000;6862000;a\n".write(toFile: csv, atomically: true, encoding: .utf8)
        XCTAssertEqual(try read(csv, crs: .lambert93).crs, .lambert93)
        XCTAssertThrowsError(try read(csv)) { e in XCTAssertTrue("\(e)".contains("Lambert-93"), "\(e)") }
    }

    // MARK: Tables

    func testManagersTableInEveryFormat() throws {
        let ref = try TableReader.read(path: fixture("gestionnaires.csv"))
        XCTAssertEqual(ref.header, ["id", "gestionnaire"])
        XCTAssertEqual(ref.rows.count, 20)
        XCTAssertEqual(ref.rows[0][1], "Cœur d'Essonne Agglomération")
        for f in ["gestionnaires-excel.csv", "gestionnaires.xlsx", "gestionnaires.ods"] {
            let t = try TableReader.read(path: fixture(f))
            XCTAssertEqual(t.header, ref.header, f)
            XCTAssertEqual(t.rows, ref.rows, f)
        }
    }
}
