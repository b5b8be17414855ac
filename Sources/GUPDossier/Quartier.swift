import Foundation
import GUPAnalysis
import GUPCartography
import GUPModel
import GUPProjection
import GUPTopology

/// Every figure of one quartier's pages and of `rapport.json`.
public struct QuartierFigures: Sendable {
    public struct Landlord: Sendable, Equatable {
        public var name: String
        public var residences: [String]
        public var dwellings: Double
    }
    public struct Share: Sendable, Equatable {
        public var manager: String
        public var area: Double
        public var share: Double
    }
    public struct CategoryCount: Sendable, Equatable {
        public var category: String
        public var total: Int
        public var period1: Int?
        public var period2: Int?
    }
    public struct Coverage: Sendable, Equatable {
        public var outdoorArea: Double
        public var coveredArea: Double
        public var rate: Double
        public var gapArea: Double
        public var gapCount: Int
        public var doubleArea: Double
        public var meanFrequency: Double?
    }
    public struct Hotspot: Sendable, Equatable {
        public var rank: Int
        public var incidents: Int
        public var area: Double
        public var maxZ: Double
        public var mainCategories: [String]
        public var lonLat: Position
    }
    public struct Stop: Sendable {
        public var number: Int
        public var hotspotRank: Int
        public var lonLat: Position
        public var incidentsByCategory: [(category: String, incidents: Int)]
        public var managers: [(manager: String, share: Double)]
        public var sectors: [(sector: String, cleaner: String)]
    }

    public var name: String
    /// Folder of the quartier inside the dossier.
    public var folder: String
    public var area: Double
    public var dwellings: Double?
    public var landlords: [Landlord]
    public var incidentsTotal: Int?
    public var incidentsPerHectare: Double?
    public var categories: [CategoryCount]
    public var period1: String?
    public var period2: String?
    public var tenure: [Share]
    public var overlapArea: Double?
    public var nonCadastralShare: Double?
    public var coverage: Coverage?
    public var hotspots: [Hotspot]
    public var stops: [Stop]
    public var routeLength: Double?
    public var routeExact: Bool?
    public var plans: [(file: String, title: String, scale: Int)]
    /// Files written in `folder`, sorted.
    public var files: [String]
    /// Table files (CSV) with a French caption, for the page.
    public var tables: [(file: String, caption: String)]
}

/// Runs the analyses of one quartier and writes its files.
struct QuartierBuilder {
    let project: ProjectFile
    let inputs: DossierInputs
    let index: Int
    let colors: ColorAssignment?
    let date: String
    let reporter: Reporter

    let slug: String

    init(project: ProjectFile, inputs: DossierInputs, index: Int, slug: String, colors: ColorAssignment?, date: String, reporter: Reporter) {
        self.project = project; self.inputs = inputs; self.index = index; self.slug = slug; self.colors = colors
        self.date = date; self.reporter = reporter
    }

    var name: String { inputs.names[index] }
    func field(_ layer: String, _ key: String) -> String? { project.layers[layer]?.fields[key] }

