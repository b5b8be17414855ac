import ArgumentParser
import Foundation
import GUPKit

/// `--fusion-doublons DISTANCE_M:HEURES`, shared by every command that
/// counts incidents (`@OptionGroup var fusion: DuplicateMergeOption`).
struct DuplicateMergeOption: ParsableArguments {
    @Option(name: .customLong("fusion-doublons"), help: ArgumentHelp(
        "Compte une fois les signalements répétés : un signalement de même catégorie à DISTANCE mètres au plus et HEURES heures au plus après un signalement conservé est fusionné avec lui (sans chaînage). Écrit doublons_signalements.csv.",
        valueName: "DISTANCE_M:HEURES"))
    var fusionDoublons: String?

    /// The parsed rule, nil when the option is absent.
    func rule() throws -> DuplicateRule? {
        try fusionDoublons.map { try DuplicateRule.parse($0, option: "--fusion-doublons") }
    }

    /// Applies the rule to `set` when given: prints what was merged and
    /// writes `doublons_signalements.csv` in `out`; returns the set to count.
    func apply(_ set: IncidentSet, out: OutputFolder, written: inout [URL]) throws -> (IncidentSet, DuplicateMergeReport?) {
        guard let rule = try rule() else { return (set, nil) }
        let (merged, report) = try DuplicateMerge.apply(set, rule: rule)
        for line in report.summary { print(line) }
        written.append(try out.write(VeilleCSV.duplicates(report), to: "doublons_signalements.csv"))
        return (merged, report)
    }
}

extension VeilleStep: ExpressibleByArgument {}
