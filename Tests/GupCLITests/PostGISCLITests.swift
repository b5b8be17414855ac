import Foundation
import XCTest

/// The « N entité(s) lue(s) » of `gup resume SOURCE`, to compare two copies of a layer.
func resumeCount(_ source: String, file: StaticString = #filePath, line: UInt = #line) throws -> String? {
    let r = try CLI.run(["resume", source])
    XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
    return r.stdout.split(separator: "\n").first { $0.contains("entité(s) lue(s)") }?
        .components(separatedBy: " : ").last?.components(separatedBy: ",").first
}

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
        let demo = CLI.demo, connection = self.connection
        let (dir, _) = try CLI.project { _ in """
            titre = "PostGIS"
            sortie = "dossier"
            quartiers = ["Les Pins"]
            [couches]
            perimetres = { fichier = "PG:\(connection)", couche = "demo.perimetres", champ_nom = "nom_qp" }
            incidents  = { fichier = "PG:\(connection)", requete = "SELECT * FROM demo.incidents", champ_categorie = "categorie", champ_date = "date" }
            parcelles  = { fichier = "\(demo)/parcelles.geojson", champ_gestionnaire = "gestionnaire" }
            [fond]
            routes = "\(demo)/routes.geojson"
            [periodes]
            periode_1 = ["2025-01-01", "2025-12-31"]
            periode_2 = ["2026-01-01", "2026-12-31"]
            [resultats]
            format = "gpkg"
            postgis = "PG:\(connection) active_schema=resultats"
            """
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["dossier", "dossier.toml", "--date", "01/12/2026"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("dossier/rapport.json"))) as! [String: Any]
        let layers = try XCTUnwrap(report["couches"] as? [[String: Any]])
        let incidents = try XCTUnwrap(layers.first { $0["couche"] as? String == "incidents" })
        // Every incident of the demo file, loaded into PostGIS by ogr2ogr, read back.
        let demoIncidents = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: demo + "/incidents.geojson"))) as! [String: Any]
        let expected = (demoIncidents["features"] as! [Any]).count
        XCTAssertGreaterThan(expected, 1000)
        XCTAssertEqual(incidents["lues"] as? Int, expected, "\(incidents)")
        XCTAssertEqual(incidents["utilisees"] as? Int, expected, "\(incidents)")
        let qs = try XCTUnwrap(report["quartiers"] as? [[String: Any]])
        XCTAssertEqual(qs.map { $0["nom"] as? String }, ["Les Pins"])
        // Dates came as PostgreSQL timestamps: read, no warning of unreadable dates.
        XCTAssertFalse(r.stderr.contains("illisible"), r.stderr)
        // [resultats]: every result layer of the run in one GeoPackage and in PostGIS, the same.
        let files = try XCTUnwrap(report["fichiers"] as? [String])
        XCTAssertTrue(files.contains("resultats.gpkg"), "\(files)")
        let gpkg = dir.appendingPathComponent("dossier/resultats.gpkg").path
        for layer in ["domanialite", "points_chauds", "zones_chaudes"] {
            let a = try resumeCount(gpkg + ":" + layer)
            XCTAssertNotNil(a, layer)
            XCTAssertEqual(a, try resumeCount("PG:\(connection) tables=resultats.\(layer)"), layer)
        }
    }

    func testResumeReadsATableWithGDALConnectionSyntax() throws {
        try requireServer()
        let r = try CLI.run(["resume", "PG:\(connection) tables=demo.perimetres"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("4 entité(s) lue(s), 4 utilisée(s)"), r.stdout)
    }
}

