import Foundation
import GUPModel
import GUPAnalysis

/// One SVG chart file: its name and its text.
public struct ChartFile: Sendable {
    public var file: String
    public var title: String
    public var svg: String
}

/// Small helpers shared by the statistical charts (no JavaScript, mm units,
/// French numbers; every mark carries `data-` attributes with its values).
enum Chart {
    /// « Nice » axis ticks from 0 to at least `max`: steps of 1, 2 or 5 × 10^k,
    /// at most `count` + 1 ticks.
    static func ticks(max: Double, count: Int = 5) -> [Double] {
        guard max > 0, max.isFinite else { return [0, 1] }
        let raw = max / Double(count)
        let mag = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var out: [Double] = []
        var v = 0.0
        while v < max - 1e-9 * step { out.append(v); v = Double(out.count) * step }
        out.append(v)
        return out
    }

    /// French number: decimal comma, thin grouping, up to `places` decimals
    /// without trailing zeros (`1,5`, `12`, `1 250`).
    static func french(_ v: Double, places: Int = 2) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return SVG.frenchInteger(Int(v)) }
        var t = CSVWriter.fixed(v, places: places)
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        let parts = t.split(separator: ".", maxSplits: 1)
        let int = SVG.frenchInteger(Int(parts[0]) ?? 0)
        let sign = v < 0 && !int.hasPrefix("-") ? "-" : ""
        return sign + int + (parts.count > 1 ? "," + parts[1] : "")
    }

    /// Attribute value number: 2 decimals, `.` separator.
    static func n(_ v: Double) -> String { SVG.number(v) }

    /// Data value as written in `data-valeur`: plain, up to 4 decimals.
    static func data(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        var t = CSVWriter.fixed(v, places: 4)
        while t.hasSuffix("0") { t.removeLast() }
        return t
    }

    static func header(width: Double, height: Double, title: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))mm" height="\(n(height))mm" viewBox="0 0 \(n(width)) \(n(height))" font-family="\(SVG.fontFamily)">
        <title>\(SVG.escape(title))</title>
        <rect x="0" y="0" width="\(n(width))" height="\(n(height))" fill="#ffffff"/>

        """
    }

    static func text(_ s: String, x: Double, y: Double, size: Double, anchor: String = "start", bold: Bool = false,
                     color: String = "#000000", extra: String = "") -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor)\" fill=\"\(color)\"\(bold ? " font-weight=\"bold\"" : "")\(extra)>\(SVG.escape(s))</text>\n"
    }

    /// The source note wrapped to `width` (size 2.3).
    static func footer(_ text: String, width: Double) -> [String] {
        TextMetrics.wrap(text, size: 2.3, maxWidth: width)
    }

    /// The wrapped lines, the last one's baseline at `bottom`.
    static func footerText(_ lines: [String], x: Double, bottom: Double) -> String {
        lines.enumerated().map { k, l in
            text(l, x: x, y: bottom - 2.8 * Double(lines.count - 1 - k), size: 2.3, color: "#444444", extra: " class=\"source\"")
        }.joined()
    }

    /// The grade colours (ColorBrewer RdYlGn 3 classes, reversed): normal
    /// green, vigilance orange, alerte red.
    static func color(of grade: Grade) -> String {
        switch grade {
        case .normal: return "#91cf60"
        case .vigilance: return "#fc8d59"
        case .alert: return "#d73027"
        }
    }

    /// A file-name slug: lower case ASCII letters and digits, `-` between.
    static func slug(_ s: String) -> String { SVG.dataName(s) }
}

extension ColorAssignment {
    /// The incident category colours of the plans and the charts: dark
    /// colours (CIELAB lightness 20–41, so a dot is never a shade of the
    /// lighter parcel fills) kept apart like the managers' (`DistinctColors`),
    /// no red (kept for hotspots); a category has one colour in the plans
    /// and the charts. The plans add a shape per category (`incidentShape`).
    public static func incidentCategories(_ names: some Sequence<String>) -> ColorAssignment {
        let sorted = Array(Set(Set(names).map(trimmed)).filter { !$0.isEmpty }).sorted()
        // The same categories get the same colours: picked once per set (the
        // dossier's veille chart of every quartier picked them again, 1 % of
        // its quartier stage, perf).
        categoryColorsLock.lock()
        let known = categoryColors[sorted]
        categoryColorsLock.unlock()
        if let known { return known }
        let made = ColorAssignment(names: sorted, colors: DistinctColors.symbols.pick(sorted.map { _ in .any }, seeds: DistinctColors.darkSeeds,
                                                                                       avoid: DistinctColors.symbolReserved))
        categoryColorsLock.lock()
        categoryColors[sorted] = made
        categoryColorsLock.unlock()
        return made
    }

    private static let categoryColorsLock = NSLock()
    nonisolated(unsafe) private static var categoryColors: [[String]: ColorAssignment] = [:]

    /// The shape of the k-th incident category: circle, square, triangle,
    /// diamond in turn, so two categories differ by shape as well as colour.
    public static func incidentShape(_ k: Int) -> SymbolShape {
        [SymbolShape.circle, .square, .triangle, .diamond][k % 4]
    }
}
