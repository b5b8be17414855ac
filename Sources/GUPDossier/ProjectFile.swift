import Foundation
import GUPAnalysis
import GUPCartography
import GUPModel
import TOMLKit

/// The project file `dossier.toml`: quartiers, layers, periods, thresholds,
/// page format and output folder. Relative paths are relative to the file.
/// Unknown keys and missing files are errors naming the key or the file.
public struct ProjectFile: Sendable, Equatable {
    public struct LayerSpec: Sendable, Equatable {
        /// Absolute path of the GeoJSON file.
        public var file: String
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
    static let layerKeys: Set<String> = ["fichier", "crs", "champ_nom", "champ_gestionnaire", "champ_proprietaire", "champ_categorie",
                                        "champ_date", "champ_date_resolution", "champ_intervenant", "champ_logements",
                                        "gestionnaires", "cle", "champ_classe"]
    static let topKeys: Set<String> = ["titre", "commune", "sortie", "crs", "quartiers", "sources", "couches", "periodes", "seuils", "plans", "parcours",
                                      "seuils_veille", "veille", "fond"]

    /// `AAAA-MM-JJ`, a day that exists (the incidents analysis reads it the same way).
    static func isDay(_ s: String) -> Bool {
        s.count == 10 && Day.parseISO8601(s) != nil
    }

    /// Reads and checks a project file.
    public static func read(path: String, outputOverride: String? = nil) throws -> ProjectFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw GUPError.input(file: path, "fichier de projet introuvable ou illisible")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw GUPError.input(file: path, "TOML invalide ligne \(e.source.begin.line), colonne \(e.source.begin.column) (texte du lecteur toml++ : « \(e.description) »)")
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
                let file = resolve(f)
                guard FileManager.default.fileExists(atPath: file) else { throw fail(prefix + "fichier", "fichier introuvable : \(file)") }
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
                    guard FileManager.default.fileExists(atPath: gf) else { throw fail(prefix + "gestionnaires", "fichier introuvable : \(gf)") }
                    join = Join(file: gf, key: try string(lt, "cle", prefix) ?? "id")
                }
                layers[name] = LayerSpec(file: file, crs: try crs(lt, "crs", prefix), fields: fields, join: join)
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
            for (k, v) in [("chevauchement_m2", overlap), ("lacune_m2", gap), ("cellule_m", cell), ("rayon_m", radius)] where v < 0 || (k != "chevauchement_m2" && k != "lacune_m2" && v == 0) {
                throw fail("seuils.\(k)", "valeur \(v) impossible")
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
        let output = try outputOverride ?? resolve(string(table, "sortie", "") ?? "dossier")
        var project = ProjectFile(
            path: path, title: try string(table, "titre", "") ?? "Dossier qualité de service",
            commune: try string(table, "commune", ""), output: output, workingCRS: try crs(table, "crs", ""),
            quartiers: quartiers, layers: layers, period1: p1, period2: p2,
            overlapThreshold: overlap, gapThreshold: gap, cellSize: cell, kernelRadius: radius,
            page: Page(format: PaperFormat(rawValue: format)!, orientation: Orientation(rawValue: orientation)!), routeStops: stops, routeStart: start,
            sources: try string(table, "sources", ""))
        project.veilleThresholds = thresholds
        project.veilleStep = step
        project.duplicateRule = rule
        project.withoutBackground = withoutBackground
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
            spec.sources[role] = LayerSource(path: l.file, declaredCRS: l.crs, join: l.join.map { TableJoin(file: $0.file, key: $0.key) })
            for (key, value) in l.fields {
                if let r = Self.role(layer: name, key: key) { spec.fields[r] = value }
            }
        }
        return spec
    }

    /// How messages name this file's keys.
    public var wording: ProjectFileWording { ProjectFileWording(file: path) }
}
