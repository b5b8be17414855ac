import Foundation
import XCTest

/// One pipeline: each analysis run through its `gup` command and through
/// `gup dossier` on the same inputs and options writes the same rows.
final class PipelineParityTests: XCTestCase {
    static var dossier: URL!
    static var commands: URL!
    static var project: URL!

    static let demo = CLI.root.appendingPathComponent("Data/demo").path

    override class func setUp() {
        super.setUp()
        let tmp = try! CLI.temporaryFolder()
        // The demo project without its context layer, the same options as the commands below.
        project = tmp.appendingPathComponent("dossier.toml")
        try! """
        titre = "Parité"
        [couches]
        perimetres = { fichier = "\(demo)/perimetres.geojson", champ_nom = "nom_qp" }
        parcelles  = { fichier = "\(demo)/parcelles.geojson", champ_gestionnaire = "gestionnaire" }
        residences = { fichier = "\(demo)/residences.geojson" }
        secteurs   = { fichier = "\(demo)/secteurs.geojson", champ_intervenant = "intervenant" }
        incidents  = { fichier = "\(demo)/incidents.geojson", champ_categorie = "categorie", champ_date = "date" }
        [fond]
        sans_fond = true
        [periodes]
        periode_1 = ["2025-01-01", "2025-12-31"]
        periode_2 = ["2026-01-01", "2026-12-31"]
        [seuils]
        chevauchement_m2 = 2
        lacune_m2 = 15
        cellule_m = 40
        rayon_m = 120
        """.write(to: project, atomically: true, encoding: .utf8)
        dossier = tmp.appendingPathComponent("dossier")
        commands = tmp.appendingPathComponent("commandes")
        let r = try! CLI.run(["dossier", project.path, "--sortie", dossier.path, "--date", "01/12/2026"])
        XCTAssertEqual(r.status, 0, r.stderr)
    }

    /// Rows of a CSV (header first).
    func rows(_ url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\r\n").map(String.init)
    }

    /// The command's rows of one perimeter (first column) equal the dossier's file for it.
    func assertSameRows(command file: String, in dir: URL, dossierFile: String, quartier: String, folder: String,
                        nonEmpty: Bool = true, line: UInt = #line) throws {
        let all = try rows(dir.appendingPathComponent(file))
        let mine = [all[0]] + all.dropFirst().filter { $0.hasPrefix(quartier + ",") }
        let theirs = try rows(Self.dossier.appendingPathComponent(folder).appendingPathComponent(dossierFile))
        if nonEmpty { XCTAssertGreaterThan(theirs.count, 1, "\(folder)/\(dossierFile) is empty", line: line) }
        XCTAssertEqual(mine, theirs, "\(file) vs \(folder)/\(dossierFile)", line: line)
    }

    let quartiers = [("Les Pins", "les-pins"), ("Les Hermes", "les-hermes"), ("Le Liourat", "le-liourat")]

