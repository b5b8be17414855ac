import Foundation
import GUPAnalysis
import GUPModel
import GUPProjection
import GUPTopology

/// The fields a technician signs a plan with (`dossier.toml` `[cartouche]`,
/// or the plan commands' options); each printed when given.
public struct TitleBlockFields: Sendable, Equatable {
    /// Maître d'ouvrage (the body the plan is made for).
    public var client: String?
    /// Auteur (who drew it).
    public var author: String?
    /// Numéro de plan.
    public var number: String?
    /// Indice de révision (« A », « B »…).
    public var revision: String?
    /// Date des données (« 01/01/2026 », « janvier 2026 »).
    public var dataDate: String?
    public init(client: String? = nil, author: String? = nil, number: String? = nil, revision: String? = nil, dataDate: String? = nil) {
        self.client = client; self.author = author; self.number = number; self.revision = revision; self.dataDate = dataDate
    }
}

/// The title block of a plan.
public struct Cartouche: Sendable, Equatable {
    public var title: String
    public var quartier: String?
    public var commune: String?
    /// Date as printed (« 22/11/2025 »).
    public var date: String
    /// Data sources as their producers' names (« IGN BD TOPO », « DGFiP
    /// cadastre »), listed after « Sources : »; never file names.
    public var sources: [String]
    /// Extra lines (French), printed before the sources.
    public var notes: [String]
    public var fields: TitleBlockFields
    public init(title: String, quartier: String? = nil, commune: String? = nil, date: String,
                sources: [String], notes: [String] = [], fields: TitleBlockFields = TitleBlockFields()) {
        self.title = title; self.quartier = quartier; self.commune = commune; self.date = date
        self.sources = sources; self.notes = notes; self.fields = fields
    }

    /// Today as dd/MM/yyyy, printed as every date of a plan is (`Day.french`).
    ///
    /// From the calendar's components (the Gregorian calendar, the local
    /// time zone, as a `DateFormatter` « dd/MM/yyyy » gives): a formatter made
    /// per call was 2 % of the plans de situation, whose scale search builds
    /// default options (perf).
    public static func today() -> String {
        let d = Calendar(identifier: .gregorian).dateComponents(in: TimeZone.current, from: Date())
        return Day(year: d.year ?? 0, month: d.month ?? 0, day: d.day ?? 0)!.french
    }
}

/// One map frame of a plan: its layers (drawn in order) and, for the
/// avant/après variant, a caption.
public struct PlanPanel: @unchecked Sendable {
    /// Group id of the frame (`carte`, `carte-apres`).
    public var id: String
    public var caption: String?
    public var layers: [MapLayer]
    public init(id: String = "carte", caption: String? = nil, layers: [MapLayer]) {
        self.id = id; self.caption = caption; self.layers = layers
    }
}

/// The inset of a plan (carton de localisation): the ground it shows and
/// its layers (communes, main roads); the main frame is drawn in it.
public struct InsetRequest: @unchecked Sendable {
    public var extent: BoundingBox
    public var layers: [MapLayer]
    public init(extent: BoundingBox, layers: [MapLayer]) { self.extent = extent; self.layers = layers }
}

/// Everything a plan needs.
public struct PlanRequest: @unchecked Sendable {
    public var page: Page
    public var crs: CRS
    /// Ground the frames must show (working CRS).
    public var subject: BoundingBox
    /// 1:N; nil chooses the smallest standard scale that fits.
    public var scale: Int?
    /// Margin kept around the subject, as a fraction of the frame per side.
    public var margin: Double
    public var panels: [PlanPanel]
    public var cartouche: Cartouche
    public var inset: InsetRequest?
    /// The ground that must fit the frame at a forced scale (default: `subject`);
    /// a plan de situation's subject is the surroundings, only its quartier must fit.
    public var mustShow: BoundingBox?
    /// A table printed beside the legend (the avant / après transfers).
    public var table: PlanTable?
    /// Shapes cut and simplified by other plans (see `DrawMemo`).
    public var memo: DrawMemo?
    public init(page: Page, crs: CRS, subject: BoundingBox, scale: Int? = nil, margin: Double = 0.05,
                panels: [PlanPanel], cartouche: Cartouche, inset: InsetRequest? = nil,
                mustShow: BoundingBox? = nil, table: PlanTable? = nil, memo: DrawMemo? = nil) {
        self.page = page; self.crs = crs; self.subject = subject; self.scale = scale; self.margin = margin
        self.panels = panels; self.cartouche = cartouche; self.inset = inset
        self.mustShow = mustShow; self.table = table; self.memo = memo
    }
}

