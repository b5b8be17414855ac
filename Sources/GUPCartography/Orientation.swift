import Foundation
import GUPAnalysis
import GUPModel
import GUPTopology

/// The road hierarchy of the plans, from BD TOPO `importance` (1 to 6),
/// OpenStreetMap `highway` or BD TOPO `nature`; drawn minor first so the
/// major roads lie on top.
public enum RoadClass: String, CaseIterable, Sendable {
    case chemin, locale, liaison, secondaire, principale, autoroute

    /// Legend label.
    public var label: String {
        switch self {
        case .autoroute: return "Autoroute, voie rapide"
        case .principale: return "Route principale"
        case .secondaire: return "Route secondaire"
        case .liaison: return "Rue de liaison"
        case .locale: return "Rue de desserte"
        case .chemin: return "Chemin, sentier"
        }
    }

    /// Higher for a more important road (labels of major roads first).
    public var rank: Double { Double(RoadClass.allCases.firstIndex(of: self)!) }

    /// The class of a value of the class field (nil: unknown).
    public static func of(_ raw: String) -> RoadClass? {
        let v = raw.trimmingCharacters(in: .whitespaces).lowercased()
        switch v {
        // BD TOPO importance.
        case "1": return .autoroute
        case "2": return .principale
        case "3": return .secondaire
        case "4": return .liaison
        case "5": return .locale
        case "6": return .chemin
        // OpenStreetMap highway.
        case "motorway", "motorway_link", "trunk", "trunk_link": return .autoroute
        case "primary", "primary_link": return .principale
        case "secondary", "secondary_link": return .secondaire
        case "tertiary", "tertiary_link": return .liaison
        case "residential", "unclassified", "living_street", "service", "pedestrian", "road": return .locale
        case "track", "path", "footway", "cycleway", "steps", "bridleway": return .chemin
        default: break
        }
        // BD TOPO nature.
        if v.contains("autorout") { return .autoroute }
        if v.contains("2 chaussées") { return .principale }
        if v.contains("bretelle") { return .secondaire }
        if v.contains("1 chaussée") || v.contains("rond-point") || v.contains("place") { return .locale }
        if v.contains("chemin") || v.contains("sentier") || v.contains("escalier") || v.contains("piste") || v.contains("empierr") {
            return .chemin
        }
        return nil
    }

    /// The class of a road: its class field, else (BD TOPO importance
    /// « NC », non classée) its nature field.
    public static func of(_ f: Feature, field: String?, nature: String? = nil) -> RoadClass? {
        if let c = FieldResolver.text(f, field).flatMap(RoadClass.of) { return c }
        return FieldResolver.text(f, nature).flatMap(RoadClass.of)
    }

    /// Line style; `factor` widens the lines on a large-scale plan.
    func style(_ factor: Double) -> Style {
        switch self {
        case .autoroute: return Style(stroke: "#e34a33", strokeWidth: 1.1 * factor, casing: "#7f2704", casingWidth: 0.35)
        case .principale: return Style(stroke: "#fdae6b", strokeWidth: 0.95 * factor, casing: "#8c4a0a", casingWidth: 0.3)
        case .secondaire: return Style(stroke: "#fee391", strokeWidth: 0.8 * factor, casing: "#8c7a3a", casingWidth: 0.3)
        case .liaison: return Style(stroke: "#ffffff", strokeWidth: 0.65 * factor, casing: "#6e6e6e", casingWidth: 0.3)
        case .locale: return Style(stroke: "#ffffff", strokeWidth: 0.45 * factor, casing: "#8f8f8f", casingWidth: 0.25)
        case .chemin: return Style(stroke: "#7a7a7a", strokeWidth: 0.2 * factor, dash: [0.8, 0.5])
        }
    }
}

/// The layers that let a reader find the quartier: roads (named and
/// classed), railways, water, buildings, named places. Each optional.
public struct OrientationLayers: @unchecked Sendable {
    public var roads: WorkingLayer?
    public var railways: WorkingLayer?
    public var water: WorkingLayer?
    public var buildings: WorkingLayer?
    public var places: WorkingLayer?
    /// Fields of the roads and places (nil: not found, nothing drawn from them).
    public var roadNameField: String?
    public var roadClassField: String?
    public var placeNameField: String?
    /// BD TOPO `nature`, the class of roads whose importance is « NC ».
    public var roadNatureField: String?
    /// The road's number (BD TOPO v2 `numero`, v3 `cpx_numero`, OSM `ref`),
    /// drawn where a road has no name: motorways and départementales are
    /// often unnamed, and their numbers are what a stranger follows.
    public var roadNumberField: String?
    /// The ground the roads cover (their convex hull), set by `resolveFields`:
    /// beyond it the plan has no fond de plan, and says so.
    public var coverage: GeometryHandle?

