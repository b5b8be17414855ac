import Foundation
import GUPAnalysis
import GUPFormats
import GUPCartography
import GUPModel
import TOMLKit

/// The project file `dossier.toml`: quartiers, layers, periods, thresholds,
/// page format and output folder. Relative paths are relative to the file.
/// Unknown keys and missing files are errors naming the key or the file.
public struct ProjectFile: Sendable, Equatable {
    public struct LayerSpec: Sendable, Equatable {
        /// Absolute path of the file, or a `PG:` connection string.
        public var file: String
        /// Layer inside the source (`couche`: GeoPackage layer, `schema.table`).
        public var layer: String?
        /// SQL query whose result is the layer (`requete`).
        public var query: String?
        /// Where `Loader.read` reads the layer from.
        public var source: DataSource { DataSource(location: file, layer: layer, query: query) }
        /// CRS of a file that declares none.
        public var crs: CRS?
        /// Field names (nil = the usual fallbacks).
        public var fields: [String: String]
        /// CSV joined on the layer (ownership tables keyed by parcel id).
        public var join: Join?
    }

    public struct Join: Sendable, Equatable {
        public var file: String
        public var key: String
    }

    public struct Period: Sendable, Equatable {
        public var from: String
        public var to: String
        /// The inclusive range of days (both dates are checked on reading).
        public var range: DayRange { DayRange(from: Day.parseISO8601(from), to: Day.parseISO8601(to)) }
    }

    public var path: String
    public var title: String
    public var commune: String?
    public var output: String
    public var workingCRS: CRS?
    /// Quartier names to process; empty = every perimeter.
    public var quartiers: [String]
    public var layers: [String: LayerSpec]
    public var period1: Period?
    public var period2: Period?
    public var overlapThreshold: Double
    public var gapThreshold: Double
    public var cellSize: Double
    public var kernelRadius: Double
    public var page: Page
    public var routeStops: Int
    public var routeStart: Position?
    public var sources: String?
    /// `csv = "excel"`: the tables for French spreadsheets (BOM, `;`, decimal commas); default RFC 4180.
    public var csvWriter = CSVWriter()
    /// `pdf = false` (or `gup dossier --sans-pdf`): no PDF documents; the SVG
    /// plans, HTML pages and tables are written all the same.
    public var pdf = true
    /// `pdf_complet`: whether the root `dossier.pdf` holds every quartier's
    /// plans, tables and fiche terrain (true) or only each quartier's note
    /// de présentation, the plans staying in `QUARTIER/dossier.pdf` (false).
    /// Unset: complete up to `DossierDocuments.completeRootLimit` quartiers.
    public var pdfComplete: Bool?
    /// `--sortie-force`: the output folder may contain inputs (see `OutputFolder`).
    public var outputForce = false
    /// `[limites]`: the work limits of the run (see `WorkLimits`).
    public var limits = WorkLimits()
    /// `[resultats]`: every result layer of the run also in `resultats.gpkg`
    /// (`format = "gpkg"`) and/or in PostGIS tables (`postgis = "PG:…"`).
    public var results: ResultOutput = .geojson
    /// `[seuils_veille]`: thresholds of the graded situations (defaults documented in the README).
    public var veilleThresholds: VeilleThresholds = .defaults
    /// `[veille] pas`: months or ISO weeks.
    public var veilleStep: VeilleStep = .month
    /// `[veille] fusion_doublons = "15:48"`: repeated reports counted once by every analysis (off by default).
    public var duplicateRule: DuplicateRule?
    /// `[fond] sans_fond = true`: plans de situation without orientation layers accepted (a warning).
    public var withoutBackground = false

    /// The orientation layers of `[fond]` (kept in `layers` under their role names).
    public static let backgroundNames = ["routes", "voies_ferrees", "eau", "bati", "lieux"]
    public var hasBackground: Bool { Self.backgroundNames.contains { layers[$0] != nil } }

