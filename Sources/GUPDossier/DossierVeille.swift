import Foundation
import GUPAnalysis
import GUPCartography
import GUPModel

/// The veille dashboard of one quartier: its grades, the months a grade
/// changed, and its chart.
public struct VeilleFigures: Sendable {
    public var situations: [SituationGrade]
    public var changes: [GradeChange]
    /// The small-multiples chart, in the quartier's folder.
    public var chart: String
    public var periods: [String]
}

/// The dossier's veille: run once over the selected quartiers, then a
/// section per quartier page, an overview on the index and in rapport.json.
enum DossierVeille {
    static let folder = "veille"

    /// The job, or nil (with a warning) when there are no incidents or none is dated.
    static func run(_ inputs: AnalysisInputs, project: ProjectFile, cleaning: CleaningResult?, reporter: Reporter) throws -> VeilleResult? {
        guard let set = inputs.incidentSet else { return nil }
        guard set.dates.readable > 0 else {
            reporter.warning("veille : aucun signalement daté, pas de tableau de bord mensuel")
            return nil
        }
        let options = VeilleOptions(step: project.veilleStep, thresholds: project.veilleThresholds,
                                    period1: project.period1?.range, period2: project.period2?.range)
        let coverage: [Double?]? = cleaning.map { c in
            inputs.zones.names.map { name in c.coverage.first { $0.perimeter == name }?.coverageRate }
        }
        return try VeilleAnalysis.run(inputs, options: options, dwellingsField: inputs.field(.dwellings), coverage: coverage,
                                      reporter: reporter)
    }

    /// The quartier's files (its series, grades and chart) and figures.
    static func quartier(_ r: VeilleResult, name: String, project: ProjectFile, into folder: OutputFolder)
        throws -> (figures: VeilleFigures, files: [String], tables: [(String, String)])? {
        guard let z = r.series.zones.firstIndex(of: name) else { return nil }
        let series = r.series.slice(zone: z)
        let grades = r.grades.slice(zone: name)
        try folder.write(VeilleCSV.series(series), to: "series.csv")
        try folder.write(VeilleCSV.grades(grades, thresholds: r.thresholds), to: "niveaux.csv")
        let chart = "veille_series.svg"
        try folder.write(VeilleCharts.smallMultiples(series, zone: 0, grades: grades, source: project.sources ?? "signalements du dossier"),
                         to: chart)
        return (VeilleFigures(situations: grades.situations, changes: grades.changes, chart: chart, periods: series.calendar.labels),
                ["niveaux.csv", "series.csv", chart],
                [("series.csv", "Veille : signalements par \(r.series.calendar.step == .month ? "mois" : "semaine") et par catégorie"),
                 ("niveaux.csv", "Veille : indicateurs et niveaux")])
    }

    /// Dossier-wide files: the overview, the changes, the comparison and
    /// evolution charts, and the merge's counts.
    static func write(_ r: VeilleResult?, duplicates: DuplicateMergeReport?, project: ProjectFile, to out: OutputFolder) throws -> [String] {
        var files: [String] = []
        if let d = duplicates {
            try out.write(VeilleCSV.duplicates(d), to: "doublons_signalements.csv")
            files.append("doublons_signalements.csv")
        }
        guard let r else { return files }
        try out.write(VeilleCSV.overview(r.grades), to: "\(folder)/tableau_niveaux.csv")
        try out.write(VeilleCSV.changes(r.grades), to: "\(folder)/changements_niveau.csv")
        files += ["\(folder)/tableau_niveaux.csv", "\(folder)/changements_niveau.csv"]
        for c in VeilleCharts.all(series: r.series, grades: r.grades, evolution: r.evolution, source: project.sources ?? "signalements du dossier")
        where !c.file.hasPrefix("serie_") {
            try out.write(c.svg, to: "\(folder)/\(c.file)")
            files.append("\(folder)/\(c.file)")
        }
        return files
    }

