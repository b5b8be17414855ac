import Foundation
import GUPCartography
import GUPAnalysis
import GUPModel

/// French number formatting: « 12 345,67 ».
enum FR {
    static func number(_ d: Double, _ places: Int = 0) -> String {
        let t = String(format: "%.\(places)f", d)
        let parts = t.split(separator: ".", maxSplits: 1)
        var intPart = String(parts[0])
        let neg = intPart.hasPrefix("-")
        if neg { intPart.removeFirst() }
        var grouped = ""
        for (k, c) in intPart.reversed().enumerated() {
            if k > 0 && k % 3 == 0 { grouped.append("\u{202F}") }
            grouped.append(c)
        }
        var s = (neg ? "-" : "") + String(grouped.reversed())
        if parts.count > 1 { s += "," + parts[1] }
        return s
    }
    static func int(_ i: Int) -> String { number(Double(i)) }
    static func pct(_ d: Double) -> String { number(d, 1) + " %" }
    static func ha(_ m2: Double) -> String { number(m2 / 10_000, 2) + " ha" }
    static func m2(_ m2: Double) -> String { number(m2, 0) + " m²" }
    static func lonLat(_ p: Position) -> String { String(format: "%.5f, %.5f", p.y, p.x) }

    static let months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                         "octobre", "novembre", "décembre"]

    /// « 1er janvier 2025 » from `2025-01-01` (the text itself when it is not such a day).
    static func day(_ iso: String) -> String {
        let p = iso.split(separator: "-")
        guard p.count == 3, let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]), (1...12).contains(m), (1...31).contains(d) else {
            return iso
        }
        return "\(d == 1 ? "1er" : String(d)) \(months[m - 1]) \(y)"
    }

    /// « du 1er janvier 2025 au 31 décembre 2025 »
    static func period(from: String, to: String) -> String { "du \(day(from)) au \(day(to))" }

    /// The paper size of the dossier's plans, mm.
    static func paper(_ project: ProjectFile) -> (width: Double, height: Double) {
        (project.page.width, project.page.height)
    }
}

/// The HTML pages of the dossier.
enum DossierPages {
    static func index(project: ProjectFile, inputs: AnalysisInputs, quartiers: [QuartierFigures], date: String,
                      veille: VeilleResult? = nil, duplicates: DuplicateMergeReport? = nil) -> String {
        var h = HTMLDocument(title: project.title)
        h.heading(1, project.title)
        h.paragraph([project.commune.map { "Commune : \($0)" }, "Édité le \(date)", "Système de coordonnées : \(inputs.working)"]
            .compactMap { $0 }.joined(separator: " — "))
        h.heading(2, "Quartiers")
        h.raw("<ul>\n")
        for q in quartiers {
            h.raw("<li>")
            h.link(q.name, href: "\(q.folder)/index.html")
            var bits = [FR.ha(q.area)]
            if let d = q.dwellings { bits.append("\(FR.number(d)) logements") }
            if let n = q.incidentsTotal { bits.append("\(FR.int(n)) signalements") }
            if let c = q.coverage { bits.append("nettoyage couvert à \(FR.pct(c.rate))") }
            h.raw(" — " + HTMLDocument.escape(bits.joined(separator: ", ")))
            if !q.stops.isEmpty {
                h.raw(" — ")
                h.link("fiche terrain", href: "\(q.folder)/fiche_terrain.html")
            }
            h.raw("</li>\n")
        }
        h.raw("</ul>\n")
        if let veille { DossierVeille.overview(&h, veille, duplicates: duplicates) }
        h.heading(2, "Données chargées")
        h.table(header: ["couche", "fichier", "lues", "utilisées", "réparées", "ignorées"],
                rows: inputs.summaries.map { [$0.layer, URL(fileURLWithPath: $0.source).lastPathComponent, FR.int($0.read), FR.int($0.used),
                                              FR.int($0.repaired), FR.int($0.skipped.count)] },
                numeric: [2, 3, 4, 5])
        if let s = project.sources { h.paragraph("Sources : \(s)", className: "note-sources") }
        h.raw("<p>Tous les chiffres, lisibles par un programme : ")
        h.link("rapport.json", href: "rapport.json")
        h.raw("</p>\n")
        return h.render()
    }

