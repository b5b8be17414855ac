import Foundation
import XCTest

/// `gup veille` end to end on the demo (with its deliberate repeats) and on
/// the real DansMaRue sample; `--fusion-doublons` shared with `densites`.
final class VeilleCLITests: XCTestCase {
    static let demo = "Data/demo/"
    static let dmr = "Tests/GUPAnalysisTests/Fixtures/dansmarue/"

    /// Rows of a CSV with plain cells (no quoted commas), keyed by header.
    func csv(_ url: URL) throws -> (header: [String], rows: [[String: String]]) {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\r\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return (header, lines.dropFirst().map { l in
            Dictionary(uniqueKeysWithValues: zip(header, l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        })
    }

    func testVeilleOnTheDemoAgreesWithDensitesUnderTheSameMerge() throws {
        let out = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let d = Self.demo
        let v = try CLI.run(["veille", "--zones", d + "perimetres.geojson", "--incidents", d + "incidents.geojson",
                             "--residences", d + "residences.geojson", "--du", "2025-01-01", "--au", "2026-12-31",
                             "--periode-1", "2025-01-01:2025-12-31", "--periode-2", "2026-01-01:2026-12-31",
                             "--fusion-doublons", "15:48", "--sortie", out.appendingPathComponent("veille").path])
        XCTAssertEqual(v.status, 0, v.stderr)
        XCTAssertTrue(v.stdout.contains("fusion des doublons (même catégorie, 15 m et 48 h d'un signalement conservé)"), v.stdout)
        let dn = try CLI.run(["densites", "--zones", d + "perimetres.geojson", "--incidents", d + "incidents.geojson",
                              "--du", "2025-01-01", "--au", "2026-12-31", "--fusion-doublons", "15:48",
                              "--sortie", out.appendingPathComponent("densites").path])
        XCTAssertEqual(dn.status, 0, dn.stderr)
        let series = try csv(out.appendingPathComponent("veille/series.csv"))
        XCTAssertEqual(series.header, ["zone", "categorie", "periode", "incidents", "par_ha", "pour_100_logements"])
        // 4 quartiers × (7 categories + toutes) × 24 months, zeros included.
        XCTAssertEqual(series.rows.count, 4 * 8 * 24)
        XCTAssertEqual(Set(series.rows.map { $0["periode"]! }).count, 24)
        // Summed over the months, the series give densites.csv's counts (same zones, categories, merge and span).
        var sums: [String: Int] = [:]
        for r in series.rows { sums["\(r["zone"]!)|\(r["categorie"]!)", default: 0] += Int(r["incidents"]!)! }
        let dens = try csv(out.appendingPathComponent("densites/densites.csv"))
        XCTAssertEqual(dens.rows.count, sums.count)
        for r in dens.rows { XCTAssertEqual(sums["\(r["zone"]!)|\(r["categorie"]!)"], Int(r["incidents"]!)!, "\(r)") }
        // The two commands merged the same reports.
        let dv = try String(contentsOf: out.appendingPathComponent("veille/doublons_signalements.csv"), encoding: .utf8)
        XCTAssertEqual(dv, try String(contentsOf: out.appendingPathComponent("densites/doublons_signalements.csv"), encoding: .utf8))
        let dup = try csv(out.appendingPathComponent("veille/doublons_signalements.csv"))
        XCTAssertEqual(dup.header, ["categorie", "signalements", "fusionnes", "conserves"])
        let all = try XCTUnwrap(dup.rows.last)
        XCTAssertEqual(all["categorie"], "toutes")
        XCTAssertEqual(all["signalements"], "5012")
        // The 11 deliberate repeats at least (Data/README.md); the chain's third report is kept.
        XCTAssertGreaterThanOrEqual(Int(all["fusionnes"]!)!, 11)
        // The overview: one row per quartier, one column per theme and toutes, a grade in each cell.
        let overview = try csv(out.appendingPathComponent("veille/tableau_niveaux.csv"))
        XCTAssertEqual(overview.header.first, "zone")
        XCTAssertEqual(overview.header.last, "toutes")
        XCTAssertEqual(overview.rows.count, 4)
        for r in overview.rows { for (k, v) in r where k != "zone" { XCTAssertTrue(["normal", "vigilance", "alerte"].contains(v), v) } }
        let grades = try csv(out.appendingPathComponent("veille/niveaux.csv"))
        XCTAssertTrue(grades.rows.contains { $0["indicateur"] == "variation_pct" })
        for name in ["serie_les-pins.svg", "comparaison_par_ha.svg", "comparaison_pour_100_logements.svg", "evolution.svg"] {
            let svg = try String(contentsOf: out.appendingPathComponent("veille/graphiques/" + name), encoding: .utf8)
            XCTAssertTrue(svg.contains("data-valeur"), name)
            XCTAssertFalse(svg.contains("<script"), name)
        }
    }

    func testVeilleOnTheDansMaRueSampleByWeek() throws {
        let out = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["veille", "--zones", Self.dmr + "carres.geojson", "--incidents", Self.dmr + "signalements.geojson",
                             "--pas", "semaine", "--fusion-doublons", "20:24", "--sortie", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let series = try String(contentsOf: out.appendingPathComponent("series.csv"), encoding: .utf8)
        // Category names hold quoted commas: the period is the 4th cell from the end.
        let periods = Set(series.split(separator: "\r\n").dropFirst().map { l in
            let cells = l.split(separator: ",", omittingEmptySubsequences: false)
            return String(cells[cells.count - 4])
        })
        // 2020-10-31 (Saturday of week 44) to 2021-02-17 (week 7): weeks 44…53 of 2020 and 1…7 of 2021.
        XCTAssertEqual(periods.count, 17)
        XCTAssertTrue(periods.contains("2020-W53"))
        XCTAssertTrue(periods.allSatisfy { $0.range(of: #"^\d{4}-W\d{2}$"#, options: .regularExpression) != nil })
    }

    /// The Opendatasoft CSV export itself (`;`, `geo_point_2d`, upper-case
    /// headers with spaces), read through GDAL, gives the same series as its
    /// GeoJSON conversion.
    func testVeilleReadsTheDansMaRueCSVExportAsItsGeoJSONConversion() throws {
        let out = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let csvFile = "Tests/GUPFormatsTests/Fixtures/dansmarue-paris-echantillon-2020.csv"
        let a = try CLI.run(["veille", "--zones", Self.dmr + "carres.geojson", "--incidents", csvFile,
                             "--champ-categorie", "TYPE_DECLARATION", "--champ-date", "DATE DECLARATION",
                             "--fusion-doublons", "15:48", "--sortie", out.appendingPathComponent("csv").path])
        XCTAssertEqual(a.status, 0, a.stderr)
        let b = try CLI.run(["veille", "--zones", Self.dmr + "carres.geojson", "--incidents", Self.dmr + "signalements.geojson",
                             "--fusion-doublons", "15:48", "--sortie", out.appendingPathComponent("geojson").path])
        XCTAssertEqual(b.status, 0, b.stderr)
        func total(_ dir: String) throws -> Int {
            let lines = try String(contentsOf: out.appendingPathComponent(dir).appendingPathComponent("series.csv"), encoding: .utf8)
                .split(separator: "\r\n").dropFirst()
            // Rows of « toutes », summed: the incidents counted after the merge.
            return lines.filter { $0.contains(",toutes,") }.reduce(0) { n, l in
                let cells = l.split(separator: ",", omittingEmptySubsequences: false)
                return n + Int(cells[cells.count - 3])!
            }
        }
        let fromCSV = try total("csv"), fromGeoJSON = try total("geojson")
        XCTAssertGreaterThan(fromCSV, 1000)
        XCTAssertEqual(fromCSV, fromGeoJSON)
    }

    func testVeilleErrorsAreFrenchAndNameTheOption() throws {
        let out = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let base = ["veille", "--zones", Self.demo + "perimetres.geojson", "--incidents", Self.demo + "incidents.geojson", "--sortie", out.path]
        for (extra, expected) in [(["--fusion-doublons", "15"], "--fusion-doublons : « 15 » illisible"),
                                  (["--seuil", "signalements_par_ha_mois=3:1"], "--seuil : pour « signalements_par_ha_mois »"),
                                  (["--seuil", "nimporte=1:2"], "indicateur « nimporte » inconnu"),
                                  (["--du", "2026-01-01", "--au", "2025-01-01"], "--au (2025-01-01) précède --du (2026-01-01)")] {
            let r = try CLI.run(base + extra)
            XCTAssertNotEqual(r.status, 0, extra.joined(separator: " "))
            XCTAssertTrue(r.stderr.contains(expected), r.stderr)
        }
        let bad = try CLI.run(base + ["--pas", "jour"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("jour"), bad.stderr)
        let help = try CLI.run(["veille", "--help"])
        XCTAssertEqual(help.status, 0)
        for words in ["signalements_par_ha_mois   1 / 2", "Pas de chaînage", "--fusion-doublons", "series.csv", "Exemples"] {
            XCTAssertTrue(help.stdout.contains(words), words)
        }
    }
}

extension VeilleCLITests {
    /// The domanialité counts the merged set too: attributed reports = reports − merged.
    func testDomanialiteCountsTheMergedReports() throws {
        let out = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let d = Self.demo
        let r = try CLI.run(["domanialite", "--perimetres", d + "perimetres.geojson", "--parcelles", d + "parcelles.geojson",
                             "--incidents", d + "incidents.geojson", "--fusion-doublons", "15:48", "--sortie", out.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let dup = try csv(out.appendingPathComponent("doublons_signalements.csv"))
        let merged = Int(dup.rows.last!["fusionnes"]!)!
        let line = try XCTUnwrap(r.stdout.split(separator: "\n").first { $0.hasPrefix("Signalements attribués") })
        let numbers = line.split(separator: " ").compactMap { Int($0) }
        XCTAssertEqual(numbers.reduce(0, +), 5012 - merged, String(line))
    }
}
