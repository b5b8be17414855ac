import ArgumentParser
import GUPKit

/// `--csv`, shared by the commands that write tables.
struct CSVOption: ParsableArguments {
    @Option(name: .customLong("csv"),
            help: "Format des tableaux CSV : rfc4180 (virgule, point décimal, UTF-8 ; pour les programmes, par défaut) ou excel (BOM UTF-8, « ; », virgule décimale ; s'ouvre en colonnes de nombres dans Excel et LibreOffice en français).")
    var dialect: String = "rfc4180"

    /// The writer of the chosen dialect, or a French error naming the option.
    func writer() throws -> CSVWriter {
        guard let w = CSVWriter(dialect: dialect) else {
            throw GUPError("--csv : format « \(dialect) » inconnu (formats possibles : \(CSVWriter.dialects.joined(separator: ", ")))")
        }
        return w
    }
}
