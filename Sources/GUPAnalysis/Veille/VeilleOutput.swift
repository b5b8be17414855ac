import Foundation
import GUPModel

/// CSV renderings of the veille (2 decimals for measures, rows by zone,
/// then category with « toutes » last, then period).
public enum VeilleCSV {
    public static let seriesHeader = ["zone", "categorie", "periode", "incidents", "par_ha", "pour_100_logements"]
    public static let treatmentHeader = ["zone", "categorie", "periode", "resolus", "non_resolus", "delai_median_jours", "part_sous_30_jours_pct"]
    public static let gradesHeader = ["zone", "categorie", "indicateur", "valeur", "seuil_vigilance", "seuil_alerte", "niveau"]
    public static let changesHeader = ["zone", "categorie", "periode", "avant", "apres"]
    public static let duplicatesHeader = ["categorie", "signalements", "fusionnes", "conserves"]

    /// Measures as in the incidents' CSV files (2 decimals, empty when none).
    static func measure(_ d: Double?) -> CSVWriter.Cell { IncidentsCSV.measure(d) }

    /// `series.csv`: every period of the span, zeros included.
    public static func series(_ s: VeilleSeries, writer: CSVWriter = CSVWriter()) -> String {
        var rows: [[CSVWriter.Cell]] = []
        rows.reserveCapacity(s.counts.count)
        let names = s.categories + [ZoneIncidents.allCategories]
        for z in s.zones.indices {
            let ha = s.hectares[z], lg = s.dwellings?[z]
            for c in 0..<s.columns {
                for p in 0..<s.calendar.count {
                    let n = s.count(zone: z, category: c, period: p)
                    rows.append([.text(s.zones[z]), .text(names[c]), .text(s.calendar.labels[p]), .integer(n),
                                 .decimal(ha > 0 ? Double(n) / ha : 0, places: 2),
                                 measure((lg ?? 0) > 0 ? 100 * Double(n) / lg! : nil)])
                }
            }
        }
        return writer.render(header: seriesHeader, rows: rows)
    }

    /// `traitement_mensuel.csv`: treatment of the reports of each period.
    public static func treatment(_ s: VeilleSeries, _ t: VeilleTreatment, writer: CSVWriter = CSVWriter()) -> String {
        var rows: [[CSVWriter.Cell]] = []
        let names = s.categories + [ZoneIncidents.allCategories]
        for z in s.zones.indices {
            for c in 0..<s.columns {
                for p in 0..<s.calendar.count {
                    let i = s.index(zone: z, category: c, period: p)
                    rows.append([.text(s.zones[z]), .text(names[c]), .text(s.calendar.labels[p]),
                                 .integer(Int(t.resolved[i])), .integer(Int(t.unresolved[i])),
                                 measure(t.medianDelay[i]), measure(t.within30Pct(i))])
                }
            }
        }
        return writer.render(header: treatmentHeader, rows: rows)
    }

    /// `niveaux.csv`: each indicator of each situation, then its overall
    /// grade (indicateur « niveau »).
    public static func grades(_ g: VeilleGrades, thresholds: VeilleThresholds, writer: CSVWriter = CSVWriter()) -> String {
        var rows: [[CSVWriter.Cell]] = []
        for s in g.situations {
            for i in s.indicators {
                let th = thresholds[i.indicator]
                rows.append([.text(s.zone), .text(s.category), .text(i.indicator.rawValue), measure(i.value),
                             .decimal(th.vigilance, places: 2), .decimal(th.alert, places: 2),
                             i.grade.map { .text($0.label) } ?? .empty])
            }
            rows.append([.text(s.zone), .text(s.category), "niveau", .empty, .empty, .empty, .text(s.grade.label)])
        }
        return writer.render(header: gradesHeader, rows: rows)
    }

    /// `tableau_niveaux.csv`: one row per zone, one column per theme and
    /// « toutes », the grade in each cell.
    public static func overview(_ g: VeilleGrades, writer: CSVWriter = CSVWriter()) -> String {
        let cols = g.categories + [ZoneIncidents.allCategories]
        var rows: [[CSVWriter.Cell]] = []
        var k = 0
        while k < g.situations.count {
            let zone = g.situations[k].zone
            var row: [CSVWriter.Cell] = [.text(zone)]
            for _ in cols { row.append(.text(g.situations[k].grade.label)); k += 1 }
            rows.append(row)
        }
        return writer.render(header: ["zone"] + cols, rows: rows)
    }

    /// `changements_niveau.csv`.
    public static func changes(_ g: VeilleGrades, writer: CSVWriter = CSVWriter()) -> String {
        writer.render(header: changesHeader, rows: g.changes.map {
            [.text($0.zone), .text($0.category), .text($0.period), .text($0.from.label), .text($0.to.label)]
        })
    }

    /// `doublons_signalements.csv`: per category, then « toutes ».
    public static func duplicates(_ r: DuplicateMergeReport, writer: CSVWriter = CSVWriter()) -> String {
        var rows: [[CSVWriter.Cell]] = r.rows.map { [.text($0.category), .integer($0.reports), .integer($0.merged), .integer($0.kept)] }
        rows.append([.text(ZoneIncidents.allCategories), .integer(r.reports), .integer(r.merged), .integer(r.reports - r.merged)])
        return writer.render(header: duplicatesHeader, rows: rows)
    }
}

extension DuplicateMergeReport {
    /// Terminal lines: the rule, then per category how many were merged.
    public var summary: [String] {
        var out = ["fusion des doublons (même catégorie, \(rule) d'un signalement conservé) : \(merged) signalement(s) fusionné(s) sur \(reports)"]
        for r in rows where r.reports > 0 {
            out.append("  \(r.category) : \(r.merged) fusionné(s) sur \(r.reports), \(r.kept) conservé(s)")
        }
        if undated > 0 { out.append("  \(undated) signalement(s) sans date lisible, jamais fusionné(s)") }
        return out
    }
}