    public static let layerNames = ["perimetres", "parcelles", "residences", "secteurs", "incidents", "contexte"]
    static let layerKeys: Set<String> = ["fichier", "couche", "requete", "crs", "champ_nom", "champ_gestionnaire", "champ_proprietaire", "champ_categorie",
                                        "champ_date", "champ_date_resolution", "champ_intervenant", "champ_logements",
                                        "gestionnaires", "cle", "champ_classe"]
    static let topKeys: Set<String> = ["titre", "commune", "sortie", "crs", "quartiers", "sources", "csv", "pdf", "pdf_complet", "couches", "periodes", "seuils", "plans", "parcours",
                                      "seuils_veille", "veille", "limites", "resultats", "fond"]

    /// `AAAA-MM-JJ`, a day that exists (the incidents analysis reads it the same way).
    static func isDay(_ s: String) -> Bool {
        s.count == 10 && Day.parseISO8601(s) != nil
    }

    /// Reads and checks a project file.
    public static func read(path: String, outputOverride: String? = nil) throws -> ProjectFile {
        let data = try InputFile.read(path: path, limit: 16 << 20)
        let text = try TextDecoding.utf8(data, source: path)
        return try parse(text, path: path, outputOverride: outputOverride)
    }

    /// Checks a project file's text; `path` locates relative paths and names the file in messages.
    public static func parse(_ text: String, path: String, outputOverride: String? = nil) throws -> ProjectFile {
        // TOML forbids control characters but tab and line ends; toml++ (as
        // TOMLKit builds it, assertions on) aborts the process on some of
        // them in a key (found by Fuzz/ProjectFuzz): refused here first.
        var line = 1, column = 1
        for u in text.unicodeScalars {
            if u == "\n" { line += 1; column = 1; continue }
            if (u.value < 0x20 && u != "\t" && u != "\r") || u.value == 0x7F {
                throw GUPError.input(file: path, "TOML invalide ligne \(line), colonne \(column) : caractère de contrôle U+\(String(format: "%04X", u.value)) interdit")
            }
            column += 1
        }
        if let (l, c) = TOMLMessages.badTableHeader(text) {
            throw GUPError.input(file: path, "TOML invalide ligne \(l), colonne \(c) : nom de table attendu après « [ »")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw GUPError.input(file: path, "TOML invalide ligne \(e.source.begin.line), colonne \(e.source.begin.column) : \(TOMLMessages.french(e.description))")
        }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ p: String) -> String {
            p.hasPrefix("/") ? p : dir.appendingPathComponent(p).standardizedFileURL.path
        }
        func fail(_ key: String, _ what: String) -> GUPError { GUPError.input(file: path, "clé « \(key) » : \(what)") }
        func checkKeys(_ t: TOMLTable, _ allowed: Set<String>, _ prefix: String) throws {
            for (k, _) in t where !allowed.contains(k) {
                throw fail(prefix + k, "clé inconnue (clés possibles : \(allowed.sorted().joined(separator: ", ")))")
            }
        }
        func string(_ t: TOMLTable, _ k: String, _ prefix: String) throws -> String? {
            guard let v = t[k] else { return nil }
            guard let s = v.string else { throw fail(prefix + k, "une chaîne de caractères est attendue") }
            return s
        }
        func number(_ t: TOMLTable, _ k: String, _ prefix: String) throws -> Double? {
            guard let v = t[k] else { return nil }
            if let d = v.double { return d }
            if let i = v.int { return Double(i) }
            throw fail(prefix + k, "un nombre est attendu")
        }
        func crs(_ t: TOMLTable, _ k: String, _ prefix: String) throws -> CRS? {
            guard let s = try string(t, k, prefix) else { return nil }
            guard let c = CRS.parse(s) else { throw fail(prefix + k, "système de coordonnées « \(s) » non reconnu (exemple : EPSG:2154)") }
            return c
        }
        try checkKeys(table, topKeys, "")
        var layers: [String: LayerSpec] = [:]
        var withoutBackground = false
        // [couches] and [fond] share their layer syntax; [fond] also takes a bare file name.
        var sections: [(table: String, name: String, value: TOMLValueConvertible)] = []
        if let c = table["couches"] {
            guard let ct = c.table else { throw fail("couches", "une table est attendue") }
            for (name, v) in ct {
                guard layerNames.contains(name) else {
                    throw fail("couches.\(name)", "couche inconnue (couches possibles : \(layerNames.joined(separator: ", ")))")
                }
                sections.append(("couches", name, v))
            }
        }
        if let f = table["fond"] {
            guard let ft = f.table else { throw fail("fond", "une table est attendue") }
            for (name, v) in ft {
                if name == "sans_fond" {
                    guard let b = v.bool else { throw fail("fond.sans_fond", "true ou false attendu") }
                    withoutBackground = b
                    continue
                }
                guard backgroundNames.contains(name) else {
                    throw fail("fond.\(name)", "couche de fond inconnue (clés possibles : \((backgroundNames + ["sans_fond"]).joined(separator: ", ")))")
                }
                sections.append(("fond", name, v))
            }
        }
        for (section, name, v) in sections {
            do {
                let prefix = "\(section).\(name)."
                let lt: TOMLTable
                if let file = v.string { let t = TOMLTable(); t["fichier"] = file; lt = t } else if let t = v.table { lt = t } else {
                    throw fail("\(section).\(name)", "une table est attendue, par exemple { fichier = \"\(name).geojson\" }")
                }
                try checkKeys(lt, layerKeys, prefix)
                guard let f = try string(lt, "fichier", prefix) else { throw fail(prefix + "fichier", "absente") }
                let isConnection = f.uppercased().hasPrefix("PG:")
                let file = isConnection ? f : resolve(f)
                guard isConnection || FileManager.default.fileExists(atPath: file) else { throw fail(prefix + "fichier", "fichier introuvable : \(file)") }
                let couche = try string(lt, "couche", prefix)
                let requete = try string(lt, "requete", prefix)
                if couche != nil, requete != nil {
                    throw fail(prefix + "requete", "« couche » et « requete » s'excluent : donnez l'une ou l'autre")
                }
                var fields: [String: String] = [:]
                for (k, fv) in lt where k.hasPrefix("champ_") {
                    guard let s = fv.string else { throw fail(prefix + k, "une chaîne de caractères est attendue") }
                    let key = String(k.dropFirst("champ_".count))
                    guard role(layer: name, key: key) != nil else {
                        let possible = layerKeys.filter { $0.hasPrefix("champ_") && role(layer: name, key: String($0.dropFirst(6))) != nil }.sorted()
                        throw fail(prefix + k, "clé sans usage pour la couche « \(name) » (clés de champ possibles : \(possible.joined(separator: ", ")))")
                    }
                    fields[key] = s
                }
                var join: Join?
                if let g = try string(lt, "gestionnaires", prefix) {
                    let gf = resolve(g)
                    guard FileManager.default.fileExists(atPath: DataSource.parse(gf).location) else { throw fail(prefix + "gestionnaires", "fichier introuvable : \(gf)") }
                    join = Join(file: gf, key: try string(lt, "cle", prefix) ?? "id")
                }
                layers[name] = LayerSpec(file: file, layer: couche, query: requete, crs: try crs(lt, "crs", prefix), fields: fields, join: join)
            }
        }
        guard layers["perimetres"] != nil else { throw fail("couches.perimetres", "absente : les périmètres des quartiers sont obligatoires") }
        func period(_ t: TOMLTable, _ k: String) throws -> Period? {
            guard let v = t[k] else { return nil }
            guard let a = v.array, a.count == 2, let d1 = a[0].string, let d2 = a[1].string,
                  isDay(d1), isDay(d2), d1 <= d2 else {
                throw fail("periodes.\(k)", "deux dates AAAA-MM-JJ attendues, la première avant la seconde, par exemple [\"2025-01-01\", \"2025-12-31\"]")
            }
            return Period(from: d1, to: d2)
        }
        var p1: Period?, p2: Period?
        if let p = table["periodes"] {
            guard let pt = p.table else { throw fail("periodes", "une table est attendue") }
            try checkKeys(pt, ["periode_1", "periode_2"], "periodes.")
            p1 = try period(pt, "periode_1")
            p2 = try period(pt, "periode_2")
        }
        var overlap = 1.0, gap = 10.0, cell = 50.0, radius = 100.0
        if let s = table["seuils"] {
            guard let st = s.table else { throw fail("seuils", "une table est attendue") }
            try checkKeys(st, ["chevauchement_m2", "lacune_m2", "cellule_m", "rayon_m"], "seuils.")
            overlap = try number(st, "chevauchement_m2", "seuils.") ?? overlap
            gap = try number(st, "lacune_m2", "seuils.") ?? gap
            cell = try number(st, "cellule_m", "seuils.") ?? cell
            radius = try number(st, "rayon_m", "seuils.") ?? radius
            for (k, v, range, unit) in [("chevauchement_m2", overlap, NumberDomain.squareMetres, "m²"), ("lacune_m2", gap, NumberDomain.squareMetres, "m²"),
                                        ("cellule_m", cell, NumberDomain.metres, "m"), ("rayon_m", radius, NumberDomain.metres, "m")] {
                do { _ = try NumberDomain.check(v, "seuils.\(k)", in: range, unit: unit) } catch let e as GUPError {
                    throw GUPError.input(file: path, "clé « " + e.message.replacingOccurrences(of: "seuils.\(k) :", with: "seuils.\(k) » :"))
                }
            }
        }
        var limits = WorkLimits()
        if let l = table["limites"] {
            guard let lt = l.table else { throw fail("limites", "une table est attendue") }
            try checkKeys(lt, ["cellules", "paires"], "limites.")
            for k in ["cellules", "paires"] {
                guard let v = lt[k] else { continue }
                guard let n = v.int, n >= 1 else { throw fail("limites.\(k)", "un entier positif est attendu") }
                if k == "cellules" { limits.gridCells = n } else { limits.overlayPairs = n }
            }
        }
        var format = "A4", orientation = "paysage"
        if let p = table["plans"] {
            guard let pt = p.table else { throw fail("plans", "une table est attendue") }
            try checkKeys(pt, ["format", "orientation"], "plans.")
            format = try string(pt, "format", "plans.") ?? format
            orientation = try string(pt, "orientation", "plans.") ?? orientation
            guard ["A4", "A3"].contains(format) else { throw fail("plans.format", "« A4 » ou « A3 » attendu") }
            guard ["paysage", "portrait"].contains(orientation) else { throw fail("plans.orientation", "« paysage » ou « portrait » attendu") }
        }
        var results = ResultOutput.geojson
        if let r = table["resultats"] {
            guard let rt = r.table else { throw fail("resultats", "une table est attendue") }
            try checkKeys(rt, ["format", "postgis"], "resultats.")
            if let f = try string(rt, "format", "resultats.") {
                guard let format = ResultOutput.Format(rawValue: f) else { throw fail("resultats.format", "« geojson » ou « gpkg » attendu") }
                results.format = format
            }
            if let pg = try string(rt, "postgis", "resultats.") {
                guard pg.uppercased().hasPrefix("PG:") else { throw fail("resultats.postgis", "une connexion « PG:dbname=… » est attendue") }
                results.postgis = pg
            }
        }
        var stops = 8
        var start: Position?
        if let p = table["parcours"] {
            guard let pt = p.table else { throw fail("parcours", "une table est attendue") }
            try checkKeys(pt, ["arrets", "depart"], "parcours.")
            if let n = try number(pt, "arrets", "parcours.") {
                guard n >= 1, n <= 30, n == n.rounded() else { throw fail("parcours.arrets", "un entier de 1 à 30 est attendu") }
                stops = Int(n)
            }
            if let d = pt["depart"] {
                guard let a = d.array, a.count == 2,
                      let lon = a[0].double ?? a[0].int.map(Double.init), let lat = a[1].double ?? a[1].int.map(Double.init),
                      abs(lon) <= 180, abs(lat) <= 90 else {
                    throw fail("parcours.depart", "[longitude, latitude] en degrés WGS 84 attendu")
                }
                start = Position(lon, lat)
            }
        }
        var quartiers: [String] = []
        if let q = table["quartiers"] {
            guard let a = q.array, let names = Optional(a.compactMap(\.string)), names.count == a.count else {
                throw fail("quartiers", "une liste de noms est attendue")
            }
            quartiers = names
        }
        var thresholds = VeilleThresholds.defaults
        if let s = table["seuils_veille"] {
            guard let st = s.table else { throw fail("seuils_veille", "une table est attendue") }
            for (k, v) in st {
                let key = "seuils_veille.\(k)"
                if k == "fenetre_mois" || k == "effectif_minimum" {
                    guard let n = v.int, n >= (k == "fenetre_mois" ? 1 : 0) else {
                        throw fail(key, "un entier \(k == "fenetre_mois" ? "≥ 1" : "≥ 0") est attendu")
                    }
                    if k == "fenetre_mois" { thresholds.window = n } else { thresholds.minimumReports = n }
                    continue
                }
                guard let a = v.array, a.count == 2,
                      let vig = a[0].double ?? a[0].int.map(Double.init), let alert = a[1].double ?? a[1].int.map(Double.init) else {
                    throw fail(key, "[vigilance, alerte] attendu, par exemple [1, 2]")
                }
                do { try thresholds.set(k, vigilance: vig, alert: alert, source: key) } catch let e as GUPError {
                    throw GUPError.input(file: path, e.message)
                }
            }
        }
        var step = VeilleStep.month
        var rule: DuplicateRule?
        if let s = table["veille"] {
            guard let st = s.table else { throw fail("veille", "une table est attendue") }
            try checkKeys(st, ["pas", "fusion_doublons"], "veille.")
            if let p = try string(st, "pas", "veille.") {
                guard let v = VeilleStep(rawValue: p) else { throw fail("veille.pas", "« mois » ou « semaine » attendu") }
                step = v
            }
            if let f = try string(st, "fusion_doublons", "veille.") {
                do { rule = try DuplicateRule.parse(f, option: "veille.fusion_doublons") } catch let e as GUPError {
                    throw GUPError.input(file: path, e.message)
                }
            }
        }
        let sortie = try string(table, "sortie", "") ?? "dossier"
        if outputOverride == nil, sortie.trimmingCharacters(in: .whitespaces).isEmpty {
            throw fail("sortie", "chemin vide : donnez le dossier de sortie, par exemple « dossier »")
        }
        let output = outputOverride ?? resolve(sortie)
        var csvWriter = CSVWriter()
        if let d = try string(table, "csv", "") {
            guard let w = CSVWriter(dialect: d) else {
                throw fail("csv", "format « \(d) » inconnu (formats possibles : \(CSVWriter.dialects.joined(separator: ", ")))")
            }
            csvWriter = w
        }
        var project = ProjectFile(
            path: path, title: try string(table, "titre", "") ?? "Dossier qualité de service",
            commune: try string(table, "commune", ""), output: output, workingCRS: try crs(table, "crs", ""),
            quartiers: quartiers, layers: layers, period1: p1, period2: p2,
            overlapThreshold: overlap, gapThreshold: gap, cellSize: cell, kernelRadius: radius,
            page: Page(format: PaperFormat(rawValue: format)!, orientation: Orientation(rawValue: orientation)!), routeStops: stops, routeStart: start,
            sources: try string(table, "sources", ""))
        project.csvWriter = csvWriter
        if let v = table["pdf"] {
            guard let b = v.bool else { throw fail("pdf", "« true » ou « false » attendu") }
            project.pdf = b
        }
        if let v = table["pdf_complet"] {
            guard let b = v.bool else { throw fail("pdf_complet", "« true » ou « false » attendu") }
            project.pdfComplete = b
        }
        project.veilleThresholds = thresholds
        project.veilleStep = step
        project.duplicateRule = rule
        project.withoutBackground = withoutBackground
        project.limits = limits
        project.results = results
        return project
    }
}

