import Foundation
import GUPKit

/// Domanialité with responsibilities on a synthetic city, side by side with geopandas.
///   gup-bench domanialite [DATA=/tmp/metro] [OUT=/tmp/gup-bench-domanialite] [REF=/tmp/ref-metro]
///                         [--sans-reference] [--sans-signalements]
/// The ratio is the analysis' wall time over geopandas' domanialite step (which
/// writes its CSV files but no GeoJSON); the time with gup's writing is shown too.
func tenureBenchmark(_ args: [String]) throws {
    let positional = args.filter { !$0.hasPrefix("--") }
    let data = positional.count > 0 ? positional[0] : "/tmp/metro"
    let out = positional.count > 1 ? positional[1] : "/tmp/gup-bench-domanialite"
    let ref = positional.count > 2 ? positional[2] : "/tmp/ref-metro"
    let withReference = !args.contains("--sans-reference")
    let cores = ProcessInfo.processInfo.activeProcessorCount

    var p: WorkingLayer!, d: WorkingLayer!, i: WorkingLayer!
    let tLoad = try seconds {
        p = try Loader.load(path: "\(data)/perimetres.geojson", working: .lambert93, expecting: .areal)
        d = try Loader.load(path: "\(data)/parcelles.geojson", working: .lambert93, expecting: .areal)
        i = try Loader.load(path: "\(data)/incidents.geojson", working: .lambert93, expecting: .point)
    }
    print(String(format: "chargement : %d périmètres, %d parcelles, %d signalements en %.2f s",
                 p.count, d.count, i.count, tLoad))
    var result: TenureResult!
    let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
    let cpu0 = processCPUSeconds()
    let tAnalysis = try seconds {
        result = try Tenure.analyse(perimeters: p, parcels: d, incidents: args.contains("--sans-signalements") ? nil : i)
    }
    let cpu = processCPUSeconds() - cpu0
    print(String(format: "domanialite (analyse avec responsabilités, %d cœurs) : %.2f s (temps CPU %.2f s, charge de la machine avant : %@) — %d lignes, %d chevauchements, %d lignes de responsabilités",
                 cores, tAnalysis, cpu, load, result.tenureRows.count, result.overlaps.count, result.responsibilities?.count ?? 0))
    let tWrite = try seconds {
        let f = try OutputFolder(path: out); try TenureOutput.write(result, workingCRS: .lambert93, to: f); try f.commit()
    }
    print(String(format: "écriture des fichiers : %.2f s ; mémoire résidente maximale %.0f Mio", tWrite, peakResidentMiB()))
    guard withReference else { return }

    // geopandas, same files, same machine.
    let tools = "/work/shared/tools"
    let (status, text) = try runProcess(["python3", "\(tools)/reference.py", data, ref, "--steps", "domanialite"])
    guard status == 0 else {
        print("reference.py a échoué (code \(status)) :\n\(text)")
        return
    }
    var refSeconds: Double?
    for line in text.split(separator: "\n") {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              obj["step"] as? String == "domanialite" else { continue }
        refSeconds = (obj["seconds"] as? NSNumber)?.doubleValue
    }
    guard let refSeconds else {
        print("reference.py : durée de l'étape domanialite introuvable :\n\(text)")
        return
    }
    print(String(format: "geopandas (domanialite avec responsabilités) : %.2f s", refSeconds))
    print(String(format: "rapport : gup %.2f s / geopandas %.2f s = %.3f (objectif ≤ 0,200) ; gup %.1f× plus rapide",
                 tAnalysis, refSeconds, tAnalysis / refSeconds, refSeconds / tAnalysis))
    print(String(format: "  (écriture comprise : %.2f s, rapport %.3f)", tAnalysis + tWrite, (tAnalysis + tWrite) / refSeconds))
    for (file, keys, values, extra) in [
        ("domanialite.csv", "perimetre,gestionnaire", "surface_m2,part_pct", [String]()),
        ("chevauchements.csv", "perimetre,gestionnaire_a,gestionnaire_b", "surface_m2", []),
        ("responsabilites.csv", "perimetre,gestionnaire,categorie", "incidents", ["--atol", "0", "--rtol", "0"]),
    ] {
        let (_, line) = try runProcess(["python3", "\(tools)/compare.py", "\(ref)/\(file)", "\(out)/\(file)",
                                        "--keys", keys, "--values", values] + extra)
        print("  comparaison : " + line.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// CPU time (user + system) of this process so far, all threads.
private func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Runs a command, returns its exit status and its standard output and error.
func runProcess(_ argv: [String]) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = argv
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
