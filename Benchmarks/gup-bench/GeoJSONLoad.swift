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
        let cpu0 = cpuTimes()
        let t = try seconds { layer = try GeoJSONReader.read(path: path) }
        let cpu1 = cpuTimes()
        let cpu = cpu1.user + cpu1.system - cpu0.user - cpu0.system
        let peak = peakResidentMiB()
        // Counting positions walks every geometry, proving they were built.
        var positions = 0
        for f in layer!.features { positions += f.geometry?.positionCount ?? 0 }
        print(String(format: "  %@ : %.1f Mo, %d entités, %d positions : %.2f s, %.0f Mo/s (cible ≥ %.0f) ; temps CPU %.2f s (utilisateur %.2f s, système %.2f s), %.0f Mo/s par seconde CPU ; mémoire max %.0f Mio = %.2f × le fichier (avant : %.0f Mio) ; charge de la machine %@",
                     file, mb, layer!.count, positions, t, mb / t, target, cpu, cpu1.user - cpu0.user, cpu1.system - cpu0.system,
                     mb / cpu, peak, peak * 1.048576 / mb, before, loadAverage1()))
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

/// User and system CPU seconds of this process.
func cpuTimes() -> (user: Double, system: Double) {
    var u = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    #else
    getrusage(RUSAGE_SELF, &u)
    #endif
    return (Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6, Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6)
}

/// The 1-minute load average, as /proc/loadavg gives it.
func loadAverage1() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
}

/// « empreinte »: an exact fingerprint (FNV-1a 64 over every feature's index,
/// id, geometry coordinates as bit patterns and properties in order) of the
/// layers read from the given files, to check that a change of the reader
/// leaves its output identical.   gup-bench empreinte FICHIER… [--un-coeur]
func fingerprintBenchmark(_ args: [String]) throws {
    if args.contains("--un-coeur") { GeoJSONReader.parallelThreshold = Int.max }
    for path in args where !path.hasPrefix("--") {
        let layer = try GeoJSONReader.read(path: path)
        var h: UInt64 = 0xcbf29ce484222325
        func byte(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        func word(_ w: UInt64) { for k in 0..<8 { byte(UInt8(truncatingIfNeeded: w >> (8 * k))) } }
        func text(_ s: String) { word(UInt64(s.utf8.count)); for b in s.utf8 { byte(b) } }
        func value(_ v: PropertyValue) {
            switch v {
            case .string(let s): byte(1); text(s)
            case .number(let d): byte(2); word(d.bitPattern)
            case .bool(let b): byte(b ? 3 : 4)
            case .null: byte(5)
            case .array(let a): byte(6); word(UInt64(a.count)); a.forEach(value)
            case .object(let o): byte(7); properties(o)
            }
        }
        func properties(_ p: Properties) { word(UInt64(p.count)); for e in p { text(e.key); value(e.value) } }
        func positions(_ ps: [Position]) { word(UInt64(ps.count)); for p in ps { word(p.x.bitPattern); word(p.y.bitPattern) } }
        func polygon(_ p: Polygon) { word(UInt64(p.holes.count)); positions(p.exterior); p.holes.forEach(positions) }
        func geometry(_ g: Geometry) {
            text(g.typeName)
            switch g {
            case .point(let p): positions([p])
            case .multiPoint(let ps), .lineString(let ps): positions(ps)
            case .multiLineString(let ls): word(UInt64(ls.count)); ls.forEach(positions)
            case .polygon(let p): polygon(p)
            case .multiPolygon(let ps): word(UInt64(ps.count)); ps.forEach(polygon)
            case .geometryCollection(let gs): word(UInt64(gs.count)); gs.forEach(geometry)
            }
        }
        for f in layer.features {
            word(UInt64(f.index))
            if let id = f.id { value(id) } else { byte(0) }
            if let g = f.geometry { geometry(g) } else { byte(0) }
            properties(f.properties)
        }
        print(String(format: "%@ : %d entités, crs %@, empreinte %016llx", path, layer.count, layer.crs.identifier, h))
    }
}
