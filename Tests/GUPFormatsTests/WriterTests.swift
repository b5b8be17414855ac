import Foundation
import GUPAnalysis
import GUPFormats
import GUPModel
import XCTest

/// Result layers written through GDAL read back through `Loader.read`, the
/// same code a user's next run (or QGIS, through GDAL too) reads them with.
final class WriterTests: XCTestCase {
    func workingLayers() throws -> [Layer] {
        let src = try Loader.read(DataSource.parse(fixture("qpv-rennes.geojson")))
        let w = try Loader.prepare(src, to: .lambert93, expecting: .areal)
        let perimeters = Layer(name: "perimetres", source: "test", crs: .lambert93, features: w.features)
        let points = Layer(name: "centres", source: "test", crs: .lambert93, features: try w.shapes.enumerated().map { k, s in
            Feature(index: k, geometry: .point(try s.pointOnSurface().pointPosition()),
                    properties: ["rang": .number(Double(k + 1)), "part": .number(Double(k) / 3), "nom": w.features[k].properties["NOM_QP"] ?? .null])
        })
        return [perimeters, points]
    }

    func check(_ back: Layer, against l: Layer, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(back.count, l.count, file: file, line: line)
        XCTAssertEqual(back.crs, .lambert93, file: file, line: line)
        let a = try XCTUnwrap(back.bounds), b = try XCTUnwrap(l.bounds)
        XCTAssertEqual(a.minX, b.minX, accuracy: 1e-6, file: file, line: line)
        XCTAssertEqual(a.maxY, b.maxY, accuracy: 1e-6, file: file, line: line)
        XCTAssertEqual(back.features.map { $0.geometry?.positionCount }, l.features.map { $0.geometry?.positionCount }, file: file, line: line)
    }

    func testGeoPackageHoldsEveryLayerInTheWorkingCRS() throws {
        let layers = try workingLayers()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gup-writer-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try OutputFolder(path: dir.path)
        let url = try LayerWriter.writeGeoPackage(layers, to: "resultats.gpkg", in: folder)
        try folder.commit()   // the run's staging folder moves into place
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), [".gup-manifeste.json", "resultats.gpkg"],
                       "no temporary file left")
        XCTAssertEqual(try FileKind.sniff(path: url.path), .sqlite)
        let back = try Loader.read(DataSource.parse(url.path + ":perimetres"))
        try check(back, against: layers[0])
        XCTAssertEqual(back.features[0].properties["NOM_QP"], layers[0].features[0].properties["NOM_QP"])
        XCTAssertEqual(back.features[0].properties["pop"], .string("6 206"), "text stays text")
        let pts = try Loader.read(DataSource.parse(url.path + ":centres"))
        try check(pts, against: layers[1])
        XCTAssertEqual(pts.features[2].properties["rang"], .number(3))
        XCTAssertEqual(pts.features[2].properties["part"]?.number ?? 0, 2.0 / 3, accuracy: 1e-15)
        // Outside the output folder: refused.
        XCTAssertThrowsError(try LayerWriter.writeGeoPackage(layers, to: "../ailleurs.gpkg", in: folder))
    }

    /// A GeoPackage column name is unique ignoring case, and `fid` and `geom`
    /// are the table's own: clashing fields get `_2`, their values kept; an
    /// empty layer keeps the geometry type it is declared with.
    func testClashingFieldNamesAndEmptyLayersKeepTheirData() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gup-writer-noms-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try OutputFolder(path: dir.path)
        let square = Geometry.polygon(Polygon(exterior: [Position(0, 0), Position(10, 0), Position(10, 10), Position(0, 10), Position(0, 0)]))
        let f = Feature(index: 0, geometry: square, properties: ["fid": .string("A-1"), "Nom": .string("Les Pins"), "nom": .string("pins"),
                                                                 "GEOM": .number(3)])
        let layers = [Layer(name: "noms", source: "test", crs: .lambert93, features: [f]),
                      Layer(name: "vide", source: "test", crs: .lambert93, features: [])]
        let url = try LayerWriter.writeGeoPackage(layers, to: "t.gpkg", in: folder, geometryKinds: ["vide": .area])
        try folder.commit()
        let back = try Loader.read(DataSource.parse(url.path + ":noms")).features[0].properties
        XCTAssertEqual(back["fid_2"], .string("A-1"))
        XCTAssertEqual(back["Nom"], .string("Les Pins"))
        XCTAssertEqual(back["nom_2"], .string("pins"))
        XCTAssertEqual(back["GEOM_2"], .number(3))
        let info = try VectorInspector.layers(path: url.path)
        XCTAssertEqual(info.map(\.name), ["noms", "vide"])
        XCTAssertEqual(info.map(\.geometryType), ["Multi Polygon", "Multi Polygon"])
        XCTAssertEqual(info.map(\.featureCount), [1, 0])
    }

    func testPostGISTablesReadBack() throws {
        let c = try TestDatabase.require()
        let layers = try workingLayers().map { l -> Layer in var l = l; l.name = "test_ecriture_" + l.name; return l }
        // A folder of its own: the temporary directory may hold this test's inputs (a clone under /tmp).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gup-writer-pg-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        try ResultLayers.write(layers, output: ResultOutput(format: .geojson, postgis: "PG:" + c), to: try OutputFolder(path: dir.path))
        // Written twice: tables replaced, not appended to.
        try LayerWriter.writePostGIS(layers, connection: "PG:" + c)
        let back = try Loader.read(DataSource(location: "PG:" + c, layer: "test_ecriture_perimetres"))
        try check(back, against: layers[0])
        let pts = try Loader.read(DataSource(location: "PG:" + c, query: "SELECT * FROM test_ecriture_centres ORDER BY rang"))
        try check(pts, against: layers[1])
    }
}
