import Foundation
import GUPModel
import GUPPDF

/// The flowing content of the PDF's A4 portrait pages, written by the same
/// functions as the HTML pages (`DocumentSink`).
struct PDFFlow: DocumentSink {
    enum Block {
        case heading(Int, String)
        case paragraph(String)
        case figures([(String, String)])
        case table(header: [String], rows: [[String]], numeric: Set<Int>, caption: String?)
        case notesBox
    }
    var blocks: [Block] = []

    mutating func heading(_ level: Int, _ text: String, id: String?) { blocks.append(.heading(level, text)) }
    mutating func paragraph(_ text: String, className: String?) { blocks.append(.paragraph(text)) }
    mutating func figures(_ items: [(String, String)]) { blocks.append(.figures(items)) }
    mutating func table(header: [String], rows: [[String]], numeric: Set<Int>, caption: String?) {
        blocks.append(.table(header: header, rows: rows, numeric: numeric, caption: caption))
    }
    mutating func notesBox() { blocks.append(.notesBox) }
}

/// One entry of the table of contents and its pages.
struct PDFSection {
    enum Content {
        case flow(PDFFlow)
        /// A plan drawn on a page of its own paper size, at 100 % (its stated scale kept).
        case plan(svg: Data, source: String)
        /// A chart (no scale to keep) on an A4 portrait page, within the margins.
        case figure(svg: Data, source: String)
    }
    var title: String
    /// 1: a quartier in the whole dossier; 2: a part.
    var level: Int
    var content: Content?
}

/// Lays out and writes a PDF document: a cover with the table of contents,
/// then each section; page numbers on every page.
enum DossierPDF {
    static let a4 = (width: 210.0, height: 297.0)
    static let margin = 18.0
    static var contentWidth: Double { a4.width - 2 * margin }
    static let bottom = a4.height - 16

    static let body = PDFWriter.TextStyle(size: 9.5)
    static let small = PDFWriter.TextStyle(size: 8, gray: 0.35)
    static let cell = PDFWriter.TextStyle(size: 8)
    static let cellBold = PDFWriter.TextStyle(size: 8, bold: true)
    static func headingStyle(_ level: Int) -> PDFWriter.TextStyle {
        PDFWriter.TextStyle(size: level <= 1 ? 16 : 12, bold: true, gray: level <= 1 ? 0 : 0.12)
    }

    /// A measured piece of a flowing page.
    struct Item {
        var height: Double
        var keepWithNext = false
        /// Drawn again at the top of a page the item continues on (a table's header row).
        var header: (() -> Item)?
        var draw: (PDFWriter, Double) -> Void
    }

