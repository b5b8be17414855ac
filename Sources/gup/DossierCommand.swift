import ArgumentParser
import Foundation
import GUPKit

struct DossierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dossier",
        abstract: "Produit le dossier qualité de service complet à partir d'un fichier de projet.",
        discussion: """
        Lit le fichier de projet (TOML : quartiers, couches, champs, périodes, seuils, format \
        des plans, cartouche, dossier de sortie), lance toutes les analyses que les couches permettent \
        pour chaque quartier (domanialité, densités et évolution des signalements, points \
        chauds, couverture du nettoyage) et écrit dans le dossier de sortie :
          index.html           l'index des quartiers (s'ouvre hors ligne, s'imprime en A4, plans à l'échelle)
          dossier.pdf          tout le dossier : sommaire, notes, plans à leur échelle, tableaux, fiches terrain
          tableaux.xlsx        les tableaux de tous les quartiers, une feuille par tableau, nombres en nombres
          dossier.gpkg         toutes les couches (résultats, périmètres, parcelles, résidences, secteurs, signalements) dans le système de travail
          dossier.qgs          le projet QGIS qui l'ouvre (chemins relatifs) avec les couleurs et symboles des plans
          QUARTIER/index.html  la note de présentation, les plans, les tableaux, les points chauds
          QUARTIER/dossier.pdf le dossier du quartier (mêmes parties)
          QUARTIER/*.svg, *.pdf  plan de situation, plan de masse, plan des points chauds, plan du parcours
                               (cartouche de la section [cartouche] ; densité en classes communes à tous les quartiers)
          QUARTIER/*.csv, *.geojson   les résultats de chaque analyse (CSV pour tableur français avec csv = "excel")
          QUARTIER/densite_noyau.asc, .prj  la densité lissée des signalements et son système
          QUARTIER/fiche_terrain.html la fiche du diagnostic en marchant (arrêts, gestionnaires, intervenants)
          rapport.json         tous les chiffres, et les entités lues, réparées, ignorées

        Sans argument : le projet de démonstration Data/demo/dossier.toml du dépôt si le \
        dossier courant en contient un, sinon celui installé avec gup \
        (/usr/share/gup/demo/dossier.toml, ou PREFIX/share/gup/demo pour une autre \
        installation) ; le dossier est alors écrit dans ./dossier-demo, dans le dossier courant.
        Les clés du fichier de projet sont décrites dans le README.

        Exemples :
          gup dossier
          gup dossier mon_quartier/dossier.toml
          gup dossier mon_quartier/dossier.toml --sortie /tmp/dossier
        """
    )

    @Argument(help: "Fichier de projet (par défaut le projet de démonstration, voir plus haut).")
    var projet: String?

    @Option(help: "Dossier de sortie (remplace la clé « sortie » du projet).")
    var sortie: String?

    @Flag(name: .customLong("sortie-force"), help: "Accepte un dossier de sortie qui contient des fichiers d'entrée (le dossier du projet, par exemple) ; les entrées ne sont jamais écrasées.")
    var sortieForce = false

    @Option(help: "Date imprimée sur les plans et les pages, JJ/MM/AAAA ou AAAA-MM-JJ (par défaut : aujourd'hui) ; toujours imprimée JJ/MM/AAAA.",
            transform: { try printedDate($0, option: "--date") })
    var date: String?

    @Flag(name: .customLong("sans-pdf"), help: "N'écrit pas les documents PDF (comme « pdf = false » dans le fichier de projet).")
    var sansPdf = false

    func run() throws {
        try runReportingErrors {
            let reporter = TerminalReporter(verbose: false, progressBar: true)
            let t0 = Date()
            let (path, output) = try DemoProject.resolve(projet: projet, sortie: sortie)
            var project = try ProjectFile.read(path: path, outputOverride: output)
            project.outputForce = sortieForce
            if sansPdf { project.pdf = false }
            let outcome = try Dossier.build(project, date: date ?? Cartouche.today(), reporter: reporter)
            reporter.finishProgress()
            print("Dossier écrit : \(outcome.folder)/index.html (\(outcome.files.count) fichiers, \(String(format: "%.1f", Date().timeIntervalSince(t0))) s)")
            for line in outcome.duplicates?.summary ?? [] { print(line) }
            for q in outcome.quartiers {
                var bits = [String(format: "%.2f ha", q.area / 10_000)]
                if let n = q.incidentsTotal { bits.append("\(n) signalements") }
                if let c = q.coverage { bits.append(String(format: "nettoyage %.1f %%", c.rate)) }
                bits.append(q.hotspots.count == 1 ? "1 point chaud" : "\(q.hotspots.count) points chauds")
                if !q.stops.isEmpty { bits.append(q.stops.count == 1 ? "parcours d'un arrêt" : "parcours de \(q.stops.count) arrêts") }
                print("  \(q.name) : " + bits.joined(separator: ", "))
            }
        }
    }
}

/// Where `gup dossier` without a project file finds the demonstration.
enum DemoProject {
    /// In the repository (the README's `make demo`): Data/demo/dossier.toml,
    /// whose own `sortie` key applies.
    static let repositoryPath = "Data/demo/dossier.toml"

    /// Installed copies, looked up beside the executable first so that
    /// `make install PREFIX=/opt/gup` and the tarball work wherever they are
    /// unpacked, then the Debian package's fixed place.
    static func installedCandidates() -> [String] {
        // argv[0] is just "gup" when found through PATH; the kernel's
        // /proc/self/exe is the real file (Bundle.main where there is no /proc).
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? Bundle.main.executablePath ?? CommandLine.arguments[0]
        let exe = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
        let prefix = exe.deletingLastPathComponent().deletingLastPathComponent()
        return [prefix.appendingPathComponent("share/gup/demo/dossier.toml").path,
                "/usr/share/gup/demo/dossier.toml"]
    }

    /// The project file and output override to use. An explicit `projet`
    /// is used as given. Without one, outside the repository the installed
    /// demo is read and, unless `--sortie` is given, written to
    /// ./dossier-demo: the installed project's own `sortie` points inside
    /// the (read-only) installation.
    static func resolve(projet: String?, sortie: String?,
                        fileManager: FileManager = .default) throws -> (path: String, output: String?) {
        if let projet { return (projet, sortie) }
        if fileManager.fileExists(atPath: repositoryPath) { return (repositoryPath, sortie) }
        guard let installed = installedCandidates().first(where: { fileManager.fileExists(atPath: $0) }) else {
            throw GUPError.input(file: repositoryPath,
                                 "aucun fichier de projet donné, et ni le projet de démonstration du dépôt ni celui installé avec gup (\(installedCandidates().joined(separator: ", "))) n'existe ; donnez le fichier de projet : gup dossier mon_quartier/dossier.toml")
        }
        let output = sortie ?? URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent("dossier-demo").path
        FileHandle.standardError.write(Data("Projet de démonstration installé : \(installed)\nLe dossier est écrit dans le dossier courant : \(output)\n".utf8))
        return (installed, output)
    }
}