    func build(into dossier: OutputFolder) throws -> QuartierFigures {
        let folder = try OutputFolder(path: dossier.url.appendingPathComponent(slug).path)
        let single = inputs.single(index)
        let shape = single.shapes[0]
        let toLonLat = try CoordinateTransformer(from: inputs.working, to: .wgs84)
        var files: [String] = []
        var tables: [(String, String)] = []
        let area = try shape.area()
        var fig = QuartierFigures(name: name, folder: slug, area: area, dwellings: nil, landlords: [], incidentsTotal: nil,
                                  incidentsPerHectare: nil, categories: [], period1: nil, period2: nil, tenure: [],
                                  overlapArea: nil, nonCadastralShare: nil, coverage: nil, hotspots: [], stops: [],
                                  routeLength: nil, routeExact: nil, plans: [], files: [], tables: [])
        let zones = ZoneSet(names: [name], shapes: [shape])

        // Residences and landlords (residence point on surface in the quartier).
        let dwellings = try inputs.residences.map {
            try ZoneDwellings.compute(zones: zones, residences: $0, dwellingsField: field("residences", "logements"), reporter: reporter)
        }
        if let r = inputs.residences {
            fig.dwellings = dwellings?.perZone.first
            let points = try r.shapes.map { try $0.pointOnSurface().pointPosition() }
            let inside = try PreparedGeometry(shape).contains(points)
            var byLandlord: [String: QuartierFigures.Landlord] = [:]
            for (k, f) in r.features.enumerated() where inside[k] {
                let landlord = f.properties.first(of: ["bailleur", "gestionnaire", "proprietaire"])?.value.text ?? "(bailleur non renseigné)"
                let rname = f.properties.first(of: FieldNames.residenceName)?.value.text ?? f.label
                let d = f.properties.first(of: field("residences", "logements").map { [$0] } ?? FieldNames.dwellings)?.value.number ?? 0
                byLandlord[landlord, default: .init(name: landlord, residences: [], dwellings: 0)].residences.append(rname)
                byLandlord[landlord]!.dwellings += d
            }
            fig.landlords = byLandlord.values.sorted { $0.name < $1.name }
        }

        // Domanialité.
        var tenure: TenureResult?
        if let parcels = inputs.parcels {
            let t = try Tenure.analyse(perimeters: single, parcels: parcels, incidents: inputs.incidents,
                                       options: TenureOptions(perimeterNameField: field("perimetres", "nom"),
                                                              managerField: field("parcelles", "gestionnaire"),
                                                              ownerField: field("parcelles", "proprietaire"),
                                                              categoryField: field("incidents", "categorie"),
                                                              overlapThreshold: project.overlapThreshold),
                                       reporter: reporter)
            files += try TenureOutput.write(t, workingCRS: inputs.working, to: folder, csv: project.csvWriter)
            fig.tenure = t.tenureRows.map { .init(manager: $0.manager, area: $0.area, share: $0.share) }
                .sorted { ($0.area, $1.manager) > ($1.area, $0.manager) }
            fig.overlapArea = t.overlaps.reduce(0) { $0 + $1.area }
            fig.nonCadastralShare = t.nonCadastral.first?.share
            tables.append(("domanialite.csv", "Domanialité : surface par gestionnaire"))
            tables.append(("chevauchements.csv", "Chevauchements de gestion"))
            if t.responsibilities != nil { tables.append(("responsabilites.csv", "Signalements par gestionnaire du sol")) }
            tenure = t
        }

        // Incidents: densities, evolution, treatment; hotspots and density surface.
        var hot: [HotZone] = []
        var grid: HotspotGrid?
        var density: RasterGrid?
        if let set = inputs.incidentSet {
            let zi = try ZoneIncidents(zones: zones, incidents: set)
            let rows = try IncidentAnalysis.densities(zi, dwellings: dwellings)
            try folder.write(IncidentsCSV.densities(rows, writer: project.csvWriter), to: "densites.csv")
            files.append("densites.csv")
            tables.append(("densites.csv", "Densités de signalements (par hectare, pour 100 logements)"))
            let all = rows.first { $0.category == "toutes" }
            fig.incidentsTotal = all?.incidents
            fig.incidentsPerHectare = all?.perHectare
            var perCat: [String: QuartierFigures.CategoryCount] = [:]
            for r in rows where r.category != "toutes" { perCat[r.category] = .init(category: r.category, total: r.incidents) }
            if let p1 = project.period1, let p2 = project.period2 {
                let r1 = try dayRange(p1, key: "periodes.periode_1"), r2 = try dayRange(p2, key: "periodes.periode_2")
                let ev = try IncidentAnalysis.evolution(zi, period1: r1, period2: r2)
                try folder.write(IncidentsCSV.evolution(ev, writer: project.csvWriter), to: "evolution.csv")
                files.append("evolution.csv")
                tables.append(("evolution.csv", "Évolution entre les deux périodes"))
                for e in ev where e.category != "toutes" {
                    perCat[e.category]?.period1 = e.period1
                    perCat[e.category]?.period2 = e.period2
                }
                fig.period1 = "du \(p1.from) au \(p1.to)"
                fig.period2 = "du \(p2.from) au \(p2.to)"
            }
            fig.categories = perCat.values.sorted { ($0.total, $1.category) > ($1.total, $0.category) }
            if set.resolutionDates.field != nil {
                let (t, _) = try IncidentAnalysis.treatment(zi)
                try folder.write(IncidentsCSV.treatment(t, writer: project.csvWriter), to: "traitement.csv")
                files.append("traitement.csv")
                tables.append(("traitement.csv", "Délais de traitement"))
            }
            let g = try Hotspots.analyse(zones: [shape], points: set.points, cellSize: project.cellSize)
            hot = try Hotspots.hotZones(g, categories: set.categories, category: set.category)
            let qb = try shape.bounds()!
            let r = project.kernelRadius
            density = try KernelDensity.quartic(points: set.points, radius: r, cellSize: max(2, project.cellSize / 5),
                                                extent: BoundingBox(minX: qb.minX - r, minY: qb.minY - r, maxX: qb.maxX + r, maxY: qb.maxY + r))
            let lonLat = try HotspotsOutput.centersLonLat(g, from: inputs.working)
            try folder.write(HotspotsOutput.csv(g, lonLat: lonLat, writer: project.csvWriter), to: "points_chauds.csv")
            try folder.write(HotspotsOutput.cellsGeoJSON(g, lonLat: lonLat, from: inputs.working), to: "points_chauds.geojson")
            try folder.write(HotspotsOutput.hotZonesGeoJSON(hot, grid: g, density: density, from: inputs.working), to: "zones_chaudes.geojson")
            files += ["points_chauds.csv", "points_chauds.geojson", "zones_chaudes.geojson"]
            files += try HotspotsOutput.writeDensityGrid(density!, crs: inputs.working, to: folder)
            fig.hotspots = try hot.map { z in
                .init(rank: z.rank, incidents: z.incidents, area: z.areaM2, maxZ: z.maxZ,
                      mainCategories: z.mainCategories.map(\.category),
                      lonLat: try toLonLat.transform(try z.shape.pointOnSurface().pointPosition()))
            }
            grid = g
        }

        // Nettoyage.
        var gapsLayer: WorkingLayer?
        if let sectors = inputs.sectors {
            var fields = CleaningFields()
            if let n = field("perimetres", "nom") { fields.perimeterName = [n] }
            if let c = field("secteurs", "intervenant") { fields.cleaner = [c] }
            if let c = field("incidents", "categorie") { fields.category = [c] }
            let c = try Cleaning.analyze(perimeters: single, sectors: sectors, residences: inputs.residences, incidents: inputs.incidents,
                                         fields: fields, threshold: project.gapThreshold, reporter: reporter)
            files += try CleaningWriter.write(c, to: folder, csv: project.csvWriter)
            tables.append(("couverture.csv", "Couverture du nettoyage"))
            tables.append(("doublons.csv", "Doubles couvertures"))
            if let cov = c.coverage.first {
                fig.coverage = .init(outdoorArea: cov.outdoorArea, coveredArea: cov.coveredArea, rate: cov.coverageRate,
                                     gapArea: cov.gapArea, gapCount: cov.gapCount, doubleArea: cov.doubleCoverageArea,
                                     meanFrequency: cov.meanFrequency)
            }
            gapsLayer = derivedLayer(name: "lacunes", source: "lacunes.geojson",
                                     items: c.gaps.map { (Properties([("surface_m2", .number(($0.area * 100).rounded() / 100))]), $0.shape) })
        }

        // Walking route through the main hotspots.
        var routeLayer: WorkingLayer?
        var routeMarkers: (start: Position, stops: [Position])?
        let hotLayer = hot.isEmpty ? nil : derivedLayer(name: "points_chauds", source: "zones_chaudes.geojson",
                                                        items: hot.map { (Properties([("rang", .number(Double($0.rank))), ("incidents", .number(Double($0.incidents)))]), $0.shape) })
        if let grid, !hot.isEmpty {
            let chosen = Array(hot.prefix(project.routeStops))
            let stopPoints = try chosen.map { try $0.shape.pointOnSurface().pointPosition() }
            let start: Position
            if let s = project.routeStart {
                start = try CoordinateTransformer(from: .wgs84, to: inputs.working).transform(s)
            } else {
                start = try shape.pointOnSurface().pointPosition()
            }
            let route = WalkingRoute.plan(start: start, stops: stopPoints)
            fig.routeLength = route.length
            fig.routeExact = route.exact
            // Incidents per cell and category, counted once for every stop.
            var categoriesByCell: [Int32: [Int32: Int]] = [:]
            let set = inputs.incidentSet!
            for (k, c) in grid.cellOfIncident.enumerated() where c >= 0 { categoriesByCell[c, default: [:]][set.category[k], default: 0] += 1 }
            var stops: [QuartierFigures.Stop] = []
            for (n, si) in route.order.enumerated() {
                let z = chosen[si]
                stops.append(try stop(number: n + 1, zone: z, at: stopPoints[si], categoriesByCell: categoriesByCell, tenure: tenure, toLonLat: toLonLat))
            }
            fig.stops = stops
            let loop = [start] + route.order.map { stopPoints[$0] } + [start]
            routeLayer = derivedLayer(name: "parcours", source: "parcours.geojson",
                                      values: [(Properties([("longueur_m", .number(route.length.rounded()))]), .lineString(loop))])
            routeMarkers = (start, route.order.map { stopPoints[$0] })
            let routeFiles = try routeGeoJSON(start: start, loop: loop, stops: stops, length: route.length, toLonLat: toLonLat)
            try folder.write(routeFiles.line, to: "parcours.geojson")
            try folder.write(routeFiles.stops, to: "parcours_arrets.geojson")
            files += ["parcours.geojson", "parcours_arrets.geojson"]
        } else if inputs.incidentSet != nil {
            reporter.warning("quartier « \(name) » : aucun point chaud significatif, pas de parcours")
        }

        // Plans.
        let options = PlanOptions(page: Page(format: PaperFormat(rawValue: project.pageFormat) ?? .a4,
                                             orientation: Orientation(rawValue: project.orientation) ?? .paysage),
                                  date: date, sources: project.sources.map { [$0] } ?? [])
        func plan(_ file: String, _ title: String, _ render: () throws -> RenderedPlan) throws {
            let p = try render()
            try folder.write(p.svg, to: file)
            files.append(file)
            fig.plans.append((file, title, p.scale))
        }
        try plan("plan_situation.svg", "Plan de situation") {
            try Plans.situation(perimeters: inputs.perimeters, quartier: name, context: inputs.context, options: options, reporter: reporter)
        }
        try plan("plan_masse.svg", "Plan de masse : domanialité, résidences, lacunes de nettoyage") {
            try Plans.site(perimeters: inputs.perimeters, quartier: name,
                           layers: .init(tenure: inputs.parcels, residences: inputs.residences, gaps: gapsLayer,
                                         hotspots: hotLayer, managerColors: colors),
                           commune: project.commune, options: options, reporter: reporter)
        }
        if let density {
            try plan("plan_points_chauds.svg", "Plan des points chauds : densité des signalements") {
                try Plans.site(perimeters: inputs.perimeters, quartier: name,
                               layers: .init(residences: inputs.residences, hotspots: hotLayer, heat: density),
                               commune: project.commune, title: "Plan des points chauds", options: options, reporter: reporter)
            }
        }
        if let routeLayer, let routeMarkers {
            try plan("plan_parcours.svg", "Parcours du diagnostic en marchant") {
                // Markers are sized on paper (about 4.4 mm across): render once to learn the scale.
                func render(scale: Int) throws -> RenderedPlan {
                    let radius = 2.2 * Double(scale) / 1000
                    var items = [(Properties([("numero", .string("D"))]), try GeometryHandle(x: routeMarkers.start.x, y: routeMarkers.start.y).buffer(radius))]
                    for (n, p) in routeMarkers.stops.enumerated() {
                        items.append((Properties([("numero", .number(Double(n + 1)))]), try GeometryHandle(x: p.x, y: p.y).buffer(radius)))
                    }
                    return try Plans.site(perimeters: inputs.perimeters, quartier: name,
                                          layers: .init(tenure: inputs.parcels, residences: inputs.residences, hotspots: hotLayer,
                                                        managerColors: colors, route: routeLayer,
                                                        stops: derivedLayer(name: "arrets", source: "parcours_arrets.geojson", items: items)),
                                          commune: project.commune, title: "Parcours du diagnostic en marchant",
                                          options: options, reporter: reporter)
                }
                let first = try render(scale: options.scale ?? 2500)
                return first.scale == (options.scale ?? 2500) ? first : try render(scale: first.scale)
            }
        }

        fig.tables = tables
        if !fig.stops.isEmpty {
            try folder.write(DossierPages.fieldSheet(project: project, quartier: fig), to: "fiche_terrain.html")
            files.append("fiche_terrain.html")
        }
        files.append("index.html")
        fig.files = files.sorted()
        try folder.write(DossierPages.quartier(project: project, figures: fig, date: date), to: "index.html")
        return fig
    }

