import ArgumentParser
import Foundation
import GUPKit

@main
struct Gup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gup",
        abstract: "Analyses géographiques pour la gestion urbaine de proximité (GUP).",
        discussion: """
        Charge des couches (périmètres de quartiers, parcelles et gestionnaires, \
        résidences, secteurs de nettoyage, signalements), calcule la domanialité, les \
        densités d'incidents, les points chauds et les lacunes de nettoyage, et produit \
        les plans du dossier qualité de service.

        Chaque couche peut être un fichier GeoJSON, Shapefile (ou .zip qui le contient), \
        GeoPackage (fichier.gpkg:couche), FlatGeobuf, KML, GML, CSV (colonnes lon/lat, \
        x/y, WKT, geo_point_2d ou geo_shape ; séparateur , ou ; ; UTF-8 ou Windows-1252) \
        ou une table PostGIS (« PG:dbname=gup host=/chemin/socket tables=perimetres ») ; \
        le format est reconnu d'après le contenu du fichier. Les tableaux de gestionnaires \
        peuvent être en CSV, XLSX ou ODS.

        Toutes les mesures sont faites dans un système projeté en mètres choisi d'après \
        l'emprise des données (Lambert-93 en métropole), modifiable par --crs.
        """,
        version: VersionText.short,
        subcommands: [
            DossierCommand.self,
            VersionCommand.self,
            Verifier.self,
            Resume.self,
            Domanialite.self,
            Densites.self,
            Veille.self,
            PointsChauds.self,
            Nettoyage.self,
            PlanSituation.self,
            PlanMasse.self,
            PlanAvantApres.self,
        ]
    )

    /// Parses, runs, and prints help and errors in French (the parser's own
    /// words are English; they are translated on the way out).
    static func main() {
        do {
            var command = try parseAsRoot(versionAliases(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let text = FrenchHelp.translate(fullMessage(for: error))
            if !text.isEmpty {
                if code == .success {
                    print(text)
                } else {
                    FileHandle.standardError.write(Data((text + "\n").utf8))
                }
            }
            Foundation.exit(code.rawValue)
        }
    }
}

/// `gup -V` is `gup --version` (the parser only knows the long flag; a
/// short `-V` is what packagers and IT scripts try first).
func versionAliases(_ arguments: [String]) -> [String] {
    arguments == ["-V"] ? ["--version"] : arguments
}

/// `gup version`: the same text as `gup --version`; with `--bibliotheques`,
/// also loads the libraries loaded on first use and prints their versions
/// (what an IT department checks after installing), failing when one
/// cannot be loaded.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Affiche la version de gup, le commit dont il est construit et les versions des bibliothèques C chargées au démarrage (GEOS, PROJ).",
        discussion: """
        GDAL, cairo, pango, librsvg et libxlsxwriter ne sont chargées qu'à leur première \
        utilisation (lecture d'un Shapefile, d'un GeoPackage ou d'un classeur, écriture d'un \
        PDF ou d'un XLSX) : gup démarre ainsi plus vite. --bibliotheques les charge et affiche \
        leurs versions ; la commande échoue, en nommant le fichier de la bibliothèque, si \
        l'une d'elles est introuvable.
        """
    )

    @Flag(name: .customLong("bibliotheques"), help: "Charge aussi GDAL, cairo, pango, librsvg et libxlsxwriter et affiche leurs versions.")
    var libraries = false

    func run() throws {
        print(VersionText.short)
        guard libraries else { return }
        try runReportingErrors {
            var failures: [String] = []
            for library in onDemandLibraryVersions() {
                switch library.version {
                case .success(let v): print("\(library.name) \(v)")
                case .failure(let e):
                    print("\(library.name) : introuvable")
                    failures.append(e.message)
                }
            }
            if !failures.isEmpty { throw GUPError(failures.joined(separator: "\n")) }
        }
    }
}

/// Every `print` of the commands goes through here: names from the data
/// (a manager called « Ville\u{1B}[31m ») must not send escape sequences or
/// bells to the user's terminal (issue 16). Shadows `Swift.print` in this module.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Swift.print(ControlCharacters.forTerminal(items.map { "\($0)" }.joined(separator: separator)), terminator: terminator)
}

