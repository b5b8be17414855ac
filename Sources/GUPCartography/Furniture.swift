import Foundation
import GUPModel

/// North arrow, scale bar, legend and cartouche, each in its own group and
/// inside the box the page layout gives it.
enum Furniture {
    static func text(_ s: String, x: Double, y: Double, size: Double, anchor: String = "start", bold: Bool = false,
                     color: String = "#000000", cls: String? = nil, into b: inout SVGBuffer) {
        b.append("<text")
        if let cls { b.attribute("class", cls) }
        b.attribute("x", number: x); b.attribute("y", number: y)
        b.attribute("font-size", number: size)
        if anchor != "start" { b.attribute("text-anchor", anchor) }
        if bold { b.append(" font-weight=\"bold\"") }
        b.attribute("fill", color)
        b.append(">")
        b.append(SVG.escape(s))
        b.append("</text>\n")
    }

    static func rect(_ r: PageRect, fill: String, stroke: String? = nil, width: Double = 0.2, cls: String? = nil,
                     into b: inout SVGBuffer) {
        b.append("<rect")
        if let cls { b.attribute("class", cls) }
        b.attribute("x", number: r.x); b.attribute("y", number: r.y)
        b.attribute("width", number: r.width); b.attribute("height", number: r.height)
        b.attribute("fill", fill)
        if let stroke { b.attribute("stroke", stroke); b.attribute("stroke-width", number: width) }
        b.append("/>\n")
    }

    /// Cuts a line to `maxWidth`, ending it with « … ».
    static func fit(_ s: String, size: Double, maxWidth: Double) -> String {
        if TextMetrics.width(s, size: size) <= maxWidth { return s }
        var t = s
        while !t.isEmpty, TextMetrics.width(t + "…", size: size) > maxWidth { t.removeLast() }
        return t + "…"
    }

    // MARK: north arrow

    /// Grid north is up; when the meridian convergence exceeds 0.5° the
    /// arrow points to geographic north (rotated by minus the convergence).
    static func northArrow(in box: PageRect, convergence: Double, into b: inout SVGBuffer) {
        let rotate = abs(convergence) > 0.5
        let angle = rotate ? -convergence : 0
        let caption = rotate
            ? "Nord géographique (convergence \(SVG.frenchDecimal(convergence, digits: 1))°)"
            : "Nord"
        let capSize = 2.2
        let h = min(box.height - 4 - capSize * 1.4, 16.0)
        let cx = box.x + box.width / 2
        let top = box.y + 1 + (box.height - 1 - h - capSize * 1.4 - 1) / 2
        let cy = top + h / 2
        b.append("<g id=\"nord\"")
        b.attribute("data-convergence", SVG.number(convergence))
        b.attribute("data-rotation", SVG.number(angle))
        b.append(">\n<g")
        b.attribute("transform", "rotate(\(SVG.number(angle)) \(SVG.number(cx)) \(SVG.number(cy)))")
        b.append(">\n")
        let w = h * 0.36
        let tipY = top + h * 0.28, baseY = top + h
        // Left half black, right half white: the classic half-filled arrow.
        b.append("<path d=\"M\(SVG.number(cx)) \(SVG.number(tipY))L\(SVG.number(cx - w / 2)) \(SVG.number(baseY))L\(SVG.number(cx)) \(SVG.number(baseY - h * 0.18))Z\" fill=\"#000000\"/>\n")
        b.append("<path d=\"M\(SVG.number(cx)) \(SVG.number(tipY))L\(SVG.number(cx + w / 2)) \(SVG.number(baseY))L\(SVG.number(cx)) \(SVG.number(baseY - h * 0.18))Z\" fill=\"#ffffff\" stroke=\"#000000\" stroke-width=\"0.25\" stroke-linejoin=\"round\"/>\n")
        text("N", x: cx, y: top + h * 0.24, size: h * 0.24, anchor: "middle", bold: true, into: &b)
        b.append("</g>\n")
        text(caption, x: cx, y: box.maxY - 1, size: capSize, anchor: "middle", color: "#333333", into: &b)
        b.append("</g>\n")
    }

    // MARK: scale bar

