import Foundation
import XCTest

/// Issue 16 end to end: the hostile and clumsy runs of the issue, each with
/// a French message and a non-zero exit (never a signal), and nothing of the
/// user's lost. The dossier's quartier-name cases (5–8) are the pipeline's.
final class HardeningCLITests: XCTestCase {
    let d = "Data/demo/"
    var tmp: URL!

    override func setUpWithError() throws { tmp = try CLI.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    func assertRefused(_ args: [String], _ expected: String..., file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try CLI.run(args)
        XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)", file: file, line: line)
        for e in expected { XCTAssertTrue(r.stderr.contains(e), "\(args): « \(e) » absent de : \(r.stderr)", file: file, line: line) }
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr, file: file, line: line)
    }

    func testExtremeNumbersAreRefusedNotTrapped() throws {
        // Case 1: signal 4 (Int conversion beyond Int.max).
        let pc = ["points-chauds", "--zones", d + "perimetres.geojson", "--incidents", d + "incidents.geojson", "--sortie", tmp.path + "/pc"]
        try assertRefused(pc + ["--cellule", "1e-13"], "--cellule : valeur 1e-13 hors des bornes (attendu entre 0,01 et 100\u{202F}000 m)")
        try assertRefused(pc + ["--rayon", "1e20"], "--rayon : valeur 1e+20 hors des bornes")
        try assertRefused(pc + ["--cellule", "nan"], "--cellule : valeur « nan »")
        let pm = ["plan-masse", "--perimetres", d + "perimetres.geojson", "--sortie", tmp.path + "/m.svg"]
        try assertRefused(pm + ["--echelle", "1000000000000000000"], "--echelle : valeur 1000000000000000000 hors des bornes (attendu entre 100 et 1\u{202F}000\u{202F}000")
        try assertRefused(pm + ["--maille", "1e308"], "--maille : valeur 1e+308 hors des bornes")
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.path + "/pc"))
    }

    /// `--date` is a date: checked, read day first or ISO, printed JJ/MM/AAAA.
    func testPrintedDateIsCheckedAndPrintedTheFrenchWay() throws {
        let pm = ["plan-masse", "--perimetres", d + "perimetres.geojson", "--quartier", "Les Pins"]
        // Refused by the argument parser: the usage exit status (64).
        for (args, expected) in [(pm + ["--date", "31/02/2026", "--sortie", tmp.path + "/a.svg"], "--date : date « 31/02/2026 » illisible ou inexistante"),
                                 (pm + ["--date", "12/31/2026", "--sortie", tmp.path + "/a.svg"], "--date : date « 12/31/2026 » écrite mois d'abord"),
                                 (pm + ["--date", "06/12/2026 10:30", "--sortie", tmp.path + "/a.svg"], "porte une heure"),
                                 (["dossier", "--sans-pdf", "--date", "demain", "--sortie", tmp.path + "/d"], "--date : date « demain » illisible")] {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, 64, r.stderr)
            XCTAssertTrue(r.stderr.contains(expected), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.path + "/a.svg"))
        for (n, (typed, printed)) in [("2026-12-06", "06/12/2026"), ("6/12/2026", "06/12/2026"), ("06/12/2026", "06/12/2026")].enumerated() {
            let out = tmp.path + "/m\(n).svg"
            let r = try CLI.run(pm + ["--date", typed, "--sortie", out])
            XCTAssertEqual(r.status, 0, r.stderr)
            let svg = try String(contentsOfFile: out, encoding: .utf8)
            XCTAssertTrue(svg.contains("Date : \(printed)"), "\(typed) : \(svg.prefix(300))")
        }
    }

    func testExplodingWorkIsRefusedWithTheFigureAndTheOption() throws {
        // Case 4: --cellule 0.5 on the demo ran 7 minutes and wrote 2 GB.
        let t0 = Date()
        try assertRefused(["points-chauds", "--zones", d + "perimetres.geojson", "--incidents", d + "incidents.geojson",
                           "--cellule", "0.5", "--sortie", tmp.path + "/pc"],
                          "plus que la limite de 1\u{202F}000\u{202F}000", "--max-cellules")
        XCTAssertLessThan(Date().timeIntervalSince(t0), 60)
        // Raised by the option, the same grid is computed.
        let ok = try CLI.run(["points-chauds", "--zones", d + "perimetres.geojson", "--incidents", d + "incidents.geojson",
                              "--cellule", "20", "--max-cellules", "100", "--sortie", tmp.path + "/pc"])
        XCTAssertEqual(ok.status, 1)
        XCTAssertTrue(ok.stderr.contains("plus que la limite de 100 "), ok.stderr)

        // 3,000 stacked parcels of two managers: 2.25 million pairs.
        let square = "[[5.2350,43.4550],[5.2360,43.4550],[5.2360,43.4560],[5.2350,43.4560],[5.2350,43.4550]]"
        var features: [String] = []
        for k in 0..<3000 {
            features.append(#"{"type":"Feature","properties":{"gestionnaire":"\#(k % 2 == 0 ? "Ville" : "Bailleur")"},"geometry":{"type":"Polygon","coordinates":[\#(square)]}}"#)
        }
        let stacked = tmp.appendingPathComponent("empilees.geojson")
        try Data(#"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#.utf8).write(to: stacked)
        let perimeter = tmp.appendingPathComponent("p.geojson")
        try Data(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"nom":"P"},"geometry":{"type":"Polygon","coordinates":[[[5.234,43.454],[5.237,43.454],[5.237,43.457],[5.234,43.457],[5.234,43.454]]]}}]}"#.utf8).write(to: perimeter)
        try assertRefused(["domanialite", "--perimetres", perimeter.path, "--parcelles", stacked.path, "--sortie", tmp.path + "/dom"],
                          "au moins 1\u{202F}000\u{202F}001 paires", "--max-paires")
    }

    func testSpecialFilesAreRefused() throws {
        // Case 3.
        let fifo = tmp.appendingPathComponent("couche.geojson").path
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        try assertRefused(["resume", fifo], "tube nommé (FIFO)")
        try assertRefused(["domanialite", "--perimetres", "/dev/zero", "--parcelles", d + "parcelles.geojson", "--sortie", tmp.path + "/o"],
                          "/dev/zero : est un périphérique")
        try assertRefused(["points-chauds", "--zones", tmp.path, "--incidents", d + "incidents.geojson", "--sortie", tmp.path + "/o"],
                          "est un dossier")
    }

    func testAbsurdValuesFromTheData() throws {
        // Case 10: negative dwellings were summed; 1e308 written as « inf ».
        for (value, shown) in [("-50", "-50"), ("1e308", "1e+308")] {
            var json = try String(contentsOfFile: CLI.root.path + "/" + d + "residences.geojson", encoding: .utf8)
            json = json.replacingOccurrences(of: #""logements": 71"#, with: #""logements": \#(value)"#)
            json = json.replacingOccurrences(of: #""logements":71"#, with: #""logements":\#(value)"#)
            let r = tmp.appendingPathComponent("residences.geojson")
            try Data(json.utf8).write(to: r)
            try assertRefused(["densites", "--zones", d + "perimetres.geojson", "--incidents", d + "incidents.geojson",
                               "--residences", r.path, "--sortie", tmp.path + "/dens"],
                              "nombre de logements \(shown) impossible (attendu entre 0 et 100 000)")
        }
        // Case 10: a vertical CRS and Web Mercator as working CRS.
        let pc = ["points-chauds", "--zones", d + "perimetres.geojson", "--incidents", d + "incidents.geojson", "--sortie", tmp.path + "/pc"]
        try assertRefused(pc + ["--crs", "EPSG:3857"], "Web Mercator", "× 1,9")
        try assertRefused(pc + ["--crs", "EPSG:5714"], "système vertical")
        try assertRefused(pc + ["--crs-source", "EPSG:5714"], "système vertical")
        // PROJ's own English never reaches the user.
        let r = try CLI.run(pc + ["--crs", "EPSG:999999"])
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(r.stderr.contains("proj_create"), r.stderr)
        XCTAssertTrue(r.stderr.contains("inconnu de PROJ"), r.stderr)
    }

    func testAnInputIsNeverOverwritten() throws {
        // Case 13: `--sortie .` replaced the user's 884 parcels by 25 features.
        try FileManager.default.copyItem(atPath: CLI.root.path + "/" + d + "perimetres.geojson", toPath: tmp.path + "/perimetres.geojson")
        try FileManager.default.copyItem(atPath: CLI.root.path + "/" + d + "parcelles.geojson", toPath: tmp.path + "/domanialite.geojson")
        let before = try Data(contentsOf: tmp.appendingPathComponent("domanialite.geojson"))
        let args = ["domanialite", "--perimetres", "perimetres.geojson", "--parcelles", "domanialite.geojson", "--sortie", "."]
        let r = try CLI.run(args, in: tmp)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("contient le fichier d'entrée"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--sortie-force"), r.stderr)
        // Even forced, the input is not replaced.
        let forced = try CLI.run(args + ["--sortie-force"], in: tmp)
        XCTAssertEqual(forced.status, 1, forced.stderr)
        XCTAssertTrue(forced.stderr.contains("est le fichier d'entrée"), forced.stderr)
        XCTAssertEqual(try Data(contentsOf: tmp.appendingPathComponent("domanialite.geojson")), before)
    }

    func testDossierOutputFolderMustNotBeTheProjectsOwn() throws {
        // Case 14: `sortie = ""`, ".", ".." wrote into the project's folder; "/" was accepted.
        let project = tmp.appendingPathComponent("projet")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        let index = project.appendingPathComponent("index.html")
        try Data("<p>ma page</p>".utf8).write(to: index)
        let demo = CLI.root.path + "/Data/demo/"
        for (sortie, expected) in [("", "clé « sortie » : chemin vide"), (".", "contient le fichier d'entrée"),
                                   ("..", "contient le fichier d'entrée"), ("/", "« / »")] {
            let toml = """
            sortie = "\(sortie)"
            [couches]
            perimetres = { fichier = "\(demo)perimetres.geojson", champ_nom = "nom_qp" }
            [fond]
            routes = "\(demo)routes.geojson"
            """
            try Data(toml.utf8).write(to: project.appendingPathComponent("dossier.toml"))
            let r = try CLI.run(["dossier", project.appendingPathComponent("dossier.toml").path])
            XCTAssertEqual(r.status, 1, "\(sortie): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(expected), "\(sortie): \(r.stderr)")
        }
        XCTAssertEqual(try String(contentsOf: index, encoding: .utf8), "<p>ma page</p>")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: project.path).sorted(), ["dossier.toml", "index.html"])
    }

    func testProjectFileNumbersFailBeforeAnythingIsWritten() throws {
        // Case 11: `seuil = nan` failed at the end in English, after index.html.
        let demo = CLI.root.path + "/Data/demo/"
        for (line, expected) in [("cellule_m = nan", "clé « seuils.cellule_m » : valeur « nan » (pas un nombre) impossible"),
                                 ("rayon_m = inf", "clé « seuils.rayon_m » : valeur infinie impossible"),
                                 ("lacune_m2 = 1e308", "clé « seuils.lacune_m2 » : valeur 1e+308 hors des bornes")] {
            let toml = """
            sortie = "sortie"
            [couches]
            perimetres = { fichier = "\(demo)perimetres.geojson", champ_nom = "nom_qp" }
            [seuils]
            \(line)
            """
            let p = tmp.appendingPathComponent("dossier.toml")
            try Data(toml.utf8).write(to: p)
            let r = try CLI.run(["dossier", p.path])
            XCTAssertEqual(r.status, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(expected), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: tmp.path + "/sortie"))
        }
        // The TOML parser's words are French.
        let p = tmp.appendingPathComponent("dossier.toml")
        try Data("titre = \n".utf8).write(to: p)
        let r = try CLI.run(["dossier", p.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("TOML invalide ligne 1"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Error while parsing"), r.stderr)
        XCTAssertFalse(r.stderr.contains("expected"), r.stderr)
    }

    func testManagersCSVCannotInjectFormulas() throws {
        // Case 16: a manager named =HYPERLINK(…) was evaluated by the spreadsheet.
        let parcels = try String(contentsOfFile: CLI.root.path + "/" + d + "parcelles.geojson", encoding: .utf8)
        let ids = parcels.components(separatedBy: #""id": ""#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
            + parcels.components(separatedBy: #""id":""#).dropFirst().map { String($0.prefix { $0 != "\"" }) }
        XCTAssertFalse(ids.isEmpty)
        var csv = "id,gestionnaire\n"
        for (k, id) in ids.enumerated() {
            csv += "\(id),\(k % 2 == 0 ? "\"=HYPERLINK(\"\"http://x\"\",\"\"x\"\")\"" : "Ville\u{1B}[31m\u{07}")\n"
        }
        let table = tmp.appendingPathComponent("gestionnaires.csv")
        try Data(csv.utf8).write(to: table)
        let r = try CLI.run(["domanialite", "--perimetres", d + "perimetres.geojson", "--parcelles", d + "parcelles.geojson",
                             "--gestionnaires", table.path, "--sortie", tmp.path + "/dom"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = try String(contentsOfFile: tmp.path + "/dom/domanialite.csv", encoding: .utf8)
        XCTAssertTrue(out.contains(#""'=HYPERLINK(""http://x"",""x"")""#), out)
        XCTAssertFalse(out.contains(",=") || out.contains("\n="), out)
        XCTAssertFalse(out.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, out)
        XCTAssertFalse((r.stdout + r.stderr).unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    func testArgumentParserAndHelpAreFrench() throws {
        let r = try CLI.run(["points-chauds", "--zones"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("Valeur manquante pour"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Missing value"), r.stderr)
        let help = try CLI.run(["points-chauds", "--help"])
        XCTAssertFalse(help.stdout.contains("default"), help.stdout)
        XCTAssertTrue(help.stdout.contains("(par défaut :"), help.stdout)
        let root = try CLI.run(["--help"])
        XCTAssertFalse(root.stdout.contains("subcommand"), root.stdout)
    }

    func testTheSameEmptyInputGivesTheSameExitInEveryCommand() throws {
        let empty = tmp.appendingPathComponent("vide.geojson")
        try Data(#"{"type":"FeatureCollection","features":[]}"#.utf8).write(to: empty)
        let e = empty.path, o = tmp.path + "/o"
        for args in [["domanialite", "--perimetres", e, "--parcelles", d + "parcelles.geojson", "--sortie", o],
                     ["densites", "--zones", e, "--incidents", d + "incidents.geojson", "--sortie", o],
                     ["points-chauds", "--zones", e, "--incidents", d + "incidents.geojson", "--sortie", o],
                     ["nettoyage", "--perimetres", e, "--secteurs", d + "secteurs.geojson", "--sortie", o],
                     ["plan-situation", "--perimetres", e, "--sans-fond", "--sortie", o + ".svg"]] {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, 1, "\(args[0]): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("aucun"), "\(args[0]): \(r.stderr)")
        }
    }

    /// Files of a folder with their SHA-256 (`sha256sum`), as one comparable value.
    func snapshot(_ folder: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for case let f as String in FileManager.default.enumerator(atPath: folder) ?? FileManager.DirectoryEnumerator() {
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: folder + "/" + f, isDirectory: &isDir)
            if isDir.boolValue { continue }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            p.arguments = [folder + "/" + f]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let s = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            out[f] = String(s.prefix(64))
        }
        return out
    }

    func testKillDuringARerunLeavesTheOldOrTheNewCompleteOutput() throws {
        // Case 17: an interrupted rerun left a mix of old and new files.
        let out = tmp.path + "/pc"
        func args(_ cell: String) -> [String] {
            ["points-chauds", "--zones", d + "perimetres.geojson", "--incidents", d + "incidents.geojson", "--cellule", cell, "--sortie", out]
        }
        let t0 = Date()
        XCTAssertEqual(try CLI.run(args("60")).status, 0)
        let duration = Date().timeIntervalSince(t0)
        let b = try snapshot(out)
        XCTAssertEqual(try CLI.run(args("50")).status, 0)
        let a = try snapshot(out)
        XCTAssertNotEqual(a, b)
        // The manifest lists every other file with its size and hash.
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/.gup-manifeste.json"))) as! [String: Any]
        let listed = Dictionary(uniqueKeysWithValues: (manifest["fichiers"] as! [[String: Any]]).map { ($0["fichier"] as! String, $0["sha256"] as! String) })
        XCTAssertEqual(listed, a.filter { $0.key != ".gup-manifeste.json" })
        var sawOld = 0, sawNew = 0
        for k in 0..<12 {
            let before = try snapshot(out)
            let p = Process()
            p.executableURL = CLI.executable
            // Always towards the other output, killed from the start to past the end of a run.
            p.arguments = args(before == a ? "60" : "50")
            p.currentDirectoryURL = CLI.root
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            usleep(useconds_t(Double(k) / 11 * duration * 1.3 * 1_000_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let now = try snapshot(out)
            XCTAssertTrue(now == a || now == b, "run \(k): a mix of two runs: \(now.keys.sorted())")
            if now == before { sawOld += 1 } else { sawNew += 1 }
        }
        // Both outcomes seen: the kills fell before and after the switch.
        print("kill -9 : \(sawOld) fois l'ancienne sortie, \(sawNew) fois la nouvelle")
    }
}
