import Foundation
import GUPAnalysis
import GUPModel
import GUPTopology

/// Common options of the plans.
public struct PlanOptions: Sendable {
    public var page: Page
    /// 1:N, nil for the standard scale that fits.
    public var scale: Int?
    /// Date printed in the cartouche.
    public var date: String
    /// The data's producers (« IGN BD TOPO », « DGFiP cadastre »), printed
    /// after « Sources : »; file names are never printed (they name
    /// intermediate outputs as often as producers).
    public var sources: [String]
    /// Maître d'ouvrage, author, plan number, revision, data date.
    public var titleBlock: TitleBlockFields
    /// The sheet drawn when the plan is cut in several (`Sheets.split`); nil: the whole quartier.
    public var sheet: SheetRef? = nil
    /// Shapes cut and simplified by the plans drawn before (see `DrawMemo`): a
    /// dossier shares one between the plans of a quartier, another between
    /// its plans de situation.
    public var memo: DrawMemo? = nil
    public init(page: Page = Page(), scale: Int? = nil, date: String = Cartouche.today(), sources: [String] = [],
                titleBlock: TitleBlockFields = TitleBlockFields()) {
        self.page = page; self.scale = scale; self.date = date; self.sources = sources; self.titleBlock = titleBlock
    }
}

/// A chosen quartier: its feature, shape and name, and the names of all
/// the perimeters (the names every analysis of the run writes).
public struct SelectedPerimeter {
    public var index: Int
    public var feature: Feature
    public var shape: GeometryHandle
    public var name: String
    public var nameField: String?
    /// Names of all perimeters, aligned with the layer's features.
    public var names: [String]
}

/// Which quartier a plan draws.
public enum PlanQuartier: ExpressibleByStringLiteral, ExpressibleByNilLiteral, Sendable {
    /// By name (nil: the only or the first one), names read from `field`
    /// (nil: the usual name fields), as `ZoneSet` names them.
    case name(String?, field: String? = nil)
    /// The zone `index` of `zones` (the dossier's own identity of its quartiers).
    case zone(ZoneSet, index: Int)

    public init(stringLiteral value: String) { self = .name(value) }
    public init(nilLiteral: ()) { self = .name(nil) }
}

public enum Plans {
    // MARK: shared

    /// The quartier to draw. By name: the exact name first, else the one
    /// name equal ignoring case and accents (several: an error); the names
    /// are those every analysis writes (`ZoneSet`), so a repeated name is
    /// told apart by its feature number.
    public static func select(_ perimeters: WorkingLayer, quartier: PlanQuartier,
                              reporter: Reporter = SilentReporter()) throws -> SelectedPerimeter {
        guard !perimeters.features.isEmpty else {
            throw GUPError.input(file: perimeters.source, "aucun périmètre utilisable")
        }
        let zones: ZoneSet
        var k = 0
        switch quartier {
        case let .zone(z, index):
            precondition(z.count == perimeters.count && index < z.count, "zones of another layer")
            zones = z
            k = index
        case let .name(name, field):
            zones = try ZoneSet.make(from: perimeters, nameField: field)
            if let name {
                do { k = try zones.index(of: name) } catch let e as AnalysisError {
                    throw GUPError.input(file: perimeters.source, e.message(PlanWording()))
                }
            } else if perimeters.features.count > 1 {
                reporter.warning("\(perimeters.source) : \(perimeters.features.count) quartiers, plan fait pour le premier (« \(zones.names[0]) ») ; choisissez avec --quartier")
            }
        }
        return SelectedPerimeter(index: k, feature: perimeters.features[k], shape: perimeters.shapes[k],
                                 name: zones.names[k], nameField: zones.nameField, names: zones.names)
    }

    /// Selection by name (see `select(_:quartier:)`).
    public static func select(_ perimeters: WorkingLayer, name: String?, nameField: String? = nil,
                              reporter: Reporter = SilentReporter()) throws -> SelectedPerimeter {
        try select(perimeters, quartier: .name(name, field: nameField), reporter: reporter)
    }

    static func layer(_ w: WorkingLayer, name: String, title: String, style: Style, extraKeys: [String] = []) -> MapLayer {
        var l = MapLayer(name: name, title: title, features: w.features, shapes: w.shapes, style: style,
                         dataKeys: identifyingKeys(of: w.features, extra: extraKeys))
        // A layer cut from an indexed one (same struct, fewer features) keeps
        // a stale index: used only when it still matches the features.
        if let i = w.index, i.count == w.features.count, w.shapes.count == w.features.count { l.index = i }
        return l
    }

    public static func perimeterLayer(_ sel: SelectedPerimeter, name: String = "perimetre") -> MapLayer {
        var f = sel.feature
        f.index = sel.index
        return MapLayer(name: name, title: "Périmètre du quartier", features: [f], shapes: [sel.shape],
                        style: PlanStyles.perimeter,
                        dataKeys: identifyingKeys(of: [f]))
    }

