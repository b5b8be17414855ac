import Foundation
import GUPModel

/// Paper sizes (ISO 216), millimetres, portrait.
public enum PaperFormat: String, CaseIterable, Sendable {
    case a4 = "A4", a3 = "A3"
    public var portraitSize: (width: Double, height: Double) {
        switch self {
        case .a4: return (210, 297)
        case .a3: return (297, 420)
        }
    }
}

public enum Orientation: String, CaseIterable, Sendable {
    case paysage, portrait
}

/// A rectangle on the page, millimetres, y downwards (SVG).
public struct PageRect: Equatable, Sendable {
    public var x, y, width, height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public func intersects(_ o: PageRect) -> Bool {
        x < o.maxX && o.x < maxX && y < o.maxY && o.y < maxY
    }
    public func contains(_ o: PageRect) -> Bool {
        o.x >= x && o.y >= y && o.maxX <= maxX && o.maxY <= maxY
    }
    public func inset(_ d: Double) -> PageRect { PageRect(x: x + d, y: y + d, width: width - 2 * d, height: height - 2 * d) }
}

/// A page: format and orientation, its size in millimetres.
public struct Page: Equatable, Sendable {
    public var format: PaperFormat
    public var orientation: Orientation
    public init(format: PaperFormat = .a4, orientation: Orientation = .paysage) {
        self.format = format
        self.orientation = orientation
    }
    public var width: Double { orientation == .paysage ? format.portraitSize.height : format.portraitSize.width }
    public var height: Double { orientation == .paysage ? format.portraitSize.width : format.portraitSize.height }
    /// « A4 paysage »
    public var label: String { "\(format.rawValue) \(orientation.rawValue)" }
}

/// Where things go on the page: one or two map frames, and the boxes of
/// the furniture (north arrow, scale bar, legend, cartouche), none of
/// which overlaps a frame.
public struct PageLayout: Equatable, Sendable {
    public var page: Page
    public var frames: [PageRect]
    public var north: PageRect
    public var scaleBar: PageRect
    public var legend: PageRect
    public var cartouche: PageRect
    /// Room above each frame for its caption (avant / après), 0 otherwise.
    public var captionHeight: Double
    /// The inset (carton de localisation), when asked for: taken from the
    /// legend's room (see `withInset`).
    public var inset: PageRect? = nil
    /// A table beside the legend (avant / après transfers), when asked for.
    public var table: PageRect? = nil

    /// The layout with room for a table: the lower part of the legend's
    /// column (landscape), or the right half of the legend's strip.
    public func withTable() -> PageLayout {
        var l = self
        let g = PageLayout.gap
        if legend.height > legend.width {
            let h = legend.height * 0.45
            l.table = PageRect(x: legend.x, y: legend.maxY - h, width: legend.width, height: h)
            l.legend = PageRect(x: legend.x, y: legend.y, width: legend.width, height: legend.height - h - g)
        } else {
            let w = legend.width * 0.55
            l.table = PageRect(x: legend.maxX - w, y: legend.y, width: w, height: legend.height)
            l.legend = PageRect(x: legend.x, y: legend.y, width: legend.width - w - g, height: legend.height)
        }
        return l
    }

    /// The layout with room for an inset: the top of the furniture column
    /// (landscape) or the right of the legend (bottom strip).
    public func withInset() -> PageLayout {
        var l = self
        let g = PageLayout.gap
        if legend.height > legend.width {
            let h = min(legend.width * 0.8, legend.height * 0.45)
            l.inset = PageRect(x: legend.x, y: legend.y, width: legend.width, height: h)
            l.legend = PageRect(x: legend.x, y: legend.y + h + g, width: legend.width, height: legend.height - h - g)
        } else {
            let w = min(legend.height * 1.25, legend.width * 0.45)
            l.inset = PageRect(x: legend.maxX - w, y: legend.y, width: w, height: legend.height)
            l.legend = PageRect(x: legend.x, y: legend.y, width: legend.width - w - g, height: legend.height)
        }
        return l
    }

    static let margin = 8.0
    static let gap = 5.0

