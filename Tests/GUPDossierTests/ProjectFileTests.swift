import XCTest
import GUPModel
import GUPAnalysis
@testable import GUPDossier

final class ProjectFileTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "gup-projet-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for f in ["perimetres.geojson", "parcelles.geojson", "gestionnaires.csv"] {
            FileManager.default.createFile(atPath: dir + "/" + f, contents: Data("{}".utf8))
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func write(_ toml: String) -> String {
        let p = dir + "/dossier.toml"
        FileManager.default.createFile(atPath: p, contents: Data(toml.utf8))
        return p
    }

    func testFullFileIsReadWithPathsRelativeToIt() throws {
        let p = write("""
        titre = "Dossier test"
        commune = "Vitrolles"
        sortie = "sortie/dossier"
        crs = "EPSG:2154"
        quartiers = ["Les Pins"]
        [couches]
        perimetres = { fichier = "perimetres.geojson", champ_nom = "nom_qp" }
        parcelles = { fichier = "parcelles.geojson", gestionnaires = "gestionnaires.csv", cle = "id", crs = "EPSG:2154" }
        [periodes]
        periode_1 = ["2025-01-01", "2025-12-31"]
        periode_2 = ["2026-01-01", "2026-12-31"]
        [seuils]
        lacune_m2 = 20
        cellule_m = 25
        [plans]
        format = "A3"
        [parcours]
        arrets = 6
        depart = [5.25, 43.45]
        """)
        let f = try ProjectFile.read(path: p)
        XCTAssertEqual(f.title, "Dossier test")
        XCTAssertEqual(f.output, URL(fileURLWithPath: dir + "/sortie/dossier").standardizedFileURL.path)
        XCTAssertEqual(f.workingCRS, .lambert93)
        XCTAssertEqual(f.quartiers, ["Les Pins"])
        XCTAssertEqual(f.layers["perimetres"]?.fields["nom"], "nom_qp")
        XCTAssertEqual(f.layers["parcelles"]?.join?.key, "id")
        XCTAssertEqual(f.layers["parcelles"]?.crs, .lambert93)
        XCTAssertTrue(f.layers["parcelles"]!.join!.file.hasSuffix("/gestionnaires.csv"))
        XCTAssertEqual(f.period2, .init(from: "2026-01-01", to: "2026-12-31"))
        XCTAssertEqual(f.gapThreshold, 20)
        XCTAssertEqual(f.cellSize, 25)
        XCTAssertEqual(f.overlapThreshold, 1)
        XCTAssertEqual(f.page.format, .a3)
        XCTAssertEqual(f.routeStops, 6)
        XCTAssertEqual(f.routeStart, Position(5.25, 43.45))
    }

    func testQuartierFoldersAreUnique() {
        XCTAssertEqual(Dossier.uniqueSlugs(["Les Pins", "Les Pins !", "Saint-Jean", "Saint Jean", "Écoles"]),
                       ["les-pins", "les-pins-2", "saint-jean", "saint-jean-2", "ecoles"])
    }

    func assertError(_ toml: String, mentions needles: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ProjectFile.read(path: write(toml)), file: file, line: line) { e in
            let m = "\(e)"
            for n in needles { XCTAssertTrue(m.contains(n), "« \(m) » ne mentionne pas « \(n) »", file: file, line: line) }
        }
    }

    func testErrorsNameTheKeyOrTheFile() {
        assertError("titr = \"x\"\n[couches]\nperimetres = { fichier = \"perimetres.geojson\" }", mentions: ["titr", "clé inconnue", "dossier.toml"])
        assertError("[couches]\nperimetres = { fichier = \"absent.geojson\" }", mentions: ["couches.perimetres.fichier", "absent.geojson"])
        assertError("[couches]\nparcelles = { fichier = \"parcelles.geojson\" }", mentions: ["couches.perimetres"])
        assertError("[couches]\nperimetres = { fichier = \"perimetres.geojson\", champnom = \"x\" }", mentions: ["couches.perimetres.champnom"])
        assertError("[couches]\nperimetres = { fichier = \"perimetres.geojson\" }\n[periodes]\nperiode_1 = [\"2025-13-01\", \"2025-12-31\"]", mentions: ["periodes.periode_1"])
        assertError("[couches]\nperimetres = { fichier = \"perimetres.geojson\" }\n[plans]\nformat = \"A5\"", mentions: ["plans.format"])
        assertError("titre = \n", mentions: ["TOML invalide", "ligne 1"])
        assertError("[couches]\nperimetres = { fichier = \"perimetres.geojson\" }\n[periodes]\nperiode_1 = [\"2025-01-01\", \"2025-06-31\"]", mentions: ["periodes.periode_1"])
        XCTAssertThrowsError(try ProjectFile.read(path: dir + "/absent.toml")) { e in XCTAssertTrue("\(e)".contains("absent.toml")) }
    }
}

