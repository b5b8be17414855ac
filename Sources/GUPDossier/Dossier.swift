import Foundation
import GUPAnalysis
import GUPCartography
import GUPModel
import GUPProjection
import GUPTopology

/// Builds the *dossier qualité de service* from a project file: every
/// analysis the layers allow, for each quartier, with its plans, tables,
/// hotspot list and walking route, an HTML index and `rapport.json`.
public enum Dossier {
    /// What was produced.
    public struct Outcome: Sendable {
        public var folder: String
        public var quartiers: [QuartierFigures]
        /// Every file written, relative to `folder`, sorted.
        public var files: [String]
        /// What the duplicate merge did (`[veille] fusion_doublons`).
        public var duplicates: DuplicateMergeReport? = nil
    }

    public static func build(_ project: ProjectFile, date: String = Cartouche.today(),
                             reporter: Reporter = SilentReporter(), times: StepTimes = StepTimes()) throws -> Outcome {
        do {
            return try buildUnworded(project, date: date, reporter: reporter, times: times)
        } catch let e as AnalysisError {
            // The library's typed errors, worded with the project file's keys.
            throw GUPError(e.message(project.wording))
        }
    }

    static func buildUnworded(_ project: ProjectFile, date: String, reporter: Reporter, times: StepTimes) throws -> Outcome {
        WorkLimits.current = project.limits
        let run = try DossierRun.make(project, reporter: reporter, times: times)
        let out = try OutputFolder(path: project.output, force: project.outputForce)
        let slugs = uniqueSlugs(run.selected.map { run.inputs.zones.names[$0] })
        // Each quartier's pages and plans on every core; the jobs ran once above.
        let counter = ProgressCounter(total: run.selected.count, reporter: reporter)
        let results = try run.resultLayers()
        // The GIS hand-over (every layer in one GeoPackage and a QGIS project
        // opening it) needs no quartier's pages: written on its own thread
        // while the quartiers are built. On one core after them it was 4.4 s
        // of a 60 s metro dossier with the other core idle.
        // The veille's dossier-wide files (charts of every quartier) likewise.
        let gis = BackgroundJob {
            try times.measure("SIG : dossier.gpkg et dossier.qgs (pendant les quartiers)") {
                try DossierGIS.write(run: run, results: results, folders: slugs, title: project.title, into: out, reporter: reporter)
            } + times.measure("veille du dossier (pendant les quartiers)") {
                try DossierVeille.write(run.veille, duplicates: run.duplicates, project: project, to: out)
            }
        }
        let figures: [QuartierFigures]
        do {
            figures = try times.measure("quartiers (pages, plans, tableaux)") {
                // One quartier at a time per core: chunks of 39 quartiers (625 / 16)
                // left a core idle about a second at the end (perf timeline).
                try parallelMap(count: run.selected.count, maxChunk: 1) { n -> QuartierFigures in
                    let q = QuartierBuilder(run: run, zone: run.selected[n], slug: slugs[n], date: date, reporter: reporter, times: times)
                    let f = try q.build(into: out)
                    counter.step("Quartier « \(f.name) »")
                    return f
                }
            }
        } catch {
            // No thread left writing into a folder being abandoned.
            _ = try? gis.wait()
            throw error
        }
        var files = figures.flatMap { f in f.files.map { "\(f.folder)/\($0)" } }
        files += try gis.wait()
        if project.results != .geojson {
            // Every result layer of the run (all selected quartiers) in one GeoPackage and/or PostGIS.
            files += try times.measure("couches résultats (GeoPackage, PostGIS)") {
                try ResultLayers.write(results, output: project.results, to: out)
            }
        }
        if let w = try times.measure("classeur tableaux.xlsx", { try DossierDocuments.writeWorkbook(quartiers: figures, into: out) }) {
            files.append(w)
        }
        if project.pdf {
            if !DossierDocuments.completeRoot(project, quartiers: figures.count) {
                let why = project.pdfComplete == false ? "pdf_complet = false"
                    : "\(figures.count) quartiers, plus de \(DossierDocuments.completeRootLimit) ; pdf_complet = true pour tout réunir"
                reporter.warning("\(DossierDocuments.pdfFile) : volume de synthèse (\(why)) : les plans, tableaux et fiches terrain sont dans QUARTIER/\(DossierDocuments.pdfFile)")
            }
            files += try times.measure("documents PDF") { try DossierDocuments.writePDFs(project: project, quartiers: figures, date: date, into: out) }
        }
        _ = try times.measure("index.html") {
            try out.write(DossierPages.index(project: project, inputs: run.inputs, quartiers: figures, date: date,
                                             veille: run.veille, duplicates: run.duplicates), to: "index.html")
        }
        files.append("index.html")
        files.append("rapport.json")
        _ = try times.measure("rapport.json") {
            try out.write(DossierReport.json(project: project, inputs: run.inputs, quartiers: figures, date: date, files: files.sorted(),
                                             veille: DossierVeille.json(run.veille, duplicates: run.duplicates), written: out.written),
                          to: "rapport.json")
        }
        try times.measure("mise en place du dossier (manifeste, syncfs)") { try out.commit() }
        return Outcome(folder: out.url.path, quartiers: figures, files: files.sorted(), duplicates: run.duplicates)
    }

