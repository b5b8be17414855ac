import Foundation
import XCTest

/// End to end: each analysis and plan command run once on `Data/demo`, its
/// files checked (exact header rows of the README and issues, figures
/// cross-checked between files or recomputed); then the error paths.
final class CommandsCLITests: XCTestCase {
    static var output: URL!
    static var runs: [String: CLI.Result] = [:]

    static let demo = "Data/demo/"
    static let date = "01/01/2026"

    /// Every command of this file, by name, with its arguments (--sortie added).
    static func commands(into out: URL) -> [(String, [String])] {
        let d = demo
        return [
            ("domanialite", ["domanialite", "--perimetres", d + "perimetres.geojson", "--parcelles", d + "parcelles.geojson",
                             "--incidents", d + "incidents.geojson", "--sortie", out.appendingPathComponent("domanialite").path]),
            ("densites", ["densites", "--zones", d + "perimetres.geojson", "--incidents", d + "incidents.geojson",
                          "--residences", d + "residences.geojson",
                          "--periode-1", "2025-01-01:2025-06-30", "--periode-2", "2026-01-01:2026-06-30",
                          "--sortie", out.appendingPathComponent("densites").path]),
            ("points-chauds", ["points-chauds", "--zones", d + "perimetres.geojson", "--incidents", d + "incidents.geojson",
                               "--sortie", out.appendingPathComponent("points-chauds").path]),
            // Without --residences the outdoor space is the whole perimeter: comparable with densites' area.
            ("nettoyage", ["nettoyage", "--perimetres", d + "perimetres.geojson", "--secteurs", d + "secteurs.geojson",
                           "--incidents", d + "incidents.geojson", "--sortie", out.appendingPathComponent("nettoyage").path]),
            ("plan-situation", ["plan-situation", "--perimetres", d + "perimetres.geojson", "--quartier", "Les Pins",
                                "--contexte", d + "communes.geojson", "--routes", d + "routes.geojson", "--date", date,
                                "--sortie", out.appendingPathComponent("situation.svg").path]),
            ("plan-masse", ["plan-masse", "--perimetres", d + "perimetres.geojson", "--quartier", "Les Hermes",
                            "--parcelles", d + "parcelles.geojson", "--residences", d + "residences.geojson",
                            "--incidents", d + "incidents.geojson", "--chaleur", "--format", "A3", "--echelle", "2000",
                            "--date", date, "--sortie", out.appendingPathComponent("masse.svg").path]),
            ("plan-avant-apres", ["plan-avant-apres", "--perimetres", d + "perimetres.geojson", "--quartier", "Les Pins",
                                  "--avant", d + "parcelles.geojson", "--apres", d + "parcelles.geojson",
                                  "--residences", d + "residences.geojson", "--orientation", "portrait",
                                  "--date", date, "--sortie", out.appendingPathComponent("avant_apres.svg").path]),
        ]
    }

