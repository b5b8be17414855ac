import ArgumentParser
import Foundation
import GUPKit

struct Veille: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "veille",
        abstract: "Tableau de bord de veille : séries mensuelles par quartier et par thème, situations graduées (normal / vigilance / alerte), signalements répétés comptés une fois.",
        discussion: """
        Compte, pour chaque zone et chaque catégorie (les mêmes que densites.csv, « toutes » \
        en dernier), les signalements de chaque mois (ou semaine ISO avec --pas semaine) de \
        la période --du/--au (par défaut du premier au dernier signalement daté d'une zone), \
        puis gradue chaque quartier et chaque thème. Un signalement compte dans chaque zone \
        qui le contient, dans la période de sa date de signalement ; un signalement sans \
        date lisible n'est dans aucune période (compté et signalé).

        Indicateurs et seuils par défaut (vigilance / alerte ; une valeur égale au seuil \
        prend le niveau du seuil) :
          signalements_par_ha_mois   1 / 2      moyenne des 3 derniers mois (fenetre_mois),
                                                par hectare ; semaines ramenées au mois
          part_categorie_pct         40 / 60    part du thème dans les signalements de la
                                                zone sur la même fenêtre (thèmes seulement)
          variation_pct              10 / 25    entre --periode-1 et --periode-2
          part_traitee_30_jours_pct  80 / 60    part traitée sous 30 jours sur la fenêtre
                                                (plus bas = plus grave ; avec dates de résolution)
          couverture_nettoyage_pct   95 / 85    (dossier seulement ; plus bas = plus grave)
        Une part, un taux ou une variation ne sont gradués qu'à partir de \
        effectif_minimum = 10 signalements (dans la fenêtre, ou en période 1). Le niveau \
        d'une situation est le plus grave de ses indicateurs en fin de période ; le niveau \
        de chaque mois (indicateurs glissants) donne les mois où il a changé. Changer un \
        seuil : --seuil signalements_par_ha_mois=1.5:3 (répétable), --seuil fenetre_mois=1, \
        --seuil effectif_minimum=5 ; dans dossier.toml, la table [seuils_veille].

        Signalements répétés (--fusion-doublons DISTANCE_M:HEURES, désactivé par défaut, \
        conseillé pour les flux ouverts comme DansMaRue) : pris par catégorie dans l'ordre \
        de leur date et heure, un signalement situé à DISTANCE mètres au plus (distance dans \
        le système de travail) et HEURES heures au plus après un signalement CONSERVÉ de la \
        même catégorie est fusionné avec lui ; sinon il est conservé. Pas de chaînage : A, B \
        à 10 m de A, C à 10 m de B et 20 m de A, avec 15 m : A et C sont conservés, B \
        fusionné. Une date sans heure compte pour 00:00 ; un signalement sans date n'est \
        jamais fusionné. Toutes les analyses comptent alors les signalements conservés.

        Fichiers écrits dans --sortie :
          series.csv : zone,categorie,periode,incidents,par_ha,pour_100_logements ; \
        periode AAAA-MM ou AAAA-Www ; chaque période de la plage, zéros compris.
          traitement_mensuel.csv (avec dates de résolution) : zone,categorie,periode,\
        resolus,non_resolus,delai_median_jours,part_sous_30_jours_pct.
          niveaux.csv : zone,categorie,indicateur,valeur,seuil_vigilance,seuil_alerte,niveau.
          tableau_niveaux.csv : une ligne par zone, une colonne par thème, le niveau.
          changements_niveau.csv : zone,categorie,periode,avant,apres.
          evolution.csv (avec --periode-1/--periode-2), doublons_signalements.csv \
        (avec --fusion-doublons : categorie,signalements,fusionnes,conserves).
          graphiques/ : graphiques SVG (petits multiples mensuels par quartier, \
        comparaison des quartiers à la moyenne du dossier, deux périodes).

        Exemples :
          gup veille --zones perimetres.geojson --incidents signalements.geojson \\
              --sortie veille
          gup veille --zones perimetres.geojson --incidents signalements.geojson \\
              --residences residences.geojson --du 2025-01-01 --au 2026-12-31 \\
              --periode-1 2025-01-01:2025-12-31 --periode-2 2026-01-01:2026-12-31 \\
              --fusion-doublons 15:48 --seuil signalements_par_ha_mois=1.5:3 \\
              --sortie veille
          gup veille --zones quartiers.geojson --incidents dansmarue.geojson \\
              --champ-categorie type --pas semaine --sortie veille-hebdo
        """
    )

    @Option(help: "Zones (polygones GeoJSON) : périmètres, résidences…")
    var zones: String

    @Option(help: "Signalements (points GeoJSON, datés).")
    var incidents: String

    @Option(help: "Résidences (polygones avec un nombre de logements), pour les taux pour 100 logements.")
    var residences: String?

    @Option(help: "Pas des séries : mois ou semaine (ISO 8601).")
    var pas: VeilleStep = .month

    @OptionGroup var periods: PeriodOptions

    @Option(help: ArgumentHelp("Seuil d'un indicateur, NOM=VIGILANCE:ALERTE, ou fenetre_mois=N, effectif_minimum=N (répétable).",
                               valueName: "NOM=VALEURS"))
    var seuil: [String] = []

    @OptionGroup var fusion: DuplicateMergeOption

    @OptionGroup var champs: IncidentFieldOptions

    @OptionGroup var crs: CRSOptions

    @Option(help: "Dossier de sortie.")
    var sortie: String

    /// The options as the library's value, checked.
    func options() throws -> VeilleOptions {
        var thresholds = VeilleThresholds.defaults
        for s in seuil { try thresholds.apply(s, option: "--seuil") }
        return VeilleOptions(step: pas, range: periods.range,
                             thresholds: thresholds, period1: periods.periode1, period2: periods.periode2)
    }

    func run() throws {
        try runReportingErrors {
            let reporter = TerminalReporter()
            let options = try options()
            var inputs = try crs.inputs([.perimetres: zones, .incidents: incidents, .residences: residences],
                                        fields: champs.fields,
                                        readDates: true, reporter: reporter)
            let out = try OutputFolder(path: sortie, force: crs.outputForce)
            var written = try fusion.apply(to: &inputs, out: out)
            let result = try VeilleAnalysis.run(inputs, options: options, dwellingsField: champs.champLogements, reporter: reporter)
            if result.outsideAllZones > 0 {
                reporter.info("\(result.outsideAllZones) signalement(s) hors de toute zone (non comptés)")
            }
            written += try VeilleCSV.write(result, to: out)
            let (series, grades) = (result.series, result.grades)
            for chart in VeilleCharts.all(series: series, grades: grades, evolution: result.evolution,
                                          source: "signalements : \((incidents as NSString).lastPathComponent)") {
                try out.write(chart.svg, to: "graphiques/" + chart.file)
                written.append("graphiques/" + chart.file)
            }
            try out.commit()
            let cal = series.calendar
            print("\(series.zones.count) zone(s), \(series.categories.count) catégorie(s), \(cal.count) période(s) (\(cal.labels.first ?? "") à \(cal.labels.last ?? ""), du \(cal.first) au \(cal.last))")
            let counts = Dictionary(grouping: grades.situations, by: \.grade).mapValues(\.count)
            print("niveaux : \(counts[.alert] ?? 0) alerte(s), \(counts[.vigilance] ?? 0) vigilance(s), \(counts[.normal] ?? 0) normal ; \(grades.changes.count) changement(s) de niveau")
            for s in grades.situations where s.grade == .alert && s.category == ZoneIncidents.allCategories {
                print("  alerte : \(s.zone)")
            }
            for f in written { print("écrit : \(out.url.appendingPathComponent(f).path)") }
        }
    }
}
