import Foundation
import GUPFormats
import GUPModel
import GUPProjection
import GUPTopology

/// The layers an analysis may take, as `dossier.toml` names them.
public enum LayerRole: String, Sendable, CaseIterable {
    case perimetres, parcelles, residences, secteurs, incidents, contexte
    /// Orientation layers (`[fond]` in `dossier.toml`): roads, railways,
    /// water (surfaces and lines), buildings, named places. Drawn only;
    /// the roads also carry the walking route.
    case routes, voiesFerrees = "voies_ferrees", eau, bati, lieux

    /// What the layer must hold.
    public var expectation: GeometryExpectation {
        switch self {
        case .incidents: return .point
        case .routes, .voiesFerrees, .eau, .lieux: return .shaped
        default: return .areal
        }
    }

    /// The orientation layers, in drawing order.
    public static let orientation: [LayerRole] = [.eau, .bati, .voiesFerrees, .routes, .lieux]
}

/// Where one layer comes from.
public struct LayerSource: Sendable, Equatable {
    /// The file (or data source) to read: a path, `fichier.gpkg:couche`, or `PG:…`.
    public var path: String
    /// CRS of a source that declares none.
    public var declaredCRS: CRS?
    /// A table joined on the layer (managers keyed by parcel id).
    public var join: TableJoin?
    /// The layer inside the source (`couche` in dossier.toml), when not in `path`.
    public var layer: String?
    /// An SQL query whose result is the layer (`requete` in dossier.toml).
    public var query: String?

    public init(path: String, declaredCRS: CRS? = nil, join: TableJoin? = nil, layer: String? = nil, query: String? = nil) {
        self.path = path; self.declaredCRS = declaredCRS; self.join = join; self.layer = layer; self.query = query
    }

    /// What `Loader.read` reads: `path` as written on the command line
    /// (`fichier.gpkg:couche` split), or with the layer or query given apart.
    public var dataSource: DataSource {
        if layer == nil, query == nil { return DataSource.parse(path) }
        return DataSource(location: path, layer: layer, query: query)
    }
}

/// A table joined on a layer by a key.
public struct TableJoin: Sendable, Equatable {
    public var file: String
    public var key: String
    public init(file: String, key: String = "id") { self.file = file; self.key = key }
}

/// What to load: the layers, the fields the user named, the working CRS.
/// Both front ends (`gup` commands and `gup dossier`) fill one and call
/// `AnalysisInputs.load`: reading, joining, the working CRS, projection
/// and repair happen in one place.
public struct InputSpec: Sendable {
    public var sources: [LayerRole: LayerSource]
    /// Fields the user named (nil: the usual names, see `FieldRole.defaults`).
    public var fields: [FieldRole: String]
    /// The working CRS the user asked for (nil: chosen from the extent).
    public var workingCRS: CRS?
    /// Whether the incidents' dates will be used (periods, evolution).
    public var readDates: Bool
    /// Whether the incidents are turned into columns (`IncidentSet`): the
    /// counting jobs need them; domanialité and nettoyage read the layer.
    public var incidentColumns: Bool

    public init(sources: [LayerRole: LayerSource] = [:], fields: [FieldRole: String] = [:], workingCRS: CRS? = nil,
                readDates: Bool = false, incidentColumns: Bool = true) {
        self.sources = sources; self.fields = fields; self.workingCRS = workingCRS; self.readDates = readDates
        self.incidentColumns = incidentColumns
    }
}

/// The layers of a run, read, joined, projected and repaired once, with the
/// perimeters' zones and the incidents as columns.
public struct AnalysisInputs: @unchecked Sendable {
    public var spec: InputSpec
    public var working: CRS
    public var layers: [LayerRole: WorkingLayer]
    /// The perimeters as zones, with the names every analysis writes.
    public var zones: ZoneSet
    /// The incidents as columns (nil without an incidents layer).
    public var incidentSet: IncidentSet?
    /// Join reports, per layer.
    public var joins: [LayerRole: JoinReport]

