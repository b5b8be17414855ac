import Foundation
import XCTest

/// `pdf_complet = false`: the root dossier.pdf is a synthesis (each
/// quartier's note de présentation and where its plans are), each quartier's
/// own dossier.pdf stays whole. Without the key, a dossier of up to 12
/// quartiers gets a complete root (checked in `DossierCLITests`).
final class DossierPDFSynthesisTests: XCTestCase {
    func testSynthesisRootHoldsNotesAndPointsToEachQuartiersDossier() throws {
        let tmp = try CLI.temporaryFolder()
        let demo = CLI.root.appendingPathComponent("Data/demo").path
        try """
        titre = "Synthèse"
        pdf_complet = false
        [couches]
        perimetres = { fichier = "\(demo)/perimetres.geojson", champ_nom = "nom_qp" }
        parcelles  = { fichier = "\(demo)/parcelles.geojson", champ_gestionnaire = "gestionnaire" }
        [fond]
        routes = "\(demo)/routes.geojson"
        """.write(to: tmp.appendingPathComponent("dossier.toml"), atomically: true, encoding: .utf8)
        let out = tmp.appendingPathComponent("sortie")
        let r = try CLI.run(["dossier", tmp.appendingPathComponent("dossier.toml").path, "--sortie", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue((r.stdout + r.stderr).contains("volume de synthèse"), r.stdout + r.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("rapport.json"))) as! [String: Any]
        let quartiers = report["quartiers"] as! [[String: Any]]
        XCTAssertEqual(quartiers.count, 4)
        // The root: A4 portrait pages only, no plan page; each quartier's note and its folder named.
        let root = out.appendingPathComponent("dossier.pdf").path
        let sizes = try PDFReading.pageSizes(root)
        XCTAssertTrue(sizes.allSatisfy { abs($0.width - 210) < 0.01 && abs($0.height - 297) < 0.01 }, "\(sizes)")
        let text = try (1...sizes.count).map { try PDFReading.text(root, page: $0) }.joined(separator: "\n")
        XCTAssertTrue(text.contains("Volume de synthèse"))
        for q in quartiers {
            let folder = q["dossier"] as! String
            let own = out.appendingPathComponent(folder).appendingPathComponent("dossier.pdf").path
            let pages = try PDFReading.pageSizes(own)
            // The quartier's own document keeps its plans (A4 landscape pages).
            XCTAssertGreaterThanOrEqual(pages.filter { abs($0.width - 297) < 0.01 }.count, 2, folder)
            XCTAssertTrue(text.contains("\(folder)/dossier.pdf (\(pages.count) pages)"), folder)
            XCTAssertTrue(text.contains("Quartier \(q["nom"] as! String)"), folder)
        }
    }
}