    /// Fields naming the kind of a manager (public body, social landlord,
    /// co-ownership), read from the managers table joined on the parcels.
    public static let managerKindFields = ["type", "type_gestionnaire", "nature_gestionnaire"]

    /// Every manager name of the layers, for a stable colour assignment;
    /// grouped by kind (hue families) when the parcels carry a `type`
    /// (the first value read for a manager wins).
    public static func managerColors(_ layers: [WorkingLayer], field: String? = nil) -> ColorAssignment {
        var names: [String] = []
        var kinds: [String: ManagerKind] = [:]
        for l in layers {
            guard let field = field ?? (try? FieldResolver.resolve(.manager, explicit: nil, in: l)) ?? nil else { continue }
            let kindField = managerKindFields.first { k in l.features.prefix(200).contains { $0.properties[k] != nil } }
            for f in l.features {
                guard let t = f.value(forKey: field)?.text else { continue }
                names.append(t)
                let name = trimmed(t)
                if let kindField, kinds[name] == nil, let raw = f.value(forKey: kindField)?.text, let k = ManagerKind(typeValue: raw) {
                    kinds[name] = k
                }
            }
        }
        return ColorAssignment(names: names, kinds: kinds)
    }

    static func tenureLayer(_ w: WorkingLayer, name: String, colors: ColorAssignment, field: String?) -> MapLayer {
        var l = layer(w, name: name, title: "Domanialité (gestionnaire)",
                      style: PlanStyles.tenureOther)
        if let field {
            l.classField = field
            let grouped = colors.kinds.contains { $0 != .other }
            l.classes = colors.names.indices.map { k in
                let n = colors.names[k]
                return LegendClass(key: n, label: grouped ? "\(n) (\(colors.kinds[k].shortLabel))" : n,
                                   style: PlanStyles.tenure(colors.colors[k]))
            }
            l.otherLabel = "Gestionnaire non renseigné"
            if !l.dataKeys.contains(field) { l.dataKeys.append(field) }
        }
        return l
    }

    static func residenceLayer(_ w: WorkingLayer, name: String, quartier: GeometryHandle?, fields: PlanFields) -> MapLayer {
        let dwellings = fields.dwellings, nameField = fields.residenceName
        var l = layer(w, name: name, title: "Résidences", style: PlanStyles.residences,
                      extraKeys: dwellings.map { [$0] } ?? [])
        let prepared = try? quartier.map(PreparedGeometry.init)
        let lock = NSLock()
        // Residences of the quartier are named; those around it are drawn only.
        func inside(_ f: Feature) -> Bool {
            guard let prepared else { return true }
            guard let c = f.geometry?.bounds?.center else { return false }
            lock.lock(); defer { lock.unlock() }
            return (try? prepared.contains([c]))?.first ?? false
        }
        // A residence whose name fits nowhere gets a number and a line of the key table.
        l.labels = LabelSpec(size: 2.1, color: "#1a1a1a", tier: LabelTier.residence, numbered: true, priority: { f in
            dwellings.flatMap { f.value(forKey: $0)?.number } ?? 0
        }, text: { f in
            guard inside(f) else { return nil }
            guard let n = FieldResolver.text(f, nameField) else { return nil }
            if let d = dwellings.flatMap({ f.value(forKey: $0)?.number }), d >= 0, d < 1e9 {
                return [n, "\(SVG.frenchInteger(Int(d))) logement\(d >= 2 ? "s" : "")"]
            }
            return [n]
        })
        return l
    }

    // MARK: plan de situation

    /// Fields of a perimeter naming its commune(s) (QPV files: `nom_commune`, `commune_qp`).
    static let perimeterCommuneFields = ["nom_commune", "commune_qp", "nom_com", "libcom", "commune"]

    /// The standard scale a plan will take (the one `PlanRenderer` chooses).
    static func expectedScale(subject: BoundingBox, options: PlanOptions, margin: Double, inset: Bool) -> (Int, PageRect) {
        var layout = PageLayout.make(page: options.page, frameCount: 1)
        if inset { layout = layout.withInset() }
        let rect = layout.frames[0]
        return (options.scale ?? StandardScale.choose(subject: subject, frame: rect, margin: margin), rect)
    }