extension ProjectFileTests {
    func testVeilleThresholdsAndMergeAreRead() throws {
        let p = write("""
        [couches]
        perimetres = { fichier = "perimetres.geojson" }
        [veille]
        pas = "semaine"
        fusion_doublons = "15:48"
        [seuils_veille]
        signalements_par_ha_mois = [1.5, 3]
        part_traitee_30_jours_pct = [90, 70]
        fenetre_mois = 1
        """)
        let f = try ProjectFile.read(path: p)
        XCTAssertEqual(f.veilleStep, .week)
        XCTAssertEqual(f.duplicateRule, try DuplicateRule(metres: 15, hours: 48))
        XCTAssertEqual(f.veilleThresholds[.perHectarePerMonth].vigilance, 1.5)
        XCTAssertEqual(f.veilleThresholds[.perHectarePerMonth].alert, 3)
        XCTAssertEqual(f.veilleThresholds[.treatedWithin30Days].rising, false)
        XCTAssertEqual(f.veilleThresholds.window, 1)
        XCTAssertEqual(f.veilleThresholds[.variation], VeilleThresholds.defaults[.variation])
        // Off by default.
        let d = try ProjectFile.read(path: write("[couches]\nperimetres = { fichier = \"perimetres.geojson\" }\n"))
        XCTAssertNil(d.duplicateRule)
        XCTAssertEqual(d.veilleThresholds, .defaults)
    }

    func testVeilleKeysErrorsNameTheKey() throws {
        let base = "[couches]\nperimetres = { fichier = \"perimetres.geojson\" }\n"
        for (toml, words) in [
            ("[seuils_veille]\nsignalements_par_ha_mois = [3, 1]\n", "seuils_veille.signalements_par_ha_mois"),
            ("[seuils_veille]\ninconnu = [1, 2]\n", "indicateur « inconnu » inconnu"),
            ("[seuils_veille]\npart_categorie_pct = 40\n", "[vigilance, alerte] attendu"),
            ("[seuils_veille]\nfenetre_mois = 0\n", "seuils_veille.fenetre_mois"),
            ("[veille]\nfusion_doublons = \"15\"\n", "veille.fusion_doublons : « 15 » illisible"),
            ("[veille]\npas = \"jour\"\n", "veille.pas"),
            ("[veille]\nautre = 1\n", "veille.autre"),
        ] {
            XCTAssertThrowsError(try ProjectFile.read(path: write(base + toml)), toml) { e in
                let m = (e as? GUPError)?.message ?? "\(e)"
                XCTAssertTrue(m.contains(words), m)
                XCTAssertTrue(m.contains("dossier.toml"), m)
            }
        }
    }
}

extension ProjectFileTests {
    func testFondTableTakesFilesOrTablesAndItsFields() throws {
        for f in ["routes.gpkg", "voies.shp"] { FileManager.default.createFile(atPath: dir + "/" + f, contents: Data("{}".utf8)) }
        let p = try ProjectFile.read(path: write("""
        [couches]
        perimetres = { fichier = "perimetres.geojson" }
        [fond]
        routes = { fichier = "routes.gpkg", champ_nom = "nom_collaboratif_gauche", champ_classe = "importance", crs = "EPSG:2154" }
        voies_ferrees = "voies.shp"
        """))
        XCTAssertTrue(p.hasBackground)
        XCTAssertFalse(p.withoutBackground)
        XCTAssertEqual(p.layers["routes"]?.file, dir + "/routes.gpkg")
        XCTAssertEqual(p.layers["voies_ferrees"]?.file, dir + "/voies.shp")
        let spec = p.inputSpec
        XCTAssertEqual(spec.sources[.routes]?.path, dir + "/routes.gpkg")
        XCTAssertEqual(spec.sources[.routes]?.declaredCRS, CRS.lambert93)
        XCTAssertEqual(spec.sources[.voiesFerrees]?.path, dir + "/voies.shp")
        XCTAssertEqual(spec.fields[.roadName], "nom_collaboratif_gauche")
        XCTAssertEqual(spec.fields[.roadClass], "importance")
        let none = try ProjectFile.read(path: write("[couches]\nperimetres = { fichier = \"perimetres.geojson\" }\n[fond]\nsans_fond = true\n"))
        XCTAssertFalse(none.hasBackground)
        XCTAssertTrue(none.withoutBackground)
    }

    func testFondErrorsNameTheKey() throws {
        let base = "[couches]\nperimetres = { fichier = \"perimetres.geojson\" }\n"
        for (toml, words) in [
            ("[fond]\nrues = \"perimetres.geojson\"\n", "fond.rues"),
            ("[fond]\nroutes = \"absent.gpkg\"\n", "fond.routes.fichier"),
            ("[fond]\nroutes = { fichier = \"perimetres.geojson\", champ_gestionnaire = \"x\" }\n", "fond.routes.champ_gestionnaire"),
            ("[fond]\nsans_fond = \"oui\"\n", "fond.sans_fond"),
            ("[fond]\nroutes = 3\n", "fond.routes"),
        ] {
            XCTAssertThrowsError(try ProjectFile.read(path: write(base + toml)), toml) { e in
                let m = (e as? GUPError)?.message ?? "\(e)"
                XCTAssertTrue(m.contains(words), m)
                XCTAssertTrue(m.contains("dossier.toml"), m)
            }
        }
    }
}