/// Translates swift-argument-parser's fixed English words.
enum FrenchHelp {
    static let replacements: [(String, String)] = [
        ("OVERVIEW:", "PRÉSENTATION :"),
        ("USAGE:", "UTILISATION :"),
        ("ARGUMENTS:", "ARGUMENTS :"),
        ("OPTIONS:", "OPTIONS :"),
        ("SUBCOMMANDS:", "COMMANDES :"),
        ("Show subcommand help information.", "Affiche l'aide d'une commande."),
        ("Show help information.", "Affiche cette aide."),
        ("Show the version.", "Affiche la version."),
        ("See 'gup help <subcommand>' for detailed help.", "Voir « gup help <commande> » pour l'aide détaillée."),
        ("(default:", "(par défaut :"),
        ("<subcommand>", "<commande>"),
        ("(values: ", "(valeurs : "),
        ("Error: ", "Erreur : "),
        ("Missing expected argument", "Argument attendu manquant"),
        ("Missing required subcommand.", "Commande manquante."),
        ("Missing one of:", "Il manque l'un de :"),
        ("Missing value for option", "Valeur manquante pour l'option"),
        ("Missing value for", "Valeur manquante pour"),
        ("Unknown option", "Option inconnue"),
        ("Unexpected arguments", "Arguments inattendus"),
        ("Unexpected argument", "Argument inattendu"),
        ("The value", "La valeur"),
        ("is invalid for", "n'est pas valable pour"),
        ("Help:  ", "Aide :  "),
        ("Usage: ", "Utilisation : "),
        ("Did you mean", "Vouliez-vous dire"),
        ("for more information.", "pour plus d'informations."),
        ("  See '", "  Voir « "),
        ("--help' pour", "--help » pour"),
    ]

    static func translate(_ text: String) -> String {
        var t = text
        for (en, fr) in replacements { t = t.replacingOccurrences(of: en, with: fr) }
        return t
    }
}

/// Prints the library's messages on the terminal (stderr); with
/// `progressBar`, long steps show a progress bar when stderr is a terminal
/// (one line per step otherwise).
struct TerminalReporter: Reporter {
    var verbose = true
    var progressBar = false
    private static let isTTY = isatty(STDERR_FILENO) == 1

    init(verbose: Bool = true, progressBar: Bool = false) {
        self.verbose = verbose
        self.progressBar = progressBar
    }

    func warning(_ message: String) {
        if progressBar && Self.isTTY { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        FileHandle.standardError.write(Data("attention : \(ControlCharacters.forTerminal(message))\n".utf8))
    }
    func info(_ message: String) { if verbose { FileHandle.standardError.write(Data("\(ControlCharacters.forTerminal(message))\n".utf8)) } }
    func progress(_ step: String, done: Int, total: Int) {
        guard progressBar else { return }
        if Self.isTTY {
            let width = 30
            let filled = total > 0 ? width * done / total : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[K[\(bar)] \(done)/\(total) \(step)".utf8))
        } else if done < total {
            FileHandle.standardError.write(Data("… \(step)\n".utf8))
        }
    }
    func finishProgress() {
        if progressBar && Self.isTTY { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// Runs a command body, turning library errors into a French message and exit 1.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as GUPError {
        FileHandle.standardError.write(Data("erreur : \(ControlCharacters.forTerminal(e.message))\n".utf8))
        throw ExitCode(1)
    } catch let e as AnalysisError {
        FileHandle.standardError.write(Data("erreur : \(e.message(CommandLineWording()))\n".utf8))
        throw ExitCode(1)
    } catch let e as TopologyError {
        FileHandle.standardError.write(Data("erreur : \(ControlCharacters.forTerminal(e.description))\n".utf8))
        throw ExitCode(1)
    } catch let e as ProjectionError {
        FileHandle.standardError.write(Data("erreur : \(ControlCharacters.forTerminal(e.description))\n".utf8))
        throw ExitCode(1)
    } catch let e as ExitCode {
        throw e
    } catch {
        FileHandle.standardError.write(Data("erreur : \(ControlCharacters.forTerminal(frenchSystemMessage(error)))\n".utf8))
        throw ExitCode(1)
    }
}

/// Foundation's and the system's errors in French (their own text is
/// English: « The operation could not be completed », « No such file… »).
func frenchSystemMessage(_ error: Error) -> String {
    let ns = error as NSError
    let file = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
    var code: Int32?
    if ns.domain == NSPOSIXErrorDomain { code = Int32(ns.code) }
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        code = Int32(underlying.code)
    }
    let what = code.map(SystemError.french) ?? "opération impossible (erreur \(ns.domain) n° \(ns.code))"
    return file.map { "\($0) : \(what)" } ?? what
}

/// Values a command keeps until the process exits instead of freeing them.
///
/// Why: a command's last act was to free what it read, object by object:
/// for `gup resume` on 1,000,000 incidents, a million features and their
/// property dictionaries, 8.5 % of its main thread (perf, under
/// `_swift_release_dealloc` after the last print). The process exits right
/// after; the kernel takes the pages back at once. Only for values whose
/// last use is at the command's end (nothing is written after).
enum KeptUntilExit {
    nonisolated(unsafe) private static var values: [Any] = []
    private static let lock = NSLock()

    static func keep(_ value: Any) {
        lock.lock(); defer { lock.unlock() }
        values.append(value)
    }
}
