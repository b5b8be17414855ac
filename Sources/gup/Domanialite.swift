import ArgumentParser
import Foundation
import GUPKit

struct Domanialite: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "domanialite",
        abstract: "Domanialité : qui possède ou gère quel espace de chaque quartier, où les gestionnaires se chevauchent, ce que personne ne tient.",
        discussion: """
        Pour chaque périmètre P et chaque gestionnaire g, mesure la surface de P couverte par \
        les parcelles de g (un espace revendiqué par deux gestionnaires compte pour chacun), la \
        surface que personne ne tient (« (non cadastré) », surtout la voirie) et les \
        chevauchements entre gestionnaires. Avec --incidents, attribue chaque signalement \
        situé dans un périmètre au(x) gestionnaire(s) des parcelles qui le contiennent.

        Le nom du périmètre vient de --champ-nom ou du premier des champs nom, nom_qp, NOM_QP, \
        lib_qp, name ; le gestionnaire de --champ-gestionnaire ou du premier des champs \
        gestionnaire, proprietaire. Avec --gestionnaires, le gestionnaire vient d'un tableau CSV \
        joint aux parcelles par la clé --cle (par défaut l'identifiant « id » des parcelles) ; \
        les parcelles sans ligne dans le tableau, ou sans gestionnaire, sont signalées et comptées \
        comme « (gestionnaire inconnu) » : elles restent cadastrées.

        Toutes les surfaces sont mesurées dans le système de travail (Lambert-93 en métropole).

        Fichiers écrits dans le dossier de sortie :
          domanialite.csv          perimetre, gestionnaire, surface_m2, part_pct
          chevauchements.csv       perimetre, gestionnaire_a, gestionnaire_b,
                                   surface_m2 (et chevauchements.geojson)
          non_cadastre.geojson     l'espace de chaque périmètre hors parcelles
          domanialite.geojson      chaque périmètre découpé par gestionnaire
          responsabilites.csv      perimetre, gestionnaire, categorie,
                                   incidents (avec --incidents)
          proprietaire_gestionnaire.csv
                                   là où propriétaire et gestionnaire diffèrent
        Les fichiers GeoJSON sont en WGS 84 (longitude, latitude).

        Exemples :
          gup domanialite --perimetres qpv.geojson \\
              --parcelles parcelles.geojson --sortie resultats
          gup domanialite --perimetres qpv.geojson \\
              --parcelles cadastre.geojson \\
              --gestionnaires gestionnaires.csv --cle id \\
              --incidents signalements.geojson \\
              --seuil-chevauchement 5 --sortie resultats
        """
    )

    @Option(help: "Périmètres des quartiers (polygones).")
    var perimetres: String

    @Option(help: "Parcelles (polygones), avec leur gestionnaire ou jointes à --gestionnaires.")
    var parcelles: String

    @Option(help: "Tableau des gestionnaires (CSV , ou ;, UTF-8 ou Windows-1252, XLSX ou ODS), joint aux parcelles par --cle.")
    var gestionnaires: String?

    @Option(help: "Clé de jointure entre les parcelles et le tableau des gestionnaires.")
    var cle: String = "id"

    @Option(help: "Signalements (points) à attribuer aux gestionnaires.")
    var incidents: String?

    @Option(name: .customLong("champ-nom"), help: "Champ du nom des périmètres (par défaut : nom, nom_qp, NOM_QP, lib_qp, name).")
    var champNom: String?

    @Option(name: .customLong("champ-gestionnaire"), help: "Champ du gestionnaire (par défaut : gestionnaire, proprietaire).")
    var champGestionnaire: String?

    @Option(name: .customLong("champ-proprietaire"), help: "Champ du propriétaire, comparé au gestionnaire (par défaut : proprietaire).")
    var champProprietaire: String?

    @Option(name: .customLong("champ-categorie"), help: "Champ de la catégorie des signalements (par défaut : categorie, type, category).")
    var champCategorie: String?

    @OptionGroup var fusion: DuplicateMergeOption

    @OptionGroup var crs: CRSOptions

    @OptionGroup var csv: CSVOption

    @Option(name: .customLong("seuil-chevauchement"), help: "Surface minimale (m²) d'un chevauchement signalé.")
    var seuilChevauchement: Double = 1

    @Option(help: "Dossier de sortie.")
    var sortie: String

    @Option(help: "Format des couches résultats : geojson (un fichier par couche, WGS 84) ou gpkg (toutes dans resultats.gpkg, système de travail).")
    var format: String = "geojson"

    @Option(help: "Écrit aussi les couches résultats dans PostGIS (tables domanialite, chevauchements, non_cadastre ; connexion « PG:dbname=… host=… », schéma avec active_schema=…).")
    var postgis: String?

    func run() throws {
        try runReportingErrors {
            let csvWriter = try csv.writer()
            let reporter = TerminalReporter()
            _ = try NumberDomain.check(seuilChevauchement, "--seuil-chevauchement", in: NumberDomain.squareMetres, unit: "m²")
            let output = ResultOutput(format: try ResultOutput.parseFormat(format), postgis: postgis)
            let options = TenureOptions(perimeterNameField: champNom, managerField: champGestionnaire,
                                        ownerField: champProprietaire, categoryField: champCategorie,
                                        overlapThreshold: seuilChevauchement)
            var inputs = try crs.inputs([.perimetres: perimetres, .parcelles: parcelles, .incidents: incidents],
                                        fields: [.perimeterName: champNom, .category: champCategorie],
                                        join: gestionnaires.map { TableJoin(file: $0, key: cle) },
                                        readDates: fusion.needsDates, incidentColumns: fusion.needsDates, reporter: reporter)
            let folder = try OutputFolder(path: sortie, force: crs.outputForce)
            let merged = try fusion.apply(to: &inputs, out: folder)
            let result = try Tenure.run(inputs, options: options, reporter: reporter)
            let files = try merged + TenureOutput.write(result, workingCRS: inputs.working, to: folder, csv: csvWriter, output: output)
            try folder.commit()
            printSummary(result)
            print("")
            print("Fichiers écrits dans \(folder.url.path) : \(files.joined(separator: ", "))")
        }
    }

    func validate() throws {
        guard seuilChevauchement >= 0, seuilChevauchement.isFinite else {
            throw ValidationError("--seuil-chevauchement : la surface doit être un nombre positif ou nul (\(seuilChevauchement))")
        }
    }

    private func printSummary(_ r: TenureResult) {
        func fr(_ d: Double, _ places: Int = 0) -> String {
            CSVWriter.fixed(d, places: places).replacingOccurrences(of: ".", with: ",")
        }
        print("Domanialité (gestionnaire : champ « \(r.managerField) »\(r.ownerField.map { ", propriétaire : « \($0) »" } ?? ""))")
        if r.parcelsWithoutManager > 0 {
            print("  \(r.parcelsWithoutManager) parcelle(s) sans gestionnaire, comptées comme « \(TenureLabel.unknownManager) »")
        }
        for s in r.summaries {
            print("")
            print("\(s.perimeter) — \(fr(s.area / 10_000, 2)) ha")
            for m in s.largestManagers {
                print("  \(m.manager) : \(fr(m.area)) m² (\(fr(m.share, 1)) %)")
            }
            print("  chevauchements : \(fr(s.overlapArea)) m²")
            print("  non cadastré : \(fr(s.nonCadastralShare, 1)) %")
        }
        if r.responsibilities != nil {
            print("")
            print("Signalements attribués : \(r.incidentsInside) dans un périmètre, \(r.incidentsOutside) hors de tout périmètre")
        }
    }
}
