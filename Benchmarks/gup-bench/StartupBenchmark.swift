import Foundation

/// gup-bench demarrage [GUP] [--lancements N]: launches `GUP --version` N
/// times, then `GUP version --bibliotheques` (which loads the libraries gup
/// loads on first use) as many (default 50; GUP defaults to the packaged build
/// .build-statique/release/gup, see `make paquet`) and prints the median
/// wall time of one launch, beside the same figure for C tools that load
/// PROJ/GDAL (`projinfo --searchpaths`, `ogrinfo --version`, when installed)
/// and for /bin/true (the cost of starting any process here). Beside the
/// wall time, the CPU time (user + system) of one launch, from
/// getrusage(RUSAGE_CHILDREN): on the shared 2-core machine the wall time
/// mostly measures the wait for a core (perf stat: 0.18 CPUs utilized).
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
    let g = try measureLaunches([gup, "--version"], launches)
    print("  " + "gup --version".padding(toLength: 30, withPad: " ", startingAt: 0)
          + String(format: "%7.1f ms (processeur %5.1f ms)   objectif ≤ 50 ms", g.wall * 1000, g.cpu * 1000))
    // What loading GDAL, cairo, pango, librsvg and libxlsxwriter on first
    // use costs the command that needs them (README « Démarrage »).
    let all = try measureLaunches([gup, "version", "--bibliotheques"], launches)
    print("  " + "gup version --bibliotheques".padding(toLength: 30, withPad: " ", startingAt: 0)
          + String(format: "%7.1f ms (processeur %5.1f ms)   charge aussi GDAL, cairo, pango, librsvg, libxlsxwriter", all.wall * 1000, all.cpu * 1000))
    for peer in [["/usr/bin/projinfo", "--searchpaths"], ["/usr/bin/ogrinfo", "--version"], ["/bin/true"]]
    where FileManager.default.isExecutableFile(atPath: peer[0]) {
        let m = try measureLaunches(peer, launches)
        let label = ([URL(fileURLWithPath: peer[0]).lastPathComponent] + peer.dropFirst()).joined(separator: " ")
        print("  " + label.padding(toLength: 30, withPad: " ", startingAt: 0)
              + String(format: "%7.1f ms (processeur %5.1f ms)", m.wall * 1000, m.cpu * 1000))
    }
}

struct BenchmarkUsage: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = "usage : gup-bench demarrage [GUP] [--lancements N] — " + d }
}

/// Median wall time of launching `command` and waiting for it (output
/// discarded), and its mean CPU time (user + system) per launch. Launched
/// with posix_spawn and waitpid: Foundation's Process adds its own
/// monitoring thread and run loop to every launch (about 50 ms for
/// /bin/true on the loaded machine), which is not gup's start-up.
private func measureLaunches(_ command: [String], _ n: Int) throws -> (wall: Double, cpu: Double) {
    let cpu0 = cpuSeconds(RUSAGE_CHILDREN)
    var times: [Double] = []
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    // argv as C strings, owned here until the last launch.
    let argv: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    for _ in 0..<n {
        var pid: pid_t = 0
        var status: Int32 = 0
        let t = try seconds {
            let rc = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
            guard rc == 0 else { throw BenchmarkUsage("\(command[0]) : lancement impossible (\(String(cString: strerror(rc))))") }
            waitpid(pid, &status, 0)
        }
        guard status == 0 else {
            throw BenchmarkUsage("\(command.joined(separator: " ")) a échoué (état \(status))")
        }
        times.append(t)
    }
    times.sort()
    return (times[times.count / 2], (cpuSeconds(RUSAGE_CHILDREN) - cpu0) / Double(n))
}