extension ProjectFile {
    /// The field roles of each layer's `champ_*` keys.
    static func role(layer: String, key: String) -> FieldRole? {
        switch (layer, key) {
        case ("perimetres", "nom"): return .perimeterName
        case ("parcelles", "gestionnaire"): return .manager
        case ("parcelles", "proprietaire"): return .owner
        case ("incidents", "categorie"): return .category
        case ("incidents", "date"): return .date
        case ("incidents", "date_resolution"): return .resolutionDate
        case ("residences", "logements"): return .dwellings
        case ("residences", "nom"): return .residenceName
        case ("secteurs", "intervenant"): return .cleaner
        case ("contexte", "nom"): return .communeName
        case ("routes", "nom"): return .roadName
        case ("routes", "classe"): return .roadClass
        case ("lieux", "nom"): return .placeName
        default: return nil
        }
    }

    /// What to load, for `AnalysisInputs.load`: the same loading as the commands.
    public var inputSpec: InputSpec {
        // The veille's monthly series (and the duplicate merge) need the incidents' dates.
        var spec = InputSpec(workingCRS: workingCRS, readDates: period1 != nil || layers["incidents"] != nil)
        for (name, l) in layers {
            guard let role = LayerRole(rawValue: name) else { continue }
            spec.sources[role] = LayerSource(path: l.file, declaredCRS: l.crs, join: l.join.map { TableJoin(file: $0.file, key: $0.key) },
                                             layer: l.layer, query: l.query)
            for (key, value) in l.fields {
                if let r = Self.role(layer: name, key: key) { spec.fields[r] = value }
            }
        }
        return spec
    }

