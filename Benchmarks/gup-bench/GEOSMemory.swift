import Foundation
import GUPKit

/// Create/intersect/destroy cycles: resident memory must stay flat.
func geosMemoryBenchmark(_ args: [String]) throws {
    let cycles = Int(args.first ?? "") ?? 1_000_000
    let a = try GeometryHandle(wkt: "POLYGON((0 0,10 0,10 10,0 10,0 0))")
    let before = residentMiB()
    let t = try seconds {
        for k in 0..<cycles {
            let d = Double(k % 7)
            let b = try GeometryHandle(.polygon(Polygon(exterior: [Position(d, d), Position(d + 5, d), Position(d + 5, d + 5), Position(d, d + 5), Position(d, d)])))
            _ = try a.intersection(b).area()
        }
    }
    print(String(format: "geos-memoire : %d cycles en %.2f s (%.0f cycles/s), mémoire résidente %.1f → %.1f Mio",
                 cycles, t, Double(cycles) / t, before, residentMiB()))
}