    /// The quartier in its town: the commune(s) it touches tinted and
    /// named, the ground outside them veiled, the orientation layers (water,
    /// buildings, railways, roads by class with their names, places), the
    /// other quartiers outlined, the quartier highlighted; the whole commune
    /// when it fits at 1/25 000 at most (else 3 km around the quartier);
    /// an inset with the frame in its commune and the neighbours.
    public static func situation(perimeters: WorkingLayer, quartier: PlanQuartier, context: WorkingLayer?,
                                 background: OrientationLayers = OrientationLayers(),
                                 options: PlanOptions = PlanOptions(), labelAvoid: GeometryHandle? = nil,
                                 fields: PlanFields? = nil, reporter: Reporter = SilentReporter()) throws -> RenderedPlan {
        let sel = try select(perimeters, quartier: quartier, reporter: reporter)
        guard let qb = try sel.shape.bounds() else { throw GUPError.input(file: perimeters.source, "périmètre vide") }
        // The quartier with its surroundings (at least 3 km).
        let side = Swift.max(qb.width * 2.5, qb.height * 2.5, 3000)
        let c = qb.center
        var subject = BoundingBox(minX: c.x - side / 2, minY: c.y - side / 2, maxX: c.x + side / 2, maxY: c.y + side / 2)

        var layers: [MapLayer] = []
        // Communes named by the perimeter itself first, then those it touches.
        var communes: [String] = []
        let perimeterCommune = try? FieldResolver.resolve(.communeName, explicit: nil, in: perimeters.features, source: perimeters.source,
                                                          defaults: perimeterCommuneFields)
        if let t = FieldResolver.text(sel.feature, perimeterCommune ?? nil) {
            for part in t.split(separator: ",").compactMap({ FieldResolver.trimmed(String($0)) }) where !communes.contains(part) {
                communes.append(part)
            }
        }
        var inset: InsetRequest?
        if let context {
            // Every commune the quartier touches (1 m² at least), largest overlap first.
            var touched: [(k: Int, area: Double)] = []
            let index = try context.index ?? SpatialIndex(context.shapes)
            for k in try index.query(qb) {
                let a = try context.shapes[k].intersection(sel.shape).area()
                if a >= 1 { touched.append((k, a)) }
            }
            let communeField = fields?.communeName ?? PlanFields.resolve(context: context).communeName
            let nameOf: (Feature) -> String? = { FieldResolver.text($0, communeField) }
            touched.sort { ($0.area, $1.k) > ($1.area, $0.k) }
            let mineSet = Set(touched.map(\.k))
            if touched.isEmpty {
                reporter.warning("\(context.source) : aucune commune ne recouvre le quartier « \(sel.name) »")
            }
            for t in touched { if let n = nameOf(context.features[t.k]), !communes.contains(n) { communes.append(n) } }
            var others = context, mine = context
            others.features = []; others.shapes = []; mine.features = []; mine.shapes = []
            others.index = nil; mine.index = nil
            let near = try index.query(BoundingBox(minX: qb.minX - 60_000, minY: qb.minY - 60_000, maxX: qb.maxX + 60_000, maxY: qb.maxY + 60_000))
            for k in near {
                let f = context.features[k]
                if mineSet.contains(k) { mine.features.append(f); mine.shapes.append(context.shapes[k]) } else {
                    others.features.append(f); others.shapes.append(context.shapes[k])
                }
            }
            // The whole commune when the page shows it at 1/25 000 at most.
            if !mine.shapes.isEmpty {
                var cb = qb
                for h in mine.shapes { if let b = try h.bounds() { cb = cb.union(b) } }
                let (n, _) = expectedScale(subject: cb, options: PlanOptions(page: options.page), margin: 0.02, inset: true)
                if n <= 25_000 { subject = cb }
            }
            var lo = layer(others, name: "communes", title: "Communes voisines",
                           style: Style(fill: "#f3eee2", stroke: "#8c8c8c", strokeWidth: 0.35))
            // A commune's name stays inside the commune, smaller if need be,
            // or is left out: beside it, with a leader line, it would name
            // the land of its neighbour.
            lo.labels = LabelSpec(size: 3.0, color: "#4d4d4d", tier: LabelTier.other, placement: .within(smallest: 2.2),
                                  priority: { _ in 1 }, text: { f in nameOf(f).map { [$0.uppercased()] } })
            var lm = layer(mine, name: "commune", title: communes.isEmpty ? "Commune" : "Commune : " + communes.joined(separator: ", "),
                           style: Style(fill: "#f3eee2", stroke: "#404040", strokeWidth: 0.6))
            lm.labels = LabelSpec(size: 3.4, bold: true, color: "#404040", tier: LabelTier.commune, placement: .within(smallest: 2.6),
                                  priority: { _ in 5 }, text: { f in nameOf(f).map { [$0.uppercased()] } })
            let nearQ = BoundingBox(minX: subject.minX - side, minY: subject.minY - side, maxX: subject.maxX + side, maxY: subject.maxY + side)
            let nearShapes = try perimeters.index.map { try $0.query(nearQ).sorted().map { perimeters.shapes[$0] } } ?? perimeters.shapes
            let avoid = try labelAvoid ?? GeometryHandle.unaryUnion(nearShapes).buffer(100)
            lo.labelAvoid = avoid
            lm.labelAvoid = avoid
            layers += [lo, lm]
            // Inset: the touched communes and their neighbours, the main frame drawn in it.
            let (n, rect) = expectedScale(subject: subject, options: options, margin: 0.02, inset: true)
            let main = MapFrame(rect: rect, scale: n, center: subject.center, crs: perimeters.crs).extent
            var ib = main
            for h in mine.shapes { if let b = try h.bounds() { ib = ib.union(b) } }
            let grow = Swift.max(ib.width, ib.height) * 0.6
            ib = BoundingBox(minX: ib.minX - grow, minY: ib.minY - grow, maxX: ib.maxX + grow, maxY: ib.maxY + grow)
            var io = layer(others, name: "carton-communes", title: "Communes", style: Style(fill: "#ffffff", stroke: "#9a9a9a", strokeWidth: 0.2))
            io.inLegend = false
            io.labels = LabelSpec(size: 1.8, color: "#6b6b6b", placement: .within(smallest: 1.6), priority: { _ in 1 },
                                  text: { f in nameOf(f).map { [$0] } })
            var im = layer(mine, name: "carton-commune", title: "Commune", style: Style(fill: "#f3eee2", stroke: "#404040", strokeWidth: 0.35))
            im.inLegend = false
            im.labels = LabelSpec(size: 2.0, bold: true, color: "#404040", placement: .within(smallest: 1.8), priority: { _ in 2 },
                                  text: { f in nameOf(f).map { [$0] } })
            var iq = perimeterLayer(sel, name: "carton-quartier")
            iq.inLegend = false
            iq.style = Style(fill: "#e31a1c", stroke: "#b10026", strokeWidth: 0.2)
            inset = InsetRequest(extent: ib, layers: [io, im, iq])
        }
        if background.isEmpty {
            reporter.warning("plan de situation de « \(sel.name) » sans fond de plan (routes, voies ferrées, eau…) : le quartier n'est situé que par les communes")
        }
        // The inset shows the frame among the communes: the fond's own
        // extent (a BD TOPO extract is a few km) would only repeat the main
        // map, so without communes there is no inset, and the plan says so.
        if context == nil {
            reporter.warning("plan de situation de « \(sel.name) » sans carton de localisation : il faut une couche des communes (--contexte, ou contexte sous [couches] dans dossier.toml)")
        }
        layers += background.under(.situation)
        if let h = try background.outsideCoverage(BoundingBox(minX: subject.minX - 4 * side, minY: subject.minY - 4 * side,
                                                              maxX: subject.maxX + 4 * side, maxY: subject.maxY + 4 * side)) {
            layers.append(h)
        }
        if let mine = layers.first(where: { $0.name == "commune" }), !mine.shapes.isEmpty {
            let around = BoundingBox(minX: subject.minX - 4 * side, minY: subject.minY - 4 * side,
                                     maxX: subject.maxX + 4 * side, maxY: subject.maxY + 4 * side)
            layers.append(try communeVeil(mine.shapes, covering: around, memo: options.memo))
        }
        var otherQ = perimeters
        otherQ.features = []; otherQ.shapes = []; otherQ.index = nil
        var otherNames: [String] = []
        for (k, f) in perimeters.features.enumerated() where k != sel.index {
            // The label reads the quartier's name through the feature's position in this layer.
            var g = f
            g.index = otherNames.count
            otherQ.features.append(g); otherQ.shapes.append(perimeters.shapes[k]); otherNames.append(sel.names[k])
        }
        var lq = layer(otherQ, name: "quartiers", title: "Autres quartiers prioritaires",
                       style: Style(fill: "#bababa", fillOpacity: 0.35, stroke: "#525252", strokeWidth: 0.4, dash: [1.6, 0.8]))
        lq.labels = LabelSpec(size: 2.4, color: "#333333", tier: LabelTier.place, priority: { _ in 2 }, text: { [otherNames[$0.index]] })
        layers.append(lq)
        var lp = perimeterLayer(sel)
        lp.title = "Quartier : \(sel.name)"
        lp.style = Style(fill: "#e31a1c", fillOpacity: 0.45, stroke: "#b10026", strokeWidth: 0.8)
        let selectedName = sel.name
        lp.labels = LabelSpec(size: 3.4, bold: true, color: "#67000d", tier: LabelTier.quartier, priority: { _ in 10 }, text: { _ in [selectedName] })
        layers.append(lp)
        layers += background.over(.situation)

        var notes: [String] = []
        if background.isEmpty { notes.append("Sans fond de plan : le quartier n'est situé que par les communes") }
        if context == nil { notes.append("Sans carton de localisation : aucune couche des communes donnée") }
        let cart = Cartouche(title: "Plan de situation", quartier: sel.name, commune: communes.isEmpty ? nil : communes.joined(separator: ", "),
                             date: options.date, sources: options.sources, notes: notes, fields: options.titleBlock)
        return try PlanRenderer.render(PlanRequest(page: options.page, crs: perimeters.crs, subject: subject, scale: options.scale,
                                                   margin: 0.02, panels: [PlanPanel(layers: layers)], cartouche: cart, inset: inset,
                                                   mustShow: qb, memo: options.memo))
    }