    override class func setUp() {
        super.setUp()
        output = try! CLI.temporaryFolder()
        // Independent processes on small data: run them side by side.
        let list = commands(into: output)
        var results = [CLI.Result?](repeating: nil, count: list.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: list.count) { k in
            let r = try! CLI.run(list[k].1)
            lock.lock(); results[k] = r; lock.unlock()
        }
        for (k, c) in list.enumerated() { runs[c.0] = results[k]! }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: output)
        super.tearDown()
    }

    // MARK: helpers

    func ran(_ command: String) throws -> CLI.Result {
        let r = try XCTUnwrap(Self.runs[command])
        XCTAssertEqual(r.status, 0, "\(command) : \(r.stderr)")
        return r
    }

    func url(_ rel: String) -> URL { Self.output.appendingPathComponent(rel) }

    func text(_ rel: String) throws -> String { try String(contentsOf: url(rel), encoding: .utf8) }

    /// The header line and the rows (by column name) of a CSV the command wrote.
    func csv(_ rel: String) throws -> (header: String, rows: [[String: String]]) {
        let lines = try text(rel).split(separator: "\r\n").map(String.init)
        let header = try XCTUnwrap(lines.first, rel)
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let rows = lines.dropFirst().map { l -> [String: String] in
            let cells = l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(cells.count, names.count, "\(rel) : \(l)")
            return Dictionary(uniqueKeysWithValues: zip(names, cells))
        }
        return (header, rows)
    }

    func features(_ rel: String) throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url(rel))) as? [String: Any]
        XCTAssertEqual(json?["type"] as? String, "FeatureCollection", rel)
        return try XCTUnwrap(json?["features"] as? [[String: Any]], rel)
    }

    func number(_ row: [String: String], _ key: String) throws -> Double {
        try XCTUnwrap(Double(try XCTUnwrap(row[key], key)), "\(key) = \(row[key] ?? "")")
    }

    /// Perimeter areas in m² from densites.csv (hectares, 2 decimals: ± 50 m²).
    func perimeterAreas() throws -> [String: Double] {
        var areas: [String: Double] = [:]
        for r in try csv("densites/densites.csv").rows where r["categorie"] == "toutes" {
            areas[r["zone"]!] = try number(r, "surface_ha") * 10_000
        }
        return areas
    }

    // MARK: analyses

    func testDomanialiteSharesAddUpToThePerimeterWithTheOverlaps() throws {
        let r = try ran("domanialite")
        XCTAssertTrue(r.stdout.contains("Fichiers écrits dans"), r.stdout)
        for f in ["domanialite.csv", "chevauchements.csv", "chevauchements.geojson", "non_cadastre.geojson",
                  "domanialite.geojson", "responsabilites.csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: url("domanialite/\(f)").path), f)
        }
        let dom = try csv("domanialite/domanialite.csv")
        XCTAssertEqual(dom.header, "perimetre,gestionnaire,surface_m2,part_pct")
        let overlaps = try csv("domanialite/chevauchements.csv")
        XCTAssertEqual(overlaps.header, "perimetre,gestionnaire_a,gestionnaire_b,surface_m2")
        XCTAssertEqual(try csv("domanialite/responsabilites.csv").header, "perimetre,gestionnaire,categorie,incidents")
        for o in overlaps.rows { XCTAssertLessThan(o["gestionnaire_a"]!, o["gestionnaire_b"]!) }

        let areas = try perimeterAreas()
        XCTAssertEqual(Set(dom.rows.map { $0["perimetre"]! }), Set(areas.keys))
        XCTAssertEqual(areas.count, 4)
        for (name, area) in areas {
            let rows = dom.rows.filter { $0["perimetre"] == name }
            let claimed = try rows.reduce(0) { $0 + (try number($1, "surface_m2")) }
            let shares = try rows.reduce(0) { $0 + (try number($1, "part_pct")) }
            let overlap = try overlaps.rows.filter { $0["perimetre"] == name }.reduce(0) { $0 + (try number($1, "surface_m2")) }
            // Every claim counts for each claimant: shares reach 100 %, exceeding it by the overlaps.
            XCTAssertGreaterThanOrEqual(shares, 100 - 0.005 * Double(rows.count), name)
            XCTAssertEqual(shares, 100 + 100 * overlap / area, accuracy: 0.05, name)
            // Claimed ground minus pairwise overlaps is the perimeter, as densites measures it.
            XCTAssertEqual(claimed - overlap, area, accuracy: 60, name)
            // The non-cadastral row agrees with non_cadastre.geojson.
            let nc = try XCTUnwrap(rows.first { $0["gestionnaire"] == "(non cadastré)" }, name)
            let f = try XCTUnwrap(try features("domanialite/non_cadastre.geojson")
                .first { ($0["properties"] as? [String: Any])?["perimetre"] as? String == name })
            let props = try XCTUnwrap(f["properties"] as? [String: Any])
            XCTAssertEqual(try XCTUnwrap(props["surface_m2"] as? Double), try number(nc, "surface_m2"), accuracy: 0.006, name)
            XCTAssertEqual(try number(nc, "part_pct"), 100 * (try number(nc, "surface_m2")) / area, accuracy: 0.05, name)
        }
        // Responsibilities: every incident inside a perimeter, once per perimeter containing it.
        let resp = try csv("domanialite/responsabilites.csv").rows.reduce(0) { $0 + Int($1["incidents"]!)! }
        let inZones = try csv("densites/densites.csv").rows.filter { $0["categorie"] == "toutes" }.reduce(0) { $0 + Int($1["incidents"]!)! }
        XCTAssertEqual(resp, inZones)
    }

    func testDensitesRowsAddUpAndPeriodsComeFromTheDates() throws {
        let r = try ran("densites")
        XCTAssertTrue(r.stdout.contains("écrit : "), r.stdout)
        let dens = try csv("densites/densites.csv")
        XCTAssertEqual(dens.header, "zone,categorie,incidents,surface_ha,par_ha,logements,pour_100_logements")
        let evo = try csv("densites/evolution.csv")
        XCTAssertEqual(evo.header, "zone,categorie,periode_1,periode_2,variation_pct")
        XCTAssertFalse(FileManager.default.fileExists(atPath: url("densites/traitement.csv").path),
                       "the demo incidents carry no resolution date")

        let zones = Set(dens.rows.map { $0["zone"]! })
        XCTAssertEqual(zones.count, 4)
        for z in zones {
            let rows = dens.rows.filter { $0["zone"] == z }
            XCTAssertEqual(rows.last?["categorie"], "toutes", "« toutes » last")
            let all = rows.last!
            let cats = rows.dropLast()
            XCTAssertEqual(cats.map { $0["categorie"]! }, cats.map { $0["categorie"]! }.sorted())
            XCTAssertEqual(cats.reduce(0) { $0 + Int($1["incidents"]!)! }, Int(all["incidents"]!))
            for row in rows {
                let n = try number(row, "incidents"), ha = try number(row, "surface_ha"), dw = try number(row, "logements")
                XCTAssertEqual(try number(row, "par_ha"), n / ha, accuracy: 0.005 + n / ha * 0.0005, "\(z) \(row["categorie"]!)")
                XCTAssertEqual(try number(row, "pour_100_logements"), 100 * n / dw, accuracy: 0.006, "\(z) \(row["categorie"]!)")
            }
        }
        // Evolution: the two periods are disjoint parts of the whole count.
        XCTAssertEqual(evo.rows.count, dens.rows.count, "one evolution row per densites row")
        for e in evo.rows {
            let d = try XCTUnwrap(dens.rows.first { $0["zone"] == e["zone"] && $0["categorie"] == e["categorie"] })
            let p1 = try number(e, "periode_1"), p2 = try number(e, "periode_2")
            XCTAssertLessThanOrEqual(p1 + p2, try number(d, "incidents"))
            if p1 > 0 {
                XCTAssertEqual(try number(e, "variation_pct"), 100 * (p2 - p1) / p1, accuracy: 0.006)
            } else {
                XCTAssertEqual(e["variation_pct"], "")
            }
        }
        // Independent count from the file's dates: no zone can hold more incidents of a period
        // than the whole file has in it.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: CLI.root.appendingPathComponent(Self.demo + "incidents.geojson"))) as! [String: Any]
        let dates = (json["features"] as! [[String: Any]]).map { ($0["properties"] as! [String: Any])["date"] as! String }
        let inP1 = dates.filter { $0 >= "2025-01-01" && $0.prefix(10) <= "2025-06-30" }.count
        let inP2 = dates.filter { $0 >= "2026-01-01" && $0.prefix(10) <= "2026-06-30" }.count
        XCTAssertGreaterThan(inP1, 0)
        for e in evo.rows where e["categorie"] == "toutes" {
            XCTAssertLessThanOrEqual(Int(e["periode_1"]!)!, inP1)
            XCTAssertLessThanOrEqual(Int(e["periode_2"]!)!, inP2)
            XCTAssertGreaterThan(Int(e["periode_1"]!)!, 0)
        }
    }

    func testPointsChaudsCellsAreOnTheGridAndCountTheIncidentsInsideTheZones() throws {
        let r = try ran("points-chauds")
        let cells = try csv("points-chauds/points_chauds.csv")
        XCTAssertEqual(cells.header, "i,j,x,y,lon,lat,incidents,gi_z,p_value,classe")
        XCTAssertGreaterThan(cells.rows.count, 100)
        var previous = Double.infinity
        var counted = 0
        for c in cells.rows {
            // Cell centres: ((i + ½) c, (j + ½) c) with c = 50 m.
            XCTAssertEqual(try number(c, "x"), (try number(c, "i") + 0.5) * 50, accuracy: 0.001)
            XCTAssertEqual(try number(c, "y"), (try number(c, "j") + 0.5) * 50, accuracy: 0.001)
            let z = try number(c, "gi_z"), p = try number(c, "p_value")
            XCTAssertLessThanOrEqual(z, previous, "sorted by decreasing z")
            previous = z
            // Class from the two-sided p-value (rows next to a threshold left out: 6 decimals).
            if [0.01, 0.05, 0.1].allSatisfy({ abs(p - $0) > 2e-6 }) {
                let level = p <= 0.01 ? 3 : p <= 0.05 ? 2 : p <= 0.1 ? 1 : 0
                XCTAssertEqual(Int(c["classe"]!), z > 0 ? level : -level, "\(c)")
            }
            counted += Int(c["incidents"]!)!
        }
        XCTAssertTrue(r.stdout.contains("\(cells.rows.count) cellule(s) de 50 m, \(counted) signalement(s) comptés"), r.stdout)
        // Inside the union of the zones, at most what densites counts zone by zone (the demo zones touch).
        let perZone = try csv("densites/densites.csv").rows.filter { $0["categorie"] == "toutes" }.reduce(0) { $0 + Int($1["incidents"]!)! }
        XCTAssertLessThanOrEqual(counted, perZone)
        XCTAssertGreaterThan(counted, perZone * 9 / 10)

        XCTAssertEqual(try features("points-chauds/points_chauds.geojson").count, cells.rows.count)
        let hot = try features("points-chauds/zones_chaudes.geojson")
        XCTAssertFalse(hot.isEmpty)
        for (k, f) in hot.enumerated() {
            let p = try XCTUnwrap(f["properties"] as? [String: Any])
            XCTAssertEqual(p["rang"] as? Int, k + 1)
            XCTAssertEqual(try XCTUnwrap(p["surface_m2"] as? Double), Double(try XCTUnwrap(p["cellules"] as? Int)) * 2500, accuracy: 0.01)
        }
        // ESRI ASCII grid of cells of 50 / 5 m.
        let asc = try text("points-chauds/densite_noyau.asc").split(separator: "\n").map(String.init)
        let head = Dictionary(uniqueKeysWithValues: asc.prefix(6).map { l -> (String, String) in
            let parts = l.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            return (parts[0], parts[1])
        })
        XCTAssertEqual(Set(head.keys), ["ncols", "nrows", "xllcorner", "yllcorner", "cellsize", "NODATA_value"])
        XCTAssertEqual(Double(head["cellsize"]!), 10)
        let ncols = Int(head["ncols"]!)!, nrows = Int(head["nrows"]!)!
        XCTAssertEqual(asc.count - 6, nrows)
        XCTAssertEqual(asc[6].split(separator: " ").count, ncols)
    }

    /// `gup verifier` passes on every GeoJSON the analysis commands write
    /// (GEOS validity of every feature); areal layers are MultiPolygons.
    func testEveryGeoJSONTheCommandsWriteVerifies() throws {
        for c in ["domanialite", "points-chauds", "nettoyage"] { XCTAssertEqual(try ran(c).status, 0, c) }
        let types = try OutputChecks.verifyAll(under: Self.output)
        XCTAssertEqual(Set(types.keys), ["domanialite/chevauchements.geojson", "domanialite/domanialite.geojson",
                                         "domanialite/non_cadastre.geojson", "nettoyage/doublons.geojson",
                                         "nettoyage/lacunes.geojson", "points-chauds/points_chauds.geojson",
                                         "points-chauds/zones_chaudes.geojson"])
        XCTAssertEqual(Set(types.values), ["MultiPolygon"])
        XCTAssertTrue(try text("points-chauds/densite_noyau.prj").contains("Lambert_93"))
    }

    /// `--csv excel`: BOM, `;`, decimal commas; the same figures as the default CSV.
    func testCSVForFrenchSpreadsheets() throws {
        let dir = try CLI.temporaryFolder().appendingPathComponent("nettoyage-excel")
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let d = Self.demo
        let r = try CLI.run(["nettoyage", "--perimetres", d + "perimetres.geojson", "--secteurs", d + "secteurs.geojson",
                             "--csv", "excel", "--sortie", dir.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let data = try Data(contentsOf: dir.appendingPathComponent("couverture.csv"))
        XCTAssertEqual(Array(data.prefix(3)), [0xEF, 0xBB, 0xBF])
        let excel = String(decoding: data.dropFirst(3), as: UTF8.self).split(separator: "\r\n").map(String.init)
        XCTAssertTrue(excel[0].hasPrefix("perimetre;surface_exterieure_m2;couverte_m2;taux_couverture_pct;"), excel[0])
        let plain = try csv("nettoyage/couverture.csv")
        XCTAssertEqual(excel.count - 1, plain.rows.count)
        for line in excel.dropFirst() {
            let cells = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            let row = try XCTUnwrap(plain.rows.first { $0["perimetre"] == cells[0] }, cells[0])
            XCTAssertEqual(cells[1].replacingOccurrences(of: ",", with: "."), row["surface_exterieure_m2"])
            XCTAssertTrue(cells[1].contains(","), cells[1])
        }
        let bad = try CLI.run(["nettoyage", "--perimetres", d + "perimetres.geojson", "--secteurs", d + "secteurs.geojson",
                               "--csv", "tableur", "--sortie", dir.path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--csv : format « tableur » inconnu"), bad.stderr)
    }

    func testNettoyageRateIsCoveredOverOutdoorAndOutdoorIsThePerimeter() throws {
        let r = try ran("nettoyage")
        XCTAssertTrue(r.stdout.contains("Couverture du nettoyage"), r.stdout)
        let cov = try csv("nettoyage/couverture.csv")
        XCTAssertEqual(cov.header, "perimetre,surface_exterieure_m2,couverte_m2,taux_couverture_pct,lacunes_m2,nb_lacunes,doublons_m2,frequence_moyenne")
        let pairs = try csv("nettoyage/doublons.csv")
        XCTAssertEqual(pairs.header, "perimetre,intervenants,surface_m2")
        let gaps = try features("nettoyage/lacunes.geojson")
        XCTAssertFalse(try features("nettoyage/doublons.geojson").isEmpty)
        let areas = try perimeterAreas()
        XCTAssertEqual(Set(cov.rows.map { $0["perimetre"]! }), Set(areas.keys))
        for c in cov.rows {
            let name = c["perimetre"]!
            let outdoor = try number(c, "surface_exterieure_m2"), covered = try number(c, "couverte_m2")
            XCTAssertEqual(try number(c, "taux_couverture_pct"), 100 * covered / outdoor, accuracy: 0.006, name)
            XCTAssertEqual(outdoor, areas[name]!, accuracy: 60, "no --residences: the whole perimeter")
            XCTAssertLessThanOrEqual(try number(c, "lacunes_m2"), outdoor - covered + 0.02, name)
            // Gaps of lacunes.geojson: as many, and as much, as couverture.csv says.
            let mine = gaps.compactMap { $0["properties"] as? [String: Any] }.filter { $0["perimetre"] as? String == name }
            XCTAssertEqual(mine.count, Int(c["nb_lacunes"]!), name)
            XCTAssertEqual(mine.reduce(0) { $0 + ($1["surface_m2"] as! Double) }, try number(c, "lacunes_m2"), accuracy: 0.01 * Double(mine.count) + 0.01, name)
            for g in mine { XCTAssertNotNil(g["incidents"] as? Int, "--incidents: counted in each gap") }
            // Space held by three cleaners is in each of their pairs: pairs add up to at least the double coverage.
            let pairArea = try pairs.rows.filter { $0["perimetre"] == name }.reduce(0) { $0 + (try number($1, "surface_m2")) }
            XCTAssertGreaterThanOrEqual(pairArea + 0.02, try number(c, "doublons_m2"), name)
        }
        let sizes = gaps.compactMap { ($0["properties"] as? [String: Any])?["surface_m2"] as? Double }
        XCTAssertEqual(sizes, sizes.sorted(by: >), "largest gap first")
    }

    // MARK: plans

    func svg(_ rel: String, command: String) throws -> String {
        let r = try ran(command)
        XCTAssertTrue(r.stdout.contains("Plan écrit : \(url(rel).path)"), r.stdout)
        let s = try text(rel)
        XCTAssertTrue(s.hasPrefix("<?xml"), rel)
        XCTAssertTrue(s.contains(Self.date), rel)
        XCTAssertTrue(s.contains("data-crs=\"EPSG:2154\""), rel)
        return s
    }

    /// The scale printed on the terminal is the one the SVG is drawn at.
    func printedScale(_ command: String) throws -> String {
        let out = try ran(command).stdout
        let range = try XCTUnwrap(out.range(of: #"échelle 1/[^,]+"#, options: .regularExpression), out)
        return String(out[range]).replacingOccurrences(of: "échelle 1/", with: "").filter(\.isNumber)
    }

    func testPlanSituationShowsTheQuartierInItsCommune() throws {
        let s = try svg("situation.svg", command: "plan-situation")
        XCTAssertTrue(s.contains("<title>Plan de situation — Les Pins</title>"))
        XCTAssertTrue(s.contains("width=\"297mm\" height=\"210mm\""), "A4 paysage by default")
        XCTAssertTrue(s.contains("Commune : Vitrolles"))
        for id in ["couche-commune", "couche-perimetre", "legende", "nord", "echelle-graphique", "cartouche"] {
            XCTAssertTrue(s.contains("id=\"\(id)\""), id)
        }
        XCTAssertTrue(s.contains("data-echelle=\"\(try printedScale("plan-situation"))\""))
    }

    func testPlanMasseIsAtTheRequestedScaleWithItsLayers() throws {
        let s = try svg("masse.svg", command: "plan-masse")
        XCTAssertTrue(s.contains("width=\"420mm\" height=\"297mm\""), "A3 paysage")
        XCTAssertEqual(try printedScale("plan-masse"), "2000")
        XCTAssertTrue(s.contains("data-echelle=\"2000\""))
        // --chaleur: the parcels in grey outline, never in manager colours under the heat.
        for id in ["couche-parcelles", "couche-residences", "couche-chaleur", "couche-perimetre"] {
            XCTAssertTrue(s.contains("<g id=\"\(id)\""), id)
        }
        XCTAssertFalse(s.contains("<g id=\"couche-domanialite\""))
    }

    /// `--sortie plan.pdf`: one vector page of the plan's paper size (A3 portrait here), fonts embedded.
    func testPlanCommandWritesAPDFPageOfItsPaperSize() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = Self.demo
        let pdf = dir.appendingPathComponent("masse.pdf").path
        let r = try CLI.run(["plan-masse", "--perimetres", d + "perimetres.geojson", "--quartier", "Les Hermes",
                             "--parcelles", d + "parcelles.geojson", "--format", "A3", "--orientation", "portrait",
                             "--date", Self.date, "--sortie", pdf])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Plan écrit : \(pdf)"), r.stdout)
        let sizes = try PDFReading.pageSizes(pdf)
        XCTAssertEqual(sizes.count, 1)
        XCTAssertEqual(sizes[0].width, 297, accuracy: 0.01)
        XCTAssertEqual(sizes[0].height, 420, accuracy: 0.01)
        XCTAssertTrue(try PDFReading.fonts(pdf).allSatisfy(\.embedded))
        XCTAssertTrue(try PDFReading.text(pdf, page: 1).contains("Plan de masse"))
        let bad = try CLI.run(["plan-masse", "--perimetres", d + "perimetres.geojson", "--quartier", "Les Hermes",
                               "--sortie", dir.appendingPathComponent("masse.png").path])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains(".svg ou .pdf"), bad.stderr)
    }

    func testPlanAvantApresDrawsBothStatesAtOneScale() throws {
        let s = try svg("avant_apres.svg", command: "plan-avant-apres")
        XCTAssertTrue(s.contains("width=\"210mm\" height=\"297mm\""), "A4 portrait")
        for id in ["carte-avant", "carte-apres", "couche-domanialite-avant", "couche-domanialite-apres"] {
            XCTAssertTrue(s.contains("<g id=\"\(id)\""), id)
        }
        let scale = try printedScale("plan-avant-apres")
        let scales = s.components(separatedBy: "data-echelle=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        XCTAssertGreaterThanOrEqual(scales.count, 2)
        XCTAssertTrue(scales.allSatisfy { $0 == scale }, "\(scales) vs \(scale)")
        // The same state twice: the transfers table says so, and its CSV is written beside the plan (header only).
        XCTAssertTrue(s.contains("Aucun changement de gestionnaire"))
        let csv = try String(contentsOf: Self.output.appendingPathComponent("avant_apres_transferts.csv"), encoding: .utf8)
        XCTAssertEqual(csv, "gestionnaire_avant,gestionnaire_apres,surface_m2\r\n")
    }

    /// A forced scale at which the quartier does not fit the frame: exit 1,
    /// the scale and the frame size needed in French, nothing written.
    func testForcedScaleThatCutsTheQuartierIsRefused() throws {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("masse.svg")
        let r = try CLI.run(["plan-masse", "--perimetres", Self.demo + "perimetres.geojson", "--quartier", "Les Pins",
                             "--parcelles", Self.demo + "parcelles.geojson", "--echelle", "1000", "--sortie", out.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("--echelle 1000 : au 1/1 000"), r.stderr)
        XCTAssertTrue(r.stderr.contains("demande un cadre de"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        // With --planches: sheets at the forced scale covering the quartier, and the assembly index.
        let r2 = try CLI.run(["plan-masse", "--perimetres", Self.demo + "perimetres.geojson", "--quartier", "Les Pins",
                              "--parcelles", Self.demo + "parcelles.geojson", "--echelle", "1000", "--planches",
                              "--numero-plan", "P12", "--sortie", out.path])
        XCTAssertEqual(r2.status, 0, r2.stderr)
        func numbers(_ s: String, _ attr: String, after marker: String) -> [Double] {
            guard let m = s.range(of: marker), let r = s[m.upperBound...].range(of: attr + "=\"") else { return [] }
            return s[r.upperBound...].prefix { $0 != "\"" }.split(separator: " ").compactMap { Double($0) }
        }
        let index = try String(contentsOf: out, encoding: .utf8)
        XCTAssertTrue(index.contains("tableau d&apos;assemblage (9 planches)") || index.contains("tableau d'assemblage (9 planches)"))
        var extents: [[Double]] = []
        for k in 1...9 {
            let sheet = try String(contentsOf: dir.appendingPathComponent("masse_planche_\(k).svg"), encoding: .utf8)
            XCTAssertEqual(numbers(sheet, "data-echelle", after: "<g id=\"carte\""), [1000])
            XCTAssertTrue(sheet.contains("data-numero-plan=\"P12-\(k)\""))
            XCTAssertTrue(sheet.contains("planche \(k)/9"))
            extents.append(numbers(sheet, "data-emprise", after: "<g id=\"carte\""))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("masse_planche_10.svg").path))
        // The sheets cover the quartier: its outline on the index, mapped back to the ground, lies in their union.
        let frame = numbers(index, "data-cadre", after: "<g id=\"carte\""), e = numbers(index, "data-emprise", after: "<g id=\"carte\"")
        let k = frame[2] / (e[2] - e[0])
        let perimeter = try XCTUnwrap(index.range(of: "<g id=\"couche-perimetre\"").map { String(index[$0.upperBound...]) })
        let d = try XCTUnwrap(perimeter.range(of: " d=\"M").map { String(perimeter[$0.upperBound...].prefix { $0 != "\"" }) })
        let xy = d.split(whereSeparator: { "LZ ".contains($0) }).compactMap { Double($0) }
        XCTAssertGreaterThan(xy.count, 8)
        for i in stride(from: 0, to: xy.count - 1, by: 2) {
            let gx = e[0] + (xy[i] - frame[0]) / k, gy = e[3] - (xy[i + 1] - frame[1]) / k
            XCTAssertTrue(extents.contains { $0[0] <= gx + 0.5 && gx - 0.5 <= $0[2] && $0[1] <= gy + 0.5 && gy - 0.5 <= $0[3] }, "\(gx) \(gy)")
        }
    }

    // MARK: errors

    /// Each command with one input file that does not exist: exit 1, a French
    /// message naming that file, nothing written.
    func testMissingInputFileIsAFrenchErrorNamingItForEveryCommand() throws {
        let out = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        for (name, args) in Self.commands(into: out) {
            // The last input option of each command is replaced by a missing file.
            let missing = "absent-\(name).geojson"
            var a = args
            let k = try XCTUnwrap(a.lastIndex { $0.hasPrefix(Self.demo) }, name)
            a[k] = missing
            let r = try CLI.run(a)
            XCTAssertEqual(r.status, 1, "\(name) : \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("erreur : \(missing) : fichier introuvable"), "\(name) : \(r.stderr)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [], "nothing written")
    }

    /// A geographic working CRS would give areas in square degrees: refused.
    func testGeographicWorkingCRSIsRefusedForEveryCommand() throws {
        let out = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        for (name, args) in Self.commands(into: out) {
            let r = try CLI.run(args + ["--crs", "EPSG:4326"])
            XCTAssertEqual(r.status, 1, "\(name) : \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("EPSG:4326 n'est pas un système projeté en mètres"), "\(name) : \(r.stderr)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path), [], "nothing written")
        let bad = try CLI.run(["resume", "--crs-source", "EPSG:nimporte", Self.demo + "perimetres.geojson"])
        // Typed options: the argument parser refuses the value itself (its usage-error exit code, 64).
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("« EPSG:nimporte » non reconnu"), bad.stderr)
    }
}
