import Foundation
import GUPModel

/// What the veille job gives.
public struct VeilleResult: Sendable {
    public var series: VeilleSeries
    public var grades: VeilleGrades
    public var thresholds: VeilleThresholds
    /// With two periods: the counts per zone × category (series order) and the rows of `evolution.csv`.
    public var evolution: VeilleEvolution?
    public var evolutionRows: [EvolutionRow]?
    public var outsideAllZones: Int
}

extension VeilleAnalysis {
    /// The job: series, evolution and grades of every zone of `inputs`
    /// (merge the duplicates on the inputs first when wanted).
    /// `coverage`: cleaning coverage (%) per zone of `inputs.zones`, graded
    /// on « toutes ». Throws when no incident in a zone is dated and the
    /// range is open.
    public static func run(_ inputs: AnalysisInputs, options: VeilleOptions, dwellingsField: String? = nil,
                           coverage: [Double?]? = nil, reporter: Reporter = SilentReporter()) throws -> VeilleResult {
        guard let set = inputs.incidentSet else { throw GUPError("signalements : aucune couche de signalements") }
        let zi = try ZoneIncidents(zones: inputs.zones, incidents: set)
        let dwellings = try inputs[.residences].map {
            try ZoneDwellings.compute(zones: inputs.zones, residences: $0, dwellingsField: dwellingsField, reporter: reporter)
        }
        guard let series = try series(zi, dwellings: dwellings, options: options) else {
            let source = inputs[.incidents]?.source ?? "signalements"
            throw GUPError.input(file: source, "aucun signalement daté dans un périmètre\(set.dates.field.map { " (champ de date « \($0) »)" } ?? " (aucun champ de date)") : pas de série mensuelle sans période --du/--au")
        }
        if series.undated > 0 {
            reporter.warning("\(series.undated) signalement(s) d'un périmètre sans date lisible : dans aucune période de la veille")
        }
        var evolution: VeilleEvolution?, rows: [EvolutionRow]?
        if let p1 = options.period1, let p2 = options.period2 {
            evolution = try self.evolution(zi, series: series, period1: p1, period2: p2)
            rows = try IncidentAnalysis.evolution(zi, period1: p1, period2: p2)
        }
        let order = zi.zoneOrder
        let grades = self.grades(series, thresholds: options.thresholds, evolution: evolution,
                                 coverage: coverage.map { c in order.map { c[$0] } })
        return VeilleResult(series: series, grades: grades, thresholds: options.thresholds, evolution: evolution,
                            evolutionRows: rows, outsideAllZones: zi.outsideAllZones)
    }
}

extension VeilleCSV {
    /// Writes the veille's CSV files; returns their names.
    public static func write(_ r: VeilleResult, to folder: OutputFolder, writer: CSVWriter = CSVWriter()) throws -> [String] {
        var files: [(String, String)] = [("series.csv", series(r.series, writer: writer))]
        if let t = r.series.treatment { files.append(("traitement_mensuel.csv", treatment(r.series, t, writer: writer))) }
        if let e = r.evolutionRows { files.append(("evolution.csv", IncidentsCSV.evolution(e, writer: writer))) }
        files += [("niveaux.csv", grades(r.grades, thresholds: r.thresholds, writer: writer)),
                  ("tableau_niveaux.csv", overview(r.grades, writer: writer)),
                  ("changements_niveau.csv", changes(r.grades, writer: writer))]
        for (name, text) in files { try folder.write(text, to: name) }
        return files.map(\.0)
    }
}

extension VeilleSeries {
    /// The series of one zone (index in `zones`), for a quartier's page.
    public func slice(zone z: Int) -> VeilleSeries {
        let block = columns * calendar.count
        let r = (z * block)..<((z + 1) * block)
        var s = self
        s.zones = [zones[z]]
        s.counts = Array(counts[r])
        s.hectares = [hectares[z]]
        s.dwellings = dwellings.map { [$0[z]] }
        s.treatment = treatment.map { t in
            VeilleTreatment(resolved: Array(t.resolved[r]), unresolved: Array(t.unresolved[r]), delays: Array(t.delays[r]),
                            within30: Array(t.within30[r]), medianDelay: Array(t.medianDelay[r]))
        }
        return s
    }
}

extension VeilleGrades {
    /// The situations and changes of one zone.
    public func slice(zone: String) -> VeilleGrades {
        VeilleGrades(situations: situations.filter { $0.zone == zone }, changes: changes.filter { $0.zone == zone },
                     categories: categories)
    }
}