    /// The ground outside the communes `mine`, veiled over a rectangle
    /// that depends on the communes alone: their bounds grown by ten times
    /// their size and 50 km (a plan de situation's frame lies within a few
    /// times the quartier's surroundings, the quartier within its
    /// communes). The quartiers of a commune then share one veil, made
    /// once through `memo`: the difference of a rectangle and a commune of
    /// 4,803 vertices took 0.27 s of the 60 plans de situation of the metro
    /// dossier (thread CPU). A frame `covering` more than that rectangle
    /// (never seen) gets a veil of its own over both.
    static func communeVeil(_ mine: [GeometryHandle], covering: BoundingBox, memo: DrawMemo?) throws -> MapLayer {
        func make(_ around: (BoundingBox) -> BoundingBox) throws -> MapLayer {
            let keep = try GeometryHandle.unaryUnion(mine)
            let kb = try keep.bounds() ?? covering
            var v = try OrientationLayers.veil(keep: keep, around: around(kb))
            v.title = "Hors de la commune"
            return v
        }
        func fixed(_ kb: BoundingBox) -> BoundingBox {
            let g = 10 * Swift.max(kb.width, kb.height) + 50_000
            return BoundingBox(minX: kb.minX - g, minY: kb.minY - g, maxX: kb.maxX + g, maxY: kb.maxY + g)
        }
        var kb: BoundingBox?
        for h in mine { if let b = try h.bounds() { kb = kb.map { $0.union(b) } ?? b } }
        guard let kb, fixed(kb).contains(covering) else { return try make { covering.union(fixed($0)) } }
        guard let memo else { return try make(fixed) }
        return try memo.layer(for: mine) { try make(fixed) }
    }

