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
    guard let (gup, commands) = threeCommands(project, out: out) else { return }
    var total = 0.0
    for k in commands.indices {
        var status: Int32 = 0
        let argv: [String] = [gup] + commands[k].1
        let t = try seconds { status = try runProcess(argv).0 }
        total += t
        print(String(format: "gup %@ : %.1f s%@", commands[k].0, t, status == 0 ? "" : " (ÉCHEC, code \(status))"))
    }
    print(String(format: "rapport : dossier %.1f s / trois commandes %.1f s = %.2f (objectif ≤ 3) ; objectif dossier ≤ 120 s, mémoire ≤ 2048 Mio",
                 wall, total, wall / total))
}

/// The `gup` beside this benchmark and the three analysis commands
/// (domanialite, densites, nettoyage) on the layers of `project`, each
/// writing to `OUT-COMMAND`; nil (said why) when they cannot run.
func threeCommands(_ project: ProjectFile, out: String) -> (gup: String, commands: [(String, [String])])? {
    let gup = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gup").path
    guard FileManager.default.isExecutableFile(atPath: gup) else {
        print("\(gup) introuvable : construisez-le (swift build -c release) pour comparer aux commandes")
        return nil
    }
    func layer(_ n: String) -> String? { project.layers[n]?.file }
    func field(_ l: String, _ k: String, _ flag: String) -> [String] { project.layers[l]?.fields[k].map { [flag, $0] } ?? [] }
    guard let p = layer("perimetres"), let parcels = layer("parcelles"), let inc = layer("incidents"), let sectors = layer("secteurs") else {
        print("le projet doit nommer périmètres, parcelles, signalements et secteurs pour comparer aux commandes")
        return nil
    }
    let name = field("perimetres", "nom", "--champ-nom")
    let commands: [(String, [String])] = [
        ("domanialite", ["domanialite", "--perimetres", p, "--parcelles", parcels, "--incidents", inc] + name
            + field("parcelles", "gestionnaire", "--champ-gestionnaire") + field("incidents", "categorie", "--champ-categorie")),
        ("densites", ["densites", "--zones", p, "--incidents", inc] + name + field("incidents", "categorie", "--champ-categorie")
            + (layer("residences").map { ["--residences", $0] } ?? [])),
        ("nettoyage", ["nettoyage", "--perimetres", p, "--secteurs", sectors, "--incidents", inc] + name
            + field("secteurs", "intervenant", "--champ-intervenant") + (layer("residences").map { ["--residences", $0] } ?? [])),
    ]
    return (gup, commands.map { ($0.0, $0.1 + ["--sortie", "\(out)-\($0.0)"]) })
}

/// The three analysis commands as processes beside geopandas' reference
/// (`reference.py DATA OUT --steps load,domanialite,densites,nettoyage
/// --grille 0.001`: nettoyage on the same 1 mm grid as gup's), one after
/// the other on the same machine, summed.
///   gup-bench commandes PROJET.toml [SORTIE=/tmp/gup-bench-commandes]
/// The issue's target: ≤ 0.15 × geopandas.
func commandsBenchmark(_ args: [String]) throws {
    guard let path = args.first else {
        print("usage : gup-bench commandes PROJET.toml [SORTIE]")
        return
    }
    let out = args.count > 1 ? args[1] : "/tmp/gup-bench-commandes"
    let project = try ProjectFile.read(path: path, outputOverride: out)
    guard let (gup, commands) = threeCommands(project, out: out), let perimeters = project.layers["perimetres"]?.file else { return }
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    print("charge de la machine avant : \(load)")
    var ours = 0.0
    for (name, argv) in commands {
        var status: Int32 = 0
        let t = try seconds { status = try runProcess([gup] + argv).0 }
        ours += t
        print(String(format: "gup %@ : %.2f s%@", name, t, status == 0 ? "" : " (ÉCHEC, code \(status))"))
    }
    let data = URL(fileURLWithPath: perimeters).deletingLastPathComponent().path
    let (status, text) = try runProcess(["python3", "/work/shared/tools/reference.py", data, "\(out)-reference",
                                         "--steps", "load,domanialite,densites,nettoyage", "--grille", "0.001"])
    guard status == 0 else {
        print("reference.py a échoué (code \(status)) :\n\(text)")
        return
    }
    var theirs = 0.0
    for line in text.split(separator: "\n") {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let step = obj["step"] as? String, let sec = (obj["seconds"] as? NSNumber)?.doubleValue else { continue }
        theirs += sec
        print(String(format: "geopandas %@ : %.2f s", step, sec))
    }
    print(String(format: "rapport : trois commandes %.2f s / geopandas (load + domanialite + densites + nettoyage) %.2f s = %.3f (objectif ≤ 0,150)",
                 ours, theirs, ours / theirs))
}