    func testDomanialiteCommandAndDossierAgree() throws {
        let out = Self.commands.appendingPathComponent("domanialite")
        let r = try CLI.run(["domanialite", "--perimetres", "\(Self.demo)/perimetres.geojson", "--champ-nom", "nom_qp",
                             "--parcelles", "\(Self.demo)/parcelles.geojson", "--champ-gestionnaire", "gestionnaire",
                             "--incidents", "\(Self.demo)/incidents.geojson", "--champ-categorie", "categorie",
                             "--seuil-chevauchement", "2", "--sortie", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for (q, folder) in quartiers {
            for f in ["domanialite.csv", "chevauchements.csv", "responsabilites.csv"] {
                try assertSameRows(command: f, in: out, dossierFile: f, quartier: q, folder: folder, nonEmpty: f != "chevauchements.csv")
            }
        }
    }

    func testDensitesCommandAndDossierAgree() throws {
        let out = Self.commands.appendingPathComponent("densites")
        let r = try CLI.run(["densites", "--zones", "\(Self.demo)/perimetres.geojson", "--champ-nom", "nom_qp",
                             "--incidents", "\(Self.demo)/incidents.geojson", "--champ-categorie", "categorie", "--champ-date", "date",
                             "--residences", "\(Self.demo)/residences.geojson",
                             "--periode-1", "2025-01-01:2025-12-31", "--periode-2", "2026-01-01:2026-12-31", "--sortie", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for (q, folder) in quartiers {
            for f in ["densites.csv", "evolution.csv"] {
                try assertSameRows(command: f, in: out, dossierFile: f, quartier: q, folder: folder)
            }
        }
    }

    func testNettoyageCommandAndDossierAgree() throws {
        let out = Self.commands.appendingPathComponent("nettoyage")
        let r = try CLI.run(["nettoyage", "--perimetres", "\(Self.demo)/perimetres.geojson", "--champ-nom", "nom_qp",
                             "--secteurs", "\(Self.demo)/secteurs.geojson", "--champ-intervenant", "intervenant",
                             "--residences", "\(Self.demo)/residences.geojson",
                             "--incidents", "\(Self.demo)/incidents.geojson", "--champ-categorie", "categorie",
                             "--seuil", "15", "--sortie", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for (q, folder) in quartiers {
            for f in ["couverture.csv", "doublons.csv"] {
                try assertSameRows(command: f, in: out, dossierFile: f, quartier: q, folder: folder, nonEmpty: f == "couverture.csv")
            }
        }
        // Double coverage exists somewhere, so the comparison above compared rows.
        XCTAssertGreaterThan(try rows(out.appendingPathComponent("doublons.csv")).count, 1)
    }

    /// Hotspots are computed per quartier in the dossier: the command on that
    /// quartier's perimeter alone writes the same grid and the same density.
    func testPointsChaudsCommandAndDossierAgree() throws {
        let one = Self.commands.appendingPathComponent("les-pins.geojson")
        try FileManager.default.createDirectory(at: Self.commands, withIntermediateDirectories: true)
        let all = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(Self.demo)/perimetres.geojson"))) as! [String: Any]
        let features = (all["features"] as! [[String: Any]]).filter { ($0["properties"] as! [String: Any])["nom_qp"] as? String == "Les Pins" }
        XCTAssertEqual(features.count, 1)
        try JSONSerialization.data(withJSONObject: ["type": "FeatureCollection", "features": features]).write(to: one)
        let out = Self.commands.appendingPathComponent("points-chauds")
        let r = try CLI.run(["points-chauds", "--zones", one.path, "--incidents", "\(Self.demo)/incidents.geojson",
                             "--champ-categorie", "categorie", "--cellule", "40", "--rayon", "120", "--sortie", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        for f in ["points_chauds.csv", "zones_chaudes.geojson"] {
            XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent(f)),
                           try Data(contentsOf: Self.dossier.appendingPathComponent("les-pins").appendingPathComponent(f)), f)
        }
        // The dossier's hotspot plan draws the same kernel (radius 120 m) on a
        // finer grid of 1 mm on paper (issue 14), not the analysis' 8 m grid.
        let svg = try String(contentsOf: Self.dossier.appendingPathComponent("les-pins/plan_points_chauds.svg"), encoding: .utf8)
        let asc = try String(contentsOf: out.appendingPathComponent("densite_noyau.asc"), encoding: .utf8)
        XCTAssertTrue(asc.contains("cellsize 8"), String(asc.prefix(200)))
        XCTAssertTrue(svg.contains("noyau quartique de 120 m"), "plan density radius")
        let scale = try XCTUnwrap(svg.range(of: "data-echelle=\"").map { svg[$0.upperBound...].prefix { $0 != "\"" } }.flatMap { Double($0) })
        let cell = try XCTUnwrap(svg.range(of: "data-maille-m=\"").map { svg[$0.upperBound...].prefix { $0 != "\"" } }.flatMap { Double($0) })
        XCTAssertEqual(cell, scale / 1000, accuracy: 1e-9, "plan density cell: 1 mm on paper")
    }
}
