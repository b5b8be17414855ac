import Foundation
import GUPKit

/// The whole dossier on a project file, every step timed, beside the three
/// analysis commands (domanialite, densites, nettoyage) run one after the
/// other on the same machine by the same release build.
///   gup-bench dossier PROJET.toml [SORTIE=/tmp/gup-bench-dossier] [--sans-commandes] [--sans-pdf]
/// The issue's targets: the dossier ≤ 120 s, peak RSS ≤ 2 GB, and ≤ 3× the
/// three commands.
func dossierBenchmark(_ args: [String]) throws {
    let positional = args.filter { !$0.hasPrefix("--") }
    guard let path = positional.first else {
        print("usage : gup-bench dossier PROJET.toml [SORTIE] [--sans-commandes]")
        return
    }
    let out = positional.count > 1 ? positional[1] : "/tmp/gup-bench-dossier"
    try? FileManager.default.removeItem(atPath: out)
    var project = try ProjectFile.read(path: path, outputOverride: out)
    if args.contains("--sans-pdf") { project.pdf = false }
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    let times = StepTimes()
    let cpu0 = StepTimes.processCPU()
    var outcome: Dossier.Outcome!
    let wall = try seconds { outcome = try Dossier.build(project, date: "01/12/2026", times: times) }
    let cpu = StepTimes.processCPU() - cpu0
    print(String(format: "dossier : %d quartiers, %d fichiers en %.1f s (CPU %.1f s, %d cœurs, charge avant : %@), mémoire résidente maximale %.0f Mio",
                 outcome.quartiers.count, outcome.files.count, wall, cpu, ProcessInfo.processInfo.activeProcessorCount, load,
                 peakResidentMiB()))
    for s in times.all {
        print(String(format: "  %-52@ %7.2f s%@", s.name as NSString, s.wall, s.cpu.map { String(format: " (CPU %.2f s)", $0) } ?? ""))
    }
    guard !args.contains("--sans-commandes") else { return }

    // The three analysis commands on the same layers, as a user runs them.
    let gup = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gup").path
    guard FileManager.default.isExecutableFile(atPath: gup) else {
        print("\(gup) introuvable : construisez-le (swift build -c release) pour comparer aux commandes")
        return
    }
    func layer(_ n: String) -> String? { project.layers[n]?.file }
    func field(_ l: String, _ k: String, _ flag: String) -> [String] { project.layers[l]?.fields[k].map { [flag, $0] } ?? [] }
    guard let p = layer("perimetres"), let parcels = layer("parcelles"), let inc = layer("incidents"), let sectors = layer("secteurs") else {
        print("le projet doit nommer périmètres, parcelles, signalements et secteurs pour comparer aux commandes")
        return
    }
    let name = field("perimetres", "nom", "--champ-nom")
    var commands: [(String, [String])] = [
        ("domanialite", ["domanialite", "--perimetres", p, "--parcelles", parcels, "--incidents", inc] + name
            + field("parcelles", "gestionnaire", "--champ-gestionnaire") + field("incidents", "categorie", "--champ-categorie")),
        ("densites", ["densites", "--zones", p, "--incidents", inc] + name + field("incidents", "categorie", "--champ-categorie")
            + (layer("residences").map { ["--residences", $0] } ?? [])),
        ("nettoyage", ["nettoyage", "--perimetres", p, "--secteurs", sectors, "--incidents", inc] + name
            + field("secteurs", "intervenant", "--champ-intervenant") + (layer("residences").map { ["--residences", $0] } ?? [])),
    ]
    var total = 0.0
    for k in commands.indices {
        commands[k].1 += ["--sortie", "\(out)-\(commands[k].0)"]
        var status: Int32 = 0
        let argv: [String] = [gup] + commands[k].1
        let t = try seconds { status = try runProcess(argv).0 }
        total += t
        print(String(format: "gup %@ : %.1f s%@", commands[k].0, t, status == 0 ? "" : " (ÉCHEC, code \(status))"))
    }
    print(String(format: "rapport : dossier %.1f s / trois commandes %.1f s = %.2f (objectif ≤ 3) ; objectif dossier ≤ 120 s, mémoire ≤ 2048 Mio",
                 wall, total, wall / total))
}