/// A legend entry as drawn.
public struct LegendEntry: Sendable, Equatable {
    public var layer: String
    public var classKey: String
    public var label: String
}

/// What the label engine did on a plan: labels placed by name (street
/// names included), features named by a number of the key table, features
/// left unnamed, street chains left without a name, key lines without room.
public struct LabelCounts: Sendable, Equatable {
    public var placed: Int
    public var numbered: Int
    public var dropped: Int
    public var streetNamesDropped: Int
    public var keyLeftOut: Int

    /// « 31 étiquettes placées, 4 résidences numérotées, … » (French, for the terminal).
    public var summary: String {
        var parts = ["\(placed) étiquette\(placed >= 2 ? "s" : "") placée\(placed >= 2 ? "s" : "")"]
        if numbered > 0 { parts.append("\(numbered) numérotée\(numbered >= 2 ? "s" : "") (légende des numéros)") }
        if dropped > 0 { parts.append("\(dropped) sans place") }
        if streetNamesDropped > 0 { parts.append("\(streetNamesDropped) tronçon\(streetNamesDropped >= 2 ? "s" : "") de rue sans nom") }
        if keyLeftOut > 0 { parts.append("\(keyLeftOut) numéro\(keyLeftOut >= 2 ? "s" : "") hors de la légende faute de place") }
        return parts.joined(separator: ", ")
    }

    /// The counts as `rapport.json` writes them.
    public var json: [String: Int] {
        ["placees": placed, "numerotees": numbered, "sans_place": dropped, "noms_de_rue_absents": streetNamesDropped,
         "numeros_hors_legende": keyLeftOut]
    }
}

/// The SVG of a plan and what it holds.
public struct RenderedPlan: Sendable {
    public var svg: String
    public var scale: Int
    public var frames: [MapFrame]
    public var stats: [FrameStats]
    public var legend: [LegendEntry]
    public var scaleBarMetres: Double
    public var scaleBarMillimetres: Double
    /// Meridian convergence at the frame centre, degrees.
    public var convergence: Double
    /// The inset's frame (nil without one).
    public var insetFrame: MapFrame? = nil
    /// Surfaces transferred from manager to manager (avant / après plans only).
    public var transfers: [SurfaceTransfer] = []
    /// Key lines of « Légende des numéros » the legend box had no room for.
    public var keyLeftOut: Int = 0
    /// The key table: every number drawn (once, whatever the panels).
    public var numberKey: [NumberKeyEntry] = []
    public var labelsDropped: Int { stats.reduce(0) { $0 + $1.labelsDropped } }
    public var labelsPlaced: Int { stats.reduce(0) { $0 + $1.labelsPlaced } }
    public var labelsNumbered: Int { stats.reduce(0) { $0 + $1.labelsNumbered } }
    public var streetNamesDropped: Int { stats.reduce(0) { $0 + $1.streetNamesDropped } }

    /// The label counts of the plan, as the terminal and `rapport.json` give them.
    public var labelCounts: LabelCounts {
        LabelCounts(placed: labelsPlaced, numbered: numberKey.count, dropped: labelsDropped,
                    streetNamesDropped: streetNamesDropped, keyLeftOut: keyLeftOut)
    }
}