    /// The ground commune names keep clear of on every plan de situation of
    /// a dossier: the quartiers and 100 m around them, computed once (a
    /// plan de situation made it again for each quartier).
    public static func situationLabelAvoid(_ perimeters: WorkingLayer) throws -> GeometryHandle {
        try GeometryHandle.unaryUnion(perimeters.shapes).buffer(100)
    }

    // MARK: plan de masse

    /// The layers a plan de masse may draw; each optional.
    public struct SiteLayers {
        public var tenure: WorkingLayer?
        public var residences: WorkingLayer?
        public var sectors: WorkingLayer?
        public var gaps: WorkingLayer?
        public var incidents: WorkingLayer?
        public var hotspots: WorkingLayer?
        /// The density of incidents drawn instead of their symbols; the
        /// parcels are then drawn as grey outlines, never in manager colours.
        public var heat: HeatInput?
        /// Colours of managers shared across the dossier (default: from `tenure`).
        public var managerColors: ColorAssignment?
        /// The walking route: a line, and its stops as small polygons
        /// carrying their number in `numero`.
        public var route: WorkingLayer?
        public var stops: WorkingLayer?
        /// Whether the route follows the streets (false: straight legs, said on the plan).
        public var routeAlongStreets: Bool
        /// Streets, railways, water, buildings, places.
        public var background: OrientationLayers
        /// Fields read (nil: resolved from the layers).
        public var fields: PlanFields?
        public init(tenure: WorkingLayer? = nil, residences: WorkingLayer? = nil, sectors: WorkingLayer? = nil,
                    gaps: WorkingLayer? = nil, incidents: WorkingLayer? = nil, hotspots: WorkingLayer? = nil,
                    heat: HeatInput? = nil, managerColors: ColorAssignment? = nil,
                    route: WorkingLayer? = nil, stops: WorkingLayer? = nil, routeAlongStreets: Bool = false,
                    background: OrientationLayers = OrientationLayers(), fields: PlanFields? = nil) {
            self.tenure = tenure; self.residences = residences; self.sectors = sectors; self.gaps = gaps
            self.incidents = incidents; self.hotspots = hotspots; self.heat = heat; self.managerColors = managerColors
            self.route = route; self.stops = stops; self.routeAlongStreets = routeAlongStreets; self.background = background
            self.fields = fields
        }
    }


    /// Parcel references (section and number) drawn at this scale and larger.
    static let parcelReferenceScale = 1_000

    /// A parcel's reference: `section` + `numero` (cadastre), else the last
    /// six characters of its `id`/`idu` (« AB0123 » of 13117000AB0123).
    static func parcelReference(_ f: Feature) -> String? {
        if let sec = f.properties.first(of: ["section"])?.value.text, let num = f.properties.first(of: ["numero"])?.value.text {
            return sec + " " + num
        }
        guard let id = f.properties.first(of: ["idu", "id_parcelle", "id"])?.value.text ?? f.id?.text, id.count >= 14 else { return nil }
        let tail = String(id.suffix(6))
        return String(tail.prefix(2)).replacingOccurrences(of: "0", with: "") + " " + String(Int(tail.suffix(4)) ?? 0)
    }

