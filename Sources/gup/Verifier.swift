import ArgumentParser
import Foundation
import GUPKit

struct Verifier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verifier",
        abstract: "Vérifie des fichiers GeoJSON (RFC 7946 stricte, validité GEOS), GeoPackage, projets QGIS, plans SVG, tableaux CSV et JSON.",
        discussion: """
        Chaque problème est donné avec sa ligne, sa colonne (en caractères) et le pointeur JSON \
        (RFC 6901) de l'élément fautif, par exemple :
          quartiers.geojson:12:87 : erreur : anneau non fermé […] [/features/3/geometry/coordinates/0]

        Erreurs : syntaxe JSON ; « type » inconnu ou mal écrit (la casse compte) ; membres \
        obligatoires absents ou du mauvais type (features, geometry, properties, coordinates, \
        geometries) ; Feature ou FeatureCollection portant coordinates ou geometries, Feature \
        portant features ; membres en double ; positions qui ne sont pas 2 ou 3 nombres ; \
        LineString de moins de 2 positions ; anneaux non fermés ou de moins de 4 positions ; \
        bbox qui n'est pas 2×n nombres ; id ni chaîne ni nombre ; coordonnées hors des bornes \
        longitude/latitude sans système déclaré ; géométrie invalide selon GEOS (raison et lieu \
        du premier problème, par exemple une auto-intersection).

        Avertissements (le fichier reste valide) : anneaux à l'envers de la règle de la main \
        droite, GeometryCollection imbriquées, coordonnées de plus de 7 décimales, membre crs \
        obsolète.

        Un GeoPackage (.gpkg, lu par GDAL) : chaque couche doit avoir un seul type de géométrie \
        (MultiPolygon, Point…) et chaque entité une géométrie valide selon GEOS ; le problème \
        nomme la couche et l'entité. Un projet QGIS (.qgs) : XML bien formé, et chaque source \
        de données un chemin relatif au projet, vers un fichier présent (et, pour un GeoPackage, \
        une couche qu'il contient). Un plan ou graphique SVG : XML bien formé dont la racine \
        est <svg>. Un tableau CSV : en-tête, puis des lignes d'autant de colonnes, guillemets \
        refermés. Un JSON qui n'est pas du GeoJSON (rapport.json) : JSON bien formé. Les autres \
        fichiers d'un dossier (PDF, XLSX, HTML, grilles .asc, .prj) sont signalés « non \
        vérifié » sans erreur.

        Les suites de textes GeoJSON (RFC 8142, ou une entité par ligne) et l'indicateur d'ordre \
        des octets (BOM) UTF-8 sont acceptés.

        Code de sortie : 0 si tous les fichiers sont valides (avertissements permis), 1 si \
        l'un d'eux a des erreurs, 2 si l'un d'eux ne peut pas être lu.

        Exemples :
          gup verifier quartiers.geojson
          gup verifier Data/*.geojson
          gup verifier --crs-source EPSG:2154 parcelles_l93.geojson
          gup verifier --max 1000 signalements.geojson
          gup verifier dossier/dossier.gpkg dossier/dossier.qgs
          gup verifier dossier/les-pins/*
        """
    )

    @Argument(help: "Fichiers à vérifier : GeoJSON, GeoPackage (.gpkg), projet QGIS (.qgs), SVG, CSV, JSON.")
    var fichiers: [String]

    @Option(name: .customLong("crs-source"), help: "Système des fichiers qui n'en déclarent pas (les coordonnées ne sont alors pas contrôlées en longitude/latitude).")
    var crsSource: String?

    @Option(help: "Nombre maximal de problèmes détaillés par fichier (tous sont comptés).")
    var max: Int = 200

    @Flag(name: .customLong("sans-avertissements"), help: "N'affiche que les erreurs.")
    var sansAvertissements = false

    /// Files a dossier holds that this command does not check.
    static let unchecked: Set<String> = ["pdf", "xlsx", "html", "htm", "asc", "prj", "png", "jpg", "txt", "md"]

    func run() throws {
        var status: Int32 = 0
        try runReportingErrors {
            let declared = try CRSOptions.parse(crsSource, option: "--crs-source")
            for path in fichiers {
                let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
                if Self.unchecked.contains(ext) {
                    // Said, never passed off as checked; not an error (a whole
                    // dossier folder may be given).
                    print("\(path) : non vérifié (fichier .\(ext) : gup verifier contrôle les GeoJSON, GeoPackage, projets QGIS, SVG, CSV et JSON)")
                    continue
                }
                let r: VerificationReport
                switch ext {
                case "gpkg": r = HandOverVerifier.verifyGeoPackage(path: path, maxIssues: Swift.max(1, max))
                case "qgs": r = HandOverVerifier.verifyQGISProject(path: path)
                case "svg": r = HandOverVerifier.verifySVG(path: path)
                case "csv": r = HandOverVerifier.verifyCSV(path: path)
                case "json": r = HandOverVerifier.verifyJSONOrGeoJSON(path: path, declaredCRS: declared, maxIssues: Swift.max(1, max))
                default: r = GeoJSONVerifier.verify(path: path, declaredCRS: declared, maxIssues: Swift.max(1, max))
                }
                for l in r.located where !(sansAvertissements && l.severity == .warning) {
                    print("\(path) : \(l.severity == .error ? "erreur" : "avertissement") : \(l.message)")
                }
                for issue in r.issues where !(sansAvertissements && issue.severity == .warning) {
                    print("\(path):\(issue.line):\(issue.column) : \(issue.severity == .error ? "erreur" : "avertissement") : \(issue.message) [\(issue.pointerText)]")
                }
                let shown = r.issues.count + r.located.count
                if r.errorCount + r.warningCount > shown {
                    print("\(path) : \(r.errorCount + r.warningCount - shown) autre(s) problème(s) non détaillé(s) (option --max)")
                }
                print(r.summary)
                status = Swift.max(status, r.exitStatus)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }
}
