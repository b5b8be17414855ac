import Foundation
import GUPKit

/// nettoyage on a city folder (default /tmp/metro): our load and analysis
/// times beside geopandas' (shared/tools/reference.py --steps nettoyage,
/// run after ours, not at the same time), the ratio, and whether the
/// couverture.csv files agree (shared/tools/compare.py).
///   gup-bench nettoyage [DATA] [--outils DIR] [--sans-reference] [--sans-incidents]
/// With GUP_PROFIL_NETTOYAGE=1 in the environment, also the processor time of each phase.
func cleaningBenchmark(_ args: [String]) throws {
    var data = "/tmp/metro"
    var tools: String?
    var reference = true
    var withIncidents = true
    var k = 0
    while k < args.count {
        switch args[k] {
        case "--outils": k += 1; tools = args[k]
        case "--sans-reference": reference = false
        case "--sans-incidents": withIncidents = false
        default: data = args[k]
        }
        k += 1
    }
    let toolsDir = tools ?? ["../shared/tools", "/work/shared/tools"].first {
        FileManager.default.fileExists(atPath: "\($0)/reference.py")
    } ?? "../shared/tools"
    let ours = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gup-bench-nettoyage-\(getpid())")
    let refOut = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gup-bench-nettoyage-ref-\(getpid())")
    defer {
        try? FileManager.default.removeItem(at: ours)
        try? FileManager.default.removeItem(at: refOut)
    }

    var p: WorkingLayer!, s: WorkingLayer!, r: WorkingLayer?, i: WorkingLayer?
    let load = try seconds {
        func file(_ n: String) -> String { "\(data)/\(n).geojson" }
        p = try Loader.load(path: file("perimetres"), working: .lambert93, expecting: .areal)
        s = try Loader.load(path: file("secteurs"), working: .lambert93, expecting: .areal)
        if FileManager.default.fileExists(atPath: file("residences")) {
            r = try Loader.load(path: file("residences"), working: .lambert93, expecting: .areal)
        }
        if withIncidents, FileManager.default.fileExists(atPath: file("incidents")) {
            i = try Loader.load(path: file("incidents"), working: .lambert93, expecting: .point)
        }
    }
    var result: CleaningResult!
    let cpu0 = cpuSeconds(RUSAGE_SELF)
    let analysis = try seconds {
        result = try Cleaning.analyze(perimeters: p, sectors: s, residences: r, incidents: i)
    }
    let analysisCPU = cpuSeconds(RUSAGE_SELF) - cpu0
    let write = try seconds { let f = try OutputFolder(path: ours.path); try CleaningWriter.write(result, to: f); try f.commit() }
    print(String(format: "nettoyage (gup) : %d périmètres, %d secteurs (%d morceaux), %d résidences, %d signalements",
                 p.count, s.count, result.sectorPieces, r?.count ?? 0, i?.count ?? 0))
    print(String(format: "  chargement %.2f s, analyse %.2f s (temps processeur %.2f s, %d cœurs), écriture %.2f s ; %d lacunes, %d paires en doublon ; mémoire max %.0f Mio",
                 load, analysis, analysisCPU, ProcessInfo.processInfo.activeProcessorCount, write,
                 result.gaps.count, result.doubles.count, peakResidentMiB()))
    print(String(format: "  charge de la machine (1 min) : %@", loadAverage()))
    if CleaningProfile.isEnabled {
        print("  temps processeur par phase (GUP_PROFIL_NETTOYAGE) : " + CleaningProfile.take()
            .map { String(format: "%@ %.2f s", $0.phase, $0.cpuSeconds) }.joined(separator: ", "))
    }
    guard reference else { return }

    // geopandas, on the same files, after ours.
    let py = Process()
    py.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    // The peer's overlays on the same 1 mm grid as ours (issue 15): the
    // number of gaps depends on the grid (slivers of 1e-7 m), the areas do not.
    py.arguments = ["python3", "\(toolsDir)/reference.py", data, refOut.path, "--steps", "nettoyage",
                    "--grille", String(OverlayGrid.size)]
    let pipe = Pipe()
    py.standardOutput = pipe
    try py.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    py.waitUntilExit()
    var refSeconds: [String: Double] = [:]
    for line in output.split(separator: "\n") {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let step = obj["step"] as? String, let t = obj["seconds"] as? Double else { continue }
        refSeconds[step] = t
    }
    guard py.terminationStatus == 0, let refAnalysis = refSeconds["nettoyage"] else {
        print("  geopandas : échec (code \(py.terminationStatus))")
        return
    }
    let pythonCPU = cpuSeconds(RUSAGE_CHILDREN)
    let pythonWall = (refSeconds["load"] ?? .nan) + refAnalysis
    print(String(format: "nettoyage (geopandas, grille 1 mm) : chargement %.2f s, analyse %.2f s (un cœur ; temps processeur total %.2f s pour %.2f s écoulées)",
                 refSeconds["load"] ?? .nan, refAnalysis, pythonCPU, pythonWall))
    print(String(format: "  rapport analyse gup/geopandas : %.3f (%.1f× plus rapide ; objectif ≤ 0,2)", analysis / refAnalysis, refAnalysis / analysis))
    print(String(format: "  rapport chargement + analyse : %.3f", (load + analysis) / ((refSeconds["load"] ?? .nan) + refAnalysis)))

    let cmp = Process()
    cmp.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    cmp.arguments = ["python3", "\(toolsDir)/compare.py", refOut.appendingPathComponent("couverture.csv").path,
                     ours.appendingPathComponent("couverture.csv").path, "--keys", "perimetre",
                     "--values", "surface_exterieure_m2,couverte_m2,taux_couverture_pct,lacunes_m2,nb_lacunes,doublons_m2"]
    let cmpPipe = Pipe()
    cmp.standardOutput = cmpPipe
    try cmp.run()
    let verdict = String(decoding: cmpPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    cmp.waitUntilExit()
    print("  accord avec geopandas (couverture.csv, 0,5 %) : \(verdict.trimmingCharacters(in: .whitespacesAndNewlines))")
    // Gap counts must agree exactly: compare.py checks nb_lacunes within max(1, 0.5 %), so check it here too.
    if let refTable = try? CSVTable.read(path: refOut.appendingPathComponent("couverture.csv").path),
       let n = refTable.column(named: "perimetre"), let g = refTable.column(named: "nb_lacunes") {
        let refCounts = Dictionary(refTable.rows.map { ($0[n], Int(Double($0[g]) ?? -1)) }, uniquingKeysWith: { a, _ in a })
        let mismatched = result.coverage.filter { refCounts[$0.perimeter] != $0.gapCount }
        print("  nombre de lacunes identique : \(mismatched.isEmpty ? "oui" : "non, \(mismatched.count) périmètre(s), ex. \(mismatched[0].perimeter)")")
    }
}
