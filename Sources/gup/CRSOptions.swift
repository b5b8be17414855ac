import ArgumentParser
import Foundation
import GUPKit

/// The two CRS options every analysis and plan command takes (`--crs`, the
/// working CRS; `--crs-source`, the CRS of files declaring none), and the
/// reading, working-CRS choice and preparation that go with them.
///
/// Used via `@OptionGroup var crs: CRSOptions`; the options appear in the
/// command's help where the group is declared.
struct CRSOptions: ParsableArguments {
    @Option(help: "Système de travail (par défaut : choisi d'après l'emprise, Lambert-93 en métropole).",
            transform: { try CRSOptions.parse($0, option: "--crs")! })
    var crs: CRS?

    @Option(name: .customLong("crs-source"), help: "Système des couches qui n'en déclarent pas (par défaut WGS 84) ; leurs coordonnées doivent tomber dans sa zone d'usage.",
            transform: { try CRSOptions.parse($0, option: "--crs-source")! })
    var crsSource: CRS?

    @Flag(name: .customLong("sortie-force"), help: "Accepte un dossier de sortie qui contient des fichiers d'entrée (le dossier courant, par exemple) ; les entrées ne sont jamais écrasées.")
    var outputForce = false

    @Option(name: .customLong("max-cellules"), help: "Nombre maximal de cellules d'une grille (points chauds, densité) avant de refuser le calcul.")
    var maxCells: Int = WorkLimits().gridCells

    @Option(name: .customLong("max-paires"), help: "Nombre maximal de paires de parcelles superposées comparées (chevauchements) avant de refuser le calcul.")
    var maxPairs: Int = WorkLimits().overlayPairs

    /// Installs the work limits before `run()` (every analysis reads
    /// `WorkLimits.current`, see its comment).
    func validate() throws {
        guard maxCells >= 1, maxPairs >= 1 else {
            throw ValidationError("--max-cellules et --max-paires : un entier positif est attendu")
        }
        WorkLimits.current = WorkLimits(gridCells: maxCells, overlayPairs: maxPairs)
    }

    /// `--crs-source` (nil: files without a CRS are WGS 84).
    func declaredCRS() throws -> CRS? { crsSource }

    /// `--crs`, checked to be a projected CRS PROJ knows (nil: not given).
    func overrideCRS() throws -> CRS? {
        try crs.map(WorkingCRS.checkProjected)
    }

    /// Reads a layer (any source `Loader.read` takes), applying `--crs-source` if it declares no CRS.
    func read(_ path: String, name: String? = nil) throws -> Layer {
        try Loader.read(path: path, name: name, declaredCRS: declaredCRS())
    }

    /// Reads several files, `--crs-source` parsed once.
    func read(all paths: [String]) throws -> [Layer] {
        let declared = try declaredCRS()
        return try paths.map { try Loader.read(path: $0, declaredCRS: declared) }
    }

    /// Reads an optional file (nil when the option was not given).
    func read(_ path: String?, name: String? = nil) throws -> Layer? {
        try path.map { try read($0, name: name) }
    }

    /// The working CRS: `--crs` (which must be projected) or, without it,
    /// the CRS chosen from the extent of the given layers (nil ones are
    /// ignored). Reported as « Système de travail : … » through `reporter`.
    func workingCRS(for layers: [Layer?], reporter: Reporter = SilentReporter()) throws -> CRS {
        let working: CRS
        if let given = try overrideCRS() {
            working = given
            try WorkingCRS.reportOutsideAreaOfUse(of: layers.compactMap { $0 }, crs: given, reporter: reporter)
        } else {
            working = try WorkingCRS.choose(for: layers.compactMap { $0 }, reporter: reporter)
        }
        reporter.info("Système de travail : \(working)")
        return working
    }

    /// Brings a layer read with `read` into the working CRS (see `Loader.prepare`).
    /// The layer is handed over (prepared in place, see `Loader.prepare`).
    func prepare(_ layer: consuming Layer, to working: CRS, expecting: GeometryExpectation, reporter: Reporter) throws -> WorkingLayer {
        try Loader.prepare(layer, to: working, expecting: expecting, reporter: reporter)
    }

    /// Prepares an optional layer.
    func prepare(_ layer: consuming Layer?, to working: CRS, expecting: GeometryExpectation, reporter: Reporter) throws -> WorkingLayer? {
        guard let l = layer else { return nil }
        return try Loader.prepare(l, to: working, expecting: expecting, reporter: reporter)
    }

    /// Reads and prepares a file in one step, once the working CRS is known.
    func load(_ path: String, working: CRS, expecting: GeometryExpectation, reporter: Reporter) throws -> WorkingLayer {
        try prepare(try read(path), to: working, expecting: expecting, reporter: reporter)
    }

