import Foundation
import GUPCartography
import GUPModel

/// Minimal HTML building with escaping everywhere: pages open offline in any
/// browser (no script, no network, no CDN) and print cleanly.
public struct HTMLDocument {
    public var title: String
    private(set) var body = ""
    /// Page-specific CSS (the plans' named print pages).
    private(set) var head = ""
    private var printPages: [String] = []

    public init(title: String) { self.title = title }

    /// The same escaping as the plans' SVG (`& < > " '`, no control characters).
    public static func escape(_ s: String) -> String { SVG.escape(s) }

    public mutating func raw(_ html: String) { body += html }
    public mutating func heading(_ level: Int, _ text: String, id: String? = nil) {
        let idAttr = id.map { " id=\"\(Self.escape($0))\"" } ?? ""
        body += "<h\(level)\(idAttr)>\(Self.escape(text))</h\(level)>\n"
    }
    public mutating func paragraph(_ text: String, className: String? = nil) {
        let c = className.map { " class=\"\(Self.escape($0))\"" } ?? ""
        body += "<p\(c)>\(Self.escape(text))</p>\n"
    }
    public mutating func link(_ text: String, href: String) {
        body += "<a href=\"\(Self.escape(href))\">\(Self.escape(text))</a>"
    }
    /// Key figures as a definition list.
    public mutating func figures(_ items: [(String, String)]) {
        body += "<dl class=\"chiffres\">\n"
        for (k, v) in items { body += "<div><dt>\(Self.escape(k))</dt><dd>\(Self.escape(v))</dd></div>\n" }
        body += "</dl>\n"
    }
    /// A table; `numeric` columns are right-aligned.
    public mutating func table(header: [String], rows: [[String]], numeric: Set<Int> = [], caption: String? = nil) {
        body += "<table>\n"
        if let caption { body += "<caption>\(Self.escape(caption))</caption>\n" }
        body += "<thead><tr>" + header.map { "<th>\(Self.escape($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for r in rows {
            body += "<tr>" + r.enumerated().map { k, v in
                numeric.contains(k) ? "<td class=\"n\">\(Self.escape(v))</td>" : "<td>\(Self.escape(v))</td>"
            }.joined() + "</tr>\n"
        }
        body += "</tbody></table>\n"
    }
    /// A figure showing an SVG file of the dossier (relative path). With its
    /// paper size (mm), the plan prints alone on a page of that size at
    /// 100 % (a named `@page`), so a browser's print keeps its stated scale.
    public mutating func svgFigure(src: String, caption: String, paper: (width: Double, height: Double)? = nil) {
        var cls = ""
        if let p = paper {
            let name = Self.planPageName(p)
            if !printPages.contains(name) {
                printPages.append(name)
                let w = CSVWriter.fixed(p.width, places: 0), h = CSVWriter.fixed(p.height, places: 0)
                // Screen: the figure as wide as the column; print: the page's own size, no margin.
                head += "@page \(name){size:\(w)mm \(h)mm;margin:0}"
                // The figure no wider than its page (`overflow:hidden`): otherwise Chromium shrinks
                // every page to fit it (the frame then measured 203.3 mm instead of 206 mm). Any
                // wider element does the same: figures' images are sized border included
                // (a 1 px border past 100 % shrank the plans to 205.5 mm).
                head += "@media print{figure.\(name){page:\(name);break-before:page;break-after:page;margin:0;width:100%;overflow:hidden}"
                head += "figure.\(name) img{width:\(w)mm;height:\(h)mm;border:0;display:block}figure.\(name) figcaption{display:none}}"
            }
            cls = " class=\"plan \(name)\""
        }
        body += "<figure\(cls)><img src=\"\(Self.escape(src))\" alt=\"\(Self.escape(caption))\"><figcaption>\(Self.escape(caption))</figcaption></figure>\n"
    }

    /// `plan-297x210`: the named page of a plan's paper size.
    static func planPageName(_ p: (width: Double, height: Double)) -> String {
        "plan-\(Int(p.width.rounded()))x\(Int(p.height.rounded()))"
    }

    public func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="fr">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.escape(title))</title>
        <style>\(Self.css)\(head)</style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    static let css = """
    body{font-family:"DejaVu Sans",Arial,sans-serif;color:#222;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.4}
    h1{font-size:1.6em;border-bottom:2px solid #2b5c8a;padding-bottom:.2em}h2{font-size:1.25em;color:#2b5c8a;margin-top:1.6em}
    table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.9em}th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left}
    th{background:#eef2f6}td.n{text-align:right;font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:bold;padding:.3em 0}
    dl.chiffres{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:.5em}dl.chiffres div{border:1px solid #ccd;padding:.4em .6em;border-radius:4px}
    dt{font-size:.8em;color:#555}dd{margin:0;font-size:1.15em;font-weight:bold}
    figure{margin:1em 0}figure img{width:100%;box-sizing:border-box;border:1px solid #ccc}figcaption{font-size:.85em;color:#555}
    nav a{margin-right:1em}.note{min-height:5em;border:1px dashed #999;margin:.3em 0 1em}.arret{page-break-inside:avoid}
    @page{size:A4 portrait;margin:12mm}
    @media print{body{max-width:none;margin:0;padding:0}nav{display:none}h2{page-break-after:avoid}figure,table{page-break-inside:avoid}.page{page-break-before:always}}
    """
}
