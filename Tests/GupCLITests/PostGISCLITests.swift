import Foundation
import XCTest

/// `gup dossier` and `gup resume` reading their layers from the throw-away
/// PostGIS of `scripts/test-postgis.sh` (the demo's perimeters and
/// incidents loaded there by ogr2ogr), through the same code as files.
final class PostGISCLITests: XCTestCase {
    var connection: String {
        ProcessInfo.processInfo.environment["GUP_TEST_PG"] ?? "host=/tmp/gup-test-pg dbname=gup user=postgres"
    }

    func requireServer() throws {
        let host = connection.split(separator: " ").first { $0.hasPrefix("host=") }.map { String($0.dropFirst(5)) } ?? "/var/run/postgresql"
        if FileManager.default.fileExists(atPath: host + "/.s.PGSQL.5432") { return }
        let why = "serveur PostGIS de test absent (\(host)/.s.PGSQL.5432) : lancez scripts/test-postgis.sh start"
        print(why)
        if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(why) }
        throw XCTSkip(why)
    }

    func testDossierReadsPerimetersAndIncidentsFromPostGIS() throws {
        try requireServer()
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let demo = CLI.root.appendingPathComponent("Data/demo").path
        let toml = """
        titre = "PostGIS"
        sortie = "dossier"
        quartiers = ["Les Pins"]
        [couches]
        perimetres = { fichier = "PG:\(connection)", couche = "demo.perimetres", champ_nom = "nom_qp" }
        incidents  = { fichier = "PG:\(connection)", requete = "SELECT * FROM demo.incidents", champ_categorie = "categorie", champ_date = "date" }
        parcelles  = { fichier = "\(demo)/parcelles.geojson", champ_gestionnaire = "gestionnaire" }
        [periodes]
        periode_1 = ["2025-01-01", "2025-12-31"]
        periode_2 = ["2026-01-01", "2026-12-31"]
        """
        try toml.write(to: dir.appendingPathComponent("dossier.toml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["dossier", "dossier.toml", "--date", "01/12/2026"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("dossier/rapport.json"))) as! [String: Any]
        let layers = try XCTUnwrap(report["couches"] as? [[String: Any]])
        let incidents = try XCTUnwrap(layers.first { $0["couche"] as? String == "incidents" })
        XCTAssertEqual(incidents["lues"] as? Int, 5000, "\(incidents)")
        XCTAssertEqual(incidents["utilisees"] as? Int, 5000, "\(incidents)")
        let qs = try XCTUnwrap(report["quartiers"] as? [[String: Any]])
        XCTAssertEqual(qs.map { $0["nom"] as? String }, ["Les Pins"])
        // Dates came as PostgreSQL timestamps: read, no warning of unreadable dates.
        XCTAssertFalse(r.stderr.contains("illisible"), r.stderr)
    }

    func testResumeReadsATableWithGDALConnectionSyntax() throws {
        try requireServer()
        let r = try CLI.run(["resume", "PG:\(connection) tables=demo.perimetres"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("4 entité(s) lue(s), 4 utilisée(s)"), r.stdout)
    }
}
