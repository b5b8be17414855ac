import Foundation
import GUPKit

/// « lecture-gdal »: reading through GDAL what users receive, beside
/// geopandas.read_file (pyogrio) of the same files, in one run:
/// the metro parcels as a GeoPackage and the million incidents as a CSV.
///
///   python3 /work/shared/tools/city.py /tmp/metro-gdal --blocks 100 --incidents 1000000 --seed 11
///   ogr2ogr -f GPKG /tmp/metro-gdal/parcelles.gpkg /tmp/metro-gdal/parcelles.geojson
///   ogr2ogr -f CSV /tmp/metro-gdal/incidents.csv /tmp/metro-gdal/incidents.geojson -lco GEOMETRY=AS_XY
///   swift run -c release gup-bench lecture-gdal [/tmp/metro-gdal]
///
/// Target: each ≤ 0.5 × geopandas.
func formatsBenchmark(_ args: [String]) throws {
    let dir = args.first { !$0.hasPrefix("--") } ?? "/tmp/metro-gdal"
    print("lecture-gdal : \(dir), \(ProcessInfo.processInfo.activeProcessorCount) cœur(s), GDAL par GUPFormats ; charge de la machine \(loadAverage1())")
    // GDAL's drivers registered before timing, as pyogrio does when imported
    // (geopandas' figure below excludes its imports too).
    let setup = try seconds { try VectorReader.registerDrivers() }
    print(String(format: "  enregistrement des pilotes GDAL (une fois par processus, hors mesures) : %.2f s", setup))
    let files = [("parcelles.gpkg", ""), ("incidents.csv", ", X_POSSIBLE_NAMES='X', Y_POSSIBLE_NAMES='Y'")]
    for (file, pandasOptions) in files {
        let path = dir + "/" + file
        guard FileManager.default.fileExists(atPath: path) else {
            print("  \(file) absent : voir l'en-tête de Benchmarks/gup-bench/FormatsBenchmark.swift")
            continue
        }
        var layer: Layer?
        let ours = try seconds { layer = try Loader.read(DataSource.parse(path)) }
        var positions = 0, withGeometry = 0
        for f in layer!.features {
            positions += f.geometry?.positionCount ?? 0
            if f.geometry != nil { withGeometry += 1 }
        }
        let count = layer!.count
        layer = nil
        // geopandas on the same file, same machine, right after.
        let script = """
        import sys, time, geopandas
        t = time.perf_counter(); g = geopandas.read_file(sys.argv[1], engine="pyogrio"\(pandasOptions)); t = time.perf_counter() - t
        print(f"{t:.4f} {len(g)} {int(g.geometry.notna().sum())}")
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let parts = text.split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        guard p.terminationStatus == 0, parts.count == 3, let theirs = Double(parts[0]) else {
            print(String(format: "  %@ : gup %d entités (%d avec géométrie, %d positions) en %.2f s ; geopandas indisponible (pip install geopandas pyogrio)", file, count, withGeometry, positions, ours))
            continue
        }
        print(String(format: "  %@ : gup %d entités (%d avec géométrie, %d positions) en %.2f s ; geopandas.read_file %@ entités (%@ avec géométrie) en %.2f s ; rapport %.2f (cible ≤ 0,5)",
                     file, count, withGeometry, positions, ours, parts[1], parts[2], theirs, ours / theirs))
    }
}
