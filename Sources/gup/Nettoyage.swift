import ArgumentParser
import Foundation
import GUPKit

struct Nettoyage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nettoyage",
        abstract: "Lacunes et doublons de couverture des secteurs de nettoyage, par périmètre.",
        discussion: """
        L'espace extérieur d'un périmètre est le périmètre moins l'emprise des résidences \
        (--residences ; sans elles, tout le périmètre). Une lacune est une partie connexe \
        de cet espace qu'aucun secteur ne couvre ; un doublon, une partie couverte par les \
        secteurs d'au moins deux intervenants différents (deux secteurs d'un même \
        intervenant qui se chevauchent ne sont pas un doublon). Les parties plus petites \
        que le seuil (--seuil, 10 m² par défaut) sont ignorées : ce sont des défauts de \
        numérisation.

        Fichiers écrits dans le dossier de sortie :
          couverture.csv     par périmètre : surface extérieure, surface couverte, taux de \
        couverture, lacunes (surface, nombre), doublons (surface) et, si les secteurs ont \
        un champ « frequence » (passages par semaine), la fréquence moyenne pondérée par \
        la surface couverte (les fréquences de deux intervenants s'ajoutent ; deux secteurs \
        d'un même intervenant comptent pour la plus forte) ;
          lacunes.geojson    chaque lacune, de la plus grande à la plus petite, avec, si \
        --incidents est donné, le nombre de signalements à l'intérieur et leurs catégories \
        principales ;
          doublons.geojson   chaque doublon, avec les intervenants concernés ;
          doublons.csv       surface en doublon par périmètre et par paire d'intervenants \
        (un espace couvert par trois intervenants figure dans chacune de leurs paires ; \
        doublons_m2 de couverture.csv le compte une seule fois).
        Les surfaces sont en m², mesurées dans le système de travail ; les GeoJSON sont en \
        WGS 84 (longitude, latitude).

        Exemple :
          gup nettoyage --perimetres qpv.geojson --secteurs secteurs.geojson \\
              --residences residences.geojson --incidents signalements.geojson \\
              --seuil 10 --sortie resultats/nettoyage
        """
    )

    @Option(help: "Périmètres des quartiers (polygones).")
    var perimetres: String

    @Option(help: "Secteurs de nettoyage (polygones, champ « intervenant »).")
    var secteurs: String

    @Option(help: "Résidences (polygones) : leur emprise est retirée de l'espace extérieur.")
    var residences: String?

    @Option(help: "Signalements (points) à compter dans les lacunes.")
    var incidents: String?

    @Option(help: "Surface minimale d'une lacune ou d'un doublon, en m².")
    var seuil: Double = Cleaning.defaultThreshold

    @Option(name: .customLong("champ-intervenant"), help: "Champ des secteurs qui nomme l'intervenant (par défaut « intervenant »).")
    var champIntervenant: String?

    @Option(name: .customLong("champ-nom"), help: "Champ des périmètres qui les nomme (par défaut « nom », « nom_qp »…).")
    var champNom: String?

    @Option(name: .customLong("champ-frequence"), help: "Champ des secteurs donnant les passages par semaine (par défaut « frequence »).")
    var champFrequence: String?

    @Option(name: .customLong("champ-categorie"), help: "Champ des signalements donnant la catégorie (par défaut « categorie », « type »…).")
    var champCategorie: String?

    @OptionGroup var crs: CRSOptions

    @OptionGroup var fusion: DuplicateMergeOption

    @OptionGroup var csv: CSVOption

    @Option(help: "Dossier de sortie (créé s'il n'existe pas).")
    var sortie: String

    @Option(help: "Format des couches résultats : geojson (un fichier par couche, WGS 84) ou gpkg (toutes dans resultats.gpkg, système de travail).")
    var format: String = "geojson"

    @Option(help: "Écrit aussi les couches résultats dans PostGIS (tables lacunes, doublons ; connexion « PG:dbname=… host=… », schéma avec active_schema=…).")
    var postgis: String?

    func run() throws {
        try runReportingErrors {
            let csvWriter = try csv.writer()
            let reporter = TerminalReporter(verbose: true)
            _ = try NumberDomain.check(seuil, "--seuil", in: NumberDomain.squareMetres, unit: "m²")
            let output = ResultOutput(format: try ResultOutput.parseFormat(format), postgis: postgis)
            var inputs = try crs.inputs([.perimetres: perimetres, .secteurs: secteurs, .residences: residences, .incidents: incidents],
                                        fields: [.perimeterName: champNom, .category: champCategorie],
                                        readDates: fusion.needsDates, incidentColumns: fusion.needsDates, reporter: reporter)
            let folder = try OutputFolder(path: sortie, force: crs.outputForce)
            // Repeated reports counted once in the gaps too (the merge filters the incidents layer).
            let merged = try fusion.apply(to: &inputs, out: folder)
            let result = try Cleaning.run(inputs, options: CleaningOptions(cleanerField: champIntervenant, frequencyField: champFrequence,
                                                                           categoryField: champCategorie, threshold: seuil),
                                          reporter: reporter)
            let files = try merged + CleaningWriter.write(result, to: folder, csv: csvWriter, output: output)
            try folder.commit()
            printSummary(result, files: files, folder: folder)
        }
    }

    private func printSummary(_ r: CleaningResult, files: [String], folder: OutputFolder) {
        func m2(_ d: Double) -> String { String(format: "%.0f m²", d) }
        print("")
        print("Couverture du nettoyage (seuil \(String(format: "%g", r.threshold)) m²) :")
        for c in r.coverage {
            var line = "  \(c.perimeter) : \(String(format: "%.1f", c.coverageRate)) % couvert, "
            line += "\(c.gapCount) lacune(s) (\(m2(c.gapArea))), doublons \(m2(c.doubleCoverageArea))"
            if let f = c.meanFrequency { line += String(format: ", %.1f passage(s)/semaine", f) }
            print(line)
        }
        let outdoor = r.coverage.reduce(0) { $0 + $1.outdoorArea }
        let covered = r.coverage.reduce(0) { $0 + $1.coveredArea }
        let gaps = r.coverage.reduce(0) { $0 + $1.gapArea }
        let doubles = r.coverage.reduce(0) { $0 + $1.doubleCoverageArea }
        print(String(format: "Total : %.1f %% de %@ couverts, %d lacune(s) (%@), doublons %@",
                     outdoor > 0 ? 100 * covered / outdoor : 0, m2(outdoor), r.gaps.count, m2(gaps), m2(doubles)))
        if let biggest = r.gaps.first {
            var line = "Plus grande lacune : \(m2(biggest.area)) (\(biggest.perimeter))"
            if let n = biggest.incidents { line += ", \(n) signalement(s)" }
            print(line)
        }
        print("Fichiers écrits dans \(folder.url.path) : \(files.joined(separator: ", "))")
    }
}
