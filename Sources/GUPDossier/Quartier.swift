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
        /// Where the walk stops (lon, lat): on the street nearest to the
        /// hotspot when the route follows the streets, else the hotspot's point.
        public var lonLat: Position
        /// The hotspot's own point (lon, lat) and its distance to the stop, metres.
        public var hotspotLonLat: Position
        public var offsetFromHotspot: Double
        /// Walking distance from the previous stop (or the start), and from the start, metres.
        public var leg: Double
        public var cumulative: Double
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
    /// The route follows the streets (`[fond] routes`), else straight legs.
    public var routeAlongStreets = false
    /// The start as walked (lon, lat) and the last leg, back to it (metres).
    public var routeStart: Position?
    public var routeReturnLeg: Double?
    public var plans: [(file: String, title: String, scale: Int)]
    /// What the label engine did on each plan, by file.
    public var labelCounts: [String: LabelCounts] = [:]
    /// Files written in `folder`, sorted.
    public var files: [String]
    /// Table files (CSV) with a French caption, for the page.
    public var tables: [(file: String, caption: String)]
    /// The veille dashboard (nil without dated incidents).
    public var veille: VeilleFigures? = nil
}

/// Writes one quartier's files from the results of the dossier's jobs
/// (sliced to the quartier), then its plans and pages.
struct QuartierBuilder {
    let run: DossierRun
    /// Index of the quartier among `run.inputs.zones`.
    let zone: Int
    let slug: String
    let date: String
    let reporter: Reporter
    let times: StepTimes

    var project: ProjectFile { run.project }
    var inputs: AnalysisInputs { run.inputs }
    var name: String { inputs.zones.names[zone] }