/// `--format gpkg`: every result layer of the run in one GeoPackage.
final class GeoPackageOutputCLITests: XCTestCase {
    func testDomanialiteWritesOneGeoPackageReadableByGup() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["domanialite", "--perimetres", "Data/demo/perimetres.geojson", "--parcelles", "Data/demo/parcelles.geojson",
                             "--sortie", dir.appendingPathComponent("gpkg").path, "--format", "gpkg"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("gpkg").path).sorted()
        XCTAssertEqual(files, [".gup-manifeste.json", "chevauchements.csv", "domanialite.csv", "resultats.gpkg"])
        let g = try CLI.run(["domanialite", "--perimetres", "Data/demo/perimetres.geojson", "--parcelles", "Data/demo/parcelles.geojson",
                             "--sortie", dir.appendingPathComponent("geojson").path])
        XCTAssertEqual(g.status, 0, g.stderr)
        // Same pieces, same total area, read back by gup from either format.
        let gpkg = dir.appendingPathComponent("gpkg/resultats.gpkg").path
        let a = try CLI.run(["resume", gpkg + ":domanialite"])
        let b = try CLI.run(["resume", dir.appendingPathComponent("geojson/domanialite.geojson").path])
        XCTAssertEqual(a.status, 0, a.stderr)
        func figures(_ s: String) -> [String] {
            s.split(separator: "\n").map(String.init).filter { $0.contains("entité(s) lue(s)") || $0.contains("surface totale") }
                .map { $0.replacingOccurrences(of: "domanialite : ", with: "") }
                // The WGS 84 round trip of GeoJSON makes a few rings touch themselves (then repaired);
                // the GeoPackage keeps the working CRS's coordinates.
                .map { $0.components(separatedBy: " dont ")[0] }
        }
        XCTAssertFalse(a.stdout.contains("réparée"), a.stdout)
        XCTAssertEqual(figures(a.stdout).count, 2, a.stdout)
        XCTAssertEqual(figures(a.stdout), figures(b.stdout))
        XCTAssertTrue(a.stdout.contains("système source : EPSG:2154"), a.stdout)
        // gup verifier accepts what it wrote: one geometry type per layer, every geometry valid for GEOS.
        let v = try CLI.run(["verifier", gpkg])
        XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
        XCTAssertTrue(v.stdout.contains("resultats.gpkg : valide"), v.stdout)
        let bad = try CLI.run(["domanialite", "--perimetres", "Data/demo/perimetres.geojson", "--parcelles", "Data/demo/parcelles.geojson",
                               "--sortie", dir.appendingPathComponent("x").path, "--format", "shp"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--format"), bad.stderr)
    }

    func testNettoyageLayersInTheGeoPackageMatchTheGeoJSON() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["nettoyage", "--perimetres", "Data/demo/perimetres.geojson", "--secteurs", "Data/demo/secteurs.geojson"]
        XCTAssertEqual(try CLI.run(args + ["--sortie", dir.appendingPathComponent("a").path, "--format", "gpkg"]).status, 0)
        XCTAssertEqual(try CLI.run(args + ["--sortie", dir.appendingPathComponent("b").path]).status, 0)
        for layer in ["lacunes", "doublons"] {
            let a = try resumeCount(dir.appendingPathComponent("a/resultats.gpkg").path + ":" + layer)
            XCTAssertNotNil(a, layer)
            XCTAssertEqual(a, try resumeCount(dir.appendingPathComponent("b/\(layer).geojson").path), layer)
        }
    }

    func testPointsChaudsLayersInTheGeoPackageMatchTheGeoJSON() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["points-chauds", "--zones", "Data/demo/perimetres.geojson", "--incidents", "Data/demo/incidents.geojson"]
        let a0 = try CLI.run(args + ["--sortie", dir.appendingPathComponent("a").path, "--format", "gpkg"])
        XCTAssertEqual(a0.status, 0, a0.stderr)
        XCTAssertEqual(try CLI.run(args + ["--sortie", dir.appendingPathComponent("b").path]).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("a/points_chauds.geojson").path))
        for layer in ["points_chauds", "zones_chaudes"] {
            let a = try resumeCount(dir.appendingPathComponent("a/resultats.gpkg").path + ":" + layer)
            XCTAssertNotNil(a, layer)
            XCTAssertEqual(a, try resumeCount(dir.appendingPathComponent("b/\(layer).geojson").path), layer)
        }
    }
}
