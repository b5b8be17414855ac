import ArgumentParser
import Foundation
import GUPKit

/// `--fusion-doublons DISTANCE_M:HEURES`, shared by every command that
/// counts incidents (`@OptionGroup var fusion: DuplicateMergeOption`).
struct DuplicateMergeOption: ParsableArguments {
    @Option(name: .customLong("fusion-doublons"), help: ArgumentHelp(
        "Compte une fois les signalements répétés : un signalement de même catégorie à DISTANCE mètres au plus et HEURES heures au plus après un signalement conservé est fusionné avec lui (sans chaînage). Écrit doublons_signalements.csv.",
        valueName: "DISTANCE_M:HEURES"), transform: { try DuplicateRule.parse($0, option: "--fusion-doublons") })
    var rule: DuplicateRule?

    /// Whether the incidents' dates must be read (the merge compares them).
    var needsDates: Bool { rule != nil }

    /// Applies the rule to the inputs' incidents when given: prints what was
    /// merged and writes `doublons_signalements.csv` in `out`; returns the
    /// file names written.
    func apply(to inputs: inout AnalysisInputs, out: OutputFolder) throws -> [String] {
        guard let rule, let report = try inputs.mergeDuplicates(rule) else { return [] }
        for line in report.summary { print(line) }
        try out.write(VeilleCSV.duplicates(report), to: "doublons_signalements.csv")
        return ["doublons_signalements.csv"]
    }
}

extension VeilleStep: ExpressibleByArgument {}
