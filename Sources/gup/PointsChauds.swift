import ArgumentParser
import Foundation
import GUPKit

struct PointsChauds: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "points-chauds",
        abstract: "Points chauds des signalements (Getis-Ord Gi*) sur une grille, et zones chaudes à visiter.",
        discussion: """
        Découpe le territoire des zones en cellules carrées de --cellule mètres (50 par \
        défaut), alignées sur les multiples de la cellule dans le système de travail \
        (Lambert-93 en métropole) ; la grille compte les cellules dont l'intérieur rencontre \
        l'union des zones. Un signalement (x, y) situé à l'intérieur de l'union compte dans \
        la cellule (⌊x/c⌋, ⌊y/c⌋).

        Sur ces comptes, la statistique Gi* de Getis et Ord (1995) : poids binaires, la \
        cellule elle-même et ses voisines (reine) présentes dans la grille, moyenne et écart \
        type (de population) sur toutes les cellules — comme PySAL esda \
        G_Local(star=True, transform="B"). p-valeur bilatérale de la loi normale ; classe \
        +3/+2/+1 (point chaud à 99/95/90 % de confiance), −3/−2/−1 (point froid), 0 sinon.

        Fichiers écrits dans --sortie :

        points_chauds.csv : i,j,x,y,lon,lat,incidents,gi_z,p_value,classe pour \
        chaque cellule, triées par z décroissant ; x, y : centre de la cellule en \
        mètres (2 décimales) ; lon, lat : WGS 84 (7 décimales) ; gi_z et p_value \
        avec 6 décimales, pour comparer à 1e-6 près.

        points_chauds.geojson : les cellules en polygones (WGS 84), mêmes propriétés.

        zones_chaudes.geojson : les cellules de classe ≥ 2 réunies en zones d'un \
        seul tenant (voisinage reine, union GEOS), classées par nombre de \
        signalements (rang 1 = le plus), avec leurs trois catégories principales \
        et la densité maximale du lissage : la liste des lieux à visiter lors du \
        prochain diagnostic en marchant.

        densite_noyau.asc : densité lissée (noyau quartique de rayon --rayon \
        mètres), en signalements par hectare, grille ESRI ASCII dans le système de \
        travail, cellules de --cellule / 5 mètres (2 m au moins), sur l'emprise des \
        zones élargie du rayon, lisible par QGIS ; densite_noyau.prj donne ce \
        système (WKT ESRI, par PROJ).

        Exemples :
          gup points-chauds --zones perimetres.geojson \\
              --incidents signalements.geojson --sortie diagnostic
          gup points-chauds --zones perimetres.geojson \\
              --incidents signalements.geojson \\
              --cellule 100 --rayon 150 --sortie diagnostic
        """
    )

    @Option(help: "Zones (polygones) qui délimitent le territoire étudié.")
    var zones: String

    @Option(help: "Signalements (points ; un polygone compte par son point intérieur).")
    var incidents: String

    @Option(help: "Côté des cellules de la grille, en mètres.")
    var cellule: Double = 50

    @Option(help: "Rayon du lissage par noyau quartique, en mètres.")
    var rayon: Double = 100

    @Option(name: .customLong("champ-categorie"), help: "Champ de la catégorie des signalements.")
    var champCategorie: String?

    @OptionGroup var fusion: DuplicateMergeOption

    @OptionGroup var crs: CRSOptions

    @OptionGroup var csv: CSVOption

    @Option(help: "Dossier de sortie.")
    var sortie: String

    @Option(help: "Format des couches résultats : geojson (un fichier par couche, WGS 84) ou gpkg (toutes dans resultats.gpkg, système de travail).")
    var format: String = "geojson"

    @Option(help: "Écrit aussi les couches résultats dans PostGIS (tables points_chauds, zones_chaudes ; connexion « PG:dbname=… host=… », schéma avec active_schema=…).")
    var postgis: String?

    func run() throws {
        try runReportingErrors {
            let csvWriter = try csv.writer()
            _ = try NumberDomain.check(cellule, "--cellule", in: NumberDomain.metres, unit: "m")
            _ = try NumberDomain.check(rayon, "--rayon", in: NumberDomain.metres, unit: "m")
            let options = try HotspotOptions(cellSize: cellule, radius: rayon, scope: .union)
            let reporter = TerminalReporter()
            let output = ResultOutput(format: try ResultOutput.parseFormat(format), postgis: postgis)
            // The merge compares report dates: they are read only then.
            var inputs = try crs.inputs([.perimetres: zones, .incidents: incidents], fields: [.category: champCategorie],
                                        readDates: fusion.needsDates, reporter: reporter)
            let out = try OutputFolder(path: sortie, force: crs.outputForce)
            let merged = try fusion.apply(to: &inputs, out: out)
            let result = try Hotspots.run(inputs, options: options, reporter: reporter)
            let e = result.entries[0]
            if e.grid.outside > 0 {
                reporter.info("\(e.grid.outside) signalement(s) hors de l'intérieur des zones (non comptés)")
            }
            let written = try merged + HotspotsOutput.write(e, working: inputs.working, to: out, csv: csvWriter, output: output)
            try out.commit()
            let classes = Dictionary(grouping: e.grid.cells, by: \.classe).mapValues(\.count)
            print("\(e.grid.cells.count) cellule(s) de \(CSVWriter.fixed(cellule, places: 0)) m, \(inputs.incidentSet!.count - e.grid.outside) signalement(s) comptés ; points chauds : \(classes[3] ?? 0) à 99 %, \(classes[2] ?? 0) à 95 %, \(classes[1] ?? 0) à 90 % ; \(e.hotZones.count) zone(s) chaude(s)")
            for z in e.hotZones.prefix(5) {
                print("  zone chaude n° \(z.rank) : \(z.incidents) signalement(s), \(CSVWriter.fixed(z.areaM2 / 10_000, places: 2)) ha — \(z.mainCategories.map(\.category).joined(separator: ", "))")
            }
            for f in written { print("écrit : \(out.url.appendingPathComponent(f).path)") }
        }
    }
}
