import ArgumentParser
import Foundation
import GUPKit

struct Densites: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "densites",
        abstract: "Densités d'incidents par zone (par hectare, pour 100 logements), évolution entre deux périodes, délais de traitement.",
        discussion: """
        Compte les signalements contenus dans chaque zone (périmètres de quartiers, \
        résidences ou tout autre polygone) ; un signalement compte dans chaque zone qui le \
        contient (intérieur strict, un point sur la limite n'est dans aucune). Les surfaces \
        sont mesurées dans le système de travail (Lambert-93 en métropole).

        Champs lus (sauf --champ-…) : nom de zone « nom, nom_qp, NOM_QP, lib_qp, name » ; \
        catégorie « categorie, type, TYPE, category » ; date « date, date_signalement, \
        DATEDECL » ; date de résolution « date_resolution, date_cloture » ; logements des \
        résidences « logements, nb_logements ». Les dates sont des dates ISO 8601 \
        (AAAA-MM-JJ) ou des dates-heures (2025-03-14T09:30:00Z) dont seule la date compte ; \
        les dates illisibles sont signalées (nombre et premiers exemples) et exclues des \
        seuls filtres de période.

        Fichiers écrits dans --sortie (CSV : en-tête, 2 décimales, lignes triées par \
        zone puis par catégorie, « toutes » en dernier) :

        densites.csv : zone,categorie,incidents,surface_ha,par_ha,logements,
        pour_100_logements. logements est la somme des logements des résidences \
        dont le point intérieur (point on surface) est dans la zone, vide sans \
        --residences ; pour_100_logements est vide sans logements. Avec --du/--au, \
        seuls les signalements datés de la période comptent.

        evolution.csv (avec --periode-1 et --periode-2, dates incluses) : \
        zone,categorie,periode_1,periode_2,variation_pct ; la variation est vide \
        quand la période 1 ne compte aucun signalement.

        traitement.csv (quand les signalements portent une date de résolution) : \
        zone,categorie,resolus,non_resolus,delai_median_jours,part_sous_30_jours_pct. \
        Résolu = date de résolution renseignée. Le délai médian et la part traitée \
        sous 30 jours (délai ≤ 30 jours, indicateur des conventions d'utilité \
        sociale) portent sur les signalements dont les deux dates sont lisibles et \
        dans l'ordre ; avec --du/--au, sur les signalements de la période.

        Exemples :
          gup densites --zones perimetres.geojson \\
              --incidents signalements.geojson --sortie resultats
          gup densites --zones perimetres.geojson \\
              --incidents signalements.geojson \\
              --residences residences.geojson --du 2025-01-01 --au 2025-12-31 \\
              --sortie resultats
          gup densites --zones residences.geojson --champ-nom nom_residence \\
              --incidents signalements.geojson --periode-1 2025-01-01:2025-06-30 \\
              --periode-2 2026-01-01:2026-06-30 --sortie evaluation
        """
    )

    @Option(help: "Zones (polygones) : périmètres, résidences…")
    var zones: String

    @Option(help: "Signalements (points ; un polygone compte par son point intérieur).")
    var incidents: String

    @Option(help: "Résidences (polygones avec un nombre de logements), pour les taux pour 100 logements.")
    var residences: String?

    @OptionGroup var periods: PeriodOptions

    @OptionGroup var champs: IncidentFieldOptions

    @OptionGroup var fusion: DuplicateMergeOption

    @OptionGroup var crs: CRSOptions

    @OptionGroup var csv: CSVOption

    @Option(help: "Dossier de sortie.")
    var sortie: String

    func run() throws {
        try runReportingErrors {
            let csvWriter = try csv.writer()
            let reporter = TerminalReporter()
            let period = periods.range
            var inputs = try crs.inputs([.perimetres: zones, .incidents: incidents, .residences: residences],
                                        fields: champs.fields,
                                        readDates: period != nil || periods.periode1 != nil || fusion.needsDates, reporter: reporter)
            let out = try OutputFolder(path: sortie, force: crs.outputForce)
            let merged = try fusion.apply(to: &inputs, out: out)
            let comparison = periods.comparison
            let result = try IncidentAnalysis.run(inputs, options: IncidentOptions(period: period, comparison: comparison,
                                                                                   dwellingsField: champs.champLogements),
                                                  reporter: reporter)
            if result.outsideAllZones > 0 {
                reporter.info("\(result.outsideAllZones) signalement(s) hors de toute zone (non comptés)")
            }
            if let anomalies = result.treatmentAnomalies, anomalies.negativeDelays > 0, let layer = inputs[.incidents] {
                let ex = anomalies.examples.map { layer.features[$0].label }.joined(separator: ", ")
                reporter.warning("\(incidents) : \(anomalies.negativeDelays) signalement(s) résolu(s) avant leur date de signalement, exclu(s) des délais : \(ex)")
            }
            let written = try merged + IncidentsCSV.write(result, to: out, writer: csvWriter)
            try out.commit()
            let set = inputs.incidentSet!
            let inZones = set.count - result.outsideAllZones
            print("\(inputs.zones.count) zone(s), \(set.count) signalement(s) dont \(inZones) dans au moins une zone, \(set.categories.count) catégorie(s)\(period.map { ", période \($0)" } ?? "")")
            for f in written { print("écrit : \(out.url.appendingPathComponent(f).path)") }
        }
    }
}
