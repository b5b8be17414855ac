import Foundation
import GUPKit

// densites / points-chauds: our time beside geopandas' (shared/tools/reference.py) on
// the same files, in one run.
//   swift run -c release gup-bench densites [DATA=/tmp/metro] [--sans-reference]
//   swift run -c release gup-bench points-chauds [DATA=/tmp/metro] [--cellule 50] [--sans-reference]

private struct BenchOptions {
    var data = "/tmp/metro"
    var reference = true
    var cell = 50.0
    init(_ args: [String]) {
        var k = 0
        while k < args.count {
            switch args[k] {
            case "--sans-reference": reference = false
            case "--cellule": k += 1; cell = Double(args[k]) ?? 50
            default: data = args[k]
            }
            k += 1
        }
    }
}

/// Runs the reference implementation on `data` for `step` and returns its
/// per-step seconds (JSON lines `{"step": …, "seconds": …}`) and output folder.
private func referenceSeconds(data: String, step: String) throws -> (seconds: [String: Double], out: String) {
    let out = NSTemporaryDirectory() + "gup-bench-ref-\(step)-\(ProcessInfo.processInfo.processIdentifier)"
    let tool = ProcessInfo.processInfo.environment["GUP_REFERENCE"] ?? "/work/shared/tools/reference.py"
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", tool, data, out, "--steps", step]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    var seconds: [String: Double] = [:]
    for line in text.split(separator: "\n") {
        guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let s = o["step"] as? String, let t = o["seconds"] as? Double else { continue }
        seconds[s] = t
    }
    return (seconds, out)
}

func densitiesBenchmark(_ args: [String]) throws {
    let o = BenchOptions(args)
    let working = CRS.lambert93
    var zones: WorkingLayer!, incidents: WorkingLayer!, residences: WorkingLayer?
    let load = try seconds {
        zones = try Loader.load(path: o.data + "/perimetres.geojson", working: working, expecting: .areal)
        incidents = try Loader.load(path: o.data + "/incidents.geojson", working: working, expecting: .point)
        let r = o.data + "/residences.geojson"
        if FileManager.default.fileExists(atPath: r) {
            residences = try Loader.load(path: r, working: working, expecting: .areal)
        }
    }
    print(String(format: "chargement (hors comparaison) : %.2f s — %d zones, %d signalements, %d résidences",
                 load, zones.count, incidents.count, residences?.count ?? 0))
    let outDir = NSTemporaryDirectory() + "gup-bench-densites-\(ProcessInfo.processInfo.processIdentifier)"
    var rows: [DensityRow] = []
    var parts: [(String, Double)] = []
    func step(_ name: String, _ body: () throws -> Void) rethrows {
        parts.append((name, try seconds(body)))
    }
    // Same scope as reference.py's densites step: from loaded layers to densites.csv.
    let ours = try seconds {
        var zs: ZoneSet!, set: IncidentSet!, zi: ZoneIncidents!, dw: ZoneDwellings?
        try step("attributs") {
            zs = try ZoneSet.make(from: zones)
            // As `gup densites` without a period: dates are read only when used
            // (or when a resolution date calls for treatment delays).
            set = try IncidentSet.make(from: incidents, readDates: false)
        }
        try step("points dans zones") { zi = try ZoneIncidents(zones: zs, incidents: set) }
        try step("logements") { dw = try residences.map { try ZoneDwellings.compute(zones: zs, residences: $0) } }
        try step("comptes + csv") {
            rows = try IncidentAnalysis.densities(zi, dwellings: dw)
            let f = try OutputFolder(path: outDir); try f.write(IncidentsCSV.densities(rows), to: "densites.csv"); try f.commit()
        }
    }
    print(String(format: "densites GUPKit : %.3f s (%@) — %d lignes", ours,
                 parts.map { String(format: "%@ %.3f", $0.0, $0.1) }.joined(separator: ", "), rows.count))
    guard o.reference else { return }
    let (ref, refOut) = try referenceSeconds(data: o.data, step: "densites")
    guard let theirs = ref["densites"] else { print("référence : pas de temps « densites » lu"); return }
    print(String(format: "densites geopandas : %.3f s (chargement %.1f s)", theirs, ref["load"] ?? .nan))
    print(String(format: "rapport GUPKit / geopandas : %.2f (objectif ≤ 0.50)", ours / theirs))
    // Same numbers? Counts exactly, measures within 0.5 %.
    if let e = try? CSVTable.read(path: refOut + "/densites.csv") {
        var byKey: [String: DensityRow] = [:]
        for r in rows { byKey[r.zone + "\u{0}" + r.category] = r }
        var mismatches = 0
        let zc = e.column(named: "zone")!, cc = e.column(named: "categorie")!, ic = e.column(named: "incidents")!, pc = e.column(named: "par_ha")!
        for r in e.rows {
            guard let g = byKey[r[zc] + "\u{0}" + r[cc]], g.incidents == Int(r[ic]),
                  abs(g.perHectare - (Double(r[pc]) ?? .nan)) <= 0.005 * abs(Double(r[pc]) ?? 0) + 1e-9 else { mismatches += 1; continue }
        }
        print("comparaison à la référence : \(e.rows.count) lignes, \(mismatches) écart(s)")
    }
}

