import ArgumentParser
import Foundation
import GUPKit

struct DossierCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dossier",
        abstract: "Produit le dossier qualité de service complet à partir d'un fichier de projet.",
        discussion: """
        Lit le fichier de projet (TOML : quartiers, couches, champs, périodes, seuils, format \
        des plans, dossier de sortie), lance toutes les analyses que les couches permettent \
        pour chaque quartier (domanialité, densités et évolution des signalements, points \
        chauds, couverture du nettoyage) et écrit dans le dossier de sortie :
          index.html           l'index des quartiers (s'ouvre hors ligne, imprimable)
          QUARTIER/index.html  la note de présentation, les plans, les tableaux, les points chauds
          QUARTIER/*.svg       plan de situation, plan de masse, plan des points chauds, plan du parcours
          QUARTIER/*.csv, *.geojson   les résultats de chaque analyse
          QUARTIER/fiche_terrain.html la fiche du diagnostic en marchant (arrêts, gestionnaires, intervenants)
          rapport.json         tous les chiffres, et les entités lues, réparées, ignorées

        Sans argument, le projet de démonstration Data/demo/dossier.toml.
        Les clés du fichier de projet sont décrites dans le README.

        Exemples :
          gup dossier
          gup dossier mon_quartier/dossier.toml
          gup dossier mon_quartier/dossier.toml --sortie /tmp/dossier
        """
    )

    @Argument(help: "Fichier de projet (par défaut Data/demo/dossier.toml).")
    var projet: String = "Data/demo/dossier.toml"

    @Option(help: "Dossier de sortie (remplace la clé « sortie » du projet).")
    var sortie: String?

    @Flag(name: .customLong("sortie-force"), help: "Accepte un dossier de sortie qui contient des fichiers d'entrée (le dossier du projet, par exemple) ; les entrées ne sont jamais écrasées.")
    var sortieForce = false

    @Option(help: "Date imprimée sur les plans et les pages (par défaut : aujourd'hui, JJ/MM/AAAA).")
    var date: String?

    func run() throws {
        try runReportingErrors {
            let reporter = TerminalReporter(verbose: false, progressBar: true)
            let t0 = Date()
            var project = try ProjectFile.read(path: projet, outputOverride: sortie)
            project.outputForce = sortieForce
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