    /// The round length (1, 2 or 5 × 10^k m) closest to a fifth of the frame
    /// width that fits the box.
    static func scaleBarLength(frame: MapFrame, maxMillimetres: Double) -> Double {
        let target = frame.rect.width / 5 / frame.mmPerMetre
        var best = 1.0
        var bestErr = Double.infinity
        for e in -1...6 {
            for m in [1.0, 2.0, 5.0] {
                let L = m * pow(10, Double(e))
                guard L * frame.mmPerMetre <= maxMillimetres else { continue }
                let err = abs(log(L / target))
                if err < bestErr { bestErr = err; best = L }
            }
        }
        return best
    }

    static func lengthText(_ m: Double) -> String {
        if m >= 1000 { return SVG.frenchNumber(m / 1000) + " km" }
        return SVG.frenchNumber(m) + " m"
    }

    static func scaleBar(in box: PageRect, frame: MapFrame, into b: inout SVGBuffer) -> (metres: Double, millimetres: Double) {
        let L = scaleBarLength(frame: frame, maxMillimetres: box.width - 12)
        let mm = L * frame.mmPerMetre
        let lead = Int((L / pow(10, floor(log10(L)))).rounded())
        let segments = lead == 5 ? 5 : 4
        let x0 = box.x + (box.width - mm) / 2
        let size = 2.4
        let barY = box.y + box.height * 0.45
        let barH = 1.6
        b.append("<g id=\"echelle-graphique\"")
        b.attribute("data-longueur-m", PropertyValue.format(L))
        b.attribute("data-longueur-mm", SVG.number(mm))
        b.attribute("data-echelle", String(frame.scale))
        b.append(">\n")
        text("Échelle 1/\(SVG.frenchInteger(frame.scale))", x: box.x + box.width / 2, y: box.y + size + 0.5, size: size + 0.4,
             anchor: "middle", bold: true, cls: "echelle-numerique", into: &b)
        let seg = mm / Double(segments)
        for k in 0..<segments {
            rect(PageRect(x: x0 + Double(k) * seg, y: barY, width: seg, height: barH),
                 fill: k % 2 == 0 ? "#000000" : "#ffffff", stroke: "#000000", width: 0.2, cls: "segment", into: &b)
        }
        let ly = barY + barH + size + 0.6
        text("0", x: x0, y: ly, size: size, anchor: "middle", into: &b)
        text(lengthText(L / 2), x: x0 + mm / 2, y: ly, size: size, anchor: "middle", into: &b)
        text(lengthText(L), x: x0 + mm, y: ly, size: size, anchor: "middle", into: &b)
        b.append("</g>\n")
        return (L, mm)
    }

    // MARK: legend

    private enum Item {
        case heading(String)
        case entry(LegendEntry, swatch: Swatch)
        /// The second line of a long entry's label.
        case more(String)
        /// A line of the key table: the number drawn on the plan and the feature's name.
        case key(Int, String, String)
        case keyHeading(continued: Bool)
    }
    private enum Swatch {
        case area(Style)
        case line(Style)
        case point(Style)
        case color(String, Double)
    }