    /// Folder names for quartiers, made unique (`-2`, `-3`… on collisions:
    /// « Saint-Jean » and « Saint Jean » must not overwrite each other).
    public static func uniqueSlugs(_ names: [String]) -> [String] {
        var used = Set<String>()
        return names.map { n in
            let base = slug(n)
            var s = base, k = 2
            while used.contains(s) { s = "\(base)-\(k)"; k += 1 }
            used.insert(s)
            return s
        }
    }

    /// A folder name for a quartier: ASCII lower case, dashes.
    public static func slug(_ name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
        var s = ""
        for c in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(c) && c.isASCII { s.unicodeScalars.append(c) } else if !s.hasSuffix("-") { s += "-" }
        }
        s = s.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        // Folder names stay far below the 255-byte limit of file systems,
        // room left for the « -2 » of a collision.
        if s.count > 60 { s = String(s.prefix(60)).trimmingCharacters(in: CharacterSet(charactersIn: "-")) }
        return s.isEmpty ? "quartier" : s
    }
}

/// Everything the quartiers of a dossier share: the inputs, loaded once,
/// and each analysis run once over the selected perimeters.
struct DossierRun: @unchecked Sendable {
    /// Every result layer of the run (all selected quartiers), working CRS:
    /// what the GIS hand-over and `[resultats]` write.
    func resultLayers() throws -> [Layer] {
        var layers: [Layer] = []
        if let t = tenure { layers += try TenureOutput.layers(t, workingCRS: inputs.working) }
        if let c = cleaning { layers += try CleaningWriter.layers(c) }
        if let h = hotspots { layers += try HotspotsOutput.layers(h.entries, working: inputs.working) }
        return layers
    }

    let project: ProjectFile
    /// All perimeters (plans draw the others around a quartier), layers indexed for the plans.
    let inputs: AnalysisInputs
    /// Indices of the selected quartiers among `inputs.zones`.
    let selected: [Int]
    let tenure: TenureResult?
    let incidents: IncidentResult?
    let hotspots: HotspotResult?
    let cleaning: CleaningResult?
    let colors: ColorAssignment?
    /// The heat layer's classes, computed once over every quartier's density
    /// so the plans des points chauds of two quartiers read the same way.
    var heatClasses: HeatClasses?
    /// The incidents ordered by y once for the density of every plan des points chauds.
    var heatPoints: KernelDensity.PointsByY?
    /// The shapes every plan de situation draws whole (the commune of the
    /// inset, the quartiers around), simplified once for the dossier.
    let situationMemo = DrawMemo(keepsClipped: false)
    /// What commune names avoid on the plans de situation (nil without communes).
    let situationAvoid: GeometryHandle?
    /// Fields the plans read, resolved once.
    let planFields: PlanFields
    /// `[fond]`: the orientation layers (fields resolved, indexed once) and
    /// the street network of the walking route, built once per dossier.
    var background = OrientationLayers()
    var network: RoadNetwork?
    /// The sectors' name field the field sheet reads (the plans' fields hold the others).
    let sectorNameField: String?
    /// The duplicate merge (`[veille] fusion_doublons`), applied before every job.
    var duplicates: DuplicateMergeReport?
    var veille: VeilleResult?
    /// The sectors covering each possible stop of the walks (`stopSectors`).
    var stopSectors: [String: [Int: [Int]]]?
    /// The walk of each quartier with hot zones, by name (`Walks.run`).
    var walks: [String: Walk]?

