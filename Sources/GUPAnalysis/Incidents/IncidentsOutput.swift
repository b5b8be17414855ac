import Foundation
import GUPModel

/// CSV renderings of the incident analyses (header row, 2 decimals for
/// measures, rows in the order the analyses return: zone, then category).
public enum IncidentsCSV {
    public static let densitiesHeader = ["zone", "categorie", "incidents", "surface_ha", "par_ha", "logements", "pour_100_logements"]
    public static let evolutionHeader = ["zone", "categorie", "periode_1", "periode_2", "variation_pct"]
    public static let treatmentHeader = ["zone", "categorie", "resolus", "non_resolus", "delai_median_jours", "part_sous_30_jours_pct"]

    static func measure(_ d: Double?) -> CSVWriter.Cell {
        guard let d, d.isFinite else { return .empty }
        return .decimal(d, places: 2)
    }

    /// Dwellings are whole numbers in practice: written without decimals then.
    static func dwellings(_ d: Double?) -> CSVWriter.Cell {
        guard let d else { return .empty }
        if d == d.rounded(), abs(d) < 1e15 { return .integer(Int(d)) }
        return .decimal(d, places: 2)
    }

    public static func densities(_ rows: [DensityRow], writer: CSVWriter = CSVWriter()) -> String {
        writer.render(header: densitiesHeader, rows: rows.map { r in
            [.text(r.zone), .text(r.category), .integer(r.incidents), .decimal(r.hectares, places: 2),
             .decimal(r.perHectare, places: 2), dwellings(r.dwellings), measure(r.per100Dwellings)]
        })
    }

    public static func evolution(_ rows: [EvolutionRow], writer: CSVWriter = CSVWriter()) -> String {
        writer.render(header: evolutionHeader, rows: rows.map { r in
            [.text(r.zone), .text(r.category), .integer(r.period1), .integer(r.period2), measure(r.variationPct)]
        })
    }

    public static func treatment(_ rows: [TreatmentRow], writer: CSVWriter = CSVWriter()) -> String {
        writer.render(header: treatmentHeader, rows: rows.map { r in
            [.text(r.zone), .text(r.category), .integer(r.resolved), .integer(r.unresolved),
             measure(r.medianDelayDays), measure(r.within30DaysPct)]
        })
    }
}
