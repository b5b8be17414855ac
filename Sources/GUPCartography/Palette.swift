import Foundation

/// ColorBrewer palettes (Cynthia Brewer, colorbrewer2.org, Apache-2.0
/// licensed colour tables), typed from the published tables.
public enum ColorBrewer {
    /// Set2, qualitative, 8 classes (colour-blind safe up to 3).
    public static let set2 = ["#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494", "#b3b3b3"]
    /// Paired, qualitative, 12 classes (colour-blind safe up to 4).
    public static let paired = ["#a6cee3", "#1f78b4", "#b2df8a", "#33a02c", "#fb9a99", "#e31a1c",
                                "#fdbf6f", "#ff7f00", "#cab2d6", "#6a3d9a", "#ffff99", "#b15928"]
    /// Set3, qualitative, 12 classes.
    public static let set3 = ["#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
                              "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f"]
    /// Dark2, qualitative, 8 classes (colour-blind safe up to 3): small symbols.
    public static let dark2 = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]

    /// Blues, sequential, 3 classes (cold spots of the Gi* statistic).
    public static let blues3 = ["#deebf7", "#9ecae1", "#3182bd"]

    /// YlOrRd, sequential, 3 to 9 classes (colour-blind safe at every count).
    public static let ylOrRd: [Int: [String]] = [
        3: ["#ffeda0", "#feb24c", "#f03b20"],
        4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
        5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
        6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
        7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
        8: ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
        9: ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"],
    ]

    /// The palette of lines (cleaners' sectors): Dark2, its first 3 colours
    /// (colour-blind safe) up to 3. Incident categories take
    /// `ColorAssignment.incidentCategories` (dark, shaped, never repeating).
    public static func symbols(count: Int) -> [String] {
        count <= 3 ? Array(dark2.prefix(3)) : dark2
    }

    /// The sequential palette for `count` classes (3…9; fewer classes take
    /// the 3-class palette's first colours, more are capped at 9).
    public static func sequential(count: Int) -> [String] {
        let n = min(9, max(3, count))
        return Array(ylOrRd[n]!.prefix(max(1, count)))
    }
}

/// The kind of a manager, read from the `type` column of the managers
/// table: each kind keeps to a family of hues (CIELAB hue angles), so a
/// reader tells public ground from a landlord's at a glance.
public enum ManagerKind: Int, CaseIterable, Sendable, Comparable {
    /// Commune, métropole, département, État, établissements publics: blues and violets.
    case publicBody
    /// Bailleurs sociaux (OPH, ESH, SEM): greens and teals.
    case socialLandlord
    /// Copropriétés, syndics, ASL, privés: yellows, ochres and browns.
    case coOwnership
    /// Anything else: any hue left.
    case other

    public static func < (a: ManagerKind, b: ManagerKind) -> Bool { a.rawValue < b.rawValue }

    /// French legend heading of the kind.
    public var label: String {
        switch self {
        case .publicBody: return "Personnes publiques"
        case .socialLandlord: return "Bailleurs sociaux"
        case .coOwnership: return "Copropriétés et privés"
        case .other: return "Autres gestionnaires"
        }
    }

    var family: DistinctColors.Family {
        switch self {
        // CIELAB hue angles: orange 60°, yellow 100°, green 135°, cyan 195°, blue 305°.
        case .publicBody: return DistinctColors.Family(hues: 236...330, minChroma: 8)
        case .socialLandlord: return DistinctColors.Family(hues: 120...235, minChroma: 8)
        case .coOwnership: return DistinctColors.Family(hues: 56...108, minChroma: 8)
        case .other: return .any
        }
    }

    /// The kind a `type` value names (case and accents ignored), nil when none.
    public init?(typeValue raw: String) {
        let t = raw.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR"))
        func has(_ words: [String]) -> Bool { words.contains { t.contains($0) } }
        if has(["bailleur", "social", "hlm", "oph", "esh", "sem", "logement"]) { self = .socialLandlord }
        else if has(["copro", "syndic", "asl", "aful", "prive", "particulier"]) { self = .coOwnership }
        else if has(["public", "commune", "ville", "metropole", "departement", "region", "etat", "collectivite", "epci", "epa"]) { self = .publicBody }
        else if has(["autre"]) { self = .other }
        else { return nil }
    }
}

/// A stable name → colour assignment: the names are sorted (plain Unicode
/// order after trimming; grouped by kind first when kinds are known) and
/// the k-th name takes the k-th colour. Manager colours never repeat: the
/// ColorBrewer Set2 colours that are no red and stay apart come first, then
/// `DistinctColors` generates the others (ΔE76 ≥ 10 between any two in
/// normal vision, deuteranopia and protanopia up to 30 managers; measured
/// by the tests). Build it once from every name of a dossier (the whole
/// parcel layer, or both states of an avant/après plan) and the same
/// manager keeps the same colour on every plan.
public struct ColorAssignment: Sendable, Equatable {
    public let names: [String]
    public let colors: [String]
    /// The kind of each name (aligned with `names`), `.other` when unknown.
    public let kinds: [ManagerKind]

    /// Managers' colours; `kinds` (from the `type` column) groups them in hue families.
    public init(names: some Sequence<String>, kinds: [String: ManagerKind] = [:]) {
        let unique = Array(Set(Set(names).map(trimmed)).filter { !$0.isEmpty })
        let grouped = !kinds.isEmpty
        let kindOf: (String) -> ManagerKind = { kinds[$0] ?? .other }
        let sorted = unique.sorted { grouped && kindOf($0) != kindOf($1) ? kindOf($0) < kindOf($1) : $0 < $1 }
        self.names = sorted
        self.kinds = sorted.map(kindOf)
        if grouped {
            colors = DistinctColors.fills.pick(self.kinds.map(\.family))
        } else {
            colors = DistinctColors.fills.pick(sorted.map { _ in .any }, seeds: ColorBrewer.set2)
        }
    }

    /// Colours from a fixed palette (repeated beyond its length): cleaning sectors.
    public init(names: some Sequence<String>, palette: (Int) -> [String]) {
        let sorted = Array(Set(Set(names).map(trimmed)).filter { !$0.isEmpty }).sorted()
        self.names = sorted
        let p = palette(sorted.count)
        colors = sorted.indices.map { p[$0 % p.count] }
        kinds = sorted.map { _ in .other }
    }

    init(names: [String], colors: [String]) {
        self.names = names; self.colors = colors; kinds = names.map { _ in .other }
    }

    /// The colour of `name`, nil when it is not in the list.
    public func color(of name: String) -> String? {
        index(of: name).map { colors[$0] }
    }

    func index(of name: String) -> Int? {
        let n = trimmed(name)
        if kinds.contains(where: { $0 != .other }) { return names.firstIndex(of: n) }
        // names is sorted: binary search.
        var lo = 0, hi = names.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if names[mid] == n { return mid }
            if names[mid] < n { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }
}

extension ManagerKind {
    /// The kind as a legend entry's suffix (« bailleur »).
    public var shortLabel: String {
        switch self {
        case .publicBody: return "public"
        case .socialLandlord: return "bailleur"
        case .coOwnership: return "copropriété"
        case .other: return "autre"
        }
    }
}
