import Foundation
import XCTest

/// End to end: `gup dossier` on the embedded demo, every file checked.
final class DossierCLITests: XCTestCase {
    static var output: URL!
    static var run: CLI.Result!

    override class func setUp() {
        super.setUp()
        output = try! CLI.temporaryFolder().appendingPathComponent("dossier")
        run = try! CLI.run(["dossier", "Data/demo/dossier.toml", "--sortie", output.path, "--date", "01/12/2026"])
    }

    var out: URL { Self.output }

    func text(_ rel: String) throws -> String { try String(contentsOf: out.appendingPathComponent(rel), encoding: .utf8) }

    func csv(_ rel: String) throws -> [[String: String]] {
        let lines = try text(rel).split(separator: "\r\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { l in
            Dictionary(uniqueKeysWithValues: zip(header, l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    func report() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(try text("rapport.json").utf8)) as! [String: Any]
    }

    func testRunsAndWritesEveryFileItLists() throws {
        XCTAssertEqual(Self.run.status, 0, Self.run.stderr)
        XCTAssertTrue(Self.run.stdout.contains("Dossier écrit"))
        let files = try XCTUnwrap(report()["fichiers"] as? [String])
        XCTAssertGreaterThan(files.count, 40)
        for f in files { XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path), f) }
        let quartiers = try XCTUnwrap(report()["quartiers"] as? [[String: Any]])
        XCTAssertEqual(quartiers.map { $0["nom"] as? String }, ["Les Pins", "Les Hermes", "La Petite Garrigue", "Le Liourat"])
        for q in quartiers {
            let dir = q["dossier"] as! String
            for f in ["index.html", "plan_situation.svg", "plan_masse.svg", "plan_points_chauds.svg", "plan_parcours.svg",
                      "domanialite.csv", "densites.csv", "evolution.csv", "couverture.csv", "points_chauds.csv",
                      "zones_chaudes.geojson", "parcours.geojson", "fiche_terrain.html", "lacunes.geojson"] {
                XCTAssertTrue(files.contains("\(dir)/\(f)"), "\(dir)/\(f)")
            }
        }
    }

    func testReportFiguresAgreeWithTheAnalysesFiles() throws {
        let quartiers = try XCTUnwrap(report()["quartiers"] as? [[String: Any]])
        var total = 0
        for q in quartiers {
            let dir = q["dossier"] as! String
            let name = q["nom"] as! String
            // Incidents: the « toutes » row of densites.csv.
            let all = try csv("\(dir)/densites.csv").first { $0["categorie"] == "toutes" }!
            let incidents = q["signalements"] as! [String: Any]
            XCTAssertEqual(all["zone"], name)
            XCTAssertEqual(Int(all["incidents"]!), incidents["total"] as? Int)
            total += incidents["total"] as! Int
            // Per category counts sum to the total.
            let cats = incidents["par_categorie"] as! [[String: Any]]
            XCTAssertEqual(cats.reduce(0) { $0 + ($1["total"] as! Int) }, incidents["total"] as? Int)
            // Periods: evolution.csv per category.
            for row in try csv("\(dir)/evolution.csv") where row["categorie"] != "toutes" {
                let c = cats.first { $0["categorie"] as? String == row["categorie"] }
                XCTAssertEqual(c?["periode_1"] as? Int, Int(row["periode_1"]!))
                XCTAssertEqual(c?["periode_2"] as? Int, Int(row["periode_2"]!))
            }
            // Cleaning coverage rate: couverture.csv.
            let cov = try csv("\(dir)/couverture.csv")[0]
            let n = q["nettoyage"] as! [String: Any]
            XCTAssertEqual(Double(cov["taux_couverture_pct"]!)!, n["taux_couverture_pct"] as! Double, accuracy: 0.006)
            XCTAssertEqual(Int(cov["nb_lacunes"]!), n["nb_lacunes"] as? Int)
            // Domanialité: same rows, and the non-cadastral share.
            let dom = try csv("\(dir)/domanialite.csv")
            let shares = q["domanialite"] as! [[String: Any]]
            XCTAssertEqual(dom.count, shares.count)
            let nc = dom.first { $0["gestionnaire"] == "(non cadastré)" }!
            XCTAssertEqual(Double(nc["part_pct"]!)!, q["non_cadastre_pct"] as! Double, accuracy: 0.006)
            // Surface from GEOS equals the densites.csv hectares.
            XCTAssertEqual(Double(all["surface_ha"]!)!, q["surface_ha"] as! Double, accuracy: 0.006)
            // The walk visits the hotspots, each stop once.
            let route = q["parcours"] as! [String: Any]
            let stops = route["arrets"] as! [[String: Any]]
            let hot = q["points_chauds"] as! [[String: Any]]
            XCTAssertEqual(stops.count, min(8, hot.count))
            XCTAssertEqual(Set(stops.map { $0["point_chaud"] as! Int }), Set(hot.prefix(8).map { $0["rang"] as! Int }))
        }
        // Every incident of the demo lies in some quartier or outside all; none counted twice (disjoint quartiers).
        XCTAssertLessThanOrEqual(total, 5012)
        XCTAssertGreaterThan(total, 3000)
        // The inputs' counts: the demo files hold these many features, all valid.
        let expected = ["perimetres": 4, "parcelles": 884, "residences": 228, "secteurs": 7, "incidents": 5012, "contexte": 7,
                        "routes": 151, "voies_ferrees": 1]
        let layers = try XCTUnwrap(report()["couches"] as? [[String: Any]])
        XCTAssertEqual(Set(layers.map { $0["couche"] as! String }), Set(expected.keys))
        for l in layers {
            let name = l["couche"] as! String
            XCTAssertEqual(l["lues"] as? Int, expected[name], name)
            XCTAssertEqual(l["utilisees"] as? Int, expected[name], name)
            XCTAssertEqual(l["reparees"] as? Int, 0, name)
        }
    }

