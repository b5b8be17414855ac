import Foundation

/// gup-bench demarrage [GUP] [--lancements N]: launches `GUP --version` N
/// times (default 50; GUP defaults to the packaged build
/// .build-statique/release/gup, see `make paquet`) and prints the median
/// wall time of one launch, beside the same figure for C tools that load
/// PROJ/GDAL (`projinfo --searchpaths`, `ogrinfo --version`, when installed)
/// and for /bin/true (the cost of starting any process here).
/// The target of issue 18: gup starts in 50 ms or less.
func startupBenchmark(_ args: [String]) throws {
    var gup = ".build-statique/release/gup"
    var launches = 50
    var k = 0
    while k < args.count {
        switch args[k] {
        case "--lancements":
            k += 1
            guard k < args.count, let n = Int(args[k]), n > 0 else {
                throw BenchmarkUsage("--lancements attend un nombre entier positif")
            }
            launches = n
        default: gup = args[k]
        }
        k += 1
    }
    guard FileManager.default.isExecutableFile(atPath: gup) else {
        throw BenchmarkUsage("\(gup) : exécutable introuvable (make paquet, ou donnez le chemin de gup)")
    }
    print("démarrage : médiane de \(launches) lancements, charge \(loadAverage())")
    let gupMedian = try medianLaunch([gup, "--version"], launches)
    print(String(format: "  %-28@ %7.1f ms   (objectif ≤ 50 ms)", "gup --version" as NSString, gupMedian * 1000))
    for peer in [["/usr/bin/projinfo", "--searchpaths"], ["/usr/bin/ogrinfo", "--version"], ["/bin/true"]]
    where FileManager.default.isExecutableFile(atPath: peer[0]) {
        let m = try medianLaunch(peer, launches)
        let label = ([URL(fileURLWithPath: peer[0]).lastPathComponent] + peer.dropFirst()).joined(separator: " ")
        print(String(format: "  %-28@ %7.1f ms", label as NSString, m * 1000))
    }
}

struct BenchmarkUsage: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = "usage : gup-bench demarrage [GUP] [--lancements N] — " + d }
}

/// Median wall time of launching `command` and waiting for it (output discarded).
private func medianLaunch(_ command: [String], _ n: Int) throws -> Double {
    var times: [Double] = []
    for _ in 0..<n {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: command[0])
        p.arguments = Array(command.dropFirst())
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        let t = try seconds {
            try p.run()
            p.waitUntilExit()
        }
        guard p.terminationStatus == 0 else {
            throw BenchmarkUsage("\(command.joined(separator: " ")) a échoué (code \(p.terminationStatus))")
        }
        times.append(t)
    }
    times.sort()
    return times[times.count / 2]
}
