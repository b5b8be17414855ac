import Foundation

/// Opt-in processor time per phase of `Cleaning.analyze`, summed over
/// threads (thread CPU clock), for the benchmark: enabled when the
/// environment variable `GUP_PROFIL_NETTOYAGE` is set, otherwise each
/// `time` call is a plain call of its body.
public final class CleaningProfile: @unchecked Sendable {
    public static let isEnabled = ProcessInfo.processInfo.environment["GUP_PROFIL_NETTOYAGE"] != nil
    private static let shared = CleaningProfile()
    private let lock = NSLock()
    private var seconds: [String: Double] = [:]

    private static func threadCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    @inline(__always)
    static func time<T>(_ phase: String, _ body: () throws -> T) rethrows -> T {
        guard isEnabled else { return try body() }
        let t0 = threadCPU()
        defer {
            let d = threadCPU() - t0
            shared.lock.lock(); shared.seconds[phase, default: 0] += d; shared.lock.unlock()
        }
        return try body()
    }

    /// The phases timed since the last call, by name, and resets them.
    public static func take() -> [(phase: String, cpuSeconds: Double)] {
        shared.lock.lock(); defer { shared.lock.unlock() }
        let out = shared.seconds.sorted { $0.key < $1.key }.map { (phase: $0.key, cpuSeconds: $0.value) }
        shared.seconds = [:]
        return out
    }
}
