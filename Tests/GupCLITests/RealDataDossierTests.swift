import Foundation
import XCTest

/// The documents on real data: the Épinay-sur-Orge cadastre (parcels with
/// managers joined from a CSV, parcels as cleaning sectors, three quartiers
/// drawn over them; fixtures of GUPAnalysisTests with their sources).
final class RealDataDossierTests: XCTestCase {
    func testRealCadastreDossierDocuments() throws {
        let fixtures = CLI.root.appendingPathComponent("Tests/GUPAnalysisTests/Fixtures").path
        let tmp = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let project = tmp.appendingPathComponent("dossier.toml")
        try """
        titre = "Épinay-sur-Orge"
        commune = "Épinay-sur-Orge"
        csv = "excel"
        [couches]
        perimetres = { fichier = "\(fixtures)/cleaning-cadastre/perimetres.geojson", champ_nom = "nom" }
        parcelles  = { fichier = "\(fixtures)/tenure-cadastre/parcelles.geojson", gestionnaires = "\(fixtures)/tenure-cadastre/gestionnaires.csv", cle = "id" }
        secteurs   = { fichier = "\(fixtures)/cleaning-cadastre/secteurs.geojson", champ_intervenant = "intervenant" }
        [fond]
        sans_fond = true
        """.write(to: project, atomically: true, encoding: .utf8)
        let out = tmp.appendingPathComponent("sortie")
        let r = try CLI.run(["dossier", project.path, "--sortie", out.path, "--date", "01/12/2026"])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Every GeoJSON valid as written, one geometry type each.
        let types = try OutputChecks.verifyAll(under: out)
        XCTAssertEqual(Set(types.values), ["MultiPolygon"])
        // The GIS hand-over on real parcels: verified by gup, opened by QGIS, managers (joined from the CSV) in the plans' colours.
        let v = try CLI.run(["verifier", out.appendingPathComponent("dossier.gpkg").path, out.appendingPathComponent("dossier.qgs").path])
        XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
        let q = try QGISCheck.run(project: out.appendingPathComponent("dossier.qgs"), crs: "EPSG:2154")
        XCTAssertEqual(q.status, 0, q.stdout + q.stderr)
        XCTAssertTrue(q.stdout.contains("(parcelles) : ") && q.stdout.contains("gestionnaires aux couleurs des plans"), q.stdout)
        // Tables for French spreadsheets.
        let csv = try Data(contentsOf: out.appendingPathComponent("centre/couverture.csv"))
        XCTAssertEqual(Array(csv.prefix(3)), [0xEF, 0xBB, 0xBF])
        // The workbook reads the excel-dialect CSVs back as numbers.
        let book = WorkbookReading(path: out.appendingPathComponent("tableaux.xlsx").path)
        let cov = try book.rows(sheet: try book.sheetNames().firstIndex(of: "Couverture nettoyage")! + 1)
        XCTAssertEqual(cov.count, 4)
        XCTAssertNil(cov[1][1].type)
        XCTAssertGreaterThan(Double(try XCTUnwrap(cov[1][1].value))!, 100_000)
        // The PDF: cover + per quartier note, two plans (A4 landscape), tables; fonts embedded.
        let pdf = out.appendingPathComponent("dossier.pdf").path
        let sizes = try PDFReading.pageSizes(pdf)
        XCTAssertEqual(sizes.filter { abs($0.width - 297) < 0.01 && abs($0.height - 210) < 0.01 }.count, 6)
        XCTAssertTrue(try PDFReading.fonts(pdf).allSatisfy(\.embedded))
    }
}