    static func siteLayers(_ input: SiteLayers, sel: SelectedPerimeter, suffix: String = "", scale: Int? = nil,
                           heat: (grid: RasterGrid, classes: HeatClasses)? = nil, changed: Set<Int>? = nil) throws -> [MapLayer] {
        let fields = input.fields ?? PlanFields.resolve(tenure: input.tenure, residences: input.residences, sectors: input.sectors,
                                                        incidents: input.incidents)
        var layers: [MapLayer] = []
        let qb = try sel.shape.bounds() ?? BoundingBox(minX: 0, minY: 0, maxX: 0, maxY: 0)
        let pad = Swift.max(qb.width, qb.height) * 3 + 500
        let around = BoundingBox(minX: qb.minX - pad, minY: qb.minY - pad, maxX: qb.maxX + pad, maxY: qb.maxY + pad)
        if let h = heat {
            // The heat plan: the density on white, the parcels as grey
            // outlines over it (manager colours under a heat layer make both unreadable).
            layers.append(MapLayer(name: "chaleur" + suffix, title: "Densité des signalements (par hectare)",
                                   raster: RasterLayer(grid: h.grid, classes: h.classes)))
            if let t = input.tenure {
                var l = layer(t, name: "parcelles" + suffix, title: "Parcelles", style: Style(stroke: "#8c8c8c", strokeWidth: 0.12))
                l.inLegend = true
                layers.append(l)
            }
        } else if let t = input.tenure {
            // Ground no parcel covers shows this colour (streets, public space).
            let ground = try GeometryHandle(rectangle: around)
            var g = MapLayer(name: "non-cadastre" + suffix, title: "Sol non cadastré (voirie, domaine public)",
                             features: [Feature(index: 0, geometry: try ground.geometry(), properties: Properties())],
                             shapes: [ground], style: PlanStyles.nonCadastral)
            g.madeForThisPlan = true
            layers.append(g)
            var l = tenureLayer(t, name: "domanialite" + suffix,
                                colors: input.managerColors ?? managerColors([t], field: fields.manager), field: fields.manager)
            if let n = scale, n <= parcelReferenceScale {
                l.labels = LabelSpec(size: 1.6, color: "#3a3a3a", tier: LabelTier.parcel, priority: { _ in 0 }, text: { f in parcelReference(f).map { [$0] } })
            }
            layers.append(l)
            if let changed {
                var c = t
                let keep = changed.sorted()
                c.features = keep.map { t.features[$0] }; c.shapes = keep.map { t.shapes[$0] }; c.index = nil
                var lc = layer(c, name: "parcelles-modifiees" + suffix, title: "Parcelles modifiées",
                               style: Style(stroke: "#000000", strokeWidth: 0.55, casing: "#ffffff", casingWidth: 0.5))
                lc.linear = false
                layers.append(lc)
            }
        }
        layers += input.background.under(.site)
        if let h = try input.background.outsideCoverage(around) { layers.append(h) }
        if let s = input.sectors {
            let field = fields.cleaner
            var l = layer(s, name: "secteurs" + suffix, title: "Secteurs de nettoyage (intervenant)",
                          style: PlanStyles.sectorOther, extraKeys: field.map { [$0] } ?? [])
            if let field {
                let names = s.features.compactMap { $0.value(forKey: field)?.text }
                let colors = PlanStyles.cleanerColors(names)
                l.classField = field
                l.classes = zip(colors.names, colors.colors).map {
                    LegendClass(key: $0, label: $0, style: PlanStyles.sector($1))
                }
                l.otherLabel = "Intervenant non renseigné"
            }
            layers.append(l)
        }
        if let g = input.gaps {
            layers.append(layer(g, name: "lacunes" + suffix, title: "Lacunes de nettoyage",
                                style: PlanStyles.gaps))
        }
        if let r = input.residences {
            layers.append(residenceLayer(r, name: "residences" + suffix, quartier: sel.shape, fields: fields))
        }
        if let i = input.incidents, input.heat == nil {
            let field = fields.category
            var l = MapLayer(name: "incidents" + suffix, title: "Signalements (catégorie)", features: i.features,
                             style: PlanStyles.incidentOther,
                             dataKeys: identifyingKeys(of: i.features, extra: []).filter { $0 == "id" })
            if let field {
                let names = i.features.compactMap { $0.value(forKey: field)?.text }
                let colors = ColorAssignment.incidentCategories(names)
                l.classField = field
                // A shape and a dark colour per category: told apart without
                // colour vision, and never a shade of the lighter parcel fills.
                l.classes = colors.names.indices.map { k in
                    LegendClass(key: colors.names[k], label: IncidentCategories.label(colors.names[k]),
                                style: PlanStyles.incident(colors.colors[k], shape: ColorAssignment.incidentShape(k)))
                }
                l.otherLabel = "Catégorie non renseignée"
            }
            layers.append(l)
        }
        if let h = input.hotspots {
            layers.append(layer(h, name: "points-chauds" + suffix, title: "Points chauds",
                                style: PlanStyles.hotspots))
        }
        // Everything outside the quartier veiled; the route and its stops stay clear.
        layers.append(try OrientationLayers.veil(keep: sel.shape, around: around))
        if let r = input.route {
            var l = MapLayer(name: "parcours" + suffix,
                             title: input.routeAlongStreets ? "Parcours à pied (par les rues)"
                                                            : "Parcours à pied (à vol d'oiseau)",
                             features: r.features,
                             style: PlanStyles.route(alongStreets: input.routeAlongStreets))
            l.arrowEvery = 22
            l.linear = true
            layers.append(l)
        }
        if let st = input.stops {
            layers.append(MapLayer(name: "arrets" + suffix, title: "Arrêts (numérotés)", features: st.features, shapes: st.shapes,
                                   style: PlanStyles.routeStop,
                                   dataKeys: ["numero"],
                                   labels: LabelSpec(size: 2.6, bold: true, color: "#08306b", tier: LabelTier.stop, placement: .onSymbol,
                                                     priority: { f in -(f.value(forKey: "numero")?.number ?? 0) },
                                                     text: { f in f.value(forKey: "numero")?.text.map { [$0] } })))
        }
        layers.append(perimeterLayer(sel, name: "perimetre" + suffix))
        layers += input.background.over(.site)
        return layers
    }