    public var perimeters: WorkingLayer { layers[.perimetres]! }
    public subscript(_ role: LayerRole) -> WorkingLayer? { layers[role] }
    public func field(_ role: FieldRole) -> String? { spec.fields[role] }

    /// Every layer's loading summary, in role order.
    public var summaries: [LoadSummary] { LayerRole.allCases.compactMap { layers[$0]?.summary } }

    /// Reads every layer of `spec` (perimeters required), joins tables,
    /// chooses the working CRS from the areal layers other than the context
    /// (unless given), projects and repairs, and names the zones.
    public static func load(_ spec: InputSpec, reporter: Reporter) throws -> AnalysisInputs {
        guard spec.sources[.perimetres] != nil else { throw GUPError("aucune couche de périmètres") }
        var raw: [LayerRole: Layer] = [:]
        var joins: [LayerRole: JoinReport] = [:]
        for role in LayerRole.allCases {
            guard let src = spec.sources[role] else { continue }
            reporter.progress("Lecture de \(role.rawValue)", done: 0, total: 1)
            var l = try Loader.read(src.dataSource, options: ReadOptions(name: role.rawValue, declaredCRS: src.declaredCRS))
            if let j = src.join {
                let (joined, report) = try l.joining(try TableReader.read(path: j.file), key: j.key)
                l = joined
                joins[role] = report
                if report.unmatchedCount > 0 {
                    reporter.warning("\(src.path) : \(report.unmatchedCount) entité(s) sans ligne dans \(j.file) (clé « \(j.key) ») : \(report.unmatchedFirst.joined(separator: ", "))\(report.unmatchedCount > report.unmatchedFirst.count ? "…" : "")")
                }
                if report.missingKeyCount > 0 {
                    reporter.warning("\(src.path) : \(report.missingKeyCount) entité(s) sans valeur de clé « \(j.key) »")
                }
            }
            raw[role] = l
        }
        let working = try spec.workingCRS.map(WorkingCRS.checkProjected) ?? {
            // Scoped: the layers' second references end before they are prepared in place.
            let steering = [LayerRole.perimetres, .parcelles, .residences, .secteurs].compactMap { raw[$0] }
            return try WorkingCRS.choose(for: steering, reporter: reporter)
        }()
        reporter.info("Système de travail : \(working)")
        var layers: [LayerRole: WorkingLayer] = [:]
        for role in LayerRole.allCases {
            // Removed, not read: the layer is handed over and prepared in place.
            guard let l = raw.removeValue(forKey: role) else { continue }
            reporter.progress("Préparation de \(role.rawValue)", done: 0, total: 1)
            layers[role] = try Loader.prepare(consume l, to: working, expecting: role.expectation, reporter: reporter)
        }
        let perimeters = layers[.perimetres]!
        guard perimeters.count > 0 else { throw GUPError.input(file: perimeters.source, "aucun périmètre utilisable") }
        let zones = try ZoneSet.make(from: perimeters, nameField: spec.fields[.perimeterName], reporter: reporter)
        var set: IncidentSet?
        if let incidents = layers[.incidents], spec.incidentColumns {
            set = try IncidentSet.make(from: incidents, categoryField: spec.fields[.category], dateField: spec.fields[.date],
                                       resolutionField: spec.fields[.resolutionDate], readDates: spec.readDates,
                                       reporter: reporter)
            // Dates are read when a period is asked for: none readable is an error, not a table of zeros.
            if spec.readDates { try set?.requireDates(source: incidents.source, for: "une période") }
        }
        return AnalysisInputs(spec: spec, working: working, layers: layers, zones: zones, incidentSet: set, joins: joins)
    }

    /// The same inputs restricted to some perimeters (their zones keep their names).
    public func restricted(to perimeterIndices: [Int]) -> AnalysisInputs {
        var copy = self
        let p = perimeters
        var w = p
        w.features = perimeterIndices.map { p.features[$0] }
        w.shapes = perimeterIndices.map { p.shapes[$0] }
        copy.layers[.perimetres] = w
        copy.zones = ZoneSet(names: perimeterIndices.map { zones.names[$0] }, shapes: w.shapes)
        return copy
    }
}
