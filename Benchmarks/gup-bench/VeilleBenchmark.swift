import Foundation
import GUPKit

// veille: series and grades, and the duplicate merge, at metro scale.
//   python3 shared/tools/city.py /tmp/metro --blocks 100 --incidents 1000000 --seed 11
//   swift run -c release gup-bench veille [DATA=/tmp/metro] [--fusion 15:48]
// Targets (issue 17): series + grades for 625 quartiers, 1,000,000 incidents,
// 24 months ≤ 5 s; merge of 1,000,000 reports ≤ 3 s. No peer implements
// these: the figures are ours alone.
func veilleBenchmark(_ args: [String]) throws {
    var data = "/tmp/metro", rule = "15:48"
    var k = 0
    while k < args.count {
        if args[k] == "--fusion", k + 1 < args.count { rule = args[k + 1]; k += 2; continue }
        data = args[k]; k += 1
    }
    let working = CRS.lambert93
    var zones: WorkingLayer!, incidents: WorkingLayer!
    let load = try seconds {
        zones = try Loader.load(path: data + "/perimetres.geojson", working: working, expecting: .areal)
        incidents = try Loader.load(path: data + "/incidents.geojson", working: working, expecting: .point)
    }
    print(String(format: "chargement (hors mesure) : %.2f s — %d zones, %d signalements", load, zones.count, incidents.count))
    var set: IncidentSet!, zs: ZoneSet!
    let attributes = try seconds {
        zs = try ZoneSet.make(from: zones)
        set = try IncidentSet.make(from: incidents)
    }
    print(String(format: "attributs et dates (hors mesure) : %.2f s", attributes))

    let r = try DuplicateRule.parse(rule, option: "--fusion")
    var report: DuplicateMergeReport!
    var merged: IncidentSet!
    let find = try seconds { report = try DuplicateMerge.find(set, rule: r) }
    let filter = seconds { merged = set.filtered(report.mergedInto.map { $0 < 0 }) }
    print(String(format: "fusion des doublons (%@) : %.2f s (recherche %.2f s + ensemble filtré %.2f s) pour %d signalements, %d fusionnés — cible ≤ 3 s",
                 r.description, find + filter, find, filter, set.count, report.merged))

    var zi: ZoneIncidents!, series: VeilleSeries!, grades: VeilleGrades!
    let options = VeilleOptions()
    let assign = try seconds { zi = try ZoneIncidents(zones: zs, incidents: merged) }
    let count = try seconds { series = try VeilleAnalysis.series(zi, options: options) }
    let grade = seconds { grades = VeilleAnalysis.grades(series, thresholds: options.thresholds) }
    var csv = ""
    let write = seconds { csv = VeilleCSV.series(series) }
    print(String(format: "séries et niveaux : %.2f s (points dans zones %.2f s + séries %.2f s + niveaux %.2f s) — %d zones × %d catégories × %d périodes, %d changements de niveau — cible ≤ 5 s",
                 assign + count + grade, assign, count, grade, series.zones.count, series.categories.count, series.calendar.count, grades.changes.count))
    print("charge de la machine (1 min) : \(loadAverage()) (2 cœurs partagés : une machine chargée allonge les temps)")
    print(String(format: "series.csv (hors cible) : %.2f s, %d octets", write, csv.utf8.count))
}