    /// Layout for `frameCount` frames (1, or 2 side by side at the same scale).
    public static func make(page: Page, frameCount: Int = 1) -> PageLayout {
        let m = margin, g = gap
        let w = page.width, h = page.height
        let scale = page.format == .a3 ? 1.25 : 1.0
        if frameCount <= 1 && page.orientation == .paysage {
            // Frame on the left, furniture column on the right.
            let colW = 70.0 * scale
            let frame = PageRect(x: m, y: m, width: w - 2 * m - g - colW, height: h - 2 * m)
            let cx = frame.maxX + g
            let north = PageRect(x: cx, y: m, width: colW, height: 20 * scale)
            let cartH = 52.0 * scale
            let cart = PageRect(x: cx, y: h - m - cartH, width: colW, height: cartH)
            let barH = 16.0 * scale
            let bar = PageRect(x: cx, y: cart.y - g - barH, width: colW, height: barH)
            let legend = PageRect(x: cx, y: north.maxY + g, width: colW, height: bar.y - g - north.maxY - g)
            return PageLayout(page: page, frames: [frame], north: north, scaleBar: bar, legend: legend,
                              cartouche: cart, captionHeight: 0)
        }
        // Frames on top, a furniture strip at the bottom:
        // legend | north arrow over scale bar | cartouche.
        // Several frames: side by side in landscape, stacked in portrait
        // (two side-by-side panels of a portrait page are too thin to read).
        let stripH = (frameCount <= 1 ? 62.0 : 50.0) * scale
        let caption = frameCount > 1 ? 7.0 : 0.0
        let top = m + caption
        let framesH = h - 2 * m - g - stripH - caption
        var frames: [PageRect] = []
        let n = max(1, frameCount)
        if n > 1 && page.orientation == .portrait {
            let fh = (framesH - Double(n - 1) * (g + caption)) / Double(n)
            for k in 0..<n { frames.append(PageRect(x: m, y: top + Double(k) * (fh + g + caption), width: w - 2 * m, height: fh)) }
        } else {
            let fw = (w - 2 * m - Double(n - 1) * g) / Double(n)
            for k in 0..<n { frames.append(PageRect(x: m + Double(k) * (fw + g), y: top, width: fw, height: framesH)) }
        }
        let sy = h - m - stripH
        let inner = w - 2 * m - 2 * g
        let cartW = inner * 0.36, midW = inner * 0.24, legW = inner - cartW - midW
        let legend = PageRect(x: m, y: sy, width: legW, height: stripH)
        let mx = legend.maxX + g
        let north = PageRect(x: mx, y: sy, width: midW, height: stripH * 0.5)
        let bar = PageRect(x: mx, y: north.maxY + 2, width: midW, height: stripH * 0.5 - 2)
        let cart = PageRect(x: mx + midW + g, y: sy, width: cartW, height: stripH)
        return PageLayout(page: page, frames: frames, north: north, scaleBar: bar, legend: legend,
                          cartouche: cart, captionHeight: caption)
    }
}

/// The scales a plan may take, as the issue lists them.
public enum StandardScale {
    public static let denominators = [500, 1_000, 2_000, 2_500, 5_000, 10_000, 15_000, 20_000, 25_000, 50_000, 100_000]

    /// The smallest standard denominator at which `subject` (metres) fits
    /// every frame (mm) with `margin` (fraction of the frame kept free on
    /// each side). The largest when nothing fits.
    public static func choose(subject: BoundingBox, frame: PageRect, margin: Double = 0.05) -> Int {
        let usableW = frame.width * (1 - 2 * margin), usableH = frame.height * (1 - 2 * margin)
        for n in denominators {
            let k = 1000.0 / Double(n)  // mm per metre
            if subject.width * k <= usableW && subject.height * k <= usableH { return n }
        }
        return denominators.last!
    }
}

/// A map frame: a rectangle on the page showing the ground around `center`
/// at 1:`scale`, print-true: 1 m on the ground = 1000/scale mm on paper.
public struct MapFrame: Equatable, Sendable {
    public var rect: PageRect
    public var scale: Int
    public var center: Position
    public var crs: CRS

    public init(rect: PageRect, scale: Int, center: Position, crs: CRS) {
        self.rect = rect; self.scale = scale; self.center = center; self.crs = crs
    }

    /// Millimetres of paper per metre of ground.
    public var mmPerMetre: Double { 1000.0 / Double(scale) }

    /// The ground shown by the frame, in the working CRS.
    public var extent: BoundingBox {
        let hw = rect.width / 2 / mmPerMetre, hh = rect.height / 2 / mmPerMetre
        return BoundingBox(minX: center.x - hw, minY: center.y - hh, maxX: center.x + hw, maxY: center.y + hh)
    }

    /// Page position (mm) of a ground position.
    @inline(__always) public func toPage(_ p: Position) -> Position {
        Position(rect.x + rect.width / 2 + (p.x - center.x) * mmPerMetre,
                 rect.y + rect.height / 2 - (p.y - center.y) * mmPerMetre)
    }

    /// Ground position of a page position (mm).
    public func toGround(_ p: Position) -> Position {
        Position(center.x + (p.x - rect.x - rect.width / 2) / mmPerMetre,
                 center.y - (p.y - rect.y - rect.height / 2) / mmPerMetre)
    }

    /// A frame centred on `subject` at the chosen (or given) scale.
    public static func fitting(_ subject: BoundingBox, in rect: PageRect, crs: CRS, scale: Int? = nil) -> MapFrame {
        MapFrame(rect: rect, scale: scale ?? StandardScale.choose(subject: subject, frame: rect),
                 center: subject.center, crs: crs)
    }
}
