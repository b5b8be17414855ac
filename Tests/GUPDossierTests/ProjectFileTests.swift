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

    func testLayerKeysForGeoPackageAndPostGIS() throws {
        FileManager.default.createFile(atPath: dir + "/bdtopo.gpkg", contents: Data("SQLite format 3\u{0}".utf8))
        let p = write("""
        [couches]
        perimetres = { fichier = "PG:dbname=gup host=/tmp/pg", couche = "gup.perimetres" }
        incidents = { fichier = "PG:dbname=gup host=/tmp/pg", requete = "SELECT * FROM signalements" }
        contexte = { fichier = "bdtopo.gpkg", couche = "commune" }
        """)
        let f = try ProjectFile.read(path: p)
        XCTAssertEqual(f.layers["perimetres"]?.source.location, "PG:dbname=gup host=/tmp/pg", "a connection is not a path")
        XCTAssertEqual(f.layers["perimetres"]?.source.layer, "gup.perimetres")
        XCTAssertEqual(f.layers["incidents"]?.source.query, "SELECT * FROM signalements")
        XCTAssertEqual(f.layers["contexte"]?.source.location, dir + "/bdtopo.gpkg")
        XCTAssertEqual(f.layers["contexte"]?.source.layer, "commune")
        let both = write("""
        [couches]
        perimetres = { fichier = "PG:dbname=gup", couche = "a", requete = "SELECT 1" }
        """)
        XCTAssertThrowsError(try ProjectFile.read(path: both)) { e in
            XCTAssertTrue("\(e)".contains("couches.perimetres.requete") && "\(e)".contains("s'excluent"), "\(e)")
        }
        let results = write("""
        [couches]
        perimetres = { fichier = "PG:dbname=gup", couche = "a" }
        [resultats]
        format = "gpkg"
        postgis = "PG:dbname=gup active_schema=resultats"
        """)
        let r = try ProjectFile.read(path: results).results
        XCTAssertEqual(r.format, .gpkg)
        XCTAssertEqual(r.postgis, "PG:dbname=gup active_schema=resultats")
        let shp = write("""
        [couches]
        perimetres = { fichier = "PG:dbname=gup", couche = "a" }
        [resultats]
        format = "shp"
        """)
        XCTAssertThrowsError(try ProjectFile.read(path: shp)) { e in
            XCTAssertTrue("\(e)".contains("resultats.format"), "\(e)")
        }
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
        assertError("csv = \"tableur\"\n[couches]\nperimetres = { fichier = \"perimetres.geojson\" }", mentions: ["csv", "tableur", "excel"])
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

/// Issue 16: numbers of the project file checked against their domains,
/// work limits, and the TOML parser's words in French.
final class ProjectFileHardeningTests: XCTestCase {
    func parse(_ toml: String) throws -> ProjectFile {
        let dir = NSTemporaryDirectory() + "gup-projet-h-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/p.geojson", contents: Data("{}".utf8))
        return try ProjectFile.parse(toml + "\n[couches]\nperimetres = { fichier = \"p.geojson\" }\n", path: dir + "/dossier.toml")
    }

    func testThresholdsOutsideTheirDomain() {
        // Cases 1 and 11.
        for (line, part) in [("cellule_m = nan", "« nan »"), ("rayon_m = inf", "infinie"), ("cellule_m = 1e-13", "hors des bornes"),
                             ("rayon_m = 1e20", "hors des bornes"), ("chevauchement_m2 = -1", "hors des bornes"), ("lacune_m2 = -inf", "moins l'infini")] {
            XCTAssertThrowsError(try parse("[seuils]\n" + line)) { e in
                XCTAssertTrue("\(e)".contains("clé « seuils.\(line.prefix { $0 != " " }) » : valeur"), "\(e)")
                XCTAssertTrue("\(e)".contains(part), "\(line): \(e)")
            }
        }
    }

    func testLimitsTable() throws {
        XCTAssertEqual(try parse("[limites]\ncellules = 100\npaires = 7").limits, WorkLimits(gridCells: 100, overlayPairs: 7))
        XCTAssertEqual(try parse("").limits, WorkLimits())
        XCTAssertThrowsError(try parse("[limites]\ncellules = 0")) { XCTAssertTrue("\($0)".contains("limites.cellules"), "\($0)") }
        XCTAssertThrowsError(try parse("[limites]\nmemoire = 3")) { XCTAssertTrue("\($0)".contains("clé inconnue"), "\($0)") }
    }

    func testEmptyOutputIsRefused() {
        XCTAssertThrowsError(try parse("sortie = \" \"")) { XCTAssertTrue("\($0)".contains("clé « sortie » : chemin vide"), "\($0)") }
    }

    func testTOMLMessagesAreFrench() {
        XCTAssertEqual(TOMLMessages.french("Error while parsing key-value pair: expected '=', saw 'x'"),
                       "erreur dans une paire clé = valeur: attendu « = », trouvé « x »")
        XCTAssertEqual(TOMLMessages.french("Error while parsing value: could not determine value type"),
                       "erreur dans une valeur: type de valeur indéterminé (une chaîne doit être entre guillemets)")
        XCTAssertEqual(TOMLMessages.french("Error while parsing date-time: expected month between 1 and 12 (inclusive), saw 13"),
                       "erreur dans une date-heure: attendu mois entre 1 et 12 (inclus), trouvé 13")
        XCTAssertEqual(TOMLMessages.french("something the table does not know"), "syntaxe invalide")
        for text in ["titre = ", "titre = x", "[a\n", "a = [1,", "a = 1979-13-01", "a = \"\\e\""] {
            XCTAssertThrowsError(try ProjectFile.parse(text, path: "/tmp/p.toml")) { e in
                let m = "\(e)"
                for english in ["Error", "expected", "saw", "while", "could not"] { XCTAssertFalse(m.contains(english), "\(text): \(m)") }
            }
        }
    }
}