    /// How messages name this file's keys.
    public var wording: ProjectFileWording { ProjectFileWording(file: path) }
}

/// toml++'s error text in French. Its messages are « Error while parsing
/// SCOPE: WHAT », assembled from fixed phrases (toml.hpp, TOMLKit 0.6.0);
/// the phrases are translated longest first, so that no English reaches the
/// user; whatever remains unknown is reduced to « syntaxe invalide ».
enum TOMLMessages {
    static let phrases: [(String, String)] = [
        ("Error while parsing ", "erreur dans "),
        ("key-value pair", "une paire clé = valeur"), ("table header", "un en-tête de table"), ("root table", "le document"),
        ("inline table", "une table en ligne"), ("array-of-tables", "un tableau de tables"),
        ("hexadecimal floating-point", "un nombre hexadécimal"), ("floating-point", "un nombre décimal"),
        ("date-time offset", "un décalage horaire"), ("date-time", "une date-heure"),
        ("literal string", "une chaîne littérale"), ("unicode scalar sequence", "une séquence Unicode"),
        ("encountered end-of-file", "fin de fichier inattendue"),
        ("expected value-terminator", "fin de valeur attendue"),
        ("expected keys, tables, whitespace or comments", "clé, table, espace ou commentaire attendu"),
        ("expected a comment or whitespace", "commentaire ou espace attendu"),
        ("expected bare key starting character or string delimiter", "début de clé ou guillemet attendu"),
        ("expected key-value pair or closing '}'", "paire clé = valeur ou « } » attendue"),
        ("expected key-value pair", "paire clé = valeur attendue"),
        ("expected key or closing '}'", "clé ou « } » attendue"),
        ("expected value or closing ']'", "valeur ou « ] » attendue"),
        ("expected comma or closing ']'", "virgule ou « ] » attendue"),
        ("expected comma or closing '}'", "virgule ou « } » attendue"),
        ("(dangling comma)", "(virgule en trop)"),
        ("could not determine value type", "type de valeur indéterminé (une chaîne doit être entre guillemets)"),
        ("could not determine type", "type indéterminé"),
        ("cannot redefine existing table", "table déjà définie"),
        ("cannot redefine existing", "déjà défini :"),
        ("underscores must be followed by digits", "un « _ » doit être suivi de chiffres"),
        ("underscores may only follow digits", "un « _ » ne peut suivre qu'un chiffre"),
        ("values may not begin with underscores", "une valeur ne commence pas par « _ »"),
        ("unexpected control character", "caractère de contrôle inattendu"),
        ("tables with blank bare keys are explicitly prohibited", "nom de table vide interdit"),
        ("is not supported in TOML 1.0.0 and earlier", "non prise en charge par TOML 1.0"),
        ("escape sequence", "séquence d'échappement"),
        ("expected decimal digit", "chiffre attendu"), ("expected hexadecimal digit", "chiffre hexadécimal attendu"),
        ("expected hex digit", "chiffre hexadécimal attendu"), ("expected digit", "chiffre attendu"),
        ("expected exponent digit", "chiffre d'exposant attendu"), ("expected fractional digits", "décimales attendues"),
        ("expected", "attendu"), ("saw", "trouvé"), (" or ", " ou "), ("comma", "virgule"), ("whitespace", "espace"),
        ("between", "entre"), ("and", "et"), ("(inclusive)", "(inclus)"), ("EOF", "la fin du fichier"),
        ("key", "une clé"), ("value", "une valeur"), ("string", "une chaîne"), ("array", "un tableau"),
        ("table", "une table"), ("boolean", "un booléen"), ("integer", "un entier"), ("comment", "un commentaire"),
        ("date", "une date"), ("time", "une heure"), ("exponent", "exposant"), ("sign", "signe"),
        ("month", "mois"), ("day", "jour"), ("hour", "heure"), ("minute", "minute"), ("second", "seconde"), ("year", "année"),
    ]

