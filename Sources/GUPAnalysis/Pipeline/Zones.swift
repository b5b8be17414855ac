import Foundation
import GUPModel
import GUPTopology

/// Polygons incidents are counted in (perimeters, residences, any polygons),
/// with unique names: the identity of a perimeter in every analysis, every
/// file and every plan of a run.
public struct ZoneSet: @unchecked Sendable {
    public var names: [String]
    public var shapes: [GeometryHandle]
    /// The field the names were read from (nil: none found, feature labels used).
    public var nameField: String?
    public var count: Int { names.count }

    public init(names: [String], shapes: [GeometryHandle], nameField: String? = nil) {
        precondition(names.count == shapes.count)
        self.names = names
        self.shapes = shapes
        self.nameField = nameField
    }

    /// Names from `nameField` (which must exist) or the first of the
    /// default names (`FieldRole.perimeterName`); a zone without a name
    /// takes its feature label, a repeated name gets the feature label
    /// appended (both reported).
    public static func make(from layer: WorkingLayer, nameField: String? = nil,
                            reporter: Reporter = SilentReporter()) throws -> ZoneSet {
        // Same empty input, same exit status in every command (issue 16).
        guard layer.count > 0 else { throw GUPError.input(file: layer.source, "aucune zone utilisable") }
        let field = try FieldResolver.resolve(.perimeterName, explicit: nameField, in: layer)
        return ZoneSet(names: uniqueNames(of: layer, field: field, reporter: reporter), shapes: layer.shapes, nameField: field)
    }

    /// The names of a layer's zones as every analysis writes them, so that
    /// the CSV files of one dossier join on them: the value of `field`
    /// trimmed; a zone without a name takes its feature label
    /// (« entité n° 3 »); a repeated name gets the feature label appended
    /// (both reported).
    public static func uniqueNames(of layer: WorkingLayer, field: String?, reporter: Reporter = SilentReporter()) -> [String] {
        var names: [String] = []
        var seen: [String: Int] = [:]
        var unnamed = 0
        for f in layer.features {
            var n = FieldResolver.text(f, field) ?? ""
            if n.isEmpty { n = f.label; unnamed += 1 }
            seen[n, default: 0] += 1
            names.append(n)
        }
        for (k, f) in layer.features.enumerated() where seen[names[k]]! > 1 {
            reporter.warning("\(layer.source), \(f.label) : nom de zone « \(names[k]) » en double, renommée « \(names[k]) (\(f.label)) »")
            names[k] = "\(names[k]) (\(f.label))"
        }
        if unnamed > 0 {
            reporter.warning("\(layer.source) : \(unnamed) zone(s) sans nom (champ \(field.map { "« \($0) »" } ?? "de nom introuvable : nommez-le avec --champ-nom, ou champ_nom dans dossier.toml")), désignée(s) par leur numéro d'entité")
        }
        return names
    }

    /// Indices of the zones named in `wanted` (all when empty): the exact
    /// name first, else the one name equal to it ignoring case and accents;
    /// several such names are an error, so no plan ever draws another
    /// quartier than the one asked for.
    public func select(_ wanted: [String]) throws -> [Int] {
        if wanted.isEmpty { return Array(names.indices) }
        return try wanted.map { try index(of: $0) }
    }

    /// The index of one zone by name (see `select`).
    public func index(of wanted: String) throws -> Int {
        if let k = names.firstIndex(of: wanted) { return k }
        let w = Self.fold(wanted)
        let matches = names.indices.filter { Self.fold(names[$0]) == w }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty { throw AnalysisError.unknownQuartier(name: wanted, available: names) }
        throw AnalysisError.ambiguousQuartier(name: wanted, matches: matches.map { names[$0] })
    }

    static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR"))
            .trimmingCharacters(in: .whitespaces)
    }
}
