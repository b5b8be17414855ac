import Foundation
import GUPModel
import GUPProjection
import GUPTopology

/// The title block of a plan.
public struct Cartouche: Sendable, Equatable {
    public var title: String
    public var quartier: String?
    public var commune: String?
    /// Date as printed (« 22/11/2025 »).
    public var date: String
    /// Data sources (file names, producers), listed after « Sources : ».
    public var sources: [String]
    /// Extra lines (French), printed before the sources.
    public var notes: [String]
    public init(title: String, quartier: String? = nil, commune: String? = nil, date: String,
                sources: [String], notes: [String] = []) {
        self.title = title; self.quartier = quartier; self.commune = commune; self.date = date
        self.sources = sources; self.notes = notes
    }

    /// Today as dd/MM/yyyy.
    public static func today() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "fr_FR")
        f.dateFormat = "dd/MM/yyyy"
        return f.string(from: Date())
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
    public init(page: Page, crs: CRS, subject: BoundingBox, scale: Int? = nil, margin: Double = 0.05,
                panels: [PlanPanel], cartouche: Cartouche) {
        self.page = page; self.crs = crs; self.subject = subject; self.scale = scale; self.margin = margin
        self.panels = panels; self.cartouche = cartouche
    }
}

/// A legend entry as drawn.
public struct LegendEntry: Sendable, Equatable {
    public var layer: String
    public var classKey: String
    public var label: String
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
    public var labelsDropped: Int { stats.reduce(0) { $0 + $1.labelsDropped } }
    public var labelsPlaced: Int { stats.reduce(0) { $0 + $1.labelsPlaced } }
}

public enum PlanRenderer {
    /// Renders a plan: frames, layers, labels, legend, north arrow, scale
    /// bar and cartouche, as one SVG document in millimetres.
    public static func render(_ req: PlanRequest) throws -> RenderedPlan {
        let layout = PageLayout.make(page: req.page, frameCount: req.panels.count)
        guard req.subject.width.isFinite, req.subject.height.isFinite else {
            throw GUPError("Plan : emprise du sujet indéterminée")
        }
        if let s = req.scale, s <= 0 { throw GUPError("--echelle : le dénominateur doit être positif (reçu \(s))") }
        let scale = req.scale ?? layout.frames.map {
            StandardScale.choose(subject: req.subject, frame: $0, margin: req.margin)
        }.max()!
        let frames = layout.frames.map { MapFrame(rect: $0, scale: scale, center: req.subject.center, crs: req.crs) }
        let patterns = PatternRegistry()

        var body = SVGBuffer(capacity: 1 << 20)
        var stats: [FrameStats] = []
        for (k, panel) in req.panels.enumerated() {
            let fr = frames[k]
            let clipId = "cadre-" + panel.id
            let r = FrameRenderer(frame: fr, groupId: panel.id, clipId: clipId, patterns: patterns)
            stats.append(try r.render(panel.layers, into: &body))
            body.append("<rect class=\"cadre\"")
            body.attribute("x", number: fr.rect.x); body.attribute("y", number: fr.rect.y)
            body.attribute("width", number: fr.rect.width); body.attribute("height", number: fr.rect.height)
            body.append(" fill=\"none\" stroke=\"#000000\" stroke-width=\"0.35\"/>\n")
            if let cap = panel.caption {
                body.append("<text class=\"legende-cadre\"")
                body.attribute("x", number: fr.rect.x + fr.rect.width / 2)
                body.attribute("y", number: fr.rect.y - 2)
                body.append(" font-size=\"4.00\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#000000\">")
                body.append(SVG.escape(cap))
                body.append("</text>\n")
            }
        }

        // Furniture.
        let convergence = try Self.convergence(at: req.subject.center, crs: req.crs)
        Furniture.northArrow(in: layout.north, convergence: convergence, into: &body)
        let bar = Furniture.scaleBar(in: layout.scaleBar, frame: frames[0], into: &body)
        let legend = Furniture.legend(in: layout.legend, panels: req.panels, stats: stats, patterns: patterns, into: &body)
        var cart = req.cartouche
        let dropped = stats.reduce(0) { $0 + $1.labelsDropped }
        if dropped > 0 { cart.notes.append("\(dropped) étiquette(s) non placée(s) faute de place") }
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
        patterns.appendDefs(into: &doc)
        doc.append("</defs>\n<rect id=\"page\" x=\"0\" y=\"0\"")
        doc.append(" width=\"\(PropertyValue.format(p.width))\" height=\"\(PropertyValue.format(p.height))\" fill=\"#ffffff\"/>\n")
        doc.append(body)
        doc.append("</svg>\n")
        return RenderedPlan(svg: doc.string, scale: scale, frames: frames, stats: stats, legend: legend,
                            scaleBarMetres: bar.metres, scaleBarMillimetres: bar.millimetres, convergence: convergence)
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