    /// The line and column of a table header whose name does not start
    /// with a key character or a quote (`[` then a line end, `[.a]`…):
    /// toml++ asserts on it (`parse_key`, toml.hpp:15481) and the process
    /// aborts, so it is found first (Fuzz/ProjectFuzz). Strings, comments
    /// and brackets inside values are skipped; headers start a line.
    static func badTableHeader(_ text: String) -> (Int, Int)? {
        let s = Array(text.unicodeScalars)
        var i = 0, line = 1, lineStart = 0, depth = 0
        func isKeyStart(_ u: Unicode.Scalar) -> Bool {
            (u >= "A" && u <= "Z") || (u >= "a" && u <= "z") || (u >= "0" && u <= "9") || u == "_" || u == "-" || u == "\"" || u == "'"
        }
        func skipString() {
            let q = s[i]
            let triple = i + 2 < s.count && s[i + 1] == q && s[i + 2] == q
            i += triple ? 3 : 1
            while i < s.count {
                if s[i] == "\\" && q == "\"" { i += 2; continue }
                if s[i] == "\n" { line += 1; lineStart = i + 1; if !triple { return } }
                if s[i] == q && (!triple || (i + 2 < s.count && s[i + 1] == q && s[i + 2] == q)) { i += triple ? 3 : 1; return }
                i += 1
            }
        }
        while i < s.count {
            let u = s[i]
            switch u {
            case "\n": line += 1; lineStart = i + 1; i += 1
            case "#": while i < s.count && s[i] != "\n" { i += 1 }
            case "\"", "'": skipString()
            case "[" where depth == 0 && s[lineStart..<i].allSatisfy({ $0 == " " || $0 == "\t" }):
                var j = i + 1
                while j < s.count && (s[j] == " " || s[j] == "\t") { j += 1 }
                if j < s.count && s[j] == "[" {
                    j += 1
                    while j < s.count && (s[j] == " " || s[j] == "\t") { j += 1 }
                }
                guard j < s.count, isKeyStart(s[j]) || s[j] == "]" else { return (line, j - lineStart + 1) }
                // The rest of the header line (quoted names skipped).
                i = j
                while i < s.count && s[i] != "\n" && s[i] != "#" {
                    if s[i] == "\"" || s[i] == "'" { skipString() } else { i += 1 }
                }
            case "[", "{": depth += 1; i += 1
            case "]", "}": depth = max(0, depth - 1); i += 1
            default: i += 1
            }
        }
        return nil
    }

