import Foundation
import GUPKit

/// `gup resume FILE` (read, project, describe) beside `geopandas.read_file`
/// of the same file, both as processes on the same machine, one after the other.
///   gup-bench resume [FILE=/tmp/metro/incidents.geojson]
/// Target (issue 11): ≤ 0.1 × geopandas.
func resumeBenchmark(_ args: [String]) throws {
    let file = args.first ?? "/tmp/metro/incidents.geojson"
    let gup = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gup").path
    print("charge de la machine : \(loadAverage())")
    var status: Int32 = 0
    let tGup = try seconds { status = try runProcess([gup, "resume", file]).0 }
    print(String(format: "gup resume : %.2f s%@", tGup, status == 0 ? "" : " (ÉCHEC)"))
    let script = "import geopandas, time; t = time.time(); g = geopandas.read_file('\(file)'); print(time.time() - t, len(g))"
    let (pyStatus, out) = try runProcess(["python3", "-c", script])
    guard pyStatus == 0, let ref = Double(out.split(separator: " ").first ?? "") else {
        print("geopandas indisponible (pip install geopandas pyogrio) : \(out)")
        return
    }
    print(String(format: "geopandas.read_file : %.2f s", ref))
    print(String(format: "rapport : %.3f (objectif ≤ 0,100)", tGup / ref))
}
