import Foundation
import GUPAnalysis
import GUPModel
import GUPPDF
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
        // Each quartier's tables read back and parsed on every core, then
        // joined in the quartiers' order: on one core after the quartiers,
        // this was most of the 0.76 s `tableaux.xlsx` took in the
        // 625-quartier dossier while the other core waited (perf).
        let parsed: [[String: CSVTable]] = try parallelMap(count: quartiers.count) { n in
            let q = quartiers[n]
            var mine: [String: CSVTable] = [:]
            for (file, _) in sheets where q.tables.contains(where: { $0.file == file }) {
                mine[file] = try readTable(file, in: dossier.subfolder(q.folder), shown: "\(q.folder)/\(file)")
            }
            return mine
        }
        let sheetTables: [SheetTable?] = try parallelMap(count: sheets.count) { s in
            let file = sheets[s].file
            var header: [String]?
            var rows: [[String]] = []
            for (q, tables) in zip(quartiers, parsed) {
                guard let t = tables[file] else { continue }
                if header == nil { header = t.header }
                guard t.header == header else {
                    throw GUPError("\(q.folder)/\(file) : colonnes différentes des autres quartiers, tableau non réuni")
                }
                rows += t.rows
            }
            guard let header else { return nil }
            return SheetTable(name: sheets[s].sheet, header: header.map { headers[$0] ?? $0 }, rows: typed(rows, header: header))
        }
        return sheetTables.compactMap { $0 }
    }

    /// A CSV table this run wrote (read from the output folder before it is committed).
    static func readTable(_ file: String, in folder: OutputFolder, shown: String) throws -> CSVTable {
        guard let data = try folder.contents(of: file), var text = String(data: data, encoding: .utf8) else {
            throw GUPError("\(shown) : tableau introuvable pour le classeur et le PDF")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return try CSVTable.parse(text, source: shown)
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
                if let cell = plainNumber(raw) { column.append(cell); continue }
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

    /// The cell `typed` makes of a plain decimal written with a point
    /// (`-12`, `3.50`: what `CSVWriter` writes), read from its bytes; nil for
    /// anything else, which takes the general path. Why: Foundation's
    /// `replacingOccurrences` and `contains` per cell were most of the
    /// workbook's 0.5 s at the end of the 625-quartier dossier (perf).
    static func plainNumber(_ raw: String) -> SheetCell? {
        var digitsBefore = 0, digitsAfter = 0, sawPoint = false, first = true
        for b in raw.utf8 {
            defer { first = false }
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if sawPoint { digitsAfter += 1 } else { digitsBefore += 1 }
            case UInt8(ascii: "-"), UInt8(ascii: "+"):
                guard first else { return nil }
            case UInt8(ascii: "."):
                guard !sawPoint, digitsBefore > 0 else { return nil }
                sawPoint = true
            default:
                return nil
            }
        }
        guard digitsBefore > 0, !sawPoint || digitsAfter > 0 else { return nil }
        // The same values as the general path (Double and Int of the same text).
        guard let d = Double(raw), d.isFinite else { return nil }
        if sawPoint { return .decimal(d, places: digitsAfter) }
        if let i = Int(raw) { return .integer(i) }
        return .decimal(d, places: 0)
    }

    /// Writes `tableaux.xlsx` at the dossier's root; returns its name (nil without tables).
    public static func writeWorkbook(quartiers: [QuartierFigures], into dossier: OutputFolder) throws -> String? {
        let tables = try workbookTables(quartiers: quartiers, in: dossier)
        guard !tables.isEmpty else { return nil }
        try dossier.write(to: workbookFile) { try WorkbookWriter.write(tables, to: $0) }
        return workbookFile
    }

    // MARK: PDF

    public static let pdfFile = "dossier.pdf"

    /// Beyond this many quartiers the root `dossier.pdf` is a synthesis
    /// (each quartier's note de présentation; plans, tables and fiche
    /// terrain in `QUARTIER/dossier.pdf`) unless `pdf_complet = true`.
    /// Why: every plan drawn a third time, on one core, for a document of
    /// thousands of pages. Measured on the metro-scale city: 1.6 s of
    /// processor per quartier for its PDFs, a third of it the root's copy
    /// (`gup-bench dossier`, 6 quartiers), so 625 quartiers made a
    /// 3,000-page root PDF of several minutes on one core.
    public static let completeRootLimit = 12

    /// Whether the root `dossier.pdf` holds every quartier whole.
    public static func completeRoot(_ project: ProjectFile, quartiers: Int) -> Bool {
        project.pdfComplete ?? (quartiers <= completeRootLimit)
    }

    /// `plan_….pdf` beside each plan's SVG: one page of the plan's paper size, vector.
    public static func writePlanPDF(svg: Data, source: String, to name: String, in folder: OutputFolder) throws {
        try folder.write(to: name) { try renderPlanPDF(svg: svg, source: source, to: $0) }
    }

    /// One PDF page of the plan's paper size at `path`.
    public static func renderPlanPDF(svg: Data, source: String, to path: String) throws {
        let size = try PDFWriter.svgSize(svg, source: source)
        let w = try PDFWriter(path: path, width: size.width, height: size.height)
        w.setMetadata(title: (source as NSString).lastPathComponent)
        try w.drawSVG(svg, source: source, x: 0, y: 0, width: size.width, height: size.height)
        try w.finish()
    }

    /// The parts of one quartier's PDF: note de présentation, each plan on
    /// its own page at its scale, the tables, the fiche terrain.
    static func sections(_ q: QuartierFigures, project: ProjectFile, date: String, in dossier: OutputFolder) throws -> [PDFSection] {
        let dir = try dossier.subfolder(q.folder)
        var out: [PDFSection] = []
        var note = PDFFlow()
        note.heading(1, "Quartier \(q.name)", id: nil)
        note.paragraph([project.commune.map { "Commune : \($0)" }, "Édité le \(date)"].compactMap { $0 }.joined(separator: " — "), className: nil)
        DossierPages.note(q, into: &note)
        DossierPages.hotspots(q, into: &note)
        if let t = DossierPages.walkSummary(q) {
            note.paragraph("Parcours du diagnostic en marchant. " + t, className: nil)
        }
        out.append(PDFSection(title: "Note de présentation", level: 2, content: .flow(note)))
        for p in q.plans {
            guard let svg = try dir.contents(of: p.file) else {
                throw GUPError("\(q.folder)/\(p.file) : plan introuvable pour le PDF")
            }
            out.append(PDFSection(title: "\(p.title) — échelle 1/\(FR.int(p.scale))", level: 2,
                                  content: .plan(svg: svg, source: "\(q.folder)/\(p.file)")))
        }
        // The veille dashboard's chart, printed on a page of its own size like a plan.
        if let v = q.veille, let svg = try dir.contents(of: v.chart) {
            out.append(PDFSection(title: "Tableau de bord de veille", level: 2, content: .figure(svg: svg, source: "\(q.folder)/\(v.chart)")))
        }
        if !q.tables.isEmpty {
            var tables = PDFFlow()
            tables.heading(1, "Tableaux — \(q.name)", id: nil)
            for t in q.tables {
                let csv = try readTable(t.file, in: dir, shown: "\(q.folder)/\(t.file)")
                let typedRows = typed(csv.rows, header: csv.header)
                var numeric = Set<Int>()
                let rows = typedRows.map { r in r.enumerated().map { (c, cell) -> String in
                    switch cell {
                    case .text(let s): return s
                    case .integer(let i): numeric.insert(c); return FR.int(i)
                    case .decimal(let d, let places): numeric.insert(c); return FR.number(d, places)
                    case .empty: return ""
                    }
                } }
                tables.heading(2, t.caption, id: nil)
                tables.table(header: csv.header.map { headers[$0] ?? $0 }, rows: rows, numeric: numeric,
                             caption: "\(t.file), \(rows.count) ligne\(rows.count > 1 ? "s" : "")")
            }
            out.append(PDFSection(title: "Tableaux", level: 2, content: .flow(tables)))
        }
        if !q.stops.isEmpty {
            var sheet = PDFFlow()
            sheet.heading(1, "Fiche terrain — diagnostic en marchant — \(q.name)", id: nil)
            sheet.paragraph("Date de la visite : ____________   Participants : ______________________________", className: nil)
            if let t = DossierPages.walkSummary(q) { sheet.paragraph(t + " Voir le plan du parcours.", className: nil) }
            DossierPages.walkLegs(q, into: &sheet)
            for s in q.stops { DossierPages.stop(s, into: &sheet) }
            out.append(PDFSection(title: "Fiche terrain", level: 2, content: .flow(sheet)))
        }
        return out
    }

    /// Writes `plan_….pdf` beside each plan, `QUARTIER/dossier.pdf` and the
    /// root `dossier.pdf`; returns the files written, relative to the dossier.
    public static func writePDFs(project: ProjectFile, quartiers: [QuartierFigures], date: String,
                                 into dossier: OutputFolder) throws -> [String] {
        let complete = completeRoot(project, quartiers: quartiers.count)
        // The dossier-wide veille charts (quartiers compared, two periods) open the root document.
        var veille: [PDFSection] = []
        for e in dossier.written where e.path.hasPrefix(DossierVeille.folder + "/") && e.path.hasSuffix(".svg") {
            guard let svg = try dossier.contents(of: e.path) else { continue }
            veille.append(PDFSection(title: "Veille : \(e.path.dropFirst(DossierVeille.folder.count + 1).dropLast(4))", level: 1,
                                     content: .figure(svg: svg, source: e.path)))
        }
        let rootLines = [project.commune.map { "Commune : \($0)" }, "Édité le \(date)",
                         "\(quartiers.count) quartier\(quartiers.count > 1 ? "s" : "")",
                         complete ? nil : "Volume de synthèse : la note de présentation de chaque quartier ; ses plans, tableaux et fiche terrain sont dans son propre dossier.pdf."].compactMap { $0 }
        /// Writes the root document unless it would be empty; true when written.
        func writeRoot(_ quartierSections: [PDFSection]) throws -> Bool {
            let all = veille + quartierSections
            guard !all.isEmpty else { return false }
            try dossier.write(to: pdfFile) { try DossierPDF.write(title: project.title, lines: rootLines, sections: all, to: $0) }
            return true
        }
        // A complete root draws every plan again: its sections are gathered
        // first (SVG files read back) and it is written as the first task,
        // beside the quartiers' documents, instead of alone on one core after
        // them. A synthesis root holds each quartier's note only (the plans'
        // SVG are not kept) and is written after, with each dossier's page count.
        let allSections: [[PDFSection]]? = complete
            ? try parallelMap(count: quartiers.count) { try sections(quartiers[$0], project: project, date: date, in: dossier) }
            : nil
        let rootTask = complete ? 1 : 0
        let results = try parallelMap(count: quartiers.count + rootTask) { t -> (files: [String], note: PDFSection?, pages: Int) in
            if t < rootTask {
                let written = try writeRoot(quartiers.indices.flatMap { k in
                    [PDFSection(title: "Quartier \(quartiers[k].name)", level: 1, content: nil)] + allSections![k]
                })
                return (written ? [pdfFile] : [], nil, 0)
            }
            let k = t - rootTask
            let q = quartiers[k]
            var files: [String] = []
            let folder = try dossier.subfolder(q.folder)
            for p in q.plans where p.file.hasSuffix(".svg") {
                guard let svg = try folder.contents(of: p.file) else {
                    throw GUPError("\(q.folder)/\(p.file) : plan introuvable pour le PDF")
                }
                let name = String(p.file.dropLast(4)) + ".pdf"
                try writePlanPDF(svg: svg, source: "\(q.folder)/\(p.file)", to: name, in: folder)
                files.append("\(q.folder)/\(name)")
            }
            let parts = try allSections?[k] ?? sections(q, project: project, date: date, in: dossier)
            let lines = [project.title, project.commune.map { "Commune : \($0)" }, "Édité le \(date)"].compactMap { $0 }
            var pages = 0
            try folder.write(to: pdfFile) { pages = try DossierPDF.write(title: "Quartier \(q.name)", lines: lines, sections: parts, to: $0) }
            files.append("\(q.folder)/\(pdfFile)")
            return (files, parts.first, pages)
        }
        // The root's file (written by the first task when complete) comes last.
        var files = results.dropFirst(rootTask).flatMap(\.files) + results.prefix(rootTask).flatMap(\.files)
        if !complete {
            var notes: [PDFSection] = []
            for (q, r) in zip(quartiers, results) {
                notes.append(PDFSection(title: "Quartier \(q.name)", level: 1, content: nil))
                if var first = r.note, case .flow(var note)? = first.content {
                    note.paragraph("Plans, tableaux et fiche terrain du quartier : \(q.folder)/\(pdfFile) (\(r.pages) pages).", className: nil)
                    first.content = .flow(note)
                    notes.append(first)
                }
            }
            if try writeRoot(notes) { files.append(pdfFile) }
        }
        return files
    }
}