    /// Writes the document to `path`; returns its number of pages.
    @discardableResult
    static func write(title: String, lines: [String], sections: [PDFSection], to path: String) throws -> Int {
        let w = try PDFWriter(path: path, width: a4.width, height: a4.height)
        w.setMetadata(title: title)
        // 1. Lay out every flowing section (measures only).
        var sectionPages: [[[(Double, Item)]]?] = []
        for s in sections {
            if case .flow(let f)? = s.content { sectionPages.append(paginate(items(f, w))) } else { sectionPages.append(nil) }
        }
        let counts = sections.indices.map { k -> Int in
            switch sections[k].content {
            case .flow?: return sectionPages[k]!.count
            case .plan?, .figure?: return 1
            case nil: return 0
            }
        }
        // 2. The cover and contents, with page numbers of the right width.
        func cover(_ starts: [Int]) -> [[(Double, Item)]] {
            var items: [Item] = []
            func add(_ text: String, _ style: PDFWriter.TextStyle, after: Double) {
                let h = w.measure(text, style: style, width: contentWidth)
                items.append(Item(height: h + after, draw: { w, y in w.text(text, style: style, x: margin, y: y, width: contentWidth) }))
            }
            add(title, PDFWriter.TextStyle(size: 20, bold: true), after: 3)
            for l in lines { add(l, body, after: 1) }
            items.append(Item(height: 6, draw: { _, _ in }))
            add("Sommaire", headingStyle(2), after: 2)
            for (k, s) in sections.enumerated() {
                let indent = s.level <= 1 ? 0.0 : 6.0
                let style = s.level <= 1 ? PDFWriter.TextStyle(size: 10, bold: true) : body
                let label = s.title, page = starts[k]
                let h = w.measure(label, style: style, width: contentWidth - indent - 20) + 1.2
                items.append(Item(height: h, draw: { w, y in
                    w.text(label, style: style, x: margin + indent, y: y, width: contentWidth - indent - 20)
                    var right = style; right.alignment = .right
                    w.text("\(page)", style: right, x: margin + contentWidth - 20, y: y, width: 20)
                }))
            }
            return paginate(items)
        }
        let coverPages = cover(Array(repeating: 999, count: sections.count)).count
        var starts: [Int] = []
        var next = coverPages + 1
        for c in counts { starts.append(next); next += c }
        let total = next - 1
        // 3. Draw.
        var page = 1
        func footer() {
            let (pw, ph) = w.pageSize
            var s = small
            if pw == a4.width && ph == a4.height {
                s.alignment = .center
                w.text("\(title) — page \(page) / \(total)", style: s, x: margin, y: ph - 11, width: pw - 2 * margin)
            } else {
                // Plan pages: in the bottom margin, outside the frame and the cartouche.
                s.size = 6.5; s.alignment = .right
                w.text("\(page) / \(total)", style: s, x: pw - 60, y: ph - 5.8, width: 52)
            }
        }
        func drawFlow(_ pages: [[(Double, Item)]]) {
            for p in pages {
                if page > 1 { w.newPage(width: a4.width, height: a4.height) }
                for (y, item) in p { item.draw(w, y) }
                footer()
                page += 1
            }
        }
        drawFlow(cover(starts))
        for (k, s) in sections.enumerated() {
            switch s.content {
            case .flow?: drawFlow(sectionPages[k]!)
            case .figure(let svg, let source)?:
                let size = try PDFWriter.svgSize(svg, source: source)
                let k = min(1, contentWidth / size.width, (bottom - 2 * margin) / size.height)
                if page > 1 { w.newPage(width: a4.width, height: a4.height) }
                try w.drawSVG(svg, source: source, x: margin + (contentWidth - k * size.width) / 2, y: margin,
                              width: k * size.width, height: k * size.height)
                footer()
                page += 1
            case .plan(let svg, let source)?:
                let size = try PDFWriter.svgSize(svg, source: source)
                w.newPage(width: size.width, height: size.height)
                try w.drawSVG(svg, source: source, x: 0, y: 0, width: size.width, height: size.height)
                footer()
                page += 1
            case nil: break
            }
        }
        try w.finish()
        return total
    }

