import Foundation
import GUPModel

/// The walking loop of a *diagnostic en marchant*: from a start point,
/// through every stop, back to the start, minimising the straight-line
/// length. Exact (Held–Karp dynamic programming) up to `exactLimit` stops;
/// beyond, nearest neighbour improved by 2-opt.
public struct WalkingRoute: Sendable, Equatable {
    /// Stop indices in visiting order.
    public var order: [Int]
    /// Length of the closed loop, in CRS units (metres).
    public var length: Double
    /// True when the order is proven optimal.
    public var exact: Bool

    public static let exactLimit = 12

    /// Farthest start accepted from the nearest stop (metres): a walk is a
    /// few kilometres; a start point on another continent (a 142,000 km
    /// loop, issue 16) is a typing error in [longitude, latitude].
    public static let maximumStartDistance = 10_000.0

    /// Refuses a start point farther than `maximumStartDistance` from every stop.
    public static func checkStart(_ start: Position, stops: [Position], what: String) throws {
        guard let nearest = stops.map({ hypot($0.x - start.x, $0.y - start.y) }).min() else { return }
        guard nearest.isFinite, nearest <= maximumStartDistance else {
            throw GUPError("\(what) : le point de départ est à \(nearest.isFinite ? NumberDomain.describe((nearest / 1000).rounded()) : "une distance infinie de") km du premier arrêt le plus proche (au plus 10 km pour une marche) : vérifiez [longitude, latitude] en degrés WGS 84")
        }
    }

    public static func plan(start: Position, stops: [Position]) -> WalkingRoute {
        let n = stops.count
        if n == 0 { return WalkingRoute(order: [], length: 0, exact: true) }
        // Node 0 is the start, nodes 1...n the stops.
        let nodes = [start] + stops
        func d(_ a: Int, _ b: Int) -> Double {
            let dx = nodes[a].x - nodes[b].x, dy = nodes[a].y - nodes[b].y
            return (dx * dx + dy * dy).squareRoot()
        }
        if n <= exactLimit {
            let order = heldKarp(n: n, d)
            return WalkingRoute(order: order.map { $0 - 1 }, length: loopLength(order, d), exact: true)
        }
        var order = nearestNeighbour(n: n, d)
        twoOpt(&order, d)
        return WalkingRoute(order: order.map { $0 - 1 }, length: loopLength(order, d), exact: false)
    }

    private static func loopLength(_ order: [Int], _ d: (Int, Int) -> Double) -> Double {
        var l = 0.0, prev = 0
        for k in order { l += d(prev, k); prev = k }
        return l + d(prev, 0)
    }

    /// cost[mask][j]: shortest path from the start through the stops in
    /// `mask`, ending at stop j (1-based nodes, bit j-1).
    private static func heldKarp(n: Int, _ d: (Int, Int) -> Double) -> [Int] {
        let full = 1 << n
        var cost = [Double](repeating: .infinity, count: full * n)
        var parent = [Int](repeating: -1, count: full * n)
        for j in 0..<n { cost[(1 << j) * n + j] = d(0, j + 1) }
        for mask in 1..<full {
            for j in 0..<n where mask & (1 << j) != 0 {
                let c = cost[mask * n + j]
                if c == .infinity { continue }
                for k in 0..<n where mask & (1 << k) == 0 {
                    let m2 = mask | (1 << k)
                    let nc = c + d(j + 1, k + 1)
                    if nc < cost[m2 * n + k] - 1e-9 {
                        cost[m2 * n + k] = nc
                        parent[m2 * n + k] = j
                    }
                }
            }
        }
        var best = 0, bestCost = Double.infinity
        for j in 0..<n {
            let c = cost[(full - 1) * n + j] + d(j + 1, 0)
            if c < bestCost - 1e-9 { bestCost = c; best = j }
        }
        var order: [Int] = []
        var mask = full - 1, j = best
        while j >= 0 {
            order.append(j + 1)
            let p = parent[mask * n + j]
            mask &= ~(1 << j)
            j = p
        }
        return order.reversed()
    }

    private static func nearestNeighbour(n: Int, _ d: (Int, Int) -> Double) -> [Int] {
        var left = Set(1...n), order: [Int] = [], cur = 0
        while !left.isEmpty {
            let next = left.min { (d(cur, $0), $0) < (d(cur, $1), $1) }!
            order.append(next); left.remove(next); cur = next
        }
        return order
    }

    private static func twoOpt(_ order: inout [Int], _ d: (Int, Int) -> Double) {
        var improved = true
        while improved {
            improved = false
            let path = [0] + order + [0]
            outer: for i in 1..<(path.count - 2) {
                for k in (i + 1)..<(path.count - 1) {
                    let delta = d(path[i - 1], path[k]) + d(path[i], path[k + 1]) - d(path[i - 1], path[i]) - d(path[k], path[k + 1])
                    if delta < -1e-9 {
                        order[(i - 1)...(k - 1)].reverse()
                        improved = true
                        break outer
                    }
                }
            }
        }
    }
}