    func build(into dossier: OutputFolder) throws -> QuartierFigures {
        var lapStart = Date(), lapName = "dossier du quartier"
        // Each part's time, summed over the threads that build quartiers.
        func lap(_ next: String) {
            let t = Date()
            times.add("  dont \(lapName) (temps cumulé des fils)", wall: t.timeIntervalSince(lapStart))
            lapStart = t; lapName = next
        }
        let folder = try dossier.subfolder(slug)
        let shape = inputs.zones.shapes[zone]
        let toLonLat = try CoordinateTransformer.shared(from: inputs.working, to: .wgs84)
        var files: [String] = []
        var tables: [(String, String)] = []
        let area = try shape.area()
        var fig = QuartierFigures(name: name, folder: slug, area: area, dwellings: nil, landlords: [], incidentsTotal: nil,
                                  incidentsPerHectare: nil, categories: [], period1: nil, period2: nil, tenure: [],
                                  overlapArea: nil, nonCadastralShare: nil, coverage: nil, hotspots: [], stops: [],
                                  routeLength: nil, routeExact: nil, plans: [], files: [], tables: [])

        lap("résidences")
        // Residences and landlords (residence point on surface in the quartier).
        if let r = inputs[.residences] {
            let local = try r.index.map { try $0.query(shape).sorted() } ?? Array(r.features.indices)
            let points = try local.map { try r.shapes[$0].pointOnSurface().pointPosition() }
            let inside = try PreparedGeometry(shape).contains(points)
            let dwellingsNames = inputs.field(.dwellings).map { [$0] } ?? FieldRole.dwellings.defaults
            let nameField = run.planFields.residenceName
            var byLandlord: [String: QuartierFigures.Landlord] = [:]
            var total = 0.0
            for (n, k) in local.enumerated() where inside[n] {
                let f = r.features[k]
                let landlord = f.properties.first(of: FieldRole.landlord.defaults)?.value.text ?? Labels.unknownLandlord
                let rname = FieldResolver.text(f, nameField) ?? f.label
                let v = f.properties.first(of: dwellingsNames)?.value.number
                let d = v.flatMap { $0.isFinite ? $0 : nil } ?? 0
                total += d
                byLandlord[landlord, default: .init(name: landlord, residences: [], dwellings: 0)].residences.append(rname)
                byLandlord[landlord]!.dwellings += v ?? 0
            }
            fig.dwellings = total
            fig.landlords = byLandlord.values.sorted { $0.name < $1.name }
        }

        lap("domanialité")
        // Domanialité.
        var tenure: TenureResult?
        if let all = run.tenure {
            let t = all.slice(perimeter: name)
            files += try TenureOutput.write(t, workingCRS: inputs.working, to: folder, csv: project.csvWriter)
            fig.tenure = t.tenureRows.map { .init(manager: $0.manager, area: $0.area, share: $0.share) }
                .sorted { ($0.area, $1.manager) > ($1.area, $0.manager) }
            fig.overlapArea = t.overlaps.reduce(0) { $0 + $1.area }
            fig.nonCadastralShare = t.nonCadastral.first?.share
            tables.append((TenureOutput.tenureFile, "Domanialité : surface par gestionnaire"))
            tables.append((TenureOutput.overlapsFile, "Chevauchements de gestion"))
            if t.responsibilities != nil { tables.append((TenureOutput.responsibilitiesFile, "Signalements par gestionnaire du sol")) }
            tenure = t
        }

        lap("densités")
        // Incidents: densities, evolution, treatment.
        if let all = run.incidents {
            let r = all.slice(zone: name)
            files += try IncidentsCSV.write(r, to: folder, writer: project.csvWriter)
            tables.append((IncidentsCSV.densitiesFile, "Densités de signalements (par hectare, pour 100 logements)"))
            let total = r.densities.first { $0.category == ZoneIncidents.allCategories }
            fig.incidentsTotal = total?.incidents
            fig.incidentsPerHectare = total?.perHectare
            var perCat: [String: QuartierFigures.CategoryCount] = [:]
            for d in r.densities where d.category != ZoneIncidents.allCategories { perCat[d.category] = .init(category: d.category, total: d.incidents) }
            if let ev = r.evolution, let p1 = project.period1, let p2 = project.period2 {
                tables.append((IncidentsCSV.evolutionFile, "Évolution entre les deux périodes"))
                for e in ev where e.category != ZoneIncidents.allCategories {
                    perCat[e.category]?.period1 = e.period1
                    perCat[e.category]?.period2 = e.period2
                }
                fig.period1 = FR.period(from: p1.from, to: p1.to)
                fig.period2 = FR.period(from: p2.from, to: p2.to)
            }
            fig.categories = perCat.values.sorted { ($0.total, $1.category) > ($1.total, $0.category) }
            if r.treatment != nil { tables.append((IncidentsCSV.treatmentFile, "Délais de traitement")) }
        }

        lap("veille")
        // Veille: the quartier's series, grades and chart.
        if let v = try run.veille.flatMap({ try DossierVeille.quartier($0, name: name, project: project, into: folder) }) {
            fig.veille = v.figures
            files += v.files
            tables += v.tables
        }

        lap("points chauds")
        // Hotspots of the quartier and their density surface.
        var hot: [HotZone] = []
        var hotEntry: HotspotEntry?
        if let e = run.hotspots?.entry(zone: name) {
            hot = e.hotZones
            files += try HotspotsOutput.write(e, working: inputs.working, to: folder, densityGrid: true, csv: project.csvWriter)
            fig.hotspots = try hot.map { z in
                .init(rank: z.rank, incidents: z.incidents, area: z.areaM2, maxZ: z.maxZ,
                      mainCategories: z.mainCategories.map(\.category),
                      lonLat: try toLonLat.transform(try z.shape.pointOnSurface().pointPosition()))
            }
            hotEntry = e
        }

        lap("nettoyage")
        // Nettoyage.
        var gapsLayer: WorkingLayer?
        if let all = run.cleaning {
            let c = all.slice(perimeter: name)
            files += try CleaningWriter.write(c, to: folder, csv: project.csvWriter)
            tables.append((CleaningWriter.coverageFile, "Couverture du nettoyage"))
            tables.append((CleaningWriter.doublesCSVFile, "Doubles couvertures"))
            if let cov = c.coverage.first {
                fig.coverage = .init(outdoorArea: cov.outdoorArea, coveredArea: cov.coveredArea, rate: cov.coverageRate,
                                     gapArea: cov.gapArea, gapCount: cov.gapCount, doubleArea: cov.doubleCoverageArea,
                                     meanFrequency: cov.meanFrequency)
            }
            gapsLayer = derivedLayer(name: "lacunes", source: CleaningWriter.gapsFile,
                                     items: c.gaps.map { (Properties([("surface_m2", .number(($0.area * 100).rounded() / 100))]), $0.shape) })
        }

        lap("parcours")
        // Walking route through the main hotspots.
        var routeLayer: WorkingLayer?
        var routeMarkers: (start: Position, stops: [Position])?
        let hotLayer = hot.isEmpty ? nil : derivedLayer(name: "points_chauds", source: HotspotsOutput.hotZonesFile,
                                                        items: hot.map { (Properties([("rang", .number(Double($0.rank))), ("incidents", .number(Double($0.incidents)))]), $0.shape) })
        if let e = hotEntry, !hot.isEmpty, let walk = run.walks?[name] {
            // The walk was planned once for every quartier (`Walks.run`).
            let chosen = walk.hotZones, stopPoints = walk.hotspotCentres, route = walk.route
            fig.routeLength = route.length
            fig.routeExact = route.exact
            fig.routeAlongStreets = walk.alongStreets
            // Incidents per cell and category, counted once for every stop.
            var categoriesByCell: [Int32: [Int32: Int]] = [:]
            for (k, c) in e.grid.cellOfIncident.enumerated() where c >= 0 { categoriesByCell[c, default: [:]][e.categoryOfIncident[k], default: 0] += 1 }
            let startShown = walk.start, stopsShown = walk.stops, loop = walk.line, legs = walk.legs
            var stops: [QuartierFigures.Stop] = []
            var cumulative = 0.0
            for (n, si) in route.order.enumerated() {
                let z = chosen[si]
                cumulative += legs[n]
                var st = try stop(number: n + 1, zone: z, at: stopPoints[si], categoriesByCell: categoriesByCell, tenure: tenure, toLonLat: toLonLat)
                // The sheet gives the stop where the walkers stand (on the street), not the hotspot's centre.
                let w = stopsShown[si], h = stopPoints[si]
                st.lonLat = try toLonLat.transform(w)
                st.offsetFromHotspot = hypot(w.x - h.x, w.y - h.y)
                st.leg = legs[n]
                st.cumulative = cumulative
                stops.append(st)
            }
            fig.stops = stops
            fig.routeStart = try toLonLat.transform(startShown)
            fig.routeReturnLeg = legs.last
            routeLayer = derivedLayer(name: "parcours", source: "parcours.geojson",
                                      values: [(Properties([("longueur_m", .number(route.length.rounded()))]), .lineString(loop))])
            routeMarkers = (startShown, walk.visited)
            let routeFiles = try routeGeoJSON(start: startShown, loop: loop, stops: stops, length: route.length, toLonLat: toLonLat)
            try folder.write(routeFiles.line, to: "parcours.geojson")
            try folder.write(routeFiles.stops, to: "parcours_arrets.geojson")
            files += ["parcours.geojson", "parcours_arrets.geojson"]
        } else if run.hotspots != nil {
            reporter.warning("quartier « \(name) » : aucun point chaud significatif, pas de parcours")
        }

        lap("plans")
        // Plans.
        let perimeters = inputs.perimeters
        let quartier = PlanQuartier.zone(inputs.zones, index: zone)
        // Plan numbers: `[cartouche] numero_plan` then the quartier's and the plan's rank (« 2026-014-2.3 »).
        let planCodes = ["plan_situation.svg": 1, "plan_masse.svg": 2, "plan_points_chauds.svg": 3, "plan_parcours.svg": 4]
        // The plan de masse, the plan des points chauds and the parcours cut
        // the same parcels and residences to the same frame: done once.
        let quartierMemo = DrawMemo(keepsClipped: true)
        func options(_ file: String) -> PlanOptions {
            var o = PlanOptions(page: project.page, date: date, sources: project.producers, titleBlock: project.titleBlock)
            o.memo = file == "plan_situation.svg" ? run.situationMemo : quartierMemo
            if let n = project.titleBlock.number { o.titleBlock.number = "\(n)-\(zone + 1).\(planCodes[file] ?? 0)" }
            return o
        }
        func plan(_ file: String, _ title: String, _ render: (PlanOptions) throws -> RenderedPlan) throws {
            let p = try times.measure("  dont \(file) (temps cumulé des fils)", processCPU: false) { try render(options(file)) }
            try folder.write(p.svg, to: file)
            files.append(file)
            fig.plans.append((file, title, p.scale))
            fig.labelCounts[file] = p.labelCounts
        }
        try plan("plan_situation.svg", "Plan de situation") { options in
            try Plans.situation(perimeters: perimeters, quartier: quartier, context: inputs[.contexte], background: run.background,
                                options: options,
                                labelAvoid: run.situationAvoid, fields: run.planFields, reporter: reporter)
        }
        try plan("plan_masse.svg", "Plan de masse : domanialité, résidences, lacunes de nettoyage") { options in
            try Plans.site(perimeters: perimeters, quartier: quartier,
                           layers: .init(tenure: inputs[.parcelles], residences: inputs[.residences], gaps: gapsLayer,
                                         hotspots: hotLayer, managerColors: run.colors, background: run.background, fields: run.planFields),
                           commune: project.commune, options: options, reporter: reporter)
        }
        // The incidents ordered by y once for the dossier (`DossierRun.heatPoints`, set with the hotspots).
        if hotEntry != nil, let heatPoints = run.heatPoints {
            try plan("plan_points_chauds.svg", "Plan des points chauds : densité des signalements") { options in
                try Plans.site(perimeters: perimeters, quartier: quartier,
                               layers: .init(tenure: inputs[.parcelles], residences: inputs[.residences], hotspots: hotLayer,
                                             heat: HeatInput(points: heatPoints, radius: project.kernelRadius, classes: run.heatClasses),
                                             background: run.background, fields: run.planFields),
                               commune: project.commune, title: "Plan des points chauds", options: options, reporter: reporter)
            }
        }
        if let routeLayer, let routeMarkers {
            try plan("plan_parcours.svg", "Parcours du diagnostic en marchant") { options in
                // Markers are sized on paper (about 4.4 mm across): render once to learn the scale.
                func render(scale: Int) throws -> RenderedPlan {
                    let radius = 2.2 * Double(scale) / 1000
                    var items = [(Properties([("numero", .string("D"))]), try GeometryHandle(x: routeMarkers.start.x, y: routeMarkers.start.y).buffer(radius))]
                    for (n, p) in routeMarkers.stops.enumerated() {
                        items.append((Properties([("numero", .number(Double(n + 1)))]), try GeometryHandle(x: p.x, y: p.y).buffer(radius)))
                    }
                    return try Plans.site(perimeters: perimeters, quartier: quartier,
                                          layers: .init(tenure: inputs[.parcelles], residences: inputs[.residences], hotspots: hotLayer,
                                                        managerColors: run.colors, route: routeLayer,
                                                        stops: derivedLayer(name: "arrets", source: "parcours_arrets.geojson", items: items),
                                                        routeAlongStreets: fig.routeAlongStreets, background: run.background, fields: run.planFields),
                                          commune: project.commune, title: "Parcours du diagnostic en marchant",
                                          options: options, reporter: reporter)
                }
                // The plan de masse has the same subject and page: its scale is this plan's.
                let masse = fig.plans.first { $0.file == "plan_masse.svg" }?.scale
                if let masse { return try render(scale: masse) }
                let first = try render(scale: options.scale ?? 2500)
                return first.scale == (options.scale ?? 2500) ? first : try render(scale: first.scale)
            }
        }

        lap("pages")
        fig.tables = tables
        if !fig.stops.isEmpty {
            try folder.write(DossierPages.fieldSheet(project: project, quartier: fig), to: "fiche_terrain.html")
            files.append("fiche_terrain.html")
        }
        files.append("index.html")
        fig.files = files.sorted()
        try folder.write(DossierPages.quartier(project: project, figures: fig, date: date), to: "index.html")
        lap("")
        return fig
    }

