import Foundation
import GUPModel

/// What a property of a layer holds, for the analyses and the plans. Each
/// role has its default names (`FieldNames`) and is named differently by
/// each front end (`--champ-nom` for `gup`, `couches.perimetres.champ_nom`
/// for `dossier.toml`): see `FrontEndWording`.
public enum FieldRole: String, Sendable, CaseIterable {
    case perimeterName, manager, owner, category, date, resolutionDate, dwellings, cleaner, frequency
    case residenceName, landlord, communeName, sectorName
    /// A road's name and class (BD TOPO, OpenStreetMap), a place's name.
    case roadName, roadClass, placeName

    /// Names tried, in order, when the user names none.
    public var defaults: [String] {
        switch self {
        case .perimeterName: return FieldNames.perimeterName
        case .manager: return FieldNames.manager
        case .owner: return FieldNames.owner
        case .category: return FieldNames.category
        case .date: return FieldNames.date
        case .resolutionDate: return FieldNames.resolutionDate
        case .dwellings: return FieldNames.dwellings
        case .cleaner: return FieldNames.cleaner
        case .frequency: return FieldNames.frequency
        case .residenceName: return FieldNames.residenceName
        case .landlord: return ["bailleur", "gestionnaire", "proprietaire"]
        case .communeName: return FieldNames.communeName
        case .sectorName: return ["secteur", "nom", "code", "id"]
        // BD TOPO v2 (Shapefile, NOM_VOIE_G), BD TOPO v3 (GeoPackage,
        // nom_collaboratif_gauche), OpenStreetMap (name).
        case .roadName: return ["nom_voie_g", "nom_collaboratif_gauche", "nom_1_gauche", "nom_voie", "name", "nom"]
        // BD TOPO importance (1 to 6) first: it is the hierarchy; OSM highway; BD TOPO nature last.
        case .roadClass: return ["importance", "highway", "nature"]
        case .placeName: return ["toponyme", "nom", "name", "libelle"]
        }
    }

    /// The layer the role belongs to, as `dossier.toml` names it.
    public var layer: String {
        switch self {
        case .perimeterName: return "perimetres"
        case .manager, .owner: return "parcelles"
        case .category, .date, .resolutionDate: return "incidents"
        case .dwellings, .residenceName, .landlord: return "residences"
        case .cleaner, .frequency, .sectorName: return "secteurs"
        case .communeName: return "contexte"
        case .roadName, .roadClass: return "routes"
        case .placeName: return "lieux"
        }
    }
}

/// The one rule every analysis and plan uses to find a field: the name the
/// user gave (it must exist), else the first default name some feature
/// carries exactly, else the first default name matching a key ignoring
/// case. Every feature's keys are looked at (features of one file mostly
/// share their key list, so only lists that differ from the previous one
/// are added: the scan stays linear and cheap on a million incidents).
public enum FieldResolver {
    /// The keys present in any feature, in first-seen order (plus `id`
    /// when some feature has an identifier).
    public static func keys(of features: [Feature]) -> [String] {
        var seen = Set<String>()
        var ordered: [String] = []
        var previous: [String] = []
        var hasID = false
        for f in features {
            if f.id != nil { hasID = true }
            // Compared in place: building each feature's key list was an
            // array per feature, 0.2 s on one core for the million incidents
            // of the metro dossier (perf, `Properties.keys` under `keys(of:)`).
            let entries = f.properties.entries
            if entries.count == previous.count && zip(entries, previous).allSatisfy({ $0.key == $1 }) { continue }
            previous = entries.map(\.key)
            for key in previous where seen.insert(key).inserted { ordered.append(key) }
        }
        if hasID && seen.insert("id").inserted { ordered.append("id") }
        return ordered
    }

    /// The field for `role` in `features` (nil when absent and not required).
    /// Throws `AnalysisError.missingField` when the named field is absent,
    /// `.noField` when required and no default name is present.
    public static func resolve(_ role: FieldRole, explicit: String?, in features: [Feature], source: String,
                               required: Bool = false, defaults: [String]? = nil) throws -> String? {
        let keys = self.keys(of: features)
        let set = Set(keys)
        func present(_ n: String) -> String? {
            if set.contains(n) { return n }
            let l = n.lowercased()
            return keys.first { $0.lowercased() == l }
        }
        if let explicit {
            if let p = present(explicit) { return p }
            throw AnalysisError.missingField(role: role, requested: explicit, file: source, available: keys.sorted())
        }
        let names = defaults ?? role.defaults
        for n in names where set.contains(n) { return n }
        for n in names { if let p = present(n) { return p } }
        if required {
            throw AnalysisError.noField(role: role, tried: names, file: source, available: keys.sorted())
        }
        return nil
    }

    /// The same, on a layer.
    public static func resolve(_ role: FieldRole, explicit: String?, in layer: WorkingLayer,
                               required: Bool = false) throws -> String? {
        try resolve(role, explicit: explicit, in: layer.features, source: layer.source, required: required)
    }

    /// The trimmed text of a field of a feature (the `id` member stands for
    /// a missing `id` property); nil when absent or blank.
    public static func text(_ f: Feature, _ field: String?) -> String? {
        guard let field, let v = f.value(forKey: field), let t = v.text else { return nil }
        return trimmed(t)
    }

