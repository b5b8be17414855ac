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
                      "zones_chaudes.geojson", "parcours.geojson", "parcours_arrets.geojson", "fiche_terrain.html",
                      "lacunes.geojson", "densite_noyau.asc", "densite_noyau.prj"] {
                XCTAssertTrue(files.contains("\(dir)/\(f)"), "\(dir)/\(f)")
            }
        }
    }

    /// `gup verifier` passes on every GeoJSON of the dossier (GEOS validity of
    /// every feature included); one geometry type per file; the walk is two layers.
    func testEveryGeoJSONVerifiesWithOneGeometryTypePerFile() throws {
        let types = try OutputChecks.verifyAll(under: out)
        XCTAssertGreaterThanOrEqual(types.count, 30)
        for (f, t) in types {
            let name = (f as NSString).lastPathComponent
            switch name {
            case "parcours.geojson": XCTAssertEqual(t, "LineString", f)
            case "parcours_arrets.geojson": XCTAssertEqual(t, "Point", f)
            default: XCTAssertEqual(t, "MultiPolygon", f)
            }
        }
        // The density grid carries its CRS (the demo's Lambert-93) in ESRI WKT.
        let prj = try text("les-pins/densite_noyau.prj")
        XCTAssertTrue(prj.hasPrefix("PROJCS[\"RGF_1993_Lambert_93\""), prj)
        XCTAssertFalse(prj.contains("\n"))
    }

    /// `tableaux.xlsx`: one sheet per table, French headers, numbers stored as
    /// numbers (equal to the CSV's), frozen header row, sized columns.
    func testWorkbookHoldsTheTablesAsNumbers() throws {
        let files = try XCTUnwrap(report()["fichiers"] as? [String])
        XCTAssertTrue(files.contains("tableaux.xlsx"))
        let book = WorkbookReading(path: out.appendingPathComponent("tableaux.xlsx").path)
        XCTAssertEqual(try book.sheetNames(), ["Domanialité", "Chevauchements", "Responsabilités", "Densités", "Évolution",
                                               "Couverture nettoyage", "Doubles couvertures"])   // no resolution dates in the demo: no Traitement
        let rows = try book.rows(sheet: 1)
        XCTAssertEqual(rows[0].map(\.value), ["Quartier", "Gestionnaire", "Surface (m²)", "Part (%)"])
        // Every quartier's rows, in order, the numbers as numbers equal to the CSV.
        var expected: [[String: String]] = []
        for dir in ["les-pins", "les-hermes", "la-petite-garrigue", "le-liourat"] { expected += try csv("\(dir)/domanialite.csv") }
        XCTAssertEqual(rows.count - 1, expected.count)
        for (row, e) in zip(rows.dropFirst(), expected) {
            XCTAssertEqual(row[0].type, "s")
            XCTAssertEqual(row[0].value, e["perimetre"])
            XCTAssertEqual(row[1].value, e["gestionnaire"])
            for (k, key) in [(2, "surface_m2"), (3, "part_pct")] {
                XCTAssertNil(row[k].type, "nombre attendu en \(row[k].ref)")   // no t="s": a number
                XCTAssertEqual(Double(try XCTUnwrap(row[k].value)), Double(e[key]!), row[k].ref)
                XCTAssertNotNil(row[k].style)
            }
        }
        // Densités: counts are whole numbers.
        let dens = try book.rows(sheet: 4)
        XCTAssertEqual(dens[0].first?.value, "Quartier")
        XCTAssertTrue(dens[0].contains { $0.value == "Signalements pour 100 logements" })
        XCTAssertNil(dens[1][2].type)
        XCTAssertEqual(Int(try XCTUnwrap(dens[1][2].value)), Int(try csv("les-pins/densites.csv")[0]["incidents"]!))
        // Frozen header, sized columns, the French-shown number format.
        let sheet = try book.elements("xl/worksheets/sheet1.xml")
        let pane = try XCTUnwrap(sheet.first { $0.name == "pane" })
        XCTAssertEqual(pane.attributes["state"], "frozen")
        XCTAssertEqual(pane.attributes["ySplit"], "1")
        XCTAssertEqual(sheet.filter { $0.name == "col" }.count, 4)
        XCTAssertTrue(try book.elements("xl/styles.xml").contains { $0.name == "numFmt" && $0.attributes["formatCode"] == "#,##0.00" })
    }

    /// The PDF documents: each plan as a page of its exact paper size with
    /// its frame where the SVG says (within 0.2 mm); the quartier and root
    /// dossiers with their pages, contents and page numbers; fonts embedded.
    func testPDFDocumentsArePrintTrue() throws {
        let files = try XCTUnwrap(report()["fichiers"] as? [String])
        XCTAssertTrue(files.contains("dossier.pdf"))
        let quartiers = try XCTUnwrap(report()["quartiers"] as? [[String: Any]])
        var planPages = 0
        for q in quartiers {
            let dir = q["dossier"] as! String
            XCTAssertTrue(files.contains("\(dir)/dossier.pdf"), dir)
            for plan in ["plan_situation", "plan_masse", "plan_points_chauds", "plan_parcours"] {
                XCTAssertTrue(files.contains("\(dir)/\(plan).pdf"), "\(dir)/\(plan).pdf")
                planPages += 1
            }
        }
        // plan_masse of Les Pins: A4 landscape, one page, the frame of the SVG.
        let svg = try text("les-pins/plan_masse.svg")
        let cadre = try XCTUnwrap(svg.components(separatedBy: "data-cadre=\"").dropFirst().first?.split(separator: "\"").first)
            .split(separator: " ").map { Double($0)! }
        let (fx, fy, fw, fh) = (cadre[0], cadre[1], cadre[2], cadre[3])
        let planPDF = out.appendingPathComponent("les-pins/plan_masse.pdf").path
        let sizes = try PDFReading.pageSizes(planPDF)
        XCTAssertEqual(sizes.count, 1)
        XCTAssertEqual(sizes[0].width, 297, accuracy: 0.01)
        XCTAssertEqual(sizes[0].height, 210, accuracy: 0.01)
        let r = try PDFReading.raster(planPDF, page: 1)
        for cross in [fy + 0.3 * fh, fy + 0.7 * fh] {
            let left = try XCTUnwrap(PDFReading.line(in: r, horizontal: true, at: cross, near: fx))
            let right = try XCTUnwrap(PDFReading.line(in: r, horizontal: true, at: cross, near: fx + fw))
            XCTAssertEqual(left, fx, accuracy: 0.2)
            XCTAssertEqual(right - left, fw, accuracy: 0.2)
        }
        for cross in [fx + 0.3 * fw, fx + 0.7 * fw] {
            let top = try XCTUnwrap(PDFReading.line(in: r, horizontal: false, at: cross, near: fy))
            let bottom = try XCTUnwrap(PDFReading.line(in: r, horizontal: false, at: cross, near: fy + fh))
            XCTAssertEqual(top, fy, accuracy: 0.2)
            XCTAssertEqual(bottom - top, fh, accuracy: 0.2)
        }
        // The quartier's dossier: A4 portrait text pages, the plans on A4 landscape pages.
        let qpdf = out.appendingPathComponent("les-pins/dossier.pdf").path
        let qsizes = try PDFReading.pageSizes(qpdf)
        XCTAssertEqual(qsizes.filter { abs($0.width - 297) < 0.01 && abs($0.height - 210) < 0.01 }.count, 4)
        XCTAssertEqual(qsizes.filter { abs($0.width - 210) < 0.01 && abs($0.height - 297) < 0.01 }.count, qsizes.count - 4)
        // Contents: each entry's page shows it; every page is numbered.
        let cover = try PDFReading.text(qpdf, page: 1)
        XCTAssertTrue(cover.contains("Sommaire"))
        for (entry, mark) in [("Note de présentation", "Note de présentation"), ("Tableaux", "Tableaux — Les Pins"),
                              ("Fiche terrain", "Fiche terrain — diagnostic en marchant"),
                              ("Tableau de bord de veille", "signalements par mois et par catégorie")] {
            let line = try XCTUnwrap(cover.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(entry) }, entry)
            let page = try XCTUnwrap(Int(line.split(separator: " ").last!), String(line))
            XCTAssertTrue(try PDFReading.text(qpdf, page: page).contains(mark), "\(entry) page \(page)")
        }
        for page in 1...qsizes.count {
            XCTAssertTrue(try PDFReading.text(qpdf, page: page).contains("\(page) / \(qsizes.count)"), "page \(page)")
        }
        // The whole dossier: every quartier's plans, fonts embedded everywhere.
        let root = out.appendingPathComponent("dossier.pdf").path
        let rsizes = try PDFReading.pageSizes(root)
        XCTAssertEqual(rsizes.filter { abs($0.width - 297) < 0.01 }.count, planPages)
        for pdf in [root, qpdf, planPDF] {
            let fonts = try PDFReading.fonts(pdf)
            XCTAssertFalse(fonts.isEmpty, pdf)
            for f in fonts { XCTAssertTrue(f.embedded, "\(pdf) : \(f.name) non incluse") }
        }
    }

    /// A browser's print of the HTML (headless Chromium): A4 pages, each plan
    /// alone on a landscape page at 100 %, its frame where the SVG says
    /// (within 0.2 mm), in the quartier page and in the fiche terrain; dates
    /// written the French way.
    func testHTMLPrintsPlansAtTheirScale() throws {
        let page = try text("les-pins/index.html")
        XCTAssertTrue(page.contains("période 1 (du 1er janvier 2025 au 31 décembre 2025)"), "dates")
        let tmp = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        for (html, plans) in [("les-pins/index.html", ["plan_situation", "plan_masse", "plan_points_chauds", "plan_parcours"]),
                              ("les-pins/fiche_terrain.html", ["plan_parcours"])] {
            let pdf = tmp.appendingPathComponent("print.pdf").path
            try PDFReading.chromiumPrint(out.appendingPathComponent(html), to: pdf)
            let sizes = try PDFReading.pageSizes(pdf)
            let landscape = sizes.indices.filter { abs(sizes[$0].width - 297) < 0.2 && abs(sizes[$0].height - 210) < 0.2 }
            XCTAssertEqual(landscape.count, plans.count, html)
            XCTAssertEqual(sizes.count - landscape.count,
                           sizes.filter { abs($0.width - 210) < 0.2 && abs($0.height - 297) < 0.2 }.count, "\(html) : A4")
            for (k, plan) in zip(landscape, plans) {
                let svg = try text("les-pins/\(plan).svg")
                let cadre = try XCTUnwrap(svg.components(separatedBy: "data-cadre=\"").dropFirst().first?.split(separator: "\"").first)
                    .split(separator: " ").map { Double($0)! }
                let r = try PDFReading.raster(pdf, page: k + 1)
                let cross = cadre[1] + 0.37 * cadre[3]
                let left = try XCTUnwrap(PDFReading.line(in: r, horizontal: true, at: cross, near: cadre[0]), "\(html) \(plan)")
                let right = try XCTUnwrap(PDFReading.line(in: r, horizontal: true, at: cross, near: cadre[0] + cadre[2]), "\(html) \(plan)")
                XCTAssertEqual(left, cadre[0], accuracy: 0.2, "\(html) \(plan)")
                XCTAssertEqual(right - left, cadre[2], accuracy: 0.2, "\(html) \(plan) : largeur du cadre")
                let crossX = cadre[0] + 0.63 * cadre[2]
                let top = try XCTUnwrap(PDFReading.line(in: r, horizontal: false, at: crossX, near: cadre[1]), "\(html) \(plan)")
                let bottom = try XCTUnwrap(PDFReading.line(in: r, horizontal: false, at: crossX, near: cadre[1] + cadre[3]), "\(html) \(plan)")
                XCTAssertEqual(bottom - top, cadre[3], accuracy: 0.2, "\(html) \(plan) : hauteur du cadre")
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
                        "routes": 151, "voies_ferrees": 1, "eau": 2, "bati": 343, "lieux": 10]
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

    /// `gup verifier` on every file of a quartier's folder and the root's
    /// `rapport.json`: the SVG plans and charts (well-formed, `<svg>` root),
    /// the CSV tables and the JSON report pass; what it does not check (PDF,
    /// HTML, the density grid) is said, not failed. A broken SVG and CSV fail.
    func testVerifierChecksEveryKindOfFileTheDossierWrites() throws {
        let pins = out.appendingPathComponent("les-pins")
        let names = try FileManager.default.contentsOfDirectory(atPath: pins.path).sorted()
        XCTAssertTrue(names.contains("plan_situation.svg") && names.contains("domanialite.csv"), "\(names)")
        let v = try CLI.run(["verifier"] + names.map { pins.appendingPathComponent($0).path } + [out.appendingPathComponent("rapport.json").path])
        XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
        for n in names where n.hasSuffix(".svg") || n.hasSuffix(".csv") || n.hasSuffix(".geojson") {
            XCTAssertTrue(v.stdout.contains("\(pins.appendingPathComponent(n).path) : valide"), "\(n) : \(v.stdout)")
        }
        XCTAssertTrue(v.stdout.contains("rapport.json : valide"), v.stdout)
        XCTAssertTrue(v.stdout.contains("densite_noyau.asc : non vérifié"), v.stdout)
        XCTAssertFalse(v.stdout.contains("JSON invalide"), v.stdout)

        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        /// Writes the files (name, text) and runs `gup verifier` on them.
        func verify(_ files: [(name: String, text: String)]) throws -> CLI.Result {
            for f in files { try f.text.write(to: dir.appendingPathComponent(f.name), atomically: true, encoding: .utf8) }
            return try CLI.run(["verifier"] + files.map { dir.appendingPathComponent($0.name).path })
        }
        var svg = try String(contentsOf: pins.appendingPathComponent("plan_masse.svg"), encoding: .utf8)
        svg.removeLast(8)   // « </svg>\n » cut: the file ends inside the root element
        let bad = try verify([("coupe.svg", svg), ("table.csv", "gestionnaire,surface_m2\nA,12\nB,3,4\n")])
        XCTAssertEqual(bad.status, 1, bad.stdout + bad.stderr)
        XCTAssertTrue(bad.stdout.contains("coupe.svg : erreur : XML mal formé"), bad.stdout)
        XCTAssertTrue(bad.stdout.contains("table.csv : erreur : ligne 3 : 3 colonnes au lieu de 2"), bad.stdout)

        // A `.json` file is GeoJSON when it has a root `type`: a bow-tie saved
        // as `.json` gets the whole GeoJSON check (GEOS validity), not a plain
        // JSON pass; broken JSON is located by line and column.
        let bowTie = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[5.2,43.4],[5.3,43.5],[5.3,43.4],[5.2,43.5],[5.2,43.4]]]}}]}"#
        let json = try verify([("papillon.json", bowTie), ("casse.json", "{\"a\": [1,\n 2}\n")])
        XCTAssertEqual(json.status, 1, json.stdout + json.stderr)
        XCTAssertTrue(json.stdout.contains("papillon.json:1:86 : erreur : géométrie invalide (GEOS) : auto-intersection"), json.stdout)
        XCTAssertTrue(json.stdout.contains("casse.json:2:3 : erreur : JSON invalide"), json.stdout)
        XCTAssertFalse(json.stdout.contains("papillon.json : valide"), json.stdout)
    }

    /// The GIS hand-over: `dossier.gpkg` and `dossier.qgs` pass `gup verifier`,
    /// and QGIS itself (Debian's python3-qgis, headless) opens the project,
    /// here and once the dossier is moved elsewhere (relative paths): every
    /// layer valid, in Lambert-93, with the GeoPackage's feature counts and
    /// geometry types (ogrinfo), and the managers in the plans' colours
    /// (`scripts/verifier-qgis.py`).
    func testDossierQGISProjectLoadsInQGIS() throws {
        let files = try XCTUnwrap(report()["fichiers"] as? [String])
        XCTAssertTrue(files.contains("dossier.gpkg") && files.contains("dossier.qgs"), "\(files)")
        let v = try CLI.run(["verifier", out.appendingPathComponent("dossier.gpkg").path, out.appendingPathComponent("dossier.qgs").path])
        XCTAssertEqual(v.status, 0, v.stdout + v.stderr)
        XCTAssertTrue(v.stdout.contains("dossier.qgs : valide (18 sources de données)"), v.stdout)
        let moved = try CLI.temporaryFolder().appendingPathComponent("ailleurs")
        try FileManager.default.copyItem(at: out, to: moved)
        for folder in [out, moved] {
            let r = try QGISCheck.run(project: folder.appendingPathComponent("dossier.qgs"), crs: "EPSG:2154")
            XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
            // Every table of the GeoPackage and the four density grids, checked.
            for layer in ["perimetres", "parcelles", "residences", "secteurs_nettoyage", "signalements", "domanialite",
                          "chevauchements", "non_cadastre", "lacunes", "doublons", "points_chauds", "zones_chaudes",
                          "parcours", "parcours_arrets"] {
                XCTAssertTrue(r.stdout.contains("(\(layer)) : "), "\(layer) absent de : \(r.stdout)")
            }
            XCTAssertEqual(r.stdout.components(separatedBy: "raster valide").count - 1, 4, r.stdout)
            XCTAssertTrue(r.stdout.contains("Parcelles (gestionnaire) (parcelles) : 884 entités, Multi Polygon, 7 gestionnaires aux couleurs des plans"), r.stdout)
            XCTAssertTrue(r.stdout.contains("(domanialite) : 25 entités, Multi Polygon, 7 gestionnaires aux couleurs des plans"), r.stdout)
            XCTAssertTrue(r.stdout.contains("(signalements) : 4936 entités, Point"), r.stdout)
        }
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
        for id in ["couche-routes", "couche-voies-ferrees", "couche-eau", "couche-bati", "couche-lieux",
                   "carton-localisation", "carton-cadre", "couche-voile"] {
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
        // The stops as walked: on a street (within 1 m), with the walking
        // distance from the previous stop; the legs and the way back add up
        // to the loop's length, and the fiche terrain prints them.
        let stops = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.output.appendingPathComponent("les-pins/parcours_arrets.geojson"))) as! [String: Any]
        var legs = 0.0, last = 0.0
        let sheet = try text("les-pins/fiche_terrain.html")
        let stopFeatures = (stops["features"] as! [[String: Any]]).filter { ($0["properties"] as! [String: Any])["type"] as? String == "arrêt" }
        XCTAssertGreaterThan(stopFeatures.count, 1)
        for f in stopFeatures {
            let p = (f["geometry"] as! [String: Any])["coordinates"] as! [Double]
            let d = segments.flatMap { s in zip(s, s.dropFirst()).map { dist(p, $0, $1) } }.min()!
            XCTAssertLessThan(d, 1.0, "arrêt \(p) à \(d) m de la rue la plus proche")
            let props = f["properties"] as! [String: Any]
            let leg = try XCTUnwrap(props["distance_m"] as? Double), cumul = try XCTUnwrap(props["cumul_m"] as? Double)
            legs += leg
            XCTAssertEqual(cumul, legs, accuracy: Double(stopFeatures.count), "cumul of the rounded legs")
            XCTAssertGreaterThan(cumul, last)
            last = cumul
            XCTAssertTrue(sheet.contains(String(format: "%.5f, %.5f", p[1], p[0])), "position de l'arrêt sur la fiche : \(p)")
        }
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.output.appendingPathComponent("rapport.json"))) as! [String: Any]
        let pins = (report["quartiers"] as! [[String: Any]]).first { $0["nom"] as? String == "Les Pins" }!
        let walk = pins["parcours"] as! [String: Any]
        let total = try XCTUnwrap(walk["longueur_m"] as? Double), back = try XCTUnwrap(walk["retour_m"] as? Double)
        XCTAssertEqual(legs + back, total, accuracy: Double(stopFeatures.count + 1))
        XCTAssertTrue(sheet.contains("Étapes du parcours, distances à pied par les rues"))
        XCTAssertTrue(sheet.contains("Retour au départ"))
    }

    /// The heat classes are the dossier's: the same breaks (data-bornes) on
    /// every quartier's plan des points chauds, cells of at most 1 mm on
    /// paper; the demo's [cartouche] on every plan with its own number.
    func testHeatClassesAreSharedAndTheCartoucheIsSigned() throws {
        let quartiers = try FileManager.default.contentsOfDirectory(atPath: out.path).filter {
            FileManager.default.fileExists(atPath: out.appendingPathComponent($0 + "/plan_points_chauds.svg").path)
        }.sorted()
        XCTAssertGreaterThanOrEqual(quartiers.count, 2)
        func attr(_ s: String, _ name: String, after marker: String) -> String? {
            guard let m = s.range(of: marker), let r = s[m.upperBound...].range(of: name + "=\"") else { return nil }
            return String(s[r.upperBound...].prefix { $0 != "\"" })
        }
        var breaks: Set<String> = []
        for (n, q) in quartiers.enumerated() {
            let svg = try text(q + "/plan_points_chauds.svg")
            let b = try XCTUnwrap(attr(svg, "data-bornes", after: "<g id=\"couche-chaleur\""))
            XCTAssertEqual(b.split(separator: " ").count, 5, b)
            breaks.insert(b)
            let scale = Double(try XCTUnwrap(attr(svg, "data-echelle", after: "<g id=\"carte\"")))!
            let cell = Double(try XCTUnwrap(attr(svg, "data-maille-m", after: "<g id=\"couche-chaleur\"")))!
            XCTAssertLessThanOrEqual(cell * 1000 / scale, 1.0 + 1e-9, "\(q): \(cell) m au 1/\(scale)")
            XCTAssertFalse(svg.contains("<g id=\"couche-domanialite\""), q)
            _ = n
            for (file, rank) in [("plan_situation.svg", 1), ("plan_masse.svg", 2), ("plan_points_chauds.svg", 3)] {
                let p = try text(q + "/" + file)
                XCTAssertEqual(attr(p, "data-maitre-ouvrage", after: "<g id=\"cartouche\""), "Ville de Vitrolles")
                XCTAssertEqual(attr(p, "data-indice", after: "<g id=\"cartouche\""), "A")
                XCTAssertEqual(attr(p, "data-date-donnees", after: "<g id=\"cartouche\""), "31/12/2026")
                let number = try XCTUnwrap(attr(p, "data-numero-plan", after: "<g id=\"cartouche\""))
                XCTAssertTrue(number.hasPrefix("GUP-2026-") && number.hasSuffix(".\(rank)"), number)
                XCTAssertFalse(p.contains(".geojson"), "\(q)/\(file) cites a file name")
            }
        }
        XCTAssertEqual(breaks.count, 1, "\(breaks)")
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