    public init(roads: WorkingLayer? = nil, railways: WorkingLayer? = nil, water: WorkingLayer? = nil,
                buildings: WorkingLayer? = nil, places: WorkingLayer? = nil,
                roadNameField: String? = nil, roadClassField: String? = nil, placeNameField: String? = nil) {
        self.roads = roads; self.railways = railways; self.water = water; self.buildings = buildings; self.places = places
        self.roadNameField = roadNameField; self.roadClassField = roadClassField; self.placeNameField = placeNameField
    }

    /// The orientation layers of a run, fields resolved (named fields must
    /// exist; the usual names otherwise), indexed for the plans.
    public init(_ inputs: AnalysisInputs) throws {
        func indexed(_ r: LayerRole) throws -> WorkingLayer? {
            guard let l = inputs[r] else { return nil }
            return l.index == nil ? try l.indexed() : l
        }
        self.init(roads: try indexed(.routes), railways: try indexed(.voiesFerrees), water: try indexed(.eau),
                  buildings: try indexed(.bati), places: try indexed(.lieux))
        try resolveFields(explicit: inputs.spec.fields)
    }

    /// Resolves the name and class fields (FieldResolver: the named field, else the usual names).
    public mutating func resolveFields(explicit: [FieldRole: String] = [:]) throws {
        if let r = roads {
            roadNameField = try FieldResolver.resolve(.roadName, explicit: explicit[.roadName], in: r)
            roadClassField = try FieldResolver.resolve(.roadClass, explicit: explicit[.roadClass], in: r)
            roadNatureField = try FieldResolver.resolve(.roadClass, explicit: nil, in: r.features, source: r.source, defaults: ["nature"])
            roadNumberField = try FieldResolver.resolve(.roadName, explicit: nil, in: r.features, source: r.source,
                                                        defaults: ["numero", "cpx_numero", "ref"])
            // Extracts of BD TOPO or OpenStreetMap stop at a box, a commune or
            // a selection: past their roads an empty plan would read as open
            // country. The hull of the roads is where the extract has data.
            coverage = r.shapes.isEmpty ? nil : try GeometryHandle.collection(r.shapes, type: .geometryCollection).convexHull()
        }
        if let p = places { placeNameField = try FieldResolver.resolve(.placeName, explicit: explicit[.placeName], in: p) }
    }

    public var isEmpty: Bool { [roads, railways, water, buildings, places].allSatisfy { $0 == nil } }

    /// The layers given, for the cartouche's sources.
    public var layers: [WorkingLayer] { [roads, railways, water, buildings, places].compactMap { $0 } }

    /// The kind of plan the layers are drawn for.
    public enum Detail: Sendable { case situation, site }

    /// Layers drawn under the subject (water, buildings, railways, roads).
    func under(_ detail: Detail) -> [MapLayer] {
        var out: [MapLayer] = []
        let factor = detail == .site ? 1.6 : 1.0
        if let w = water {
            var l = Plans.layer(w, name: "eau", title: "Eau", style: Style(fill: "#a6cee3", stroke: "#4a90c2", strokeWidth: 0.15))
            l.classField = "geometrie"
            l.classifier = { f in (f.geometry?.isAreal ?? false) ? "surface" : "cours" }
            l.classes = [LegendClass(key: "surface", label: "Surface en eau",
                                     style: Style(fill: "#a6cee3", stroke: "#4a90c2", strokeWidth: 0.15)),
                         LegendClass(key: "cours", label: "Cours d'eau", style: Style(stroke: "#4a90c2", strokeWidth: 0.5 * factor))]
            l.linear = true
            out.append(l)
        }
        if let b = buildings, detail == .site || true {
            out.append(Plans.layer(b, name: "bati", title: "Bâti",
                                   style: Style(fill: detail == .site ? "#b9b1a8" : "#d3cbc2", stroke: "#9c9188", strokeWidth: 0.08)))
        }
        if let r = railways {
            var l = Plans.layer(r, name: "voies-ferrees", title: "Voie ferrée",
                                style: Style(stroke: "#ffffff", strokeWidth: 0.4 * factor, dash: [1.6, 1.6], casing: "#3a3a3a", casingWidth: 0.45))
            l.linear = true
            out.append(l)
        }
        if let r = roads { out.append(roadLayer(r, detail)) }
        return out
    }