    func testHTMLReferencesOnlyFilesThatExist() throws {
        let pages = try XCTUnwrap(report()["fichiers"] as? [String]).filter { $0.hasSuffix(".html") }
        XCTAssertGreaterThanOrEqual(pages.count, 1 + 4 * 2)
        let pattern = try NSRegularExpression(pattern: "(?:href|src)=\"([^\"]+)\"")
        var links = 0
        for page in pages {
            let html = try text(page)
            XCTAssertFalse(html.contains("http://") || html.contains("https://"), "\(page) needs the network")
            let base = out.appendingPathComponent(page).deletingLastPathComponent()
            for m in pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
                let target = String(html[Range(m.range(at: 1), in: html)!]).replacingOccurrences(of: "&amp;", with: "&")
                links += 1
                XCTAssertTrue(FileManager.default.fileExists(atPath: base.appendingPathComponent(target).standardizedFileURL.path),
                              "\(page) → \(target)")
            }
        }
        XCTAssertGreaterThan(links, 50)
        let pins = try text("les-pins/index.html")
        XCTAssertTrue(pins.contains("Note de présentation"))
        XCTAssertTrue(pins.contains("Taux de couverture du nettoyage"))
        XCTAssertTrue(try text("les-pins/fiche_terrain.html").contains("Arrêt 1"))
    }

    func testPlansAreSVGWithTheDossierDate() throws {
        let svg = try text("les-pins/plan_masse.svg")
        XCTAssertTrue(svg.hasPrefix("<?xml") || svg.hasPrefix("<svg"))
        XCTAssertTrue(svg.contains("01/12/2026"))
        XCTAssertTrue(svg.contains("id=\"couche-domanialite\""))
        XCTAssertTrue(try text("les-pins/plan_parcours.svg").contains("id=\"couche-parcours\""))
    }

    /// The demo's [fond]: streets on every plan, the inset on the plan de
    /// situation, the walk along the streets with its walking distance.
    func testPlansLocateAndTheWalkFollowsTheStreets() throws {
        let situation = try text("les-pins/plan_situation.svg")
        for id in ["couche-routes", "couche-voies-ferrees", "carton-localisation", "carton-cadre", "couche-voile"] {
            XCTAssertTrue(situation.contains("id=\"\(id)\""), id)
        }
        XCTAssertTrue(situation.contains("class=\"nom-voie\""))
        let masse = try text("les-pins/plan_masse.svg")
        XCTAssertTrue(masse.contains("Sol non cadastré"))
        XCTAssertTrue(masse.contains("class=\"nom-voie\""))
        let parcours = try text("les-pins/plan_parcours.svg")
        XCTAssertTrue(parcours.contains("class=\"fleche\""))
        XCTAssertTrue(parcours.contains("(par les rues)"))
        XCTAssertTrue(try text("les-pins/fiche_terrain.html").contains("Distance à pied"))
        // Every vertex of the walk lies on a street of the demo (the streets are
        // axis-parallel segments in Lambert-93 far from the ring; checked in lon/lat
        // against the same segments converted by the same file: within 1 m).
        let route = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.output.appendingPathComponent("les-pins/parcours.geojson"))) as! [String: Any]
        let line = ((route["features"] as! [[String: Any]])[0]["geometry"] as! [String: Any])["coordinates"] as! [[Double]]
        let roads = try JSONSerialization.jsonObject(with: Data(contentsOf: CLI.root.appendingPathComponent("Data/demo/routes.geojson"))) as! [String: Any]
        let segments = (roads["features"] as! [[String: Any]]).map { ($0["geometry"] as! [String: Any])["coordinates"] as! [[Double]] }
        // Local metres around the quartier (1° of latitude = 111,195 m; of longitude × cos φ).
        let phi = 43.44 * Double.pi / 180
        func m(_ p: [Double]) -> (Double, Double) { (p[0] * 111_195 * cos(phi), p[1] * 111_195) }
        func dist(_ p: [Double], _ a: [Double], _ b: [Double]) -> Double {
            let (px, py) = m(p), (ax, ay) = m(a), (bx, by) = m(b)
            let dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy
            let t = l2 > 0 ? max(0, min(1, ((px - ax) * dx + (py - ay) * dy) / l2)) : 0
            return ((px - ax - t * dx) * (px - ax - t * dx) + (py - ay - t * dy) * (py - ay - t * dy)).squareRoot()
        }
        XCTAssertGreaterThan(line.count, 4)
        for p in line {
            let d = segments.flatMap { s in zip(s, s.dropFirst()).map { dist(p, $0, $1) } }.min()!
            XCTAssertLessThan(d, 1.0, "\(p)")
        }
    }

    func testWrongProjectKeyIsAFrenchErrorNamingIt() throws {
        let dir = try CLI.temporaryFolder()
        let p = dir.appendingPathComponent("dossier.toml")
        try "titre = \"x\"\n[couches]\nperimetres = { fichier = \"\(CLI.root.path)/Data/demo/perimetres.geojson\", champ_nomm = \"nom_qp\" }\n"
            .write(to: p, atomically: true, encoding: .utf8)
        let r = try CLI.run(["dossier", p.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("couches.perimetres.champ_nomm"), r.stderr)
    }
}