    static func make(_ project: ProjectFile, reporter: Reporter, times: StepTimes) throws -> DossierRun {
        if !project.hasBackground {
            let why = "le plan de situation exige au moins une couche de fond : ajoutez une section [fond] avec « routes = \"routes.geojson\" » (et voies_ferrees, eau, bati, lieux si vous les avez), ou « sans_fond = true »"
            if project.withoutBackground { reporter.warning("\(project.path) : pas de fond de plan ([fond] sans_fond = true) ; \(why.components(separatedBy: " : ")[0])") } else {
                throw GUPError.input(file: project.path, "section [fond] absente : \(why)")
            }
        }
        var inputs = try times.measure("lecture et préparation des couches") { try AnalysisInputs.load(project.inputSpec, reporter: reporter) }
        let duplicates = try times.measure("fusion des doublons") { try project.duplicateRule.flatMap { try inputs.mergeDuplicates($0) } }
        let selected = try inputs.zones.select(project.quartiers)
        let chosen = inputs.restricted(to: selected)
        // Each step is announced only when it runs: without parcels there is no
        // domanialité, without reports no densities, hot spots nor veille,
        // without sectors no nettoyage (« … Domanialité » was printed anyway).
        let tenure = try times.measure("domanialité") { try chosen[.parcelles].map { _ in
            reporter.progress("Domanialité", done: 0, total: 1)
            return try Tenure.run(chosen, options: TenureOptions(managerField: chosen.field(.manager), ownerField: chosen.field(.owner),
                                                                 categoryField: chosen.field(.category),
                                                                 overlapThreshold: project.overlapThreshold), reporter: reporter)
        } }
        let comparison = project.period1.flatMap { p1 in project.period2.map { (p1.range, $0.range) } }
        let incidents = try times.measure("densités") { try chosen.incidentSet.map { _ in
            reporter.progress("Signalements", done: 0, total: 1)
            return try IncidentAnalysis.run(chosen, options: IncidentOptions(comparison: comparison, dwellingsField: chosen.field(.dwellings)),
                                            reporter: reporter)
        } }
        let hotspots = try times.measure("points chauds") { try chosen.incidentSet.map { _ in
            reporter.progress("Points chauds", done: 0, total: 1)
            return try Hotspots.run(chosen, options: try HotspotOptions(cellSize: project.cellSize, radius: project.kernelRadius, scope: .perZone),
                                    reporter: reporter)
        } }
        let cleaning = try times.measure("nettoyage") { try chosen[.secteurs].map { _ in
            reporter.progress("Nettoyage", done: 0, total: 1)
            return try Cleaning.run(chosen, options: CleaningOptions(cleanerField: chosen.field(.cleaner), categoryField: chosen.field(.category),
                                                                     threshold: project.gapThreshold), reporter: reporter)
        } }
        if chosen.incidentSet != nil { reporter.progress("Veille", done: 0, total: 1) }
        let veille = try times.measure("veille") { try DossierVeille.run(chosen, project: project, cleaning: cleaning, reporter: reporter) }
        // The plans draw city-wide layers around each quartier: indexed once.
        try times.measure("index des couches") {
            for role in LayerRole.allCases where role != .incidents {
                inputs.layers[role] = try inputs.layers[role]?.indexed()
            }
        }
        var planFields = PlanFields.resolve(tenure: inputs[.parcelles], residences: inputs[.residences], context: inputs[.contexte],
                                            sectors: inputs[.secteurs], incidents: inputs[.incidents], given: inputs.spec.fields)
        let colors = inputs[.parcelles].map { Plans.managerColors([$0], field: tenure?.managerField ?? planFields.manager) }
        let avoid = try inputs[.contexte].map { _ in try Plans.situationLabelAvoid(inputs.perimeters) }
        // The pages read these two too: a field the user named must exist (an
        // error here, where the plans' resolution would only leave it out).
        planFields.residenceName = try inputs[.residences].flatMap {
            try FieldResolver.resolve(.residenceName, explicit: inputs.field(.residenceName), in: $0)
        }
        planFields.cleaner = try inputs[.secteurs].flatMap { try FieldResolver.resolve(.cleaner, explicit: inputs.field(.cleaner), in: $0) }
        let sectorName = try inputs[.secteurs].flatMap { try FieldResolver.resolve(.sectorName, explicit: nil, in: $0) }
        let background: OrientationLayers
        do { background = try OrientationLayers(inputs) } catch let e as AnalysisError {
            throw GUPError(e.message(project.wording))
        }
        let network = try times.measure("réseau des rues") { inputs[.routes].map { RoadNetwork(lines: $0.features) } }
        var run = DossierRun(project: project, inputs: inputs, selected: selected, tenure: tenure, incidents: incidents,
                             hotspots: hotspots, cleaning: cleaning, colors: colors, situationAvoid: avoid, planFields: planFields,
                             sectorNameField: sectorName,
                             duplicates: duplicates, veille: veille)
        run.background = background
        if let h = hotspots, h.entries.count == chosen.zones.count {
            run.heatClasses = try times.measure("classes de densité") {
                try HeatClasses.quantiles(of: h.entries.map(\.density),
                                          clips: try parallelMap(count: chosen.zones.shapes.count) { try chosen.zones.shapes[$0].buffer(project.kernelRadius) },
                                          basis: "classes communes à tous les quartiers du dossier (quantiles)")
            }
        }
        run.network = network
        if hotspots != nil, let set = inputs.incidentSet {
            run.heatPoints = times.measure("points des densités des plans") { KernelDensity.PointsByY(set.points) }
        }
        if let h = hotspots {
            // The walks of the diagnostic en marchant, one per quartier with hot zones.
            let start = try project.routeStart.map { try CoordinateTransformer.shared(from: .wgs84, to: inputs.working).transform($0) }
            let path = project.path
            run.walks = try times.measure("parcours") {
                try Walks.run(h, zones: chosen.zones, network: network, options: WalkOptions(stops: project.routeStops, start: start),
                              startWhat: { "\(path), clé « parcours.depart », quartier « \($0) »" }, reporter: reporter)
            }
        }
        if let walks = run.walks, let sectors = inputs[.secteurs] {
            run.stopSectors = try times.measure("secteurs des arrêts") { try Self.stopSectors(walks, sectors: sectors) }
        }
        return run
    }