    private func dayRange(_ p: ProjectFile.Period, key: String) throws -> DayRange {
        guard let a = Day.parseISO8601(p.from), let b = Day.parseISO8601(p.to) else {
            throw GUPError.input(file: project.path, "clé « \(key) » : date illisible (\(p.from), \(p.to))")
        }
        return DayRange(from: a, to: b)
    }

    /// What the field sheet says of one stop.
    private func stop(number: Int, zone: HotZone, at p: Position, categoriesByCell: [Int32: [Int32: Int]], tenure: TenureResult?,
                      toLonLat: CoordinateTransformer) throws -> QuartierFigures.Stop {
        let set = inputs.incidentSet!
        var byCat: [Int32: Int] = [:]
        for c in zone.cellIndices { for (cat, n) in categoriesByCell[Int32(c)] ?? [:] { byCat[cat, default: 0] += n } }
        let cats = byCat.map { (category: $0.key >= 0 ? set.categories[Int($0.key)] : "(sans catégorie)", incidents: $0.value) }
            .sorted { ($0.incidents, $1.category) > ($1.incidents, $0.category) }
        var managers: [(manager: String, share: Double)] = []
        if let tenure {
            let za = try zone.shape.area()
            for piece in tenure.pieces where za > 0 {
                let a = try piece.shape.intersection(zone.shape).area()
                if a > 0.01 * za { managers.append((piece.manager, 100 * a / za)) }
            }
            managers.sort { ($0.share, $1.manager) > ($1.share, $0.manager) }
        }
        var sectors: [(sector: String, cleaner: String)] = []
        if let s = inputs.sectors {
            let pt = try GeometryHandle(x: p.x, y: p.y)
            let cleanerField = field("secteurs", "intervenant").map { [$0] } ?? FieldNames.cleaner
            for (k, f) in s.features.enumerated() where try s.shapes[k].covers(pt) {
                let sector = f.properties.first(of: ["secteur", "nom", "code", "id"])?.value.text ?? f.label
                let cleaner = f.properties.first(of: cleanerField)?.value.text ?? "(intervenant non renseigné)"
                sectors.append((sector, cleaner))
            }
        }
        return .init(number: number, hotspotRank: zone.rank, lonLat: try toLonLat.transform(p),
                     incidentsByCategory: cats, managers: managers, sectors: sectors)
    }

