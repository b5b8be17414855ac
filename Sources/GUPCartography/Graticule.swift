import Foundation
import GUPModel

/// Coordinate ticks of the working CRS (Lambert-93 in metropolitan France)
/// around a map frame, so a point read on paper can be found in a GIS.
enum Graticule {
    /// Tick spacings (m): the smallest giving at most 6 intervals across the frame.
    static let spacings: [Double] = [10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 2_500, 5_000, 10_000, 20_000, 25_000, 50_000, 100_000]

    static func spacing(for frame: MapFrame) -> Double {
        let e = frame.extent
        let span = max(e.width, e.height)
        return spacings.first { span / $0 <= 6 } ?? spacings.last!
    }

    /// Ticks 1.5 mm long outside the four sides of the frame, at round
    /// coordinates; eastings labelled under the frame, northings to its
    /// left (read upwards), in metres with French digit grouping.
    static func ticks(_ frame: MapFrame, groupId: String, into b: inout SVGBuffer) {
        let e = frame.extent, r = frame.rect
        let step = spacing(for: frame)
        let len = 1.5, fs = 1.8
        b.append("<g id=\"\(groupId)\" class=\"graduations\"")
        b.attribute("data-crs", frame.crs.identifier)
        b.attribute("data-pas-m", PropertyValue.format(step))
        b.append(" stroke=\"#000000\" stroke-width=\"0.2\">\n")
        func line(_ axis: String, _ v: Double, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
            b.append("<line class=\"graduation\"")
            b.attribute("data-axe", axis)
            b.attribute("data-valeur", PropertyValue.format(v))
            b.attribute("x1", number: x1); b.attribute("y1", number: y1)
            b.attribute("x2", number: x2); b.attribute("y2", number: y2)
            b.append("/>\n")
        }
        func label(_ v: Double, x: Double, y: Double, rotate: Bool) {
            b.append("<text class=\"graduation-texte\" stroke=\"none\"")
            b.attribute("x", number: x); b.attribute("y", number: y)
            b.attribute("font-size", number: fs)
            b.attribute("text-anchor", "middle")
            if rotate { b.attribute("transform", "rotate(-90 \(SVG.number(x)) \(SVG.number(y)))") }
            b.append(" fill=\"#000000\">")
            b.append(SVG.frenchInteger(Int(v)))
            b.append("</text>\n")
        }
        var x = (e.minX / step).rounded(.up) * step
        while x <= e.maxX {
            let px = frame.toPage(Position(x, e.minY)).x
            line("x", x, px, r.y, px, r.y - len)
            line("x", x, px, r.maxY, px, r.maxY + len)
            let half = TextMetrics.width(SVG.frenchInteger(Int(x)), size: fs) / 2
            if px - half >= r.x && px + half <= r.maxX { label(x, x: px, y: r.maxY + len + fs, rotate: false) }
            x += step
        }
        var y = (e.minY / step).rounded(.up) * step
        while y <= e.maxY {
            let py = frame.toPage(Position(e.minX, y)).y
            line("y", y, r.x, py, r.x - len, py)
            line("y", y, r.maxX, py, r.maxX + len, py)
            let half = TextMetrics.width(SVG.frenchInteger(Int(y)), size: fs) / 2
            if py - half >= r.y && py + half <= r.maxY { label(y, x: r.x - len - 0.6, y: py, rotate: true) }
            y += step
        }
        b.append("</g>\n")
    }
}