extension DossierCLITests {
    /// The veille dashboard of the demo dossier (`[veille] fusion_doublons = "15:48"`).
    func testVeilleDashboardAgreesWithTheQuartiersFiles() throws {
        XCTAssertEqual(Self.run.status, 0, Self.run.stderr)
        XCTAssertTrue(Self.run.stdout.contains("fusion des doublons (même catégorie, 15 m et 48 h"), Self.run.stdout)
        let veille = try XCTUnwrap(report()["veille"] as? [String: Any])
        let dup = try XCTUnwrap(veille["doublons"] as? [String: Any])
        XCTAssertEqual(dup["signalements"] as? Int, 5012)
        XCTAssertGreaterThanOrEqual(dup["fusionnes"] as! Int, 11)
        let merged = try csv("doublons_signalements.csv")
        XCTAssertEqual(merged.last?["fusionnes"], "\(dup["fusionnes"] as! Int)")
        XCTAssertEqual((veille["periodes"] as! [String]).count, 24)
        // Overview: one row per quartier, grades as in rapport.json.
        let overview = try csv("veille/tableau_niveaux.csv")
        let levels = veille["niveaux"] as! [[String: Any]]
        XCTAssertEqual(overview.count, 4)
        for row in overview {
            for (cat, grade) in row where cat != "zone" {
                let s = levels.first { $0["zone"] as? String == row["zone"] && $0["categorie"] as? String == cat }
                XCTAssertEqual(s?["niveau"] as? String, grade, "\(row["zone"]!) \(cat)")
            }
        }
        let index = try text("index.html")
        XCTAssertTrue(index.contains("Veille : situations graduées"))
        XCTAssertTrue(index.contains("veille/comparaison_par_ha.svg"))
        // Each quartier: monthly series summing to its densites.csv (same merged incidents), its grades and chart.
        for q in try report()["quartiers"] as! [[String: Any]] {
            let folder = q["dossier"] as! String
            var sums: [String: Int] = [:]
            for r in try csv("\(folder)/series.csv") { sums[r["categorie"]!, default: 0] += Int(r["incidents"]!)! }
            for d in try csv("\(folder)/densites.csv") { XCTAssertEqual(sums[d["categorie"]!], Int(d["incidents"]!)!, "\(folder) \(d["categorie"]!)") }
            let v = try XCTUnwrap(q["veille"] as? [String: Any])
            XCTAssertEqual((v["niveaux"] as! [[String: Any]]).count, 8)
            let page = try text("\(folder)/index.html")
            XCTAssertTrue(page.contains("Tableau de bord de veille"))
            XCTAssertTrue(page.contains("src=\"veille_series.svg\""))
            XCTAssertTrue(try text("\(folder)/veille_series.svg").contains("class=\"barre\""))
        }
    }
}
