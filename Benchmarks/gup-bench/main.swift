// gup-bench: release-build benchmarks that print their figures.
//   swift run -c release gup-bench <name> [args…]
// Each benchmark lives in its own file and registers itself in `benchmarks`.
import Foundation
import GUPKit

let benchmarks: [String: (_ args: [String]) throws -> Void] = [
    "geos-memoire": geosMemoryBenchmark,
    "plan-masse": planMasseBenchmark, "etiquettes": labelBenchmark, "plans-fond": backgroundBenchmark,
    "densites": densitiesBenchmark, "points-chauds": hotspotsBenchmark,
    "nettoyage": cleaningBenchmark,
    "veille": veilleBenchmark,
    "domanialite": tenureBenchmark,
    "chargement": geoJSONLoadBenchmark, "empreinte": fingerprintBenchmark, "sha256": sha256Benchmark,
    "lecture-gdal": formatsBenchmark,
    "dossier": dossierBenchmark, "resume": resumeBenchmark, "commandes": commandsBenchmark,
    "demarrage": startupBenchmark,
]

let args = Array(CommandLine.arguments.dropFirst())
guard let name = args.first, let run = benchmarks[name] else {
    print("usage : gup-bench <\(benchmarks.keys.sorted().joined(separator: "|"))> [arguments]")
    exit(2)
}
do {
    try run(Array(args.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("erreur : \(error)\n".utf8))
    exit(1)
}