    /// The quartier in detail: ground coloured by manager, residences with
    /// name and dwellings, cleaning sectors and gaps, incidents or their
    /// density, hotspots, the perimeter.
    public static func site(perimeters: WorkingLayer, quartier: PlanQuartier, layers input: SiteLayers,
                            commune: String? = nil, title: String = "Plan de masse", options: PlanOptions = PlanOptions(),
                            reporter: Reporter = SilentReporter()) throws -> RenderedPlan {
        let sel = try select(perimeters, quartier: quartier, reporter: reporter)
        guard let whole = try sel.shape.bounds() else { throw GUPError.input(file: perimeters.source, "périmètre vide") }
        // A sheet of a plan cut in several shows its own ground, at the forced scale.
        let qb = options.sheet?.extent ?? whole
        var title = title
        var options = options
        if let sh = options.sheet {
            title += " — planche \(sh.number)/\(sh.count)"
            if let n = options.titleBlock.number { options.titleBlock.number = "\(n)-\(sh.number)" }
        }
        let (scale, rect) = expectedScale(subject: qb, options: options, margin: options.sheet == nil ? 0.05 : 0, inset: false)
        if options.scale == nil && scale > 5_000 {
            reporter.warning("plan de masse de « \(sel.name) » au 1/\(SVG.frenchInteger(scale)) sur \(options.page.label) : au-delà du 1/5 000 les parcelles ne se lisent plus ; prenez le format A3 ou une échelle forcée (--echelle) sur plusieurs plans")
        }
        var heat: (grid: RasterGrid, classes: HeatClasses)?
        var notes: [String] = []
        if let h = input.heat {
            let extent = MapFrame(rect: rect, scale: scale, center: qb.center, crs: perimeters.crs).extent
            let surface = try h.surface(scale: scale, extent: extent, quartier: sel.shape)
            let own = "classes : quantiles des mailles de ce plan"
            guard let classes = try h.classes ?? HeatClasses.quantiles(of: [surface.grid], clips: [nil], basis: own) else {
                throw GUPError("densité des signalements de « \(sel.name) » : aucun signalement à moins de \(SVG.frenchNumber(h.radius)) m du quartier")
            }
            heat = (surface.grid, classes)
            notes.append("Densité : noyau quartique de \(SVG.frenchNumber(h.radius)) m, maille de \(SVG.frenchNumber(surface.grid.cellSize)) m ; \(classes.basis)")
        }
        let layers = try siteLayers(input, sel: sel, scale: scale, heat: heat)
        if input.route != nil && !input.routeAlongStreets {
            notes.append("Parcours tracé à vol d'oiseau : aucune couche de routes donnée")
        }
        let cart = Cartouche(title: title, quartier: sel.name, commune: commune, date: options.date,
                             sources: options.sources, notes: notes, fields: options.titleBlock)
        let plan = try PlanRenderer.render(PlanRequest(page: options.page, crs: perimeters.crs, subject: qb, scale: options.scale,
                                                       margin: options.sheet == nil ? 0.05 : 0,
                                                       panels: [PlanPanel(layers: layers)], cartouche: cart, memo: options.memo))
        let counts = plan.labelCounts
        if counts.dropped > 0 || counts.keyLeftOut > 0 {
            reporter.warning("\(title) de « \(sel.name) » : \(counts.summary)")
        } else {
            reporter.info("\(title) de « \(sel.name) » : \(counts.summary)")
        }
        return plan
    }