final class ProjectFileFuzzRegressionTests: XCTestCase {
    /// Fuzz/ProjectFuzz, first minute: a control character in a table
    /// header made toml++ abort the process (assertion in parse_key).
    func testControlCharacterInAKeyIsAMessageNotAnAbort() {
        let text = "sortie = \"\"\n[couches]\nperimetres = { fichaer = \"&.geojson\" }\n[\u{1F}\u{0}riodes]\nteriode_1 = [\"2025-01-01\", \"2025-12-31\"]\n"
        XCTAssertThrowsError(try ProjectFile.parse(text, path: "/tmp/dossier.toml")) {
            XCTAssertEqual("\($0)", "/tmp/dossier.toml : TOML invalide ligne 4, colonne 2 : caractère de contrôle U+001F interdit")
        }
        // Second finding: a line end right after « [ ».
        XCTAssertThrowsError(try ProjectFile.parse("sourcsource = \"\"\n[\nl[a]\npnformat2025-12-30\"]\n", path: "/tmp/dossier.toml")) {
            XCTAssertEqual("\($0)", "/tmp/dossier.toml : TOML invalide ligne 2, colonne 2 : nom de table attendu après « [ »")
        }
        for bad in ["[ .a]", "[[\n", "[=]", "a = 1\n  [ \t#x"] {
            XCTAssertThrowsError(try ProjectFile.parse(bad, path: "/tmp/d.toml")) { XCTAssertTrue("\($0)".contains("nom de table attendu"), bad) }
        }
        // Brackets inside values and strings are not headers.
        XCTAssertNil(TOMLMessages.badTableHeader("a = [\n[\n1]\n]\nb = \"\"\"\n[\n\"\"\"\n[ \"x y\" ]\n[[t]]\n"))
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

extension ProjectFileTests {
    /// `[cartouche]` is typed: the five fields read, a wrong type or an
    /// unknown key is an error naming it; the layers' `source` keys and
    /// the pieces of `sources` are the producers the plans print.
    func testCartoucheFieldsAndProducers() throws {
        let p = write("""
        sources = "IGN ADMIN EXPRESS ; Ville de Vitrolles"
        [cartouche]
        maitre_ouvrage = "Ville de Vitrolles"
        auteur = "A. Martin"
        numero_plan = "GUP-2026"
        indice = "B"
        date_donnees = "01/10/2026"
        [couches]
        perimetres = { fichier = "perimetres.geojson", source = "ANCT (QPV)" }
        parcelles = { fichier = "parcelles.geojson", source = "DGFiP (cadastre)" }
        """)
        let project = try ProjectFile.read(path: p)
        let t = project.titleBlock
        XCTAssertEqual([t.client, t.author, t.number, t.revision, t.dataDate], ["Ville de Vitrolles", "A. Martin", "GUP-2026", "B", "01/10/2026"])
        XCTAssertEqual(project.producers, ["ANCT (QPV)", "DGFiP (cadastre)", "IGN ADMIN EXPRESS", "Ville de Vitrolles"])
        let layers = "\n[couches]\nperimetres = { fichier = \"perimetres.geojson\" }"
        assertError("[cartouche]\nindice = 2" + layers, mentions: ["cartouche.indice", "chaîne"])
        assertError("[cartouche]\nauteur = \"  \"" + layers, mentions: ["cartouche.auteur", "non vide"])
        assertError("[cartouche]\nnumero = \"12\"" + layers, mentions: ["cartouche.numero", "clé inconnue", "numero_plan"])
        assertError("[couches]\nperimetres = { fichier = \"perimetres.geojson\", source = 3 }", mentions: ["couches.perimetres.source"])
    }
}