    /// The section of a quartier page.
    static func section(_ h: inout HTMLDocument, _ v: VeilleFigures) {
        h.heading(2, "Tableau de bord de veille", id: "veille")
        h.svgFigure(src: v.chart, caption: "Signalements par mois et par catégorie (\(v.periods.first ?? "") à \(v.periods.last ?? ""))")
        h.table(header: ["thème", "niveau"] + VeilleIndicator.allCases.map(\.label),
                rows: v.situations.map { s in
                    [s.category == ZoneIncidents.allCategories ? "toutes catégories" : IncidentCategories.label(s.category), s.grade.label]
                        + VeilleIndicator.allCases.map { i in
                            guard let g = s.indicators.first(where: { $0.indicator == i }), let value = g.value else { return "" }
                            return FR.number(value, 2) + (g.grade.map { " (\($0.label))" } ?? "")
                        }
                }, caption: "Situations graduées (fin de période ; seuils du dossier, [seuils_veille])")
        if v.changes.isEmpty {
            h.paragraph("Aucun changement de niveau sur la période.")
        } else {
            h.table(header: ["mois", "thème", "avant", "après"],
                    rows: v.changes.map { [$0.period, IncidentCategories.label($0.category), $0.from.label, $0.to.label] },
                    caption: "Mois où un niveau a changé")
        }
    }

    /// The overview of the index page: quartiers × themes.
    static func overview(_ h: inout HTMLDocument, _ r: VeilleResult, duplicates: DuplicateMergeReport?) {
        h.heading(2, "Veille : situations graduées", id: "veille")
        let cols = r.grades.categories + [ZoneIncidents.allCategories]
        var rows: [[String]] = []
        for zone in r.series.zones {
            rows.append([zone] + cols.map { c in r.grades.situation(zone: zone, category: c)?.grade.label ?? "" })
        }
        h.table(header: ["quartier"] + cols.map { $0 == ZoneIncidents.allCategories ? "toutes" : IncidentCategories.label($0) }, rows: rows,
                caption: "Niveau de chaque quartier et de chaque thème (normal / vigilance / alerte)")
        h.svgFigure(src: "\(folder)/comparaison_par_ha.svg", caption: "Quartiers comparés : signalements par hectare et par mois, moyenne du dossier")
        if r.evolution != nil { h.svgFigure(src: "\(folder)/evolution.svg", caption: "Signalements des deux périodes") }
        let changes = r.grades.changes.filter { $0.category == ZoneIncidents.allCategories }
        if !changes.isEmpty {
            h.table(header: ["quartier", "mois", "avant", "après"], rows: changes.map { [$0.zone, $0.period, $0.from.label, $0.to.label] },
                    caption: "Mois où le niveau d'un quartier (toutes catégories) a changé ; tous les thèmes : veille/changements_niveau.csv")
        }
        if let d = duplicates {
            h.paragraph("Signalements répétés comptés une fois (même catégorie, \(d.rule) d'un signalement conservé) : \(FR.int(d.merged)) fusionné(s) sur \(FR.int(d.reports)) ; détail : doublons_signalements.csv.")
        }
    }

    static func json(_ r: VeilleResult?, duplicates: DuplicateMergeReport?) -> JSONValue {
        var o: [String: JSONValue] = [:]
        if let d = duplicates {
            o["doublons"] = ["regle": ["distance_m": .init(d.rule.metres), "heures": .init(d.rule.hours)], "signalements": .init(d.reports),
                             "fusionnes": .init(d.merged), "sans_date": .init(d.undated),
                             "par_categorie": .array(d.rows.map {
                                 ["categorie": .init($0.category), "signalements": .init($0.reports), "fusionnes": .init($0.merged),
                                  "conserves": .init($0.kept)]
                             })]
        }
        if let r {
            o["pas"] = .init(r.series.calendar.step.rawValue)
            o["periodes"] = .init(r.series.calendar.labels)
            var thresholds: [String: JSONValue] = Dictionary(uniqueKeysWithValues: VeilleIndicator.allCases.map { i in
                (i.rawValue, ["vigilance": .init(r.thresholds[i].vigilance), "alerte": .init(r.thresholds[i].alert)] as JSONValue)
            })
            thresholds["fenetre_mois"] = .init(r.thresholds.window)
            thresholds["effectif_minimum"] = .init(r.thresholds.minimumReports)
            o["seuils"] = .object(thresholds)
            o["niveaux"] = .array(r.grades.situations.map(situation))
            o["changements"] = .array(r.grades.changes.map(change))
        }
        return .object(o)
    }

    static func situation(_ s: SituationGrade) -> JSONValue {
        ["zone": .init(s.zone), "categorie": .init(s.category), "niveau": .init(s.grade.label),
         "indicateurs": .array(s.indicators.map { i in
             ["indicateur": .init(i.indicator.rawValue), "valeur": .init(i.value.map { ($0 * 100).rounded() / 100 }),
              "niveau": .init(i.grade?.label)]
         })]
    }

    static func change(_ c: GradeChange) -> JSONValue {
        ["zone": .init(c.zone), "categorie": .init(c.category), "periode": .init(c.period), "avant": .init(c.from.label), "apres": .init(c.to.label)]
    }
}