public enum PlanRenderer {
    /// Renders a plan: frames, layers, labels, legend, north arrow, scale
    /// bar and cartouche, as one SVG document in millimetres.
    public static func render(_ req: PlanRequest) throws -> RenderedPlan {
        var layout = PageLayout.make(page: req.page, frameCount: req.panels.count)
        if req.inset != nil { layout = layout.withInset() }
        if req.table != nil { layout = layout.withTable() }
        guard req.subject.width.isFinite, req.subject.height.isFinite else {
            throw GUPError("Plan : emprise du sujet indéterminée")
        }
        if let s = req.scale, s <= 0 { throw GUPError("--echelle : le dénominateur doit être positif (reçu \(s))") }
        let scale = req.scale ?? layout.frames.map {
            StandardScale.choose(subject: req.subject, frame: $0, margin: req.margin)
        }.max()!
        if let s = req.scale { try Self.checkFit(req.mustShow ?? req.subject, scale: s, frames: layout.frames, page: req.page) }
        let frames = layout.frames.map { MapFrame(rect: $0, scale: scale, center: req.subject.center, crs: req.crs) }
        let patterns = PatternRegistry()

        var body = SVGBuffer(capacity: 1 << 20)
        var stats: [FrameStats] = []
        let numbers = NumberRegistry()
        var renderers: [FrameRenderer] = []
        var bodies: [SVGBuffer] = []
        for (k, panel) in req.panels.enumerated() {
            let fr = frames[k]
            let clipId = "cadre-" + panel.id
            let r = FrameRenderer(frame: fr, groupId: panel.id, clipId: clipId, patterns: patterns, numbers: numbers, memo: req.memo)
            var pb = SVGBuffer(capacity: 1 << 18)
            stats.append(try r.draw(panel.layers, into: &pb))
            renderers.append(r)
            bodies.append(pb)
        }
        var outcomes = renderers.map { $0.label(reserve: nil) }
        // The key table « Légende des numéros »: under the legend when it
        // has room; else in a panel inside the first frame, off the
        // subject, kept free by labelling again around it.
        var keyPanel: String?
        var keyInFrame = 0
        if !numbers.entries.isEmpty {
            var scratch = SVGBuffer(capacity: 1 << 14)
            var probe = stats
            for k in probe.indices { probe[k].numberKey = [] }
            let (_, left) = Furniture.legend(in: layout.legend, panels: req.panels, stats: probe, key: numbers.entries,
                                             patterns: PatternRegistry(), into: &scratch)
            let f0 = frames[0]
            let a = f0.toPage(Position(req.subject.minX, req.subject.maxY)), z = f0.toPage(Position(req.subject.maxX, req.subject.minY))
            let subjectBox = PageRect(x: a.x, y: a.y, width: z.x - a.x, height: z.y - a.y)
            // Room for a few more numbers than the first pass gave: labels
            // pushed aside by the panel may end up numbered.
            let count = numbers.entries.count + max(3, numbers.entries.count / 5)
            let textWidth = renderers.map { $0.widestKeyText(size: FrameRenderer.keyFont) }.max() ?? 0
            if left > 0, let spot = renderers[0].keyPanelSpot(count: count, textWidth: textWidth, keepClear: subjectBox) {
                numbers.reset()
                outcomes = renderers.enumerated().map { $1.label(reserve: $0 == 0 ? spot.rect : nil) }
                // The panel cut to the lines it holds, on its edge of the frame.
                let shown = Array(numbers.entries.prefix(spot.capacity))
                var fitted = spot.rect
                let need = FrameRenderer.keyPanelHeight(count: shown.count, width: fitted.width, textWidth: textWidth)
                if need < fitted.height {
                    if fitted.maxY >= frames[0].rect.maxY - 2 { fitted.y = fitted.maxY - need }
                    fitted.height = need
                }
                keyPanel = FrameRenderer.keyPanel(shown, in: fitted)
                if keyPanel != nil { keyInFrame = shown.count }
            }
        }
        for (k, panel) in req.panels.enumerated() {
            let fr = frames[k]
            renderers[k].finish(outcomes[k], into: &bodies[k], stats: &stats[k])
            body.append(bodies[k])
            if k == 0, let keyPanel { body.append(keyPanel) }
            body.append("<rect class=\"cadre\"")
            body.attribute("x", number: fr.rect.x); body.attribute("y", number: fr.rect.y)
            body.attribute("width", number: fr.rect.width); body.attribute("height", number: fr.rect.height)
            body.append(" fill=\"none\" stroke=\"#000000\" stroke-width=\"0.35\"/>\n")
            Graticule.ticks(fr, groupId: "graduations" + (panel.id == "carte" ? "" : "-" + panel.id), into: &body)
            if let cap = panel.caption {
                body.append("<text class=\"legende-cadre\"")
                body.attribute("x", number: fr.rect.x + fr.rect.width / 2)
                body.attribute("y", number: fr.rect.y - 2)
                body.append(" font-size=\"4.00\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#000000\">")
                body.append(SVG.escape(cap))
                body.append("</text>\n")
            }
        }

        var insetFrame: MapFrame?
        if let inset = req.inset, let rect = layout.inset {
            let fr = MapFrame(rect: rect, scale: Self.insetScale(inset.extent, rect), center: inset.extent.center, crs: req.crs)
            insetFrame = fr
            let r = FrameRenderer(frame: fr, groupId: "carton-localisation", clipId: "cadre-carton-localisation", patterns: patterns,
                                  memo: req.memo)
            // The main frame as drawn in the inset.
            let e = frames[0].extent
            let a = fr.toPage(Position(e.minX, e.maxY)), z = fr.toPage(Position(e.maxX, e.minY))
            var t = SVGBuffer(capacity: 256)
            t.append("<rect id=\"carton-cadre\"")
            t.attribute("x", number: a.x); t.attribute("y", number: a.y)
            t.attribute("width", number: max(z.x - a.x, 0.4)); t.attribute("height", number: max(z.y - a.y, 0.4))
            t.attribute("data-emprise", [e.minX, e.minY, e.maxX, e.maxY].map(SVG.number).joined(separator: " "))
            t.append(" fill=\"none\" stroke=\"#e31a1c\" stroke-width=\"0.6\"/>\n")
            r.trailer = t.string
            // Labels of the inset keep off the frame drawn in it.
            let ca = Position(a.x, a.y), cz = Position(max(z.x, a.x + 0.4), max(z.y, a.y + 0.4))
            r.obstacleLines = [[ca, Position(cz.x, ca.y), cz, Position(ca.x, cz.y), ca]]
            _ = try r.render(inset.layers, into: &body)
            body.append("<rect class=\"cadre-carton\"")
            body.attribute("x", number: rect.x); body.attribute("y", number: rect.y)
            body.attribute("width", number: rect.width); body.attribute("height", number: rect.height)
            body.append(" fill=\"none\" stroke=\"#000000\" stroke-width=\"0.25\"/>\n")
            Furniture.text("Localisation (1/\(SVG.frenchInteger(fr.scale)))", x: rect.x + 1, y: rect.maxY - 1.2, size: 2.2,
                           color: "#333333", cls: "titre-carton", into: &body)
        }

        // Furniture.
        let convergence = try Self.convergence(at: req.subject.center, crs: req.crs)
        Furniture.northArrow(in: layout.north, convergence: convergence, into: &body)
        let bar = Furniture.scaleBar(in: layout.scaleBar, frame: frames[0], into: &body)
        if let t = req.table, let rect = layout.table { PlanTableRenderer.draw(t, in: rect, into: &body) }
        // What the frame's panel does not hold continues in the legend.
        let legendKey = Array(numbers.entries.dropFirst(keyInFrame))
        let (legend, keyLeftOut) = Furniture.legend(in: layout.legend, panels: req.panels, stats: stats, key: legendKey,
                                                    patterns: patterns, into: &body)
        // No diagnostic text on the plan: the label counts go to the terminal and rapport.json.
        let cart = req.cartouche
        Furniture.cartouche(cart, in: layout.cartouche, scale: scale, page: req.page, crs: req.crs, into: &body)

        var doc = SVGBuffer(capacity: body.bytes.count + 4096)
        let p = req.page
        doc.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        doc.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"")
        doc.append(" width=\"\(PropertyValue.format(p.width))mm\" height=\"\(PropertyValue.format(p.height))mm\"")
        doc.append(" viewBox=\"0 0 \(PropertyValue.format(p.width)) \(PropertyValue.format(p.height))\"")
        doc.attribute("font-family", SVG.fontFamily)
        doc.append(">\n<title>")
        doc.append(SVG.escape([req.cartouche.title, req.cartouche.quartier].compactMap { $0 }.joined(separator: " — ")))
        doc.append("</title>\n<defs>\n")
        for (k, panel) in req.panels.enumerated() {
            let r = frames[k].rect
            doc.append("<clipPath id=\"cadre-\(panel.id)\"><rect")
            doc.attribute("x", number: r.x); doc.attribute("y", number: r.y)
            doc.attribute("width", number: r.width); doc.attribute("height", number: r.height)
            doc.append("/></clipPath>\n")
        }
        if let r = layout.inset, req.inset != nil {
            doc.append("<clipPath id=\"cadre-carton-localisation\"><rect")
            doc.attribute("x", number: r.x); doc.attribute("y", number: r.y)
            doc.attribute("width", number: r.width); doc.attribute("height", number: r.height)
            doc.append("/></clipPath>\n")
        }
        patterns.appendDefs(into: &doc)
        doc.append("</defs>\n<rect id=\"page\" x=\"0\" y=\"0\"")
        doc.append(" width=\"\(PropertyValue.format(p.width))\" height=\"\(PropertyValue.format(p.height))\" fill=\"#ffffff\"/>\n")
        doc.append(body)
        doc.append("</svg>\n")
        return RenderedPlan(svg: doc.string, scale: scale, frames: frames, stats: stats, legend: legend,
                            scaleBarMetres: bar.metres, scaleBarMillimetres: bar.millimetres, convergence: convergence,
                            insetFrame: insetFrame, keyLeftOut: keyLeftOut, numberKey: numbers.entries)
    }

    /// At a forced 1:`scale`, the ground `subject` must fit every frame;
    /// else a French error naming the scale, the paper size the subject
    /// needs and the largest standard scale that fits.
    static func checkFit(_ subject: BoundingBox, scale: Int, frames: [PageRect], page: Page) throws {
        let k = 1000.0 / Double(scale)
        let needW = subject.width * k, needH = subject.height * k
        guard let f = frames.first, needW > f.width + 0.01 || needH > f.height + 0.01 else { return }
        let fits = StandardScale.denominators.first { n in
            subject.width * 1000 / Double(n) <= f.width && subject.height * 1000 / Double(n) <= f.height
        }
        let mm = { (v: Double) in SVG.frenchInteger(Int(v.rounded(.up))) }
        var msg = "au 1/\(SVG.frenchInteger(scale)), le sujet (\(mm(subject.width)) × \(mm(subject.height)) m) demande un cadre de \(mm(needW)) × \(mm(needH)) mm, "
        msg += "or le cadre du format \(page.label) mesure \(mm(f.width - 0.5)) × \(mm(f.height - 0.5)) mm : "
        msg += fits.map { "choisissez une échelle du 1/\(SVG.frenchInteger($0)) ou plus petite (--echelle \($0)), ou un format plus grand" }
            ?? "choisissez un format plus grand"
        throw GUPError("--echelle \(scale) : " + msg)
    }

    /// The inset's scale: the extent fits its rectangle, rounded up to
    /// 1, 2, 2.5 or 5 × 10^k.
    static func insetScale(_ e: BoundingBox, _ r: PageRect) -> Int {
        let raw = max(e.width * 1000 / r.width, e.height * 1000 / r.height, 1000)
        var p = 1.0
        while p * 10 <= raw { p *= 10 }
        for m in [1.0, 2, 2.5, 5, 10] where m * p >= raw { return Int(m * p) }
        return Int(10 * p)
    }

    /// Meridian convergence (degrees) of the working CRS at a ground position.
    public static func convergence(at p: Position, crs: CRS) throws -> Double {
        let t = try CoordinateTransformer.shared(from: crs, to: .wgs84)
        let ll = try t.transform(p)
        return try WorkingCRS.meridianConvergence(of: crs, lon: ll.x, lat: ll.y)
    }

    /// Writes the plan atomically (temporary file in the same folder, then rename).
    public static func write(_ plan: RenderedPlan, to path: String) throws {
        try OutputFolder.writeFile(Data(plan.svg.utf8), to: path)
    }
}