    /// The sectors (indices, ascending) that cover the centre of each hot
    /// zone a walk stops at, by quartier name then hot zone rank: one
    /// prepared geometry per sector for the whole dossier. Each stop used
    /// to clip every sector near it (a whole town each, tens of thousands
    /// of vertices) to a small square: 16 % of the quartier stage of a
    /// 60-quartier metro dossier (perf with DWARF call graphs, under
    /// `GeometryHandle.clip`).
    static func stopSectors(_ walks: [String: Walk], sectors: WorkingLayer) throws -> [String: [Int: [Int]]] {
        var points: [Position] = [], keys: [(zone: String, rank: Int)] = []
        for (zone, w) in walks {
            for (z, p) in zip(w.hotZones, w.hotspotCentres) {
                points.append(p)
                keys.append((zone, z.rank))
            }
        }
        let covered: [[Int]] = try parallelMap(count: sectors.shapes.count) { k in
            guard let b = try sectors.shapes[k].bounds() else { return [] }
            let inBox = points.indices.filter { b.contains(points[$0]) }
            if inBox.isEmpty { return [] }
            let prepared = try PreparedGeometry(sectors.shapes[k])
            return try inBox.filter { try prepared.covers(GeometryHandle(x: points[$0].x, y: points[$0].y)) }
        }
        var table: [String: [Int: [Int]]] = [:]
        for key in keys { table[key.zone, default: [:]][key.rank] = [] }
        for (sector, list) in covered.enumerated() {
            for i in list { table[keys[i].zone]![keys[i].rank]!.append(sector) }
        }
        return table
    }
}

/// Progress of work done on several threads, reported in order of completion.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    let total: Int
    let reporter: Reporter
    init(total: Int, reporter: Reporter) { self.total = total; self.reporter = reporter }
    func step(_ what: String) {
        lock.lock(); defer { lock.unlock() }
        done += 1
        reporter.progress(what, done: done, total: total)
    }
}
