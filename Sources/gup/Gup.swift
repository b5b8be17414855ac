import ArgumentParser
import Foundation
import GUPKit

@main
struct Gup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gup",
        abstract: "Analyses géographiques pour la gestion urbaine de proximité (GUP).",
        discussion: """
        Charge des couches GeoJSON (périmètres de quartiers, parcelles et gestionnaires, \
        résidences, secteurs de nettoyage, signalements), calcule la domanialité, les \
        densités d'incidents, les points chauds et les lacunes de nettoyage, et produit \
        les plans du dossier qualité de service.

        Toutes les mesures sont faites dans un système projeté en mètres choisi d'après \
        l'emprise des données (Lambert-93 en métropole), modifiable par --crs.
        """,
        version: "0.1.0",
        subcommands: [Resume.self, Verifier.self]
    )
}

/// Prints the library's messages on the terminal (stderr).
struct TerminalReporter: Reporter {
    var verbose = true
    func warning(_ message: String) { FileHandle.standardError.write(Data("attention : \(message)\n".utf8)) }
    func info(_ message: String) { if verbose { FileHandle.standardError.write(Data("\(message)\n".utf8)) } }
}

/// Runs a command body, turning library errors into a French message and exit 1.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as GUPError {
        FileHandle.standardError.write(Data("erreur : \(e.message)\n".utf8))
        throw ExitCode(1)
    } catch let e as TopologyError {
        FileHandle.standardError.write(Data("erreur : \(e.description)\n".utf8))
        throw ExitCode(1)
    } catch let e as ProjectionError {
        FileHandle.standardError.write(Data("erreur : \(e.description)\n".utf8))
        throw ExitCode(1)
    }
}

/// Parses a `--crs` value.
func parseCRS(_ raw: String?) throws -> CRS? {
    guard let raw else { return nil }
    guard let c = CRS.parse(raw) else {
        throw GUPError("--crs : système de coordonnées « \(raw) » non reconnu (exemple : EPSG:2154)")
    }
    return c
}