    /// One trimming rule for every label read from the data: white space at
    /// both ends removed, nil when nothing is left. Cheap when no end is
    /// white (Foundation's trimming is slow on a million values).
    public static func trimmed(_ t: String) -> String? {
        let u = t.utf8
        guard let first = u.first, let last = u.last else { return nil }
        func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        if !space(first) && !space(last) { return t }
        let r = t.trimmingCharacters(in: .whitespacesAndNewlines)
        return r.isEmpty ? nil : r
    }
}

/// The labels the analyses and plans write in place of a missing value.
public enum Labels {
    public static let noCategory = "(sans catégorie)"
    public static let nonCadastral = "(non cadastré)"
    public static let unknownManager = "(gestionnaire inconnu)"
    public static let unknownCleaner = "(intervenant non renseigné)"
    public static let unknownLandlord = "(bailleur non renseigné)"
    public static let allCategories = "toutes"
}

/// A setting of an analysis that a front end names (a `gup` option or a
/// `dossier.toml` key).
public enum AnalysisSetting: String, Sendable {
    case overlapThreshold, gapThreshold, cellSize, kernelRadius, routeStops
}

/// Errors of the library that a front end words for its user: the flag
/// for `gup`, the TOML key for `gup dossier`.
public enum AnalysisError: Error, Sendable, Equatable {
    /// The user named a field that no feature carries.
    case missingField(role: FieldRole, requested: String, file: String, available: [String])
    /// No default name of a required field is present.
    case noField(role: FieldRole, tried: [String], file: String, available: [String])
    /// A setting out of its domain.
    case invalidSetting(AnalysisSetting, value: Double, expected: String)
    /// A quartier asked for that no perimeter has.
    case unknownQuartier(name: String, available: [String])
    /// A quartier name matching several perimeters once case and accents are ignored.
    case ambiguousQuartier(name: String, matches: [String])

    /// The message, worded for a front end.
    public func message(_ w: FrontEndWording) -> String {
        func list(_ a: [String]) -> String {
            a.isEmpty ? "aucun" : a.prefix(30).joined(separator: ", ") + (a.count > 30 ? ", …" : "")
        }
        switch self {
        case let .missingField(role, requested, file, available):
            return "\(file) : champ « \(requested) » (\(w.name(of: role))) absent ; champs disponibles : \(list(available))"
        case let .noField(role, tried, file, available):
            let alt = role == .manager ? " \(w.joinAlternative)" : ""
            return "\(file) : aucun des champs \(tried.joined(separator: ", ")) ; indiquez-le avec \(w.name(of: role))\(alt) (champs disponibles : \(list(available)))"
        case let .invalidSetting(s, value, expected):
            return "\(w.name(of: s)) : valeur \(PropertyValue.format(value)) impossible (\(expected))"
        case let .unknownQuartier(name, available):
            return "\(w.quartierSelector) : quartier « \(name) » introuvable (quartiers : \(list(available)))"
        case let .ambiguousQuartier(name, matches):
            return "\(w.quartierSelector) : « \(name) » désigne plusieurs quartiers (\(list(matches))) ; écrivez le nom exact"
        }
    }
}

/// How a front end names fields and settings in its messages.
public protocol FrontEndWording: Sendable {
    func name(of role: FieldRole) -> String
    func name(of setting: AnalysisSetting) -> String
    var quartierSelector: String { get }
    var joinAlternative: String { get }
}

/// The words of `dossier.toml`.
public struct ProjectFileWording: FrontEndWording {
    public var file: String
    public init(file: String) { self.file = file }
    public func name(of role: FieldRole) -> String {
        let key: String
        switch role {
        case .perimeterName, .residenceName, .communeName, .sectorName: key = "champ_nom"
        case .manager: key = "champ_gestionnaire"
        case .owner: key = "champ_proprietaire"
        case .category: key = "champ_categorie"
        case .date: key = "champ_date"
        case .resolutionDate: key = "champ_date_resolution"
        case .dwellings: key = "champ_logements"
        case .cleaner: key = "champ_intervenant"
        case .frequency: key = "champ_frequence"
        case .landlord: key = "champ_bailleur"
        case .roadName, .placeName: key = "champ_nom"
        case .roadClass: key = "champ_classe"
        }
        if [FieldRole.roadName, .roadClass, .placeName].contains(role) { return "\(file), clé « fond.\(role.layer).\(key) »" }
        return "\(file), clé « couches.\(role.layer).\(key) »"
    }
    public func name(of setting: AnalysisSetting) -> String {
        switch setting {
        case .overlapThreshold: return "\(file), clé « seuils.chevauchement_m2 »"
        case .gapThreshold: return "\(file), clé « seuils.lacune_m2 »"
        case .cellSize: return "\(file), clé « seuils.cellule_m »"
        case .kernelRadius: return "\(file), clé « seuils.rayon_m »"
        case .routeStops: return "\(file), clé « parcours.arrets »"
        }
    }
    public var quartierSelector: String { "\(file), clé « quartiers »" }
    public var joinAlternative: String { "ou joignez un tableau (clé « gestionnaires »)" }
}
