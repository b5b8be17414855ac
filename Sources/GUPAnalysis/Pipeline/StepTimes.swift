import Foundation

/// Wall and CPU time of the steps of a run, for the benchmarks and the
/// terminal (the library measures, the caller prints). Steps measured on
/// several threads at once add up their wall times (thread time).
public final class StepTimes: @unchecked Sendable {
    public struct Step: Sendable {
        public var name: String
        public var wall: Double
        /// CPU of the whole process during the step (all threads), seconds;
        /// nil for steps timed inside parallel work.
        public var cpu: Double?
    }
    private let lock = NSLock()
    private var order: [String] = []
    private var steps: [String: Step] = [:]

    public init() {}

    /// The steps in the order they first ran.
    public var all: [Step] {
        lock.lock(); defer { lock.unlock() }
        return order.map { steps[$0]! }
    }

    /// Times `body` as `name` (added to earlier times of the same name).
    public func measure<T>(_ name: String, processCPU: Bool = true, _ body: () throws -> T) rethrows -> T {
        let w0 = Date(), c0 = processCPU ? Self.processCPU() : 0
        defer {
            let wall = Date().timeIntervalSince(w0), cpu = processCPU ? Self.processCPU() - c0 : nil
            lock.lock()
            if steps[name] == nil { order.append(name); steps[name] = Step(name: name, wall: 0, cpu: processCPU ? 0 : nil) }
            steps[name]!.wall += wall
            if let cpu { steps[name]!.cpu = (steps[name]!.cpu ?? 0) + cpu }
            lock.unlock()
        }
        return try body()
    }

    /// Adds `wall` seconds to step `name` (thread time of parallel work).
    public func add(_ name: String, wall: Double) {
        lock.lock(); defer { lock.unlock() }
        if steps[name] == nil { order.append(name); steps[name] = Step(name: name, wall: 0, cpu: nil) }
        steps[name]!.wall += wall
    }

    /// CPU time of the process, seconds.
    public static func processCPU() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
