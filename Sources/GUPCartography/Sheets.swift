import Foundation
import GUPModel
import GUPTopology

/// One sheet of a plan cut in several (`--planches`): the ground it shows,
/// its number and the count.
public struct SheetRef: Sendable, Equatable {
    public var extent: BoundingBox
    public var number: Int
    public var count: Int
    public init(extent: BoundingBox, number: Int, count: Int) { self.extent = extent; self.number = number; self.count = count }
}

/// A subject too large for one frame at a forced scale, cut in sheets.
public enum Sheets {
    /// Overlap of two neighbouring sheets, as a fraction of a sheet.
    static let overlap = 0.05

    /// The sheets covering `subject` at 1:`scale` on `page` (single-frame
    /// layout), row by row from the north-west, each the frame's ground
    /// (a hair smaller, so it passes the fit check), neighbours overlapping
    /// by 5 %, the whole grid centred on the subject. One sheet when it fits.
    public static func split(_ subject: BoundingBox, scale: Int, page: Page) -> [SheetRef] {
        let rect = PageLayout.make(page: page, frameCount: 1).frames[0]
        let w = rect.width * Double(scale) / 1000 * 0.999, h = rect.height * Double(scale) / 1000 * 0.999
        let sx = w * (1 - overlap), sy = h * (1 - overlap)
        let nx = subject.width <= w ? 1 : Int(((subject.width - w) / sx).rounded(.up)) + 1
        let ny = subject.height <= h ? 1 : Int(((subject.height - h) / sy).rounded(.up)) + 1
        let totalW = w + Double(nx - 1) * sx, totalH = h + Double(ny - 1) * sy
        let x0 = subject.center.x - totalW / 2, yTop = subject.center.y + totalH / 2
        var out: [SheetRef] = []
        for j in 0..<ny {
            for i in 0..<nx {
                let minX = x0 + Double(i) * sx, maxY = yTop - Double(j) * sy
                out.append(SheetRef(extent: BoundingBox(minX: minX, minY: maxY - h, maxX: minX + w, maxY: maxY),
                                    number: out.count + 1, count: nx * ny))
            }
        }
        return out
    }

    /// The assembly index (tableau d'assemblage): the quartier and the
    /// numbered outline of every sheet, at the scale where they all fit.
    public static func assemblyIndex(_ sheets: [SheetRef], perimeter sel: SelectedPerimeter, crs: CRS, sheetScale: Int,
                                     title: String, commune: String?, options: PlanOptions) throws -> RenderedPlan {
        var features: [Feature] = []
        var shapes: [GeometryHandle] = []
        for s in sheets {
            let e = s.extent
            let ring = [Position(e.minX, e.minY), Position(e.maxX, e.minY), Position(e.maxX, e.maxY), Position(e.minX, e.maxY), Position(e.minX, e.minY)]
            let f = Feature(index: features.count, geometry: .polygon(Polygon(exterior: ring)),
                            properties: ["numero": .string(String(s.number))])
            features.append(f)
            shapes.append(try GeometryHandle(rectangle: e))
        }
        var tiles = MapLayer(name: "planches", title: "Planches au 1/\(SVG.frenchInteger(sheetScale)) (numérotées)", features: features,
                             shapes: shapes, style: Style(stroke: "#08306b", strokeWidth: 0.5), dataKeys: ["numero"])
        tiles.labels = LabelSpec(size: 5, bold: true, color: "#08306b", priority: { _ in 1 },
                                 text: { f in f.value(forKey: "numero")?.text.map { [$0] } })
        let union = sheets.dropFirst().reduce(sheets[0].extent) { $0.union($1.extent) }
        var options = options
        options.scale = nil
        var fields = options.titleBlock
        if let n = fields.number { fields.number = n + "-0" }
        let cart = Cartouche(title: "\(title) — tableau d'assemblage (\(sheets.count) planches)", quartier: sel.name, commune: commune,
                             date: options.date, sources: options.sources, fields: fields)
        return try PlanRenderer.render(PlanRequest(page: options.page, crs: crs, subject: union, scale: nil,
                                                   panels: [PlanPanel(layers: [Plans.perimeterLayer(sel), tiles])], cartouche: cart))
    }
}