    /// Named places, drawn over the subject.
    func over(_ detail: Detail) -> [MapLayer] {
        guard let p = places else { return [] }
        var l = Plans.layer(p, name: "lieux", title: "Lieux, équipements, parcs",
                            style: Style(fill: "#cfe6bd", stroke: "#5b8c3a", strokeWidth: 0.15,
                                         symbol: PointSymbol(shape: .square, size: 1.3)))
        let field = placeNameField
        l.labels = LabelSpec(size: detail == .site ? 2.2 : 2.0, color: "#2f4f1f", tier: LabelTier.place, priority: { _ in 3 }, text: { f in
            FieldResolver.text(f, field).map { [$0] }
        })
        return [l]
    }

    func roadLayer(_ r: WorkingLayer, _ detail: Detail) -> MapLayer {
        let factor = detail == .site ? 1.6 : 1.0
        var l = Plans.layer(r, name: "routes", title: "Routes et rues", style: Style(stroke: "#b0b0b0", strokeWidth: 0.3 * factor))
        l.linear = true
        let classField = roadClassField, natureField = roadNatureField
        l.classField = classField ?? "classe"
        l.classifier = { f in RoadClass.of(f, field: classField, nature: natureField)?.rawValue }
        l.classes = RoadClass.allCases.map { LegendClass(key: $0.rawValue, label: $0.label, style: $0.style(factor)) }
        l.otherLabel = "Voie non classée"
        if let nameField = roadNameField {
            l.streetNames = StreetNameSpec(field: nameField, size: detail == .site ? 2.2 : 1.8, interval: detail == .site ? 70 : 90,
                                           minimumRank: RoadClass.locale.rank) { f in
                RoadClass.of(f, field: classField, nature: natureField)?.rank ?? 0
            }
            l.streetNames?.numberField = roadNumberField
        }
        return l
    }

    /// The ground beyond the roads' extract within `around`, hatched grey
    /// and in the legend (« Hors emprise du fond de plan »); nil when
    /// the roads cover it all or no roads were given.
    func outsideCoverage(_ around: BoundingBox) throws -> MapLayer? {
        guard let c = coverage, try c.area() > 0 else { return nil }
        let box = try GeometryHandle(rectangle: around)
        let out = try box.difference(c)
        guard try out.area() > 0.001 * (around.width * around.height) else { return nil }
        var l = MapLayer(name: "hors-emprise", title: "Hors emprise du fond de plan",
                         features: [Feature(index: 0, geometry: try out.geometry(), properties: Properties())], shapes: [out],
                         style: Style(fill: "#ffffff", fillOpacity: 0.35, hatch: Hatch(color: "#9a9a9a", spacing: 2.2, angle: 45, lineWidth: 0.12)))
        l.dataKeys = []
        l.madeForThisPlan = true
        return l
    }

    /// The ground outside `keep` veiled (white, half opaque), over `around`.
    static func veil(keep: GeometryHandle, around: BoundingBox) throws -> MapLayer {
        let box = try GeometryHandle(rectangle: around)
        let v = try box.difference(keep)
        var l = MapLayer(name: "voile", title: "Voile", features: [Feature(index: 0, geometry: try v.geometry(), properties: Properties())],
                         shapes: [v], style: Style(fill: "#ffffff", fillOpacity: 0.55), inLegend: false)
        l.dataKeys = []
        l.madeForThisPlan = true
        return l
    }
}

extension StreetNameSpec {
    /// What a road is labelled with: its name, else its number (BD TOPO
    /// writes « NC », non classée, where a road has none).
    func label(_ f: Feature) -> String? {
        if let n = FieldResolver.text(f, field) { return n }
        guard let k = FieldResolver.text(f, numberField), k.uppercased() != "NC" else { return nil }
        return k
    }
}
