import ArgumentParser
import Foundation
import GUPKit

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Résume des couches (tout format lu) : entités, types, système de coordonnées, surfaces, réparations.",
        discussion: """
        Charge chaque fichier comme pour une analyse (projection dans le système de travail, \
        réparation des géométries invalides) et affiche pour chacun le nombre d'entités lues, \
        utilisées, réparées et ignorées, les types de géométrie, l'emprise et, pour les \
        couches surfaciques, la surface totale en hectares.

        Exemples :
          gup resume Data/*.geojson
          gup resume --crs EPSG:2154 parcelles_l93.geojson
          gup resume ROUTE.shp bdtopo.gpkg:troncon_de_route signalements.csv
          gup resume "PG:dbname=gup host=/var/run/postgresql tables=perimetres"
        """
    )

    @Argument(help: "Couches à résumer : fichiers (GeoJSON, Shapefile, .zip, GeoPackage[:couche], FlatGeobuf, KML, GML, CSV) ou connexions PG:….")
    var fichiers: [String]

    @OptionGroup var crs: CRSOptions

    func run() throws {
        try runReportingErrors {
            let reporter = TerminalReporter(verbose: false)
            var layers = try crs.read(all: fichiers)
            let working = try crs.workingCRS(for: layers)
            print("Système de travail : \(working)")
            for k in layers.indices {
                // Handed over to be prepared in place: the array keeps no second reference.
                let l = layers[k]
                layers[k].features = []
                var (d, prepared) = try LayerDescription.prepareAndDescribe(consume l, working: working, reporter: reporter)
                // The features are kept until exit (see `KeptUntilExit`); the GEOS
                // shapes of an areal layer go now, as before, so that several
                // large polygon files never hold all their shapes at once.
                prepared.shapes = []
                KeptUntilExit.keep(prepared)
                print("")
                print("\(d.name) (\(d.source))")
                print("  système source : \(d.sourceCRS)")
                print("  \(d.summary.line)")
                print("  types : " + d.types.map { "\($0.type) \($0.count)" }.joined(separator: ", "))
                if let b = d.extent {
                    print(String(format: "  emprise (%@) : %.1f %.1f %.1f %.1f", working.identifier, b.minX, b.minY, b.maxX, b.maxY))
                }
                if let a = d.area { print(String(format: "  surface totale : %.2f ha", a / 10_000)) }
                for s in d.summary.skipped.prefix(5) { print("  ignorée : \(s.feature) (\(s.reason))") }
            }
        }
    }
}
