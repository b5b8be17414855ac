import XCTest
import GUPModel
@testable import GUPTopology

final class ResourceTests: XCTestCase {
    private func residentKiB() -> Int {
        let s = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in s.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }

    private func cycle(_ k: Int, _ a: GeometryHandle) throws -> Double {
        let d = Double(k % 13) * 0.5
        let b = try GeometryHandle(.polygon(Polygon(exterior: [
            Position(d, d), Position(d + 6, d), Position(d + 6, d + 6), Position(d, d + 6), Position(d, d),
        ])))
        return try a.intersection(b).area()
    }

    /// 200,000 create/intersect/destroy cycles leave resident memory flat:
    /// a leak of one small geometry per cycle would add tens of MiB.
    func testCreateIntersectDestroyCyclesDoNotGrowMemory() throws {
        let a = try GeometryHandle(wkt: "POLYGON((0 0,10 0,10 10,0 10,0 0))")
        for k in 0..<20_000 { _ = try cycle(k, a) }   // warm up allocator
        let before = residentKiB()
        var total = 0.0
        for k in 0..<200_000 { total += try cycle(k, a) }
        let growth = residentKiB() - before
        XCTAssertGreaterThan(total, 0)
        XCTAssertLessThan(growth, 8 * 1024, "mémoire résidente : +\(growth) Kio")
    }

    /// The same 1,000 intersections from 8 tasks at once equal a serial run.
    func testConcurrentIntersectionsEqualSerial() async throws {
        let base = try GeometryHandle(wkt: "POLYGON((0 0,100 0,100 100,0 100,0 0))")
        func job(_ k: Int) throws -> Geometry {
            let x = Double(k % 37) * 3, y = Double(k % 23) * 4
            let other = try GeometryHandle(.polygon(Polygon(exterior: [
                Position(x, y), Position(x + 20, y + 1), Position(x + 18, y + 25), Position(x - 3, y + 22), Position(x, y),
            ])))
            return try base.intersection(other).geometry()
        }
        let serial = try (0..<1000).map(job)
        let parallel = try await withThrowingTaskGroup(of: [(Int, Geometry)].self) { group in
            for t in 0..<8 {
                group.addTask {
                    try stride(from: t, to: 1000, by: 8).map { ($0, try job($0)) }
                }
            }
            var all = [Geometry?](repeating: nil, count: 1000)
            for try await part in group { for (k, g) in part { all[k] = g } }
            return all.map { $0! }
        }
        XCTAssertEqual(parallel, serial)
    }
}