    static func quartier(project: ProjectFile, figures q: QuartierFigures, date: String) -> String {
        var h = HTMLDocument(title: "\(q.name) — \(project.title)")
        h.raw("<nav>")
        h.link("← Tous les quartiers", href: "../index.html")
        if !q.stops.isEmpty { h.link("Fiche terrain", href: "fiche_terrain.html") }
        h.raw("</nav>\n")
        h.heading(1, "Quartier \(q.name)")
        h.paragraph([project.commune.map { "Commune : \($0)" }, "Édité le \(date)"].compactMap { $0 }.joined(separator: " — "))

        note(q, into: &h)

        h.heading(2, "Plans", id: "plans")
        for p in q.plans {
            h.svgFigure(src: p.file, caption: "\(p.title) — échelle 1/\(FR.int(p.scale))", paper: FR.paper(project))
        }

        hotspots(q, into: &h)
        if let t = walkSummary(q) {
            h.heading(2, "Parcours du diagnostic en marchant", id: "parcours")
            h.paragraph(t)
            h.link("Fiche terrain imprimable", href: "fiche_terrain.html")
        }

        if let v = q.veille { DossierVeille.section(&h, v) }

        h.heading(2, "Tableaux et couches", id: "tableaux")
        h.raw("<ul>\n")
        for t in q.tables {
            h.raw("<li>"); h.link(t.file, href: t.file); h.raw(" — \(HTMLDocument.escape(t.caption))</li>\n")
        }
        for f in q.files where f.hasSuffix(".geojson") {
            h.raw("<li>"); h.link(f, href: f); h.raw("</li>\n")
        }
        h.raw("</ul>\n")
        if let s = project.sources { h.paragraph("Sources : \(s)") }
        return h.render()
    }

    static func fieldSheet(project: ProjectFile, quartier q: QuartierFigures) -> String {
        var h = HTMLDocument(title: "Fiche terrain — \(q.name)")
        h.raw("<nav>"); h.link("← Quartier", href: "index.html"); h.raw("</nav>\n")
        h.heading(1, "Fiche terrain — diagnostic en marchant — \(q.name)")
        h.paragraph("Date de la visite : ____________   Participants : ______________________________________")
        if let t = walkSummary(q) { h.paragraph(t + " Plan : plan_parcours.svg.") }
        if q.plans.contains(where: { $0.file == "plan_parcours.svg" }) {
            h.svgFigure(src: "plan_parcours.svg", caption: "Parcours et arrêts numérotés", paper: FR.paper(project))
        }
        walkLegs(q, into: &h)
        for s in q.stops {
            h.raw("<section class=\"arret\">\n")
            stop(s, into: &h)
            h.raw("</section>\n")
        }
        return h.render()
    }

    /// The figures and tables of the note de présentation (HTML page and PDF).
    static func note<D: DocumentSink>(_ q: QuartierFigures, into doc: inout D) {
        doc.heading(2, "Note de présentation", id: "note")
        var figs: [(String, String)] = [("Surface du quartier", FR.ha(q.area))]
        if let d = q.dwellings { figs.append(("Logements sociaux (résidences)", FR.number(d))) }
        if !q.landlords.isEmpty { figs.append(("Bailleurs", FR.int(q.landlords.count))) }
        if let n = q.incidentsTotal { figs.append(("Signalements (toute la période)", FR.int(n))) }
        if let d = q.incidentsPerHectare { figs.append(("Signalements par hectare", FR.number(d, 1))) }
        if let s = q.nonCadastralShare { figs.append(("Part non cadastrée (domaine public)", FR.pct(s))) }
        if let o = q.overlapArea { figs.append(("Chevauchements de gestion", FR.m2(o))) }
        if let c = q.coverage {
            figs.append(("Taux de couverture du nettoyage", FR.pct(c.rate)))
            figs.append(("Lacunes de nettoyage", "\(FR.int(c.gapCount)) (\(FR.m2(c.gapArea)))"))
            figs.append(("Doubles couvertures", FR.m2(c.doubleArea)))
            if let f = c.meanFrequency { figs.append(("Fréquence moyenne de passage", "\(FR.number(f, 1)) par semaine")) }
        }
        if !q.hotspots.isEmpty { figs.append(("Points chauds significatifs", FR.int(q.hotspots.count))) }
        doc.figures(figs)
        if !q.landlords.isEmpty {
            doc.table(header: ["bailleur", "résidences", "logements"],
                    rows: q.landlords.map { [$0.name, $0.residences.joined(separator: ", "), FR.number($0.dwellings)] },
                    numeric: [2], caption: "Bailleurs et résidences")
        }
        if !q.categories.isEmpty {
            let periods = q.period1 != nil
            var header = ["catégorie", "signalements"]
            if periods { header += ["période 1 (\(q.period1!))", "période 2 (\(q.period2!))", "variation"] }
            doc.table(header: header, rows: q.categories.map { c in
                var r = [IncidentCategories.label(c.category), FR.int(c.total)]
                if periods {
                    r += [c.period1.map(FR.int) ?? "", c.period2.map(FR.int) ?? ""]
                    if let a = c.period1, let b = c.period2, a > 0 { r.append((b >= a ? "+" : "") + FR.pct(100 * Double(b - a) / Double(a))) } else { r.append("") }
                }
                return r
            }, numeric: Set(1..<header.count), caption: "Signalements par catégorie")
        }
        if !q.tenure.isEmpty {
            doc.table(header: ["gestionnaire", "surface", "part du quartier"],
                    rows: q.tenure.map { [$0.manager, FR.m2($0.area), FR.pct($0.share)] }, numeric: [1, 2],
                    caption: "Domanialité : qui tient quel sol (les chevauchements comptent pour chaque gestionnaire)")
        }
    }

