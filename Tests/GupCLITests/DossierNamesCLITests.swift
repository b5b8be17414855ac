import Foundation
import XCTest

/// `gup dossier` on perimeters named through a field outside the usual list,
/// with a repeated name and names differing only by case: every quartier
/// gets its own folder, and each of its plans draws it, not another one.
final class DossierNamesCLITests: XCTestCase {
    func testRepeatedAndCaseVariantNamesWithACustomNameField() throws {
        let tmp = try CLI.temporaryFolder()
        let demo = CLI.root.appendingPathComponent("Data/demo").path
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(demo)/perimetres.geojson"))) as! [String: Any]
        var features = doc["features"] as! [[String: Any]]
        let names = ["Centre", "Centre", "les pins", "Les Pins"]
        for k in features.indices { features[k]["properties"] = ["appellation": names[k]] }
        doc["features"] = features
        try JSONSerialization.data(withJSONObject: doc).write(to: tmp.appendingPathComponent("perimetres.geojson"))
        try """
        [couches]
        perimetres = { fichier = "perimetres.geojson", champ_nom = "appellation" }
        parcelles  = { fichier = "\(demo)/parcelles.geojson" }
        incidents  = { fichier = "\(demo)/incidents.geojson" }
        [fond]
        routes = "\(demo)/routes.geojson"
        """.write(to: tmp.appendingPathComponent("dossier.toml"), atomically: true, encoding: .utf8)
        let out = tmp.appendingPathComponent("sortie")
        let r = try CLI.run(["dossier", tmp.appendingPathComponent("dossier.toml").path, "--sortie", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("rapport.json"))) as! [String: Any]
        let quartiers = report["quartiers"] as! [[String: Any]]
        XCTAssertEqual(quartiers.map { $0["nom"] as! String }, ["Centre (entité n° 1)", "Centre (entité n° 2)", "les pins", "Les Pins"])
        let folders = quartiers.map { $0["dossier"] as! String }
        XCTAssertEqual(Set(folders).count, 4, "\(folders)")
        for (k, q) in quartiers.enumerated() {
            let svg = try String(contentsOf: out.appendingPathComponent(folders[k]).appendingPathComponent("plan_masse.svg"), encoding: .utf8)
            XCTAssertTrue(svg.contains("Quartier : \(q["nom"] as! String)"), folders[k])
        }
        // Four different frames: no quartier is drawn twice.
        let frames = try folders.map { f -> String in
            let svg = try String(contentsOf: out.appendingPathComponent(f).appendingPathComponent("plan_masse.svg"), encoding: .utf8)
            return String(svg[svg.range(of: "data-emprise=\"")!.upperBound...].prefix { $0 != "\"" })
        }
        XCTAssertEqual(Set(frames).count, 4, "\(frames)")
    }
}

/// Issue 16, cases 5–8, on real perimeters: the Occitanie QPV (« Centre Ville »
/// 11 times, 32 invalid rings), a name of 250 characters and a blank name.
final class DossierRealNamesCLITests: XCTestCase {
    /// `gup dossier` on perimeters alone (names from `nom_qp`, no PDF, no fond):
    /// the run, its output folder and the quartiers of its `rapport.json`.
    func dossier(perimeters: String, in tmp: URL) throws -> (CLI.Result, URL, [[String: Any]]) {
        try """
        pdf = false
        [couches]
        perimetres = { fichier = "\(perimeters)", champ_nom = "nom_qp" }
        [fond]
        sans_fond = true
        """.write(to: tmp.appendingPathComponent("dossier.toml"), atomically: true, encoding: .utf8)
        let out = tmp.appendingPathComponent("sortie")
        let r = try CLI.run(["dossier", tmp.appendingPathComponent("dossier.toml").path, "--sortie", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("rapport.json"))) as! [String: Any]
        return (r, out, report["quartiers"] as! [[String: Any]])
    }

    func testOccitanieDossierWithRepeatedNames() throws {
        let tmp = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let qpv = CLI.root.appendingPathComponent("Tests/GUPTopologyTests/Fixtures/qpv-occitanie-2015.geojson").path
        let (_, out, quartiers) = try dossier(perimeters: qpv, in: tmp)
        XCTAssertEqual(quartiers.count, 105)
        let names = quartiers.map { $0["nom"] as! String }
        XCTAssertEqual(Set(names).count, 105)
        XCTAssertEqual(names.filter { $0.hasPrefix("Centre Ville (entité n° ") }.count, 11)
        let folders = quartiers.map { $0["dossier"] as! String }
        XCTAssertEqual(Set(folders.map { $0.lowercased() }).count, 105)
        // Each plan de masse names its own quartier and frames a different place.
        var frames = Set<String>()
        for (k, f) in folders.enumerated() where names[k].hasPrefix("Centre Ville (entité n° ") {
            let svg = try String(contentsOf: out.appendingPathComponent(f).appendingPathComponent("plan_masse.svg"), encoding: .utf8)
            XCTAssertTrue(svg.contains("Quartier : \(names[k])"), f)
            frames.insert(String(svg[svg.range(of: "data-emprise=\"")!.upperBound...].prefix { $0 != "\"" }))
        }
        XCTAssertEqual(frames.count, 11)
    }

    func testLongAndBlankNames() throws {
        let tmp = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: tmp) }
        let demo = CLI.root.appendingPathComponent("Data/demo").path
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(demo)/perimetres.geojson"))) as! [String: Any]
        var features = doc["features"] as! [[String: Any]]
        let long = String(repeating: "Résidence des Très Longs Noms ", count: 9)   // 270 characters
        let names: [Any] = [long, "   ", NSNull(), "Le Liourat"]
        for k in features.indices { features[k]["properties"] = ["nom_qp": names[k]] }
        doc["features"] = features
        try JSONSerialization.data(withJSONObject: doc).write(to: tmp.appendingPathComponent("perimetres.geojson"))
        let (r, out, quartiers) = try dossier(perimeters: "perimetres.geojson", in: tmp)
        XCTAssertEqual(quartiers.map { $0["nom"] as! String },
                       [long.trimmingCharacters(in: .whitespaces), "entité n° 2", "entité n° 3", "Le Liourat"])
        for q in quartiers {
            let folder = q["dossier"] as! String
            XCTAssertLessThanOrEqual(folder.utf8.count, 64, folder)
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent(folder).appendingPathComponent("plan_masse.svg").path))
        }
        XCTAssertTrue(r.stderr.contains("sans nom"), r.stderr)
    }
}