    static func french(_ english: String) -> String {
        // Quoted parts (what toml++ saw) are the user's text: kept as they are.
        var out = "", quoted = false, chunk = ""
        // One pass, the first phrase of the table matching at each word
        // start, so that a translated phrase is never translated again.
        func flush() {
            let c = Array(chunk)
            var i = 0
            while i < c.count {
                let atWordStart = i == 0 || !c[i - 1].isLetter
                var matched = false
                if atWordStart {
                    for (en, fr) in phrases {
                        let e = Array(en)
                        guard i + e.count <= c.count, Array(c[i..<(i + e.count)]) == e else { continue }
                        if let last = e.last, last.isLetter, i + e.count < c.count, c[i + e.count].isLetter { continue }
                        out += fr; i += e.count; matched = true
                        break
                    }
                }
                if !matched { out.append(c[i]); i += 1 }
            }
            chunk = ""
        }
        for ch in english {
            if ch == "'" { if quoted { out += "« " + chunk + " »"; chunk = "" } else { flush() }; quoted.toggle(); continue }
            chunk.append(ch)
        }
        if quoted { out += "« " + chunk } else { flush() }
        // Any English word left means a phrase this table does not know.
        let words = out.split(whereSeparator: { !$0.isLetter }).map { $0.lowercased() }
        let english = ["the", "is", "are", "not", "must", "may", "only", "with", "while", "parsing", "cannot", "could", "unexpected", "invalid", "found"]
        if words.contains(where: english.contains) { return "syntaxe invalide" }
        return out
    }
}
