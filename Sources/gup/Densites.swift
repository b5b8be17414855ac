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

    @Option(help: "Zones (polygones GeoJSON) : périmètres, résidences…")
    var zones: String

    @Option(help: "Signalements (points GeoJSON ; un polygone compte par son point intérieur).")
    var incidents: String

    @Option(help: "Résidences (polygones avec un nombre de logements), pour les taux pour 100 logements.")
    var residences: String?

    @Option(help: "Premier jour compté (AAAA-MM-JJ, inclus).")
    var du: String?

    @Option(help: "Dernier jour compté (AAAA-MM-JJ, inclus).")
    var au: String?

    @Option(name: .customLong("periode-1"), help: "Première période à comparer, AAAA-MM-JJ:AAAA-MM-JJ (dates incluses).")
    var periode1: String?

    @Option(name: .customLong("periode-2"), help: "Seconde période à comparer, AAAA-MM-JJ:AAAA-MM-JJ (dates incluses).")
    var periode2: String?

    @Option(name: .customLong("champ-nom"), help: "Champ du nom des zones.")
    var champNom: String?

    @Option(name: .customLong("champ-categorie"), help: "Champ de la catégorie des signalements.")
    var champCategorie: String?

    @Option(name: .customLong("champ-date"), help: "Champ de la date des signalements.")
    var champDate: String?

    @Option(name: .customLong("champ-resolution"), help: "Champ de la date de résolution des signalements.")
    var champResolution: String?

    @Option(name: .customLong("champ-logements"), help: "Champ du nombre de logements des résidences.")
    var champLogements: String?

    @OptionGroup var crs: CRSOptions

    @OptionGroup var csv: CSVOption

    @Option(help: "Dossier de sortie.")
    var sortie: String

    func run() throws {
        try runReportingErrors {
            let csvWriter = try csv.writer()
            let reporter = TerminalReporter()
            func day(_ raw: String?, _ option: String) throws -> Day? {
                guard let raw else { return nil }
                guard let d = Day.parseISO8601(raw) else {
                    throw GUPError("\(option) : date « \(raw) » illisible (attendu AAAA-MM-JJ, par exemple 2025-01-31)")
                }
                return d
            }
            let from = try day(du, "--du"), to = try day(au, "--au")
            if let from, let to, to < from { throw GUPError("--au (\(to)) précède --du (\(from))") }
            let period = (from != nil || to != nil) ? DayRange(from: from, to: to) : nil
            if (periode1 == nil) != (periode2 == nil) {
                throw GUPError("--periode-1 et --periode-2 vont ensemble : donnez les deux périodes à comparer")
            }
            let p1 = try periode1.map { try DayRange.parsePeriod($0, option: "--periode-1") }
            let p2 = try periode2.map { try DayRange.parsePeriod($0, option: "--periode-2") }

            let zl = try crs.read(zones)
            let il = try crs.read(incidents)
            let rl = try crs.read(residences)
            let working = try crs.workingCRS(for: [zl, il, rl], reporter: reporter)
            let zw = try crs.prepare(zl, to: working, expecting: .areal, reporter: reporter)
            let iw = try crs.prepare(il, to: working, expecting: .point, reporter: reporter)
            let zoneSet = try ZoneSet.make(from: zw, nameField: champNom, reporter: reporter)
            let set = try IncidentSet.make(from: iw, categoryField: champCategorie, dateField: champDate,
                                           resolutionField: champResolution,
                                           readDates: period != nil || p1 != nil, reporter: reporter)
            let zi = try ZoneIncidents(zones: zoneSet, incidents: set)
            let dwellings = try rl.map {
                try ZoneDwellings.compute(zones: zoneSet,
                                          residences: try crs.prepare($0, to: working, expecting: .areal, reporter: reporter),
                                          dwellingsField: champLogements, reporter: reporter)
            }
            if zi.outsideAllZones > 0 {
                reporter.info("\(zi.outsideAllZones) signalement(s) hors de toute zone (non comptés)")
            }
            let out = try OutputFolder(path: sortie)
            let rows = try IncidentAnalysis.densities(zi, dwellings: dwellings, period: period)
            var written = [try out.write(IncidentsCSV.densities(rows, writer: csvWriter), to: "densites.csv")]
            if let p1, let p2 {
                written.append(try out.write(IncidentsCSV.evolution(try IncidentAnalysis.evolution(zi, period1: p1, period2: p2), writer: csvWriter),
                                             to: "evolution.csv"))
            }
            if set.resolutionDates.field != nil {
                let (t, anomalies) = try IncidentAnalysis.treatment(zi, period: period)
                if anomalies.negativeDelays > 0 {
                    let ex = anomalies.examples.map { iw.features[$0].label }.joined(separator: ", ")
                    reporter.warning("\(incidents) : \(anomalies.negativeDelays) signalement(s) résolu(s) avant leur date de signalement, exclu(s) des délais : \(ex)")
                }
                written.append(try out.write(IncidentsCSV.treatment(t, writer: csvWriter), to: "traitement.csv"))
            }
            let inZones = set.count - zi.outsideAllZones
            print("\(zoneSet.count) zone(s), \(set.count) signalement(s) dont \(inZones) dans au moins une zone, \(set.categories.count) catégorie(s)\(period.map { ", période \($0)" } ?? "")")
            for u in written { print("écrit : \(u.path)") }
        }
    }
}
