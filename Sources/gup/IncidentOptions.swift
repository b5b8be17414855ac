import ArgumentParser
import Foundation
import GUPKit

/// `--du/--au` and `--periode-1/--periode-2`, shared by the commands that
/// count incidents over time (`densites`, `veille`).
struct PeriodOptions: ParsableArguments {
    @Option(help: "Premier jour compté (AAAA-MM-JJ, inclus).", transform: { try dayArgument($0, option: "--du") })
    var du: Day?

    @Option(help: "Dernier jour compté (AAAA-MM-JJ, inclus).", transform: { try dayArgument($0, option: "--au") })
    var au: Day?

    @Option(name: .customLong("periode-1"), help: "Première période à comparer, AAAA-MM-JJ:AAAA-MM-JJ (dates incluses).",
            transform: { try DayRange.parsePeriod($0, option: "--periode-1") })
    var periode1: DayRange?

    @Option(name: .customLong("periode-2"), help: "Seconde période à comparer, AAAA-MM-JJ:AAAA-MM-JJ (dates incluses).",
            transform: { try DayRange.parsePeriod($0, option: "--periode-2") })
    var periode2: DayRange?

    func validate() throws {
        if let du, let au, au < du { throw ValidationError("--au (\(au)) précède --du (\(du))") }
        if (periode1 == nil) != (periode2 == nil) {
            throw ValidationError("--periode-1 et --periode-2 vont ensemble : donnez les deux périodes à comparer")
        }
    }

    /// `--du/--au` as a range, nil when neither is given.
    var range: DayRange? { (du != nil || au != nil) ? DayRange(from: du, to: au) : nil }
    /// The two periods compared, nil unless both are given.
    var comparison: (DayRange, DayRange)? { periode1.flatMap { p1 in periode2.map { (p1, $0) } } }
}

/// The `--champ-…` options of the commands that count incidents in zones.
struct IncidentFieldOptions: ParsableArguments {
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

    /// The fields named, for `CRSOptions.inputs`.
    var fields: [FieldRole: String?] {
        [.perimeterName: champNom, .category: champCategorie, .date: champDate, .resolutionDate: champResolution]
    }
}
