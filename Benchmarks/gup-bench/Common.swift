import Foundation

/// Wall-clock seconds of `body`.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

/// Peak resident memory of this process so far (VmHWM), in MiB.
func peakResidentMiB() -> Double { procStatusKiB("VmHWM:") / 1024 }

/// Current resident memory (VmRSS), in MiB.
func residentMiB() -> Double { procStatusKiB("VmRSS:") / 1024 }

private func procStatusKiB(_ key: String) -> Double {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in s.split(separator: "\n") where line.hasPrefix(key) {
        return Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }
    return 0
}

/// The machine's load average over one minute (/proc/loadavg), as text.
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
}

/// User + system CPU seconds of this process (RUSAGE_SELF) or of its
/// finished children (RUSAGE_CHILDREN).
func cpuSeconds(_ who: __rusage_who) -> Double {
    var u = rusage()
    getrusage(__rusage_who_t(who.rawValue), &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}