    /// What the field sheet says of one stop.
    private func stop(number: Int, zone: HotZone, at p: Position, categoriesByCell: [Int32: [Int32: Int]], tenure: TenureResult?,
                      toLonLat: CoordinateTransformer) throws -> QuartierFigures.Stop {
        let set = inputs.incidentSet!
        var byCat: [Int32: Int] = [:]
        for c in zone.cellIndices { for (cat, n) in categoriesByCell[Int32(c)] ?? [:] { byCat[cat, default: 0] += n } }
        let cats = byCat.map { (category: $0.key >= 0 ? set.categories[Int($0.key)] : Labels.noCategory, incidents: $0.value) }
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
        if let s = inputs[.secteurs] {
            let cleanerField = run.planFields.cleaner, sectorField = run.sectorNameField
            // Found once for the whole dossier (`DossierRun.stopSectors`), the
            // stop being this hot zone's centre.
            for k in run.stopSectors?[name]?[zone.rank] ?? [] {
                let f = s.features[k]
                let sector = FieldResolver.text(f, sectorField) ?? f.label
                let cleaner = FieldResolver.text(f, cleanerField) ?? Labels.unknownCleaner
                sectors.append((sector, cleaner))
            }
        }
        let lonLat = try toLonLat.transform(p)
        return .init(number: number, hotspotRank: zone.rank, lonLat: lonLat, hotspotLonLat: lonLat, offsetFromHotspot: 0,
                     leg: 0, cumulative: 0, incidentsByCategory: cats, managers: managers, sectors: sectors)
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
                ("distance_m", .number(s.leg.rounded())), ("cumul_m", .number(s.cumulative.rounded())),
                ("incidents", .number(Double(s.incidentsByCategory.reduce(0) { $0 + $1.incidents }))),
                ("categories", .string(s.incidentsByCategory.map { "\($0.category) (\($0.incidents))" }.joined(separator: ", "))),
                ("gestionnaires", .string(s.managers.map(\.manager).joined(separator: " + "))),
                ("intervenants", .string(Array(Set(s.sectors.map(\.cleaner))).sorted().joined(separator: " + "))),
            ])))
        }
        return (GeoJSONWriter().render([route]), GeoJSONWriter().render(features))
    }
}
