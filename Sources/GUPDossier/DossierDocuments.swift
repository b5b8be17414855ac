import Foundation
import GUPModel
import GUPWorkbook

/// The documents of the dossier people exchange, written once the quartiers
/// are built: `tableaux.xlsx` at the root (and the PDF documents).
public enum DossierDocuments {
    public static let workbookFile = "tableaux.xlsx"

    /// Sheet names of the dossier's tables, in the workbook's order.
    static let sheets: [(file: String, sheet: String)] = [
        ("domanialite.csv", "Domanialité"), ("chevauchements.csv", "Chevauchements"),
        ("responsabilites.csv", "Responsabilités"), ("densites.csv", "Densités"), ("evolution.csv", "Évolution"),
        ("traitement.csv", "Traitement"), ("couverture.csv", "Couverture nettoyage"), ("doublons.csv", "Doubles couvertures"),
    ]

    /// French column titles of the CSV columns (the CSVs keep their short names for machines).
    static let headers: [String: String] = [
        "perimetre": "Quartier", "zone": "Quartier", "gestionnaire": "Gestionnaire", "gestionnaire_a": "Gestionnaire A",
        "gestionnaire_b": "Gestionnaire B", "proprietaire": "Propriétaire", "categorie": "Catégorie",
        "intervenants": "Intervenants", "surface_m2": "Surface (m²)", "part_pct": "Part (%)", "incidents": "Signalements",
        "surface_ha": "Surface (ha)", "par_ha": "Signalements par hectare", "logements": "Logements",
        "pour_100_logements": "Signalements pour 100 logements", "periode_1": "Période 1", "periode_2": "Période 2",
        "variation_pct": "Variation (%)", "resolus": "Résolus", "non_resolus": "Non résolus",
        "delai_median_jours": "Délai médian (jours)", "part_sous_30_jours_pct": "Résolus sous 30 jours (%)",
        "surface_exterieure_m2": "Surface extérieure (m²)", "couverte_m2": "Surface couverte (m²)",
        "taux_couverture_pct": "Taux de couverture (%)", "lacunes_m2": "Lacunes (m²)", "nb_lacunes": "Nombre de lacunes",
        "doublons_m2": "Doubles couvertures (m²)", "frequence_moyenne": "Fréquence moyenne (passages)",
    ]
    /// Columns that hold names, never numbers (a quartier may be called « 2 »).
    static let textColumns: Set<String> = ["perimetre", "zone", "gestionnaire", "gestionnaire_a", "gestionnaire_b",
                                           "proprietaire", "categorie", "intervenants"]

    /// One sheet per table of the dossier, every quartier's rows in turn,
    /// read back from the CSV files the quartiers wrote.
    public static func workbookTables(quartiers: [QuartierFigures], in dossier: OutputFolder) throws -> [SheetTable] {
        var tables: [SheetTable] = []
        for (file, sheet) in sheets {
            var header: [String]?
            var rows: [[String]] = []
            for q in quartiers where q.tables.contains(where: { $0.file == file }) {
                let t = try CSVTable.read(path: dossier.url.appendingPathComponent(q.folder).appendingPathComponent(file).path)
                if header == nil { header = t.header }
                guard t.header == header else {
                    throw GUPError("\(q.folder)/\(file) : colonnes différentes des autres quartiers, tableau non réuni")
                }
                rows += t.rows
            }
            guard let header else { continue }
            tables.append(SheetTable(name: sheet, header: header.map { headers[$0] ?? $0 },
                                     rows: typed(rows, header: header)))
        }
        return tables
    }

    /// Cells typed column by column: a column whose every non-empty cell is
    /// a number (decimal point or comma) becomes numbers, with the decimals
    /// it was written with.
    static func typed(_ rows: [[String]], header: [String]) -> [[SheetCell]] {
        var out = rows.map { $0.map { SheetCell.text($0) } }
        for c in header.indices where !textColumns.contains(header[c]) {
            var column: [SheetCell] = []
            var numeric = true
            for r in rows {
                let raw = r[c]
                if raw.isEmpty { column.append(.empty); continue }
                let s = raw.replacingOccurrences(of: ",", with: ".")
                guard let d = Double(s), d.isFinite, !s.contains("e"), !s.contains("E") else { numeric = false; break }
                if let dot = s.firstIndex(of: ".") {
                    column.append(.decimal(d, places: s.distance(from: dot, to: s.endIndex) - 1))
                } else if let i = Int(s) {
                    column.append(.integer(i))
                } else {
                    column.append(.decimal(d, places: 0))
                }
            }
            guard numeric else { continue }
            for r in out.indices { out[r][c] = column[r] }
        }
        return out
    }

    /// Writes `tableaux.xlsx` at the dossier's root; returns its name (nil without tables).
    public static func writeWorkbook(quartiers: [QuartierFigures], into dossier: OutputFolder) throws -> String? {
        let tables = try workbookTables(quartiers: quartiers, in: dossier)
        guard !tables.isEmpty else { return nil }
        try dossier.write(to: workbookFile) { try WorkbookWriter.write(tables, to: $0) }
        return workbookFile
    }
}
