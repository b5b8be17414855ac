import Foundation
import XCTest

/// The dossier's progress lines (« … Domanialité », written to the error
/// stream when it is not a terminal) name only the steps that run.
final class DossierProgressCLITests: XCTestCase {
    func testStepWithoutItsLayerIsNotAnnounced() throws {
        let demo = CLI.demo
        // The demo's layers but the parcels: no domanialité.
        let (dir, p) = try CLI.project { dir in """
            titre = "Sans parcelles"
            sortie = "\(dir.path)/sortie"
            [couches]
            perimetres = { fichier = "\(demo)/perimetres.geojson", champ_nom = "nom_qp" }
            secteurs   = { fichier = "\(demo)/secteurs.geojson", champ_intervenant = "intervenant" }
            incidents  = { fichier = "\(demo)/incidents.geojson", champ_categorie = "categorie", champ_date = "date" }
            [fond]
            sans_fond = true

            """
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["dossier", p.path, "--sans-pdf"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = Set(r.stderr.split(separator: "\n").map(String.init))
        for step in ["Lecture de perimetres", "Lecture de incidents", "Signalements", "Points chauds", "Nettoyage", "Veille"] {
            XCTAssertTrue(lines.contains("… " + step), "« … \(step) » absent de : \(r.stderr)")
        }
        XCTAssertFalse(lines.contains("… Domanialité"), r.stderr)
        XCTAssertFalse(r.stderr.contains("parcelles"), r.stderr)
        // The dossier was written, without the tenure files.
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.path + "/sortie/index.html"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path + "/sortie/les-pins/domanialite.csv"))
    }
}