    /// A layer made of analysis results, for the plans.
    private func derivedLayer(name: String, source: String, items: [(Properties, GeometryHandle)]) -> WorkingLayer? {
        var features: [Feature] = []
        var shapes: [GeometryHandle] = []
        for (k, (props, h)) in items.enumerated() {
            guard let g = try? h.geometry() else { continue }
            features.append(Feature(index: k, geometry: g, properties: props))
            shapes.append(h)
        }
        return WorkingLayer(derived: name, source: source, crs: inputs.working, features: features, shapes: shapes)
    }

    private func derivedLayer(name: String, source: String, values: [(Properties, Geometry)]) -> WorkingLayer? {
        let features = values.enumerated().map { Feature(index: $0.offset, geometry: $0.element.1, properties: $0.element.0) }
        return WorkingLayer(derived: name, source: source, crs: inputs.working, features: features)
    }

    /// The walk as two layers of one geometry type each (a Shapefile or a
    /// PostGIS table holds one type): `parcours.geojson` the loop (a
    /// LineString), `parcours_arrets.geojson` the start and the numbered stops (Points).
    private func routeGeoJSON(start: Position, loop: [Position], stops: [QuartierFigures.Stop], length: Double,
                              toLonLat: CoordinateTransformer) throws -> (line: String, stops: String) {
        var line = loop
        try toLonLat.transform(&line)
        let route = Feature(index: 0, geometry: .lineString(line),
                            properties: Properties([("type", .string("parcours")), ("longueur_m", .number(length.rounded()))]))
        var features: [Feature] = []
        features.append(Feature(index: 0, geometry: .point(try toLonLat.transform(start)),
                                properties: Properties([("type", .string("départ")), ("numero", .number(0))])))
        for s in stops {
            features.append(Feature(index: features.count, geometry: .point(s.lonLat), properties: Properties([
                ("type", .string("arrêt")), ("numero", .number(Double(s.number))), ("point_chaud", .number(Double(s.hotspotRank))),
                ("incidents", .number(Double(s.incidentsByCategory.reduce(0) { $0 + $1.incidents }))),
                ("categories", .string(s.incidentsByCategory.map { "\($0.category) (\($0.incidents))" }.joined(separator: ", "))),
                ("gestionnaires", .string(s.managers.map(\.manager).joined(separator: " + "))),
                ("intervenants", .string(Array(Set(s.sectors.map(\.cleaner))).sorted().joined(separator: " + "))),
            ])))
        }
        return (GeoJSONWriter().render([route]), GeoJSONWriter().render(features))
    }
}