func hotspotsBenchmark(_ args: [String]) throws {
    let o = BenchOptions(args)
    let working = CRS.lambert93
    var zones: WorkingLayer!, incidents: WorkingLayer!
    let load = try seconds {
        zones = try Loader.load(path: o.data + "/perimetres.geojson", working: working, expecting: .areal)
        incidents = try Loader.load(path: o.data + "/incidents.geojson", working: working, expecting: .point)
    }
    print(String(format: "chargement (hors comparaison) : %.2f s — %d zones, %d signalements", load, zones.count, incidents.count))
    let points = incidents.points
    var grid: HotspotGrid!
    let full = try seconds { grid = try Hotspots.analyse(zones: zones.shapes, points: points, cellSize: o.cell) }
    let ij = (grid.cells.map(\.i), grid.cells.map(\.j))
    let values = grid.cells.map { Double($0.incidents) }
    var z: [Double] = []
    let gi = seconds { z = Hotspots.getisOrdStar(i: ij.0, j: ij.1, values: values) }
    var hot: [HotZone] = []
    let hz = try seconds { hot = try Hotspots.hotZones(grid, categories: ["-"], category: [Int32](repeating: 0, count: points.count)) }
    var density: RasterGrid!
    let kd = try seconds { density = try KernelDensity.quartic(points: points, radius: 100, cellSize: o.cell / 5, extent: try grid.union.bounds()!) }
    print(String(format: "points-chauds GUPKit : grille de %d cellules de %.0f m ; Gi* seul %.3f s (objectif < 1 s) ; analyse complète (union, grille, comptage, Gi*) %.3f s ; %d zones chaudes %.3f s ; lissage quartique %d×%d %.3f s",
                 grid.cells.count, o.cell, gi, full, hot.count, hz, density.columns, density.rows, kd))
    precondition(z == grid.cells.map(\.z))
    guard o.reference else { return }
    let (ref, refOut) = try referenceSeconds(data: o.data, step: "points_chauds")
    if let t = ref["points_chauds"] {
        print(String(format: "points_chauds geopandas : %.3f s ; rapport GUPKit / geopandas (analyse complète) : %.3f", t, full / t))
    }
    if let e = try? CSVTable.read(path: refOut + "/points_chauds_ref.csv") {
        var byKey: [String: HotspotCell] = [:]
        for c in grid.cells { byKey["\(c.i),\(c.j)"] = c }
        let ic = e.column(named: "i")!, jc = e.column(named: "j")!, nc = e.column(named: "incidents")!, zc = e.column(named: "gi_z")!
        var maxDz = 0.0, missing = 0, countDiff = 0
        for r in e.rows {
            guard let c = byKey["\(r[ic]),\(r[jc])"] else { missing += 1; continue }
            if c.incidents != Int(Double(r[nc]) ?? -1) { countDiff += 1 }
            maxDz = max(maxDz, abs(c.z - (Double(r[zc]) ?? .nan)))
        }
        print(String(format: "comparaison à la référence : %d cellules (nous %d), %d absente(s), %d compte(s) différent(s), écart max de z %.2e",
                     e.rows.count, grid.cells.count, missing, countDiff, maxDz))
    }
}
