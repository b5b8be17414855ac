import Foundation
import GUPModel

/// Options of the incidents job (`gup densites`, the dossier's tables).
public struct IncidentOptions: Sendable {
    /// Only incidents reported in this range are counted (nil: all).
    public var period: DayRange?
    /// Two periods compared in `evolution.csv` (both or none).
    public var comparison: (DayRange, DayRange)?
    /// Dwellings field of the residences (nil: the usual names).
    public var dwellingsField: String?

    public init(period: DayRange? = nil, comparison: (DayRange, DayRange)? = nil, dwellingsField: String? = nil) {
        self.period = period; self.comparison = comparison; self.dwellingsField = dwellingsField
    }
}

/// What the incidents job gives: rows keyed by zone name.
public struct IncidentResult: Sendable {
    public var densities: [DensityRow]
    /// Nil without two periods.
    public var evolution: [EvolutionRow]?
    /// Nil when the incidents carry no resolution date.
    public var treatment: [TreatmentRow]?
    public var treatmentAnomalies: IncidentAnalysis.TreatmentAnomalies?
    /// Incidents in no zone.
    public var outsideAllZones: Int
    /// Dwellings per zone (nil without residences), aligned with the run's zones.
    public var dwellings: ZoneDwellings?

    /// The rows of one zone.
    public func slice(zone: String) -> IncidentResult {
        var r = self
        r.densities = densities.filter { $0.zone == zone }
        r.evolution = evolution?.filter { $0.zone == zone }
        r.treatment = treatment?.filter { $0.zone == zone }
        return r
    }
}

extension IncidentAnalysis {
    /// The job: densities (per hectare, per 100 dwellings), evolution between
    /// two periods and treatment delays of every zone of `inputs`.
    public static func run(_ inputs: AnalysisInputs, options: IncidentOptions, reporter: Reporter = SilentReporter()) throws -> IncidentResult {
        guard let set = inputs.incidentSet else { throw GUPError("signalements : aucune couche de signalements") }
        let zi = try ZoneIncidents(zones: inputs.zones, incidents: set)
        let dwellings = try inputs[.residences].map {
            try ZoneDwellings.compute(zones: inputs.zones, residences: $0, dwellingsField: options.dwellingsField, reporter: reporter)
        }
        if options.comparison != nil || options.period != nil, set.dates.readable == 0, set.count > 0 {
            let what = set.dates.field.map { "aucune date lisible dans le champ « \($0) »" }
                ?? "aucun champ de date (\(FieldRole.date.defaults.joined(separator: ", ")))"
            throw GUPError.input(file: inputs[.incidents]!.source, "\(what) : impossible de compter par période")
        }
        var result = IncidentResult(densities: try densities(zi, dwellings: dwellings, period: options.period),
                                    evolution: nil, treatment: nil, treatmentAnomalies: nil,
                                    outsideAllZones: zi.outsideAllZones, dwellings: dwellings)
        if let (p1, p2) = options.comparison {
            result.evolution = try evolution(zi, period1: p1, period2: p2)
        }
        if set.resolutionDates.field != nil {
            let (rows, anomalies) = try treatment(zi, period: options.period)
            result.treatment = rows
            result.treatmentAnomalies = anomalies
        }
        return result
    }
}

extension IncidentsCSV {
    public static let densitiesFile = "densites.csv"
    public static let evolutionFile = "evolution.csv"
    public static let treatmentFile = "traitement.csv"

    /// Writes the job's tables (those it produced) and returns their names.
    @discardableResult
    public static func write(_ r: IncidentResult, to folder: OutputFolder, writer: CSVWriter = CSVWriter()) throws -> [String] {
        var written: [String] = []
        try folder.write(densities(r.densities, writer: writer), to: densitiesFile)
        written.append(densitiesFile)
        if let e = r.evolution {
            try folder.write(evolution(e, writer: writer), to: evolutionFile)
            written.append(evolutionFile)
        }
        if let t = r.treatment {
            try folder.write(treatment(t, writer: writer), to: treatmentFile)
            written.append(treatmentFile)
        }
        return written
    }
}
