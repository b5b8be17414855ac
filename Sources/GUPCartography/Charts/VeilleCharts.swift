import Foundation
import GUPModel
import GUPAnalysis

/// The veille's SVG charts: monthly small multiples per quartier, quartiers
/// compared on one indicator with the dossier's average, the two periods
/// as a slope chart. Sizes in millimetres (printable at 100 %); every mark
/// (bar, point) carries `data-zone`, `data-categorie`, `data-periode`,
/// `data-valeur`; every axis graduation carries `data-valeur` at the
/// position of that value.
public enum VeilleCharts {
    static let monthNames = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]

    /// `2025-03` → « mars 25 »; `2025-W09` → « S09 25 ».
    static func shortLabel(_ period: String) -> String {
        let parts = period.split(separator: "-")
        guard parts.count == 2 else { return period }
        let yy = String(parts[0].suffix(2))
        if parts[1].hasPrefix("W") { return "S\(parts[1].dropFirst()) \(yy)" }
        guard let m = Int(parts[1]), m >= 1, m <= 12 else { return period }
        return "\(monthNames[m - 1]) \(yy)"
    }

    /// Every chart of a veille, with the file names `gup veille` writes.
    public static func all(series s: VeilleSeries, grades: VeilleGrades?, evolution: VeilleEvolution?, source: String) -> [ChartFile] {
        var out: [ChartFile] = []
        var used: Set<String> = []
        for z in s.zones.indices {
            var name = "serie_" + Chart.slug(s.zones[z])
            var k = 2
            while used.contains(name) { name = "serie_\(Chart.slug(s.zones[z]))_\(k)"; k += 1 }
            used.insert(name)
            out.append(ChartFile(file: name + ".svg", title: "Signalements par \(s.calendar.step == .month ? "mois" : "semaine") — \(s.zones[z])",
                                 svg: smallMultiples(s, zone: z, grades: grades, source: source)))
        }
        out.append(ChartFile(file: "comparaison_par_ha.svg", title: "Comparaison des quartiers (signalements par ha et par mois)",
                             svg: comparison(s, indicator: .perHectare, grades: grades, source: source)))
        if s.dwellings != nil {
            out.append(ChartFile(file: "comparaison_pour_100_logements.svg", title: "Comparaison des quartiers (signalements pour 100 logements et par mois)",
                                 svg: comparison(s, indicator: .per100Dwellings, grades: grades, source: source)))
        }
        if let evolution {
            out.append(ChartFile(file: "evolution.svg", title: "Signalements des deux périodes", svg: periods(s, evolution, source: source)))
        }
        return out
    }

    /// Small multiples: one panel per category (and « toutes », last) of a
    /// zone, one bar per period, one y scale for every panel of the zone.
    public static func smallMultiples(_ s: VeilleSeries, zone z: Int, grades: VeilleGrades? = nil, source: String) -> String {
        let names = s.categories + [ZoneIncidents.allCategories]
        let colors = ColorAssignment.incidentCategories(s.categories)
        let np = s.calendar.count
        let perCols = 3
        let panelW = 60.0, panelH = 40.0
        let rowsN = (names.count + perCols - 1) / perCols
        let top = 16.0, left = 6.0
        let width = left + Double(perCols) * panelW + 4
        let footer = Chart.footer("Source : \(source) ; calcul GUPKit (veille). Un signalement compte dans le mois de sa date de signalement.",
                                  width: width - 2 * left)
        let height = top + Double(rowsN) * panelH + 8 + 2.8 * Double(footer.count)
        var maxV = 1
        for c in names.indices { for p in 0..<np { maxV = max(maxV, s.count(zone: z, category: c, period: p)) } }
        let ticks = Chart.ticks(max: Double(maxV), count: 4)
        let unit = s.calendar.step == .month ? "mois" : "semaine"
        let title = "\(s.zones[z]) — signalements par \(unit) et par catégorie"
        var o = Chart.header(width: width, height: height, title: title)
        o += Chart.text(title, x: left, y: 7, size: 4, bold: true)
        o += Chart.text("Nombre de signalements par \(unit), \(s.calendar.labels.first ?? "") à \(s.calendar.labels.last ?? "") ; même échelle pour toutes les catégories", x: left, y: 12, size: 2.6, color: "#444444")
        for (c, name) in names.enumerated() {
            let px = left + Double(c % perCols) * panelW, py = top + Double(c / perCols) * panelH
            let plotX = px + 10, plotW = panelW - 14, plotY = py + 6, plotH = panelH - 16
            let scale = plotH / ticks.last!
            let color = c < s.categories.count ? (colors.color(of: name) ?? "#666666") : "#444444"
            let label = c < s.categories.count ? IncidentCategories.label(name) : "Toutes catégories"
            o += "<g class=\"panneau\" data-zone=\"\(SVG.escape(s.zones[z]))\" data-categorie=\"\(SVG.escape(name))\">\n"
            var head = label
            if let g = grades?.situation(zone: s.zones[z], category: name) { head += " — \(g.grade.label)" }
            o += Chart.text(head, x: plotX, y: py + 3.5, size: 2.8, bold: true, color: "#222222")
            if let g = grades?.situation(zone: s.zones[z], category: name) {
                o += "<rect class=\"niveau\" data-niveau=\"\(g.grade.label)\" x=\"\(Chart.n(plotX - 4))\" y=\"\(Chart.n(py + 1.2))\" width=\"2.6\" height=\"2.6\" fill=\"\(Chart.color(of: g.grade))\"/>\n"
            }
            for t in ticks {
                let y = plotY + plotH - t * scale
                o += "<line class=\"graduation\" data-valeur=\"\(Chart.data(t))\" x1=\"\(Chart.n(plotX))\" y1=\"\(Chart.n(y))\" x2=\"\(Chart.n(plotX + plotW))\" y2=\"\(Chart.n(y))\" stroke=\"#dddddd\" stroke-width=\"0.2\"/>\n"
                o += Chart.text(Chart.french(t), x: plotX - 1, y: y + 0.8, size: 2.2, anchor: "end", color: "#444444",
                                extra: " class=\"graduation\" data-valeur=\"\(Chart.data(t))\"")
            }
            let slot = plotW / Double(max(1, np))
            let every = max(1, Int((Double(np) / 4).rounded(.up)))
            for p in 0..<np {
                let v = s.count(zone: z, category: c, period: p)
                let h = Double(v) * scale
                let x = plotX + Double(p) * slot + slot * 0.1
                o += "<rect class=\"barre\" data-zone=\"\(SVG.escape(s.zones[z]))\" data-categorie=\"\(SVG.escape(name))\" data-periode=\"\(s.calendar.labels[p])\" data-valeur=\"\(v)\" x=\"\(Chart.n(x))\" y=\"\(Chart.n(plotY + plotH - h))\" width=\"\(Chart.n(slot * 0.8))\" height=\"\(Chart.n(h))\" fill=\"\(color)\"/>\n"
                if p % every == 0 {
                    o += Chart.text(shortLabel(s.calendar.labels[p]), x: plotX + (Double(p) + 0.5) * slot, y: plotY + plotH + 3, size: 2.1,
                                    anchor: "middle", color: "#444444", extra: " class=\"etiquette-periode\"")
                }
            }
            o += "<line x1=\"\(Chart.n(plotX))\" y1=\"\(Chart.n(plotY + plotH))\" x2=\"\(Chart.n(plotX + plotW))\" y2=\"\(Chart.n(plotY + plotH))\" stroke=\"#000000\" stroke-width=\"0.25\"/>\n"
            o += "</g>\n"
        }
        o += Chart.footerText(footer, x: left, bottom: height - 4)
        o += "</svg>\n"
        return o
    }

    public enum ComparedIndicator: Sendable {
        case perHectare, per100Dwellings
    }

    /// The mean monthly value of a zone over the span (« toutes »); nil
    /// without area or dwellings.
    static func monthly(_ s: VeilleSeries, zone z: Int, _ indicator: ComparedIndicator) -> (Double, Double)? {
        var total = 0
        for p in 0..<s.calendar.count { total += s.count(zone: z, category: s.categories.count, period: p) }
        let months = s.calendar.step == .month ? Double(s.calendar.count) : Double(s.calendar.count) * 7 / 30.4375
        let base: Double
        switch indicator {
        case .perHectare: base = s.hectares[z]
        case .per100Dwellings: base = (s.dwellings?[z] ?? 0) / 100
        }
        guard base > 0, months > 0 else { return nil }
        return (Double(total) / months / base, base)
    }

    /// Quartiers compared on one indicator (mean per month over the span,
    /// all categories), highest first, bars coloured by the quartier's
    /// grade, with the dossier's average (all zones' reports over all
    /// zones' hectares or dwellings) as a dashed line.
    public static func comparison(_ s: VeilleSeries, indicator: ComparedIndicator, grades: VeilleGrades? = nil, source: String) -> String {
        var rows: [(zone: String, value: Double, grade: Grade?)] = []
        var sum = 0.0, baseSum = 0.0
        for z in s.zones.indices {
            guard let (v, base) = monthly(s, zone: z, indicator) else { continue }
            rows.append((s.zones[z], v, grades?.situation(zone: s.zones[z], category: ZoneIncidents.allCategories)?.grade))
            sum += v * base; baseSum += base
        }
        rows.sort { $0.value != $1.value ? $0.value > $1.value : $0.zone < $1.zone }
        let average = baseSum > 0 ? sum / baseSum : 0
        let unit = indicator == .perHectare ? "signalements par hectare et par mois" : "signalements pour 100 logements et par mois"
        let labelW = min(70, max(25, (rows.map { TextMetrics.width($0.zone, size: 2.6) }.max() ?? 20) + 3))
        let barH = 5.0, top = 22.0, plotW = 110.0
        let width = labelW + plotW + 20
        let footer = Chart.footer("Source : \(source) ; calcul GUPKit (veille).", width: width - 8)
        let height = top + Double(max(1, rows.count)) * barH + 19 + 2.8 * Double(footer.count)
        let maxV = max(rows.map(\.value).max() ?? 0, average)
        let ticks = Chart.ticks(max: maxV > 0 ? maxV : 1, count: 5)
        let scale = plotW / ticks.last!
        let x0 = labelW
        let title = "Quartiers comparés : \(unit)"
        var o = Chart.header(width: width, height: height, title: title)
        o += Chart.text(title, x: 4, y: 7, size: 4, bold: true)
        o += Chart.text("Moyenne mensuelle de \(s.calendar.labels.first ?? "") à \(s.calendar.labels.last ?? ""), toutes catégories ; couleur : niveau du quartier", x: 4, y: 12, size: 2.6, color: "#444444")
        var lx = 4.0
        for g in Grade.allCases {
            o += "<rect x=\"\(Chart.n(lx))\" y=\"14.5\" width=\"3\" height=\"3\" fill=\"\(Chart.color(of: g))\"/>\n"
            o += Chart.text(g.label, x: lx + 4, y: 17, size: 2.5)
            lx += 22.0
        }
        let plotBottom = top + Double(rows.count) * barH
        for t in ticks {
            let x = x0 + t * scale
            o += "<line class=\"graduation\" data-valeur=\"\(Chart.data(t))\" x1=\"\(Chart.n(x))\" y1=\"\(Chart.n(top - 1))\" x2=\"\(Chart.n(x))\" y2=\"\(Chart.n(plotBottom))\" stroke=\"#dddddd\" stroke-width=\"0.2\"/>\n"
            o += Chart.text(Chart.french(t), x: x, y: plotBottom + 3.5, size: 2.3, anchor: "middle", color: "#444444",
                            extra: " class=\"graduation\" data-valeur=\"\(Chart.data(t))\"")
        }
        for (k, r) in rows.enumerated() {
            let y = top + Double(k) * barH
            o += Chart.text(r.zone, x: x0 - 1.5, y: y + barH * 0.65, size: 2.6, anchor: "end")
            let w = r.value * scale
            o += "<rect class=\"barre\" data-zone=\"\(SVG.escape(r.zone))\" data-categorie=\"\(ZoneIncidents.allCategories)\" data-valeur=\"\(Chart.data(r.value))\"\(r.grade.map { " data-niveau=\"\($0.label)\"" } ?? "") x=\"\(Chart.n(x0))\" y=\"\(Chart.n(y + 0.6))\" width=\"\(Chart.n(w))\" height=\"\(Chart.n(barH - 1.2))\" fill=\"\(r.grade.map(Chart.color) ?? "#888888")\"/>\n"
            o += Chart.text(Chart.french(r.value), x: x0 + w + 1, y: y + barH * 0.65, size: 2.3, color: "#222222")
        }
        let ax = x0 + average * scale
        o += "<line class=\"moyenne\" data-valeur=\"\(Chart.data(average))\" x1=\"\(Chart.n(ax))\" y1=\"\(Chart.n(top - 2))\" x2=\"\(Chart.n(ax))\" y2=\"\(Chart.n(plotBottom + 1))\" stroke=\"#000000\" stroke-width=\"0.4\" stroke-dasharray=\"1.5 1\"/>\n"
        o += Chart.text("moyenne du dossier : \(Chart.french(average))", x: ax + 1, y: top - 2.5, size: 2.4, bold: true)
        o += Chart.text(unit, x: x0 + plotW / 2, y: plotBottom + 8, size: 2.6, anchor: "middle")
        o += Chart.footerText(footer, x: 4, bottom: height - 4)
        o += "</svg>\n"
        return o
    }

    /// The two periods of the evolution, all categories: one line per
    /// quartier from its count in period 1 to its count in period 2.
    public static func periods(_ s: VeilleSeries, _ e: VeilleEvolution, source: String) -> String {
        let nc = s.categories.count, cols = nc + 1
        let rows = s.zones.indices.map { z in (s.zones[z], e.counts1[z * cols + nc], e.counts2[z * cols + nc], e.variationPct(z * cols + nc)) }
        let top = 24.0, plotH = 90.0, x1 = 40.0, x2 = 110.0
        let labelW = min(80, (rows.map { TextMetrics.width("\($0.0) (+100 %)", size: 2.5) }.max() ?? 20) + 4)
        let width = max(150, x2 + labelW + 6)
        let footer = Chart.footer("Source : \(source) ; calcul GUPKit (veille). Dates incluses ; un signalement sans date lisible n'est dans aucune période.",
                                  width: width - 8)
        let height = max(top + plotH + 18, top + Double(rows.count) * 3 + 18) + 2.8 * Double(footer.count)
        let maxV = max(1, rows.map { max($0.1, $0.2) }.max() ?? 1)
        let ticks = Chart.ticks(max: Double(maxV), count: 5)
        let scale = plotH / ticks.last!
        func y(_ v: Int) -> Double { top + plotH - Double(v) * scale }
        let title = "Signalements des deux périodes, par quartier"
        var o = Chart.header(width: width, height: height, title: title)
        o += Chart.text(title, x: 4, y: 7, size: 4, bold: true)
        o += Chart.text("Nombre de signalements, toutes catégories ; rouge : hausse, bleu : baisse ou stable", x: 4, y: 12, size: 2.6, color: "#444444")
        for t in ticks {
            let yy = top + plotH - t * scale
            o += "<line class=\"graduation\" data-valeur=\"\(Chart.data(t))\" x1=\"\(Chart.n(x1 - 3))\" y1=\"\(Chart.n(yy))\" x2=\"\(Chart.n(x2 + 3))\" y2=\"\(Chart.n(yy))\" stroke=\"#dddddd\" stroke-width=\"0.2\"/>\n"
            o += Chart.text(Chart.french(t), x: x1 - 5, y: yy + 0.8, size: 2.3, anchor: "end", color: "#444444",
                            extra: " class=\"graduation\" data-valeur=\"\(Chart.data(t))\"")
        }
        o += Chart.text("période 1", x: x1, y: top - 6, size: 2.8, anchor: "middle", bold: true)
        o += Chart.text(e.period1.description, x: x1, y: top - 3, size: 2.3, anchor: "middle", color: "#444444")
        o += Chart.text("période 2", x: x2, y: top - 6, size: 2.8, anchor: "middle", bold: true)
        o += Chart.text(e.period2.description, x: x2, y: top - 3, size: 2.3, anchor: "middle", color: "#444444")
        // Labels at the right, pushed apart (≥ 3 mm) so none overlaps.
        var labelY = [Double](repeating: 0, count: rows.count)
        let byY = rows.indices.sorted { y(rows[$0].2) < y(rows[$1].2) }
        var last = -Double.infinity
        for k in byY { labelY[k] = max(y(rows[k].2) + 0.8, last + 3); last = labelY[k] }
        for (k, (zone, a, b, v)) in rows.enumerated() {
            let color = b > a ? "#d73027" : "#4575b4"
            let z = SVG.escape(zone)
            o += "<g class=\"quartier\" data-zone=\"\(z)\">\n"
            o += "<line x1=\"\(Chart.n(x1))\" y1=\"\(Chart.n(y(a)))\" x2=\"\(Chart.n(x2))\" y2=\"\(Chart.n(y(b)))\" stroke=\"\(color)\" stroke-width=\"0.5\"/>\n"
            o += "<circle class=\"point\" data-zone=\"\(z)\" data-categorie=\"\(ZoneIncidents.allCategories)\" data-periode=\"periode_1\" data-valeur=\"\(a)\" cx=\"\(Chart.n(x1))\" cy=\"\(Chart.n(y(a)))\" r=\"1\" fill=\"\(color)\"/>\n"
            o += "<circle class=\"point\" data-zone=\"\(z)\" data-categorie=\"\(ZoneIncidents.allCategories)\" data-periode=\"periode_2\" data-valeur=\"\(b)\" cx=\"\(Chart.n(x2))\" cy=\"\(Chart.n(y(b)))\" r=\"1\" fill=\"\(color)\"/>\n"
            let pct = v.map { " (\($0 >= 0 ? "+" : "")\(Chart.french(($0).rounded())) %)" } ?? ""
            o += Chart.text("\(zone)\(pct)", x: x2 + 2.5, y: labelY[k], size: 2.5)
            o += "</g>\n"
        }
        o += Chart.footerText(footer, x: 4, bottom: height - 4)
        o += "</svg>\n"
        return o
    }
}
