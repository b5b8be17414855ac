import Foundation
import GUPKit

/// « chargement »: GeoJSON parsing speed and peak memory on the metro files
/// (`city.py --blocks 100 --incidents 1000000`), beside geopandas' load time.
///   gup-bench chargement [DOSSIER=/tmp/metro] [--sans-reference] [--un-coeur]
func geoJSONLoadBenchmark(_ args: [String]) throws {
    let dir = args.first { !$0.hasPrefix("--") } ?? "/tmp/metro"
    if args.contains("--un-coeur") { GeoJSONReader.parallelThreshold = Int.max }
    let cores = args.contains("--un-coeur") ? 1 : ProcessInfo.processInfo.activeProcessorCount
    print("chargement : \(dir), \(cores) cœur(s) ; Feature \(MemoryLayout<Feature>.stride) o, PropertyValue \(MemoryLayout<PropertyValue>.stride) o, Geometry \(MemoryLayout<Geometry>.stride) o")
    for (file, target) in [("incidents.geojson", 300.0), ("parcelles.geojson", 150.0)] {
        let path = dir + "/" + file
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else {
            print("  \(file) absent : générez-le avec python3 /work/shared/tools/city.py \(dir) --blocks 100 --incidents 1000000")
            continue
        }
        let mb = Double(size) / 1_000_000
        let before = peakResidentMiB()
        var layer: Layer?
        let cpu0 = cpuSeconds()
        let t = try seconds { layer = try GeoJSONReader.read(path: path) }
        let cpu = cpuSeconds() - cpu0
        let peak = peakResidentMiB()
        // Counting positions walks every geometry, proving they were built.
        var positions = 0
        for f in layer!.features { positions += f.geometry?.positionCount ?? 0 }
        print(String(format: "  %@ : %.1f Mo, %d entités, %d positions : %.2f s, %.0f Mo/s (cible ≥ %.0f) ; temps CPU %.2f s, %.0f Mo/s par seconde CPU ; mémoire max %.0f Mio = %.2f × le fichier (avant : %.0f Mio)",
                     file, mb, layer!.count, positions, t, mb / t, target, cpu, mb / cpu, peak, peak * 1.048576 / mb, before))
        var written = 0
        let tw = seconds { written = GeoJSONWriter().render(layer!.features).utf8.count }
        print(String(format: "    écriture GeoJSON (7 décimales) : %.1f Mo en %.2f s, %.0f Mo/s", Double(written) / 1e6, tw, Double(written) / 1e6 / tw))
        layer = nil
    }
    guard !args.contains("--sans-reference") else { return }
    // geopandas on the same files: read_file alone, file by file, then the
    // reference's whole load step (every layer, to_crs and make_valid included).
    let perFile = """
    import sys, time, geopandas
    for name in ("incidents", "parcelles"):
        t = time.perf_counter(); g = geopandas.read_file(f"{sys.argv[1]}/{name}.geojson"); t = time.perf_counter() - t
        print(f"  geopandas read_file {name}.geojson : {len(g)} entités, {t:.2f} s", flush=True)
    """
    for (title, arguments) in [
        ("geopandas, lecture seule (gpd.read_file) :", ["python3", "-c", perFile, dir]),
        ("geopandas, étape load de python3 /work/shared/tools/reference.py \(dir) /tmp/ref-metro --steps load (toutes les couches, to_crs et make_valid compris) :",
         ["python3", "/work/shared/tools/reference.py", dir, "/tmp/ref-metro", "--steps", "load"]),
    ] {
        print("  " + title)
        fflush(stdout)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        try p.run()
        p.waitUntilExit()
    }
}

/// User + system CPU seconds of this process.
func cpuSeconds() -> Double {
    var u = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    #else
    getrusage(RUSAGE_SELF, &u)
    #endif
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}