    /// Lists, for each layer (topmost first), the classes it drew.
    /// The key table « Légende des numéros » (`<g id="cle-numeros">`)
    /// follows the classes: the features named by a number on the plan.
    /// Returns the entries drawn and how many key lines found no room.
    static func legend(in box: PageRect, panels: [PlanPanel], stats: [FrameStats], key: [NumberKeyEntry], patterns: PatternRegistry,
                       into b: inout SVGBuffer) -> (entries: [LegendEntry], keyLeftOut: Int) {
        // Layers in drawing order across panels, merged by title.
        var order: [String] = []
        var byTitle: [String: (layer: MapLayer, drawn: Set<String>)] = [:]
        for (k, panel) in panels.enumerated() {
            for l in panel.layers where l.inLegend {
                let drawn = stats[k].classesDrawn[l.name] ?? []
                if var e = byTitle[l.title] {
                    e.drawn.formUnion(drawn); byTitle[l.title] = e
                } else {
                    order.append(l.title); byTitle[l.title] = (l, drawn)
                }
            }
        }
        var items: [Item] = []
        var entries: [LegendEntry] = []
        for title in order.reversed() {
            guard let (l, drawn) = byTitle[title], !drawn.isEmpty else { continue }
            let isPoint = l.features.first.map { f in
                if case .point? = f.geometry { return true }
                if case .multiPoint? = f.geometry { return true }
                return false
            } ?? false
            func swatch(_ s: Style) -> Swatch { isPoint ? .point(s) : (l.linear && s.fill == nil ? .line(s) : .area(s)) }
            if let r = l.raster {
                items.append(.heading(l.title))
                for k in r.colors.indices where drawn.contains(String(k)) {
                    let e = LegendEntry(layer: l.name, classKey: String(k), label: r.label(k))
                    entries.append(e); items.append(.entry(e, swatch: .color(r.colors[k], r.opacity)))
                }
            } else if l.classField != nil {
                items.append(.heading(l.title))
                for c in l.classes where drawn.contains(c.key) {
                    let e = LegendEntry(layer: l.name, classKey: c.key, label: c.label)
                    entries.append(e); items.append(.entry(e, swatch: swatch(c.style)))
                }
                if drawn.contains(otherClassKey) {
                    let e = LegendEntry(layer: l.name, classKey: otherClassKey, label: l.otherLabel)
                    entries.append(e); items.append(.entry(e, swatch: swatch(l.style)))
                }
            } else {
                let e = LegendEntry(layer: l.name, classKey: "", label: l.title)
                entries.append(e); items.append(.entry(e, swatch: swatch(l.style)))
            }
        }

        if !key.isEmpty {
            items.append(.keyHeading(continued: key[0].number > 1))
            for k in key { items.append(.key(k.number, k.text, k.object)) }
        }

        // Columns: as many as needed to fit the box height, text shrunk if
        // even that is not enough; a label too long for its column goes on
        // to a second line (then « … »), never cut short on the first.
        let titleSize = 3.2
        var row = 4.4
        let avail = box.height - titleSize - 2.5
        var cols = 1
        func rowsPerColumn(_ r: Double) -> Int { max(1, Int(avail / r)) }
        func expand(colW: Double, fs: Double) -> [Item] {
            var out: [Item] = []
            for it in items {
                switch it {
                case .entry(let e, let sw):
                    let lines = TextMetrics.wrap(e.label, size: fs, maxWidth: colW - 9)
                    out.append(.entry(e, swatch: sw))
                    if lines.count > 1 { out.append(.more(lines.dropFirst().joined(separator: " "))) }
                case .key(let n, let t, let o):
                    let lines = TextMetrics.wrap(t, size: fs, maxWidth: colW - 7)
                    out.append(.key(n, lines.first ?? t, o))
                    if lines.count > 1 { out.append(.more(lines.dropFirst().joined(separator: " "))) }
                default: out.append(it)
                }
            }
            return out
        }
        // A plan with an inset and a full fond de plan (roads by class, water,
        // buildings, places, communes) has more entries than one column of
        // the shortened box holds: two narrower columns then, rather than
        // entries left out; a long label wraps onto a second line there.
        // The search counts rows without building them: each label's
        // one-line width measured once, not wrapped again for every size
        // and column count tried (the wrapping was 2 % of a metro-scale
        // dossier's processor time, perf, for plans with many numbered
        // objects in the key).
        let oneLines: [(sum: Double, words: Int)?] = items.map {
            switch $0 {
            case .entry(let e, _): return TextMetrics.oneLine(e.label)
            case .key(_, let t, _): return TextMetrics.oneLine(t)
            default: return nil
            }
        }
        let isKey = items.map { if case .key = $0 { return true } else { return false } }
        func rowCount(colW: Double, fs: Double) -> Int {
            var n = items.count
            for (k, o) in oneLines.enumerated() {
                if let o, TextMetrics.wraps(o, size: fs, maxWidth: colW - (isKey[k] ? 7 : 9)) { n += 1 }
            }
            return n
        }
        while rowCount(colW: box.width / Double(cols), fs: row * 0.56) > rowsPerColumn(row) * cols {
            if box.width / Double(cols + 1) >= 42 { cols += 1 } else if row > 3.0 { row -= 0.2 }
            else if box.width / Double(cols + 1) >= 30 { cols += 1; row = 4.4 } else { break }
        }
        let laid = expand(colW: box.width / Double(cols), fs: row * 0.56)
        let perCol = rowsPerColumn(row)
        let colW = box.width / Double(cols)
        let fs = row * 0.56
        var keyLeftOut = 0
        for (k, it) in laid.enumerated() where k >= perCol * cols { if case .key = it { keyLeftOut += 1 } }
        b.append("<g id=\"legende\">\n")
        text("Légende", x: box.x, y: box.y + titleSize, size: titleSize, bold: true, into: &b)
        let y0 = box.y + titleSize + 2.5
        var inKey = false
        for (k, item) in laid.enumerated() where k < perCol * cols {
            let cx = box.x + Double(k / perCol) * colW
            let cy = y0 + Double(k % perCol) * row
            switch item {
            case .heading(let t):
                text(fit(t, size: fs, maxWidth: colW - 1), x: cx, y: cy + row * 0.72, size: fs, bold: true, cls: "titre-legende", into: &b)
            case .keyHeading(let continued):
                b.append(continued ? "<g id=\"cle-numeros-suite\">\n" : "<g id=\"cle-numeros\">\n")
                inKey = true
                text(continued ? "Légende des numéros (suite)" : "Légende des numéros", x: cx, y: cy + row * 0.72, size: fs, bold: true, cls: "titre-legende", into: &b)
            case .key(let n, let t, let o):
                b.append("<g class=\"cle-numero\"")
                b.attribute("data-numero", String(n))
                b.attribute("data-objet", o)
                b.append(">")
                text(String(n), x: cx + 4.5, y: cy + row * 0.7, size: fs, anchor: "end", bold: true, into: &b)
                text(t, x: cx + 6, y: cy + row * 0.7, size: fs, into: &b)
                b.append("</g>\n")
            case .more(let t):
                text(fit(t, size: fs, maxWidth: colW - 9), x: cx + 8, y: cy + row * 0.7, size: fs, cls: "suite", into: &b)
            case .entry(let e, let sw):
                b.append("<g class=\"entree-legende\"")
                b.attribute("data-couche", e.layer)
                b.attribute("data-classe", e.classKey)
                b.attribute("data-libelle", e.label)
                // The shape of its symbol: what the map draws for that class.
                switch sw {
                case .area: b.attribute("data-forme", "surface")
                case .line: b.attribute("data-forme", "ligne")
                case .point: b.attribute("data-forme", "point")
                case .color: b.attribute("data-forme", "surface")
                }
                b.append(">\n")
                let sr = PageRect(x: cx + 0.5, y: cy + row * 0.15, width: 6, height: row * 0.62)
                switch sw {
                case .area(let s):
                    b.append("<rect")
                    b.attribute("x", number: sr.x); b.attribute("y", number: sr.y)
                    b.attribute("width", number: sr.width); b.attribute("height", number: sr.height)
                    FrameRenderer.appendStyle(s, patterns: patterns, into: &b)
                    b.append("/>\n")
                case .line(let s):
                    let y = sr.y + sr.height / 2
                    if let c = s.casing {
                        b.append("<line"); b.attribute("x1", number: sr.x); b.attribute("y1", number: y)
                        b.attribute("x2", number: sr.maxX); b.attribute("y2", number: y)
                        b.attribute("stroke", c); b.attribute("stroke-width", number: s.strokeWidth + s.casingWidth); b.append("/>\n")
                    }
                    b.append("<line"); b.attribute("x1", number: sr.x); b.attribute("y1", number: y)
                    b.attribute("x2", number: sr.maxX); b.attribute("y2", number: y)
                    FrameRenderer.appendStyle(s, patterns: patterns, into: &b)
                    b.append("/>\n")
                case .point(let s):
                    b.append("<g")
                    FrameRenderer.appendStyle(s, patterns: patterns, into: &b)
                    b.append(">")
                    var sym = s.symbol
                    sym.size = max(sym.size, 1.6)
                    FrameRenderer.appendSymbol(sym, at: Position(sr.x + sr.width / 2, sr.y + sr.height / 2), into: &b)
                    b.append("/></g>\n")
                case .color(let c, let o):
                    b.append("<rect")
                    b.attribute("x", number: sr.x); b.attribute("y", number: sr.y)
                    b.attribute("width", number: sr.width); b.attribute("height", number: sr.height)
                    b.attribute("fill", c); b.attribute("fill-opacity", number: o)
                    b.append(" stroke=\"#999999\" stroke-width=\"0.1\"/>\n")
                }
                let first = TextMetrics.wrap(e.label, size: fs, maxWidth: colW - 9).first ?? e.label
                text(fit(first, size: fs, maxWidth: colW - 9), x: cx + 8, y: cy + row * 0.7, size: fs, into: &b)
                b.append("</g>\n")
            }
        }
        if inKey { b.append("</g>\n") }
        b.append("</g>\n")
        return (entries, keyLeftOut)
    }