    /// The hotspots to visit (HTML page and PDF).
    static func hotspots<D: DocumentSink>(_ q: QuartierFigures, into doc: inout D) {
        guard !q.hotspots.isEmpty else { return }
        doc.heading(2, "Points chauds à visiter", id: "points-chauds")
        doc.table(header: ["rang", "signalements", "surface", "z max", "catégories principales", "position (lat, lon)"],
                  rows: q.hotspots.map { [FR.int($0.rank), FR.int($0.incidents), FR.m2($0.area), FR.number($0.maxZ, 2),
                                          $0.mainCategories.map(IncidentCategories.label).joined(separator: ", "), FR.lonLat($0.lonLat)] },
                  numeric: [0, 1, 2, 3], caption: nil)
    }

    /// The walk in one sentence (fiche terrain, note de présentation): its
    /// walking length along the streets, or straight without roads.
    static func walkSummary(_ q: QuartierFigures) -> String? {
        guard let l = q.routeLength, !q.stops.isEmpty else { return nil }
        let order = q.routeExact == true ? ", dans l'ordre le plus court" : ""
        if q.routeAlongStreets {
            return "Distance à pied : \(FR.number(l)) m par les rues, en boucle depuis le point de départ (pris sur la voie publique la plus proche), \(q.stops.count) arrêt(s)\(order), environ \(FR.int(Int((l / 70).rounded(.up)))) min de marche hors arrêts (4,2 km/h)."
        }
        return "Parcours en boucle de \(FR.number(l)) m à vol d'oiseau (aucune couche de routes : la distance réelle à pied sera plus longue) depuis le point de départ, \(q.stops.count) arrêt(s)\(order)."
    }

    /// The legs of the walk, as walked: the start, each stop with the
    /// distance from the previous one and from the start, the way back.
    static func walkLegs<D: DocumentSink>(_ q: QuartierFigures, into doc: inout D) {
        guard let start = q.routeStart, let back = q.routeReturnLeg, let total = q.routeLength, !q.stops.isEmpty else { return }
        let how = q.routeAlongStreets ? "à pied par les rues" : "à vol d'oiseau"
        var rows = [["D", "Départ", "", "", FR.lonLat(start)]]
        for s in q.stops {
            rows.append([FR.int(s.number), "Arrêt \(s.number) (point chaud n° \(s.hotspotRank))", FR.number(s.leg.rounded()),
                         FR.number(s.cumulative.rounded()), FR.lonLat(s.lonLat)])
        }
        rows.append(["D", "Retour au départ", FR.number(back.rounded()), FR.number(total.rounded()), FR.lonLat(start)])
        doc.table(header: ["étape", "lieu", "depuis l'étape précédente (m)", "cumul (m)", "position (lat, lon)"], rows: rows,
                  numeric: [2, 3], caption: "Étapes du parcours, distances \(how)")
    }

    /// One stop of the fiche terrain (HTML page and PDF).
    static func stop<D: DocumentSink>(_ s: QuartierFigures.Stop, into doc: inout D) {
        doc.heading(2, "Arrêt \(s.number) — point chaud n° \(s.hotspotRank)", id: nil)
        var place = [("Position de l'arrêt (lat, lon)", FR.lonLat(s.lonLat))]
        if s.offsetFromHotspot >= 1 {
            place.append(("Centre du point chaud (lat, lon)", "\(FR.lonLat(s.hotspotLonLat)), à \(FR.number(s.offsetFromHotspot.rounded())) m de l'arrêt"))
        }
        place.append(("Depuis l'étape précédente", "\(FR.number(s.leg.rounded())) m (cumul \(FR.number(s.cumulative.rounded())) m)"))
        doc.figures(place + [
            ("Signalements dans la zone", FR.int(s.incidentsByCategory.reduce(0) { $0 + $1.incidents })),
            ("Gestionnaire(s) du sol", s.managers.isEmpty ? "(non cadastré)" : s.managers.map { "\($0.manager) (\(FR.pct($0.share)))" }.joined(separator: ", ")),
            ("Secteur et intervenant de nettoyage", s.sectors.isEmpty ? "aucun secteur (lacune)" : s.sectors.map { "\($0.sector) : \($0.cleaner)" }.joined(separator: " ; ")),
        ])
        doc.table(header: ["catégorie", "signalements"], rows: s.incidentsByCategory.map { [IncidentCategories.label($0.category), FR.int($0.incidents)] }, numeric: [1], caption: nil)
        doc.paragraph("Observations :", className: nil)
        doc.notesBox()
    }
}

/// What the note de présentation and the fiche terrain are written into:
/// the HTML pages, and the PDF's flowing pages.
protocol DocumentSink {
    mutating func heading(_ level: Int, _ text: String, id: String?)
    mutating func paragraph(_ text: String, className: String?)
    mutating func figures(_ items: [(String, String)])
    mutating func table(header: [String], rows: [[String]], numeric: Set<Int>, caption: String?)
    /// An empty framed box for handwritten notes.
    mutating func notesBox()
}

extension HTMLDocument: DocumentSink {
    mutating func notesBox() { raw("<div class=\"note\"></div>\n") }
}