    // MARK: avant / après

    /// Two states of the same tenure layer (before and after works) at the
    /// same scale, with the same colours: side by side in landscape, stacked
    /// in portrait; the parcels that changed outlined in both, and the
    /// table of the surfaces transferred from manager to manager (also in
    /// `RenderedPlan.transfers`, for the CSV).
    public static func beforeAfter(perimeters: WorkingLayer, quartier: PlanQuartier, before: WorkingLayer, after: WorkingLayer,
                                   residences: WorkingLayer? = nil, commune: String? = nil, options: PlanOptions = PlanOptions(),
                                   reporter: Reporter = SilentReporter()) throws -> RenderedPlan {
        let sel = try select(perimeters, quartier: quartier, reporter: reporter)
        guard let qb = try sel.shape.bounds() else { throw GUPError.input(file: perimeters.source, "périmètre vide") }
        let fields = PlanFields.resolve(tenure: before, residences: residences)
        let colors = managerColors([before, after], field: fields.manager)
        let change = try TenureChange.compare(before: before, after: after, field: fields.manager, within: sel.shape)
        let a = try siteLayers(SiteLayers(tenure: before, residences: residences, managerColors: colors, fields: fields), sel: sel, suffix: "-avant",
                               changed: change.changedBefore)
        let b = try siteLayers(SiteLayers(tenure: after, residences: residences, managerColors: colors, fields: fields), sel: sel, suffix: "-apres",
                               changed: change.changedAfter)
        let cart = Cartouche(title: "Plan avant / après travaux", quartier: sel.name, commune: commune, date: options.date,
                             sources: options.sources, fields: options.titleBlock)
        // A 2 % margin: two panels share the page, the quartier matters, not its surroundings.
        var plan = try PlanRenderer.render(PlanRequest(page: options.page, crs: perimeters.crs, subject: qb, scale: options.scale,
                                                       margin: 0.02, panels: [PlanPanel(id: "carte-avant", caption: "Avant travaux", layers: a),
                                                                PlanPanel(id: "carte-apres", caption: "Après travaux", layers: b)],
                                                       cartouche: cart, table: change.table))
        plan.transfers = change.transfers
        reporter.info("avant / après : \(change.changedAfter.count) parcelle(s) modifiée(s), \(change.transfers.count) transfert(s) de gestionnaire")
        return plan
    }
}

/// The plan commands' words for selection errors.
struct PlanWording: FrontEndWording {
    func name(of role: FieldRole) -> String { "--champ-nom" }
    func name(of setting: AnalysisSetting) -> String { setting.rawValue }
    var quartierSelector: String { "--quartier" }
    var joinAlternative: String { "" }
}

/// The fields the plans read, resolved once with `FieldResolver` (the
/// analyses' rule) for all the plans of a run; nil where a layer is absent
/// or carries none of the usual names.
public struct PlanFields: Sendable {
    public var manager: String?
    public var residenceName: String?
    public var dwellings: String?
    public var communeName: String?
    public var cleaner: String?
    public var category: String?

    public init(manager: String? = nil, residenceName: String? = nil, dwellings: String? = nil, communeName: String? = nil,
                cleaner: String? = nil, category: String? = nil) {
        self.manager = manager; self.residenceName = residenceName; self.dwellings = dwellings
        self.communeName = communeName; self.cleaner = cleaner; self.category = category
    }

    /// Fields named by the user (`given`) win; the others are looked for in the layers.
    public static func resolve(tenure: WorkingLayer? = nil, residences: WorkingLayer? = nil, context: WorkingLayer? = nil,
                               sectors: WorkingLayer? = nil, incidents: WorkingLayer? = nil,
                               given: [FieldRole: String] = [:]) -> PlanFields {
        func find(_ role: FieldRole, _ layer: WorkingLayer?) -> String? {
            guard let layer else { return nil }
            return (try? FieldResolver.resolve(role, explicit: given[role], in: layer)) ?? nil
        }
        return PlanFields(manager: find(.manager, tenure), residenceName: find(.residenceName, residences),
                          dwellings: find(.dwellings, residences), communeName: find(.communeName, context),
                          cleaner: find(.cleaner, sectors), category: find(.category, incidents))
    }
}

extension BoundingBox {
    func union(_ o: BoundingBox) -> BoundingBox { var c = self; c.extend(o); return c }
    func contains(_ o: BoundingBox) -> Bool { o.minX >= minX && o.minY >= minY && o.maxX <= maxX && o.maxY <= maxY }
}