    /// Items of a flow, measured with the writer's fonts.
    static func items(_ f: PDFFlow, _ w: PDFWriter) -> [Item] {
        var out: [Item] = []
        func text(_ t: String, _ style: PDFWriter.TextStyle, before: Double, after: Double, keep: Bool = false) {
            let h = w.measure(t, style: style, width: contentWidth)
            out.append(Item(height: before + h + after, keepWithNext: keep,
                            draw: { w, y in w.text(t, style: style, x: margin, y: y + before, width: contentWidth) }))
        }
        for b in f.blocks {
            switch b {
            case .heading(let level, let t):
                text(t, headingStyle(level), before: level <= 1 ? 0 : 4, after: 2, keep: true)
            case .paragraph(let t):
                text(t, body, before: 0, after: 2)
            case .figures(let pairs):
                let labelW = 80.0, valueW = contentWidth - labelW
                let label = PDFWriter.TextStyle(size: 9, gray: 0.3), value = PDFWriter.TextStyle(size: 9.5, bold: true)
                for (k, v) in pairs {
                    let h = max(w.measure(k, style: label, width: labelW - 2), w.measure(v, style: value, width: valueW)) + 1.4
                    out.append(Item(height: h, draw: { w, y in
                        w.line(x1: margin, y1: y + h - 0.3, x2: margin + contentWidth, y2: y + h - 0.3, lineWidth: 0.1, gray: 0.8)
                        w.text(k, style: label, x: margin, y: y + 0.5, width: labelW - 2)
                        w.text(v, style: value, x: margin + labelW, y: y + 0.3, width: valueW)
                    }))
                }
                out.append(Item(height: 3, draw: { _, _ in }))
            case .table(let header, let rows, let numeric, let caption):
                if let c = caption { text(c, PDFWriter.TextStyle(size: 9, bold: true), before: 2, after: 1.2, keep: true) }
                out += tableItems(header: header, rows: rows, numeric: numeric, w)
                out.append(Item(height: 3, draw: { _, _ in }))
            case .notesBox:
                out.append(Item(height: 38, draw: { w, y in
                    w.rectangle(x: margin, y: y, width: contentWidth, height: 35, lineWidth: 0.2, strokeGray: 0.5)
                }))
            }
        }
        return out
    }

    /// A table as one item per row, the header row repeated on each page it continues on.
    static func tableItems(header: [String], rows: [[String]], numeric: Set<Int>, _ w: PDFWriter) -> [Item] {
        let n = header.count
        guard n > 0 else { return [] }
        // Column widths from the longest text of each column (header words may wrap).
        // Long texts are capped (they wrap), so a list of residences does not squeeze a name column.
        var want = (0..<n).map { c -> Double in
            let longest = rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0
            let word = header[c].split(separator: " ").map(\.count).max() ?? 0
            return Double(max(min(longest, 45), word, 4))
        }
        let sum = want.reduce(0, +)
        want = want.map { max(16, contentWidth * $0 / sum) }
        let scale = contentWidth / want.reduce(0, +)
        let widths = want.map { $0 * scale }
        let pad = 1.2
        func row(_ cells: [String], bold: Bool) -> Item {
            var style = bold ? cellBold : cell
            let h = (0..<n).map { c in w.measure(c < cells.count ? cells[c] : "", style: style, width: widths[c] - 2 * pad) }.max()! + 2 * pad
            return Item(height: h, draw: { w, y in
                var x = margin
                if bold { w.rectangle(x: margin, y: y, width: contentWidth, height: h, strokeGray: nil, fillGray: 0.92) }
                for c in 0..<n {
                    style.alignment = numeric.contains(c) && !bold ? .right : .left
                    w.text(c < cells.count ? cells[c] : "", style: style, x: x + pad, y: y + pad, width: widths[c] - 2 * pad)
                    w.rectangle(x: x, y: y, width: widths[c], height: h, lineWidth: 0.12, strokeGray: 0.6)
                    x += widths[c]
                }
            })
        }
        let head = row(header, bold: true)
        var items = [Item(height: head.height, keepWithNext: true, draw: head.draw)]
        for r in rows {
            var item = row(r, bold: false)
            item.header = { head }
            items.append(item)
        }
        return items
    }

    /// Items placed on A4 pages: (top y in mm, item).
    static func paginate(_ items: [Item]) -> [[(Double, Item)]] {
        var pages: [[(Double, Item)]] = [[]]
        var y = margin
        for (k, item) in items.enumerated() {
            var need = item.height
            if item.keepWithNext, k + 1 < items.count { need += items[k + 1].height }
            if y + need > bottom, !pages[pages.count - 1].isEmpty {
                pages.append([])
                y = margin
                if let h = item.header?() {
                    pages[pages.count - 1].append((y, h))
                    y += h.height
                }
            }
            pages[pages.count - 1].append((y, item))
            y += item.height
        }
        return pages
    }
}
