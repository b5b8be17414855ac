import Foundation
import GUPAnalysis
import GUPFormats
import GUPModel
import XCTest

/// The throw-away PostGIS cluster of `scripts/test-postgis.sh` (started by
/// `make test` and `.ci/run`), or the one named by GUP_TEST_PG.
enum TestDatabase {
    static var connection: String {
        ProcessInfo.processInfo.environment["GUP_TEST_PG"] ?? "host=/tmp/gup-test-pg dbname=gup user=postgres"
    }

    /// The connection, or a skip (a failure in CI, where the server is always there) saying why.
    static func require() throws -> String {
        let c = connection
        let host = c.split(separator: " ").first { $0.hasPrefix("host=") }.map { String($0.dropFirst(5)) } ?? "/var/run/postgresql"
        let socket = host + "/.s.PGSQL.5432"
        if FileManager.default.fileExists(atPath: socket) { return c }
        let why = "serveur PostGIS de test absent (pas de socket \(socket)) : lancez scripts/test-postgis.sh start ou définissez GUP_TEST_PG"
        print(why)
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(why) }
        throw XCTSkip(why)
    }
}

final class PostGISTests: XCTestCase {
    func testReadTableWithConnectionSyntaxLayerKeyAndQuery() throws {
        let c = try TestDatabase.require()
        // Command-line form: GDAL's own `tables=`.
        let l = try Loader.read(DataSource.parse("PG:\(c) tables=perimetres"))
        XCTAssertEqual(l.count, 6)
        XCTAssertEqual(l.crs, .lambert93, "SRID 2154")
        XCTAssertEqual(Set(l.features.compactMap { $0.properties["nom_qp"]?.text }).count, 6)
        XCTAssertTrue(l.features.contains { $0.properties["nom_qp"]?.text == "Maurepas" })
        // Same perimeters as the GeoJSON they were loaded from, projected by PROJ.
        let ref = try Loader.prepare(try Loader.read(DataSource.parse(fixture("qpv-rennes.geojson"))), to: .lambert93, expecting: .areal)
        let pg = try Loader.prepare(l, to: .lambert93, expecting: .areal)
        let a = try ref.shapes.reduce(0) { $0 + (try $1.area()) }, b = try pg.shapes.reduce(0) { $0 + (try $1.area()) }
        XCTAssertEqual(a, b, accuracy: a * 1e-9)
        // dossier.toml form: couche = "schema.table".
        let t = try Loader.read(DataSource(location: "PG:\(c)", layer: "bdtopo.troncons"), options: ReadOptions(name: "contexte"))
        XCTAssertEqual(t.count, 50)
        XCTAssertEqual(t.name, "contexte")
        // requete = "SELECT …".
        let q = try Loader.read(DataSource(location: "PG:\(c)", query: "SELECT * FROM perimetres WHERE nom_qp = 'Maurepas'"))
        XCTAssertEqual(q.count, 1)
        XCTAssertEqual(q.crs, .lambert93)
        // Several tables and none chosen: the error lists them.
        XCTAssertThrowsError(try Loader.read(DataSource.parse("PG:\(c)"))) { e in
            XCTAssertTrue("\(e)".contains("perimetres") && "\(e)".contains("bdtopo.troncons"), "\(e)")
        }
        XCTAssertThrowsError(try Loader.read(DataSource(location: "PG:\(c)", query: "SELECT * FROM absente"))) { e in
            XCTAssertTrue("\(e)".contains("requête"), "\(e)")
        }
    }

    func testBadConnectionIsAFrenchErrorWithoutPassword() throws {
        XCTAssertThrowsError(try Loader.read(DataSource.parse("PG:host=/nulle-part dbname=gup password=secret"))) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("connexion à la base impossible"), m)
            XCTAssertFalse(m.contains("secret"), m)
        }
    }
}