    // MARK: cartouche

    static func crsName(_ crs: CRS) -> String {
        switch crs.epsg {
        case 2154: return "EPSG:2154 (RGF93 v1 / Lambert-93)"
        case 5490: return "EPSG:5490 (RGAF09 / UTM 20N)"
        case 2972: return "EPSG:2972 (RGFG95 / UTM 22N)"
        case 2975: return "EPSG:2975 (RGR92 / UTM 40S)"
        case 4471: return "EPSG:4471 (RGM04 / UTM 38S)"
        case let n? where (32601...32660).contains(n): return "EPSG:\(n) (WGS 84 / UTM \(n - 32600)N)"
        case let n? where (32701...32760).contains(n): return "EPSG:\(n) (WGS 84 / UTM \(n - 32700)S)"
        default: return crs.identifier
        }
    }

    static func cartouche(_ c: Cartouche, in box: PageRect, scale: Int, page: Page, crs: CRS, into b: inout SVGBuffer) {
        b.append("<g id=\"cartouche\"")
        // The signed fields, machine-readable.
        if let v = c.fields.client { b.attribute("data-maitre-ouvrage", v) }
        if let v = c.fields.author { b.attribute("data-auteur", v) }
        if let v = c.fields.number { b.attribute("data-numero-plan", v) }
        if let v = c.fields.revision { b.attribute("data-indice", v) }
        if let v = c.fields.dataDate { b.attribute("data-date-donnees", v) }
        b.append(">\n")
        rect(box, fill: "#ffffff", stroke: "#000000", width: 0.35, into: &b)
        let pad = 2.5
        let w = box.width - 2 * pad
        var y = box.y + pad
        let titleSize = 4.0
        for line in TextMetrics.wrap(c.title, size: titleSize, maxWidth: w).prefix(2) {
            y += titleSize
            text(fit(line, size: titleSize, maxWidth: w), x: box.x + pad, y: y, size: titleSize, bold: true, cls: "titre", into: &b)
            y += 0.8
        }
        y += 1.0
        // Smaller text when the signed fields are there, so the sources still fit.
        let signed = c.fields != TitleBlockFields()
        let fs = signed ? 2.3 : 2.5
        var lines: [(String, Double)] = []
        if let q = c.quartier { lines.append(("Quartier : \(q)", fs)) }
        if let m = c.commune { lines.append(("Commune : \(m)", fs)) }
        let f = c.fields
        if let v = f.client { lines.append(("Maître d'ouvrage : \(v)", fs)) }
        if let v = f.author { lines.append(("Auteur : \(v)", fs)) }
        if f.number != nil || f.revision != nil {
            lines.append(([f.number.map { "Plan n° \($0)" }, f.revision.map { "indice \($0)" }].compactMap { $0 }.joined(separator: " — "), fs))
        }
        lines.append(("Échelle : 1/\(SVG.frenchInteger(scale)) (format \(page.label))", fs))
        lines.append(("Système : \(crsName(crs))", fs))
        lines.append(("Date : \(c.date)" + (f.dataDate.map { " ; données du \($0)" } ?? ""), fs))
        for n in c.notes { lines.append((n, fs)) }
        let src = "Sources : " + (c.sources.isEmpty ? "non précisées" : c.sources.joined(separator: " ; "))
        var all: [(String, Double)] = []
        for (l, s) in lines { for w2 in TextMetrics.wrap(l, size: s, maxWidth: w) { all.append((w2, s)) } }
        let ss = 2.1
        let srcLines = TextMetrics.wrap(src, size: ss, maxWidth: w)
        for (l, s) in all {
            guard y + s * 1.25 <= box.maxY - pad else { break }
            y += s * 1.25
            text(fit(l, size: s, maxWidth: w), x: box.x + pad, y: y, size: s, into: &b)
        }
        y += 0.8
        var shown: [String] = []
        for l in srcLines {
            guard y + ss * 1.25 <= box.maxY - pad + 0.5 else {
                if let last = shown.popLast() { shown.append(fit(last + " …", size: ss, maxWidth: w)) }
                break
            }
            y += ss * 1.25
            shown.append(l)
        }
        var yy = y - Double(shown.count) * ss * 1.25
        for l in shown {
            yy += ss * 1.25
            text(fit(l, size: ss, maxWidth: w), x: box.x + pad, y: yy, size: ss, color: "#333333", cls: "sources", into: &b)
        }
        b.append("</g>\n")
    }
}
