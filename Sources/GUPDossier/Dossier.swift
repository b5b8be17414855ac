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
    }

    public static func build(_ project: ProjectFile, date: String = Cartouche.today(),
                             reporter: Reporter = SilentReporter()) throws -> Outcome {
        let inputs = try DossierInputs.load(project, reporter: reporter)
        let out = try OutputFolder(path: project.output)
        let selected = try inputs.selectQuartiers(project.quartiers)
        var figures: [QuartierFigures] = []
        var files: [String] = []
        let colors = inputs.parcels.map { Plans.managerColors([$0]) }
        let slugs = uniqueSlugs(selected.map { inputs.names[$0] })
        for (n, k) in selected.enumerated() {
            reporter.progress("Quartier « \(inputs.names[k]) »", done: n, total: selected.count)
            let q = QuartierBuilder(project: project, inputs: inputs, index: k, slug: slugs[n], colors: colors, date: date, reporter: reporter)
            let f = try q.build(into: out)
            figures.append(f)
            files += f.files.map { "\(f.folder)/\($0)" }
        }
        reporter.progress("Quartiers", done: selected.count, total: selected.count)
        if let w = try DossierDocuments.writeWorkbook(quartiers: figures, into: out) { files.append(w) }
        files += try DossierDocuments.writePDFs(project: project, quartiers: figures, date: date, into: out)
        try out.write(DossierPages.index(project: project, inputs: inputs, quartiers: figures, date: date), to: "index.html")
        files.append("index.html")
        files.append("rapport.json")
        try out.write(DossierReport.json(project: project, inputs: inputs, quartiers: figures, date: date, files: files.sorted()),
                      to: "rapport.json")
        return Outcome(folder: out.url.path, quartiers: figures, files: files.sorted())
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
        return s.isEmpty ? "quartier" : s
    }
}

/// The layers of a project, read, joined, projected and repaired once.
public struct DossierInputs: @unchecked Sendable {
    public var working: CRS
    public var perimeters: WorkingLayer
    public var parcels: WorkingLayer?
    public var residences: WorkingLayer?
    public var sectors: WorkingLayer?
    public var incidents: WorkingLayer?
    public var context: WorkingLayer?
    /// Quartier names, aligned with `perimeters.features` (made unique).
    public var names: [String]
    public var incidentSet: IncidentSet?
    /// Join reports (parcels without a row in the managers table).
    public var joins: [String: JoinReport]

    public var summaries: [LoadSummary] {
        [perimeters, parcels, residences, sectors, incidents, context].compactMap { $0?.summary }
    }

    static func load(_ project: ProjectFile, reporter: Reporter) throws -> DossierInputs {
        var raw: [String: Layer] = [:]
        var joins: [String: JoinReport] = [:]
        for name in ProjectFile.layerNames {
            guard let spec = project.layers[name] else { continue }
            reporter.progress("Lecture de \(name)", done: 0, total: 1)
            var l = try Loader.read(path: spec.file, name: name, declaredCRS: spec.crs)
            if let j = spec.join {
                let (joined, report) = try l.joining(try CSVTable.read(path: j.file), key: j.key)
                l = joined
                joins[name] = report
                if report.unmatchedCount > 0 {
                    reporter.warning("\(spec.file) : \(report.unmatchedCount) entité(s) sans ligne dans \(j.file) (clé \(j.key) : \(report.unmatchedFirst.joined(separator: ", "))…)")
                }
            }
            raw[name] = l
        }
        let perimetersRaw = raw["perimetres"]!
        let working = try project.workingCRS.map(WorkingCRS.checkProjected) ?? WorkingCRS.choose(for: [perimetersRaw])
        reporter.info("Système de travail : \(working)")
        func prep(_ name: String, _ e: GeometryExpectation) throws -> WorkingLayer? {
            guard let l = raw[name] else { return nil }
            reporter.progress("Préparation de \(name)", done: 0, total: 1)
            return try Loader.prepare(l, to: working, expecting: e, reporter: reporter)
        }
        let perimeters = try prep("perimetres", .areal)!
        guard perimeters.count > 0 else { throw GUPError.input(file: perimetersRaw.source, "aucun périmètre utilisable") }
        let incidents = try prep("incidents", .point)
        let zones = try ZoneSet.make(from: perimeters, nameField: project.layers["perimetres"]?.fields["nom"], reporter: reporter)
        var set: IncidentSet?
        if let incidents {
            let f = project.layers["incidents"]?.fields ?? [:]
            set = try IncidentSet.make(from: incidents, categoryField: f["categorie"], dateField: f["date"],
                                       resolutionField: f["date_resolution"], readDates: true, reporter: reporter)
            set?.report(source: incidents.source, datesUsed: project.period1 != nil, to: reporter)
        }
        return DossierInputs(working: working, perimeters: perimeters, parcels: try prep("parcelles", .areal),
                             residences: try prep("residences", .areal), sectors: try prep("secteurs", .areal),
                             incidents: incidents, context: try prep("contexte", .areal), names: zones.names,
                             incidentSet: set, joins: joins)
    }

    /// Indices of the quartiers to process (all when `wanted` is empty).
    func selectQuartiers(_ wanted: [String]) throws -> [Int] {
        if wanted.isEmpty { return Array(names.indices) }
        func fold(_ s: String) -> String { s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
        return try wanted.map { w in
            guard let k = names.firstIndex(where: { fold($0) == fold(w) }) else {
                throw GUPError("dossier.toml, clé « quartiers » : quartier « \(w) » introuvable (quartiers : \(names.joined(separator: ", ")))")
            }
            return k
        }
    }

    /// The perimeters layer reduced to one quartier.
    func single(_ k: Int) -> WorkingLayer {
        var w = perimeters
        w.features = [perimeters.features[k]]
        w.shapes = [perimeters.shapes[k]]
        return w
    }
}