    /// Reads and prepares an optional file.
    func load(_ path: String?, working: CRS, expecting: GeometryExpectation, reporter: Reporter) throws -> WorkingLayer? {
        try path.map { try load($0, working: working, expecting: expecting, reporter: reporter) }
    }

    /// Parses a CRS option value; the message names the option.
    static func parse(_ raw: String?, option: String) throws -> CRS? {
        guard let raw else { return nil }
        guard let c = CRS.parse(raw) else {
            throw GUPError("\(option) : système de coordonnées « \(raw) » non reconnu (exemple : EPSG:2154)")
        }
        return c
    }
}

extension CRSOptions {
    /// The inputs of an analysis command, loaded as the dossier loads them:
    /// `--crs-source` applies to every file that declares no CRS.
    func inputs(_ sources: [LayerRole: String?], fields: [FieldRole: String?] = [:], join: TableJoin? = nil,
                readDates: Bool = false, incidentColumns: Bool = true, reporter: Reporter) throws -> AnalysisInputs {
        let declared = try declaredCRS()
        var spec = InputSpec(workingCRS: try overrideCRS(), readDates: readDates, incidentColumns: incidentColumns)
        for (role, path) in sources {
            guard let path else { continue }
            spec.sources[role] = LayerSource(path: path, declaredCRS: declared, join: role == .parcelles ? join : nil)
        }
        for (role, name) in fields { if let name { spec.fields[role] = name } }
        return try AnalysisInputs.load(spec, reporter: reporter)
    }
}

/// How `gup`'s messages name fields and settings: by their options.
struct CommandLineWording: FrontEndWording {
    func name(of role: FieldRole) -> String {
        switch role {
        case .perimeterName, .residenceName, .communeName, .sectorName: return "--champ-nom"
        case .manager: return "--champ-gestionnaire"
        case .owner: return "--champ-proprietaire"
        case .category: return "--champ-categorie"
        case .date: return "--champ-date"
        case .resolutionDate: return "--champ-resolution"
        case .dwellings: return "--champ-logements"
        case .cleaner: return "--champ-intervenant"
        case .frequency: return "--champ-frequence"
        case .landlord: return "--champ-bailleur"
        case .roadName: return "--champ-nom-voie"
        case .roadClass: return "--champ-classe-voie"
        case .placeName: return "--champ-nom-lieu"
        }
    }
    func name(of setting: AnalysisSetting) -> String {
        switch setting {
        case .overlapThreshold: return "--seuil-chevauchement"
        case .gapThreshold: return "--seuil"
        case .cellSize: return "--cellule"
        case .kernelRadius: return "--rayon"
        case .routeStops: return "--arrets"
        }
    }
    var quartierSelector: String { "--quartier" }
    var joinAlternative: String { "ou joignez un tableau avec --gestionnaires" }
}

extension CRS: ExpressibleByArgument {
    /// `EPSG:2154`, `2154`, `urn:ogc:def:crs:EPSG::2154`, `CRS84`.
    public init?(argument: String) {
        guard let c = CRS.parse(argument) else { return nil }
        self = c
    }
}

extension PaperFormat: ExpressibleByArgument {}
extension Orientation: ExpressibleByArgument {}

// Dates given on the command line, parsed by the options' `transform`.

/// `AAAA-MM-JJ`, a day that exists; the message names the option.
func dayArgument(_ raw: String, option: String) throws -> Day {
    guard let d = Day.parseISO8601(raw) else {
        throw GUPError("\(option) : date « \(raw) » illisible (attendu AAAA-MM-JJ, par exemple 2025-01-31)")
    }
    return d
}

/// The date printed on plans and pages (`--date`): `JJ/MM/AAAA` (day
/// first, as in France) or `AAAA-MM-JJ`, a date that exists, always
/// printed `JJ/MM/AAAA` (« 2026-12-06 » was printed as typed, beside the
/// French dates of the same cartouche).
func printedDate(_ raw: String, option: String) throws -> String {
    let (reading, minute) = Day.readWithTime(raw)
    guard minute < 0 else {
        throw GUPError("\(option) : « \(raw) » porte une heure ; attendu une date seule, JJ/MM/AAAA ou AAAA-MM-JJ")
    }
    switch reading {
    case .iso(let d), .dayFirst(let d), .ambiguous(let d): return d.french
    case .monthFirstOnly:
        throw GUPError("\(option) : date « \(raw) » écrite mois d'abord ; attendu JJ/MM/AAAA (jour d'abord), par exemple 06/12/2026")
    case .unreadable:
        throw GUPError("\(option) : date « \(raw) » illisible ou inexistante (attendu JJ/MM/AAAA ou AAAA-MM-JJ, par exemple 06/12/2026)")
    }
}
