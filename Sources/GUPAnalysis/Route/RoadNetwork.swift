import Foundation
import GUPModel

/// The street network as a graph for walking: every vertex of every road
/// line is a node (vertices closer than `snap` metres are one node, so
/// segments drawn end to end by the producer connect), every segment
/// between two consecutive vertices an edge weighted by its length. Paths
/// follow the road lines vertex by vertex, so a route drawn from them lies
/// on the roads. Read-only after creation: safe to share between threads.
public final class RoadNetwork: @unchecked Sendable {
    public let nodes: [Position]
    /// Edges as node pairs.
    let edgeA: [Int32]
    let edgeB: [Int32]
    let edgeLength: [Double]
    /// Adjacency (CSR): the edges of node n are `adjEdge[adjStart[n]..<adjStart[n+1]]`.
    let adjStart: [Int32]
    let adjEdge: [Int32]
    /// A bucket grid of edges for snapping.
    let cell: Double
    let buckets: [Int64: [Int32]]

    public var edgeCount: Int { edgeA.count }

    /// A point of the network: on edge `edge`, at `position`, `offset`
    /// metres from the edge's first node.
    public struct Location: Sendable, Equatable {
        public var edge: Int
        public var position: Position
        public var offset: Double
        /// Distance from the point that was snapped.
        public var distance: Double
    }

    /// Builds the graph from line features (polygons and points are
    /// ignored). `snap`: metres within which vertices are one node.
    public init(lines features: [Feature], snap: Double = 0.5, cell: Double = 50) {
        var index: [Int64: Int32] = [:]
        var nodes: [Position] = []
        var ea: [Int32] = [], eb: [Int32] = [], el: [Double] = []
        func key(_ p: Position) -> Int64 {
            let x = Int64((p.x / snap).rounded()), y = Int64((p.y / snap).rounded())
            return (x &* 73_856_093) ^ (y &* 19_349_663) ^ (x << 32)
        }
        func node(_ p: Position) -> Int32 {
            let k = key(p)
            if let n = index[k] { return n }
            let n = Int32(nodes.count)
            nodes.append(p); index[k] = n
            return n
        }
        func line(_ ps: [Position]) {
            guard ps.count >= 2 else { return }
            var prev = node(ps[0])
            for p in ps.dropFirst() {
                let n = node(p)
                if n != prev {
                    let a = nodes[Int(prev)], b = nodes[Int(n)]
                    ea.append(prev); eb.append(n); el.append(((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot())
                }
                prev = n
            }
        }
        func walk(_ g: Geometry) {
            switch g {
            case .lineString(let ps): line(ps)
            case .multiLineString(let ls): ls.forEach(line)
            case .geometryCollection(let gs): gs.forEach(walk)
            default: break
            }
        }
        for f in features { if let g = f.geometry { walk(g) } }
        self.nodes = nodes
        edgeA = ea; edgeB = eb; edgeLength = el
        var degree = [Int32](repeating: 0, count: nodes.count + 1)
        for k in ea.indices { degree[Int(ea[k])] += 1; degree[Int(eb[k])] += 1 }
        var start = [Int32](repeating: 0, count: nodes.count + 1)
        for n in 0..<nodes.count { start[n + 1] = start[n] + degree[n] }
        var fill = start
        var adj = [Int32](repeating: 0, count: ea.count * 2)
        for k in ea.indices {
            adj[Int(fill[Int(ea[k])])] = Int32(k); fill[Int(ea[k])] += 1
            adj[Int(fill[Int(eb[k])])] = Int32(k); fill[Int(eb[k])] += 1
        }
        adjStart = start; adjEdge = adj
        self.cell = cell
        var b: [Int64: [Int32]] = [:]
        for k in ea.indices {
            let p = nodes[Int(ea[k])], q = nodes[Int(eb[k])]
            for i in Self.cellIndex(min(p.x, q.x), cell)...Self.cellIndex(max(p.x, q.x), cell) {
                for j in Self.cellIndex(min(p.y, q.y), cell)...Self.cellIndex(max(p.y, q.y), cell) {
                    b[Self.bucketKey(i, j), default: []].append(Int32(k))
                }
            }
        }
        buckets = b
    }

    static func cellIndex(_ v: Double, _ cell: Double) -> Int { Int((v / cell).rounded(.down)) }
    static func bucketKey(_ i: Int, _ j: Int) -> Int64 { Int64(i) << 32 | Int64(UInt32(bitPattern: Int32(truncatingIfNeeded: j))) }

    /// The nearest point of the network (nil for an empty network). The
    /// search grows ring by ring of cells until no closer edge can exist.
    public func snap(_ p: Position) -> Location? {
        guard !edgeA.isEmpty else { return nil }
        let ci = Self.cellIndex(p.x, cell), cj = Self.cellIndex(p.y, cell)
        var best: Location?
        var ring = 0
        // Beyond this ring every cell was looked at (a far-away point).
        let maxRing = 2 + Int(bucketsSpan())
        while ring <= maxRing {
            for i in (ci - ring)...(ci + ring) {
                for j in (cj - ring)...(cj + ring) where abs(i - ci) == ring || abs(j - cj) == ring {
                    for e in buckets[Self.bucketKey(i, j)] ?? [] {
                        let l = locate(p, on: Int(e))
                        if best == nil || l.distance < best!.distance - 1e-12 || (abs(l.distance - best!.distance) <= 1e-12 && l.edge < best!.edge) {
                            best = l
                        }
                    }
                }
            }
            // Points within `ring * cell` of p were all seen.
            if let b = best, b.distance <= Double(ring) * cell { break }
            ring += 1
        }
        return best
    }

    private func bucketsSpan() -> Double {
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for n in nodes { minX = min(minX, n.x); maxX = max(maxX, n.x); minY = min(minY, n.y); maxY = max(maxY, n.y) }
        return max(maxX - minX, maxY - minY) / cell + 1
    }

    func locate(_ p: Position, on e: Int) -> Location {
        let a = nodes[Int(edgeA[e])], b = nodes[Int(edgeB[e])]
        let dx = b.x - a.x, dy = b.y - a.y
        let len2 = dx * dx + dy * dy
        var t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0
        t = min(1, max(0, t))
        let q = Position(a.x + t * dx, a.y + t * dy)
        let d = ((p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y)).squareRoot()
        return Location(edge: e, position: q, offset: t * edgeLength[e], distance: d)
    }

    /// A path on the network: its length and its vertices (from the source
    /// location to the target location, through network nodes).
    public struct Path: Sendable, Equatable {
        public var length: Double
        public var positions: [Position]
    }

    /// Shortest paths (Dijkstra) from one location to each target; nil
    /// for a target on another connected part of the network.
    public func shortestPaths(from s: Location, to targets: [Location]) -> [Path?] {
        let n = nodes.count
        var dist = [Double](repeating: .infinity, count: n)
        var prev = [Int32](repeating: -1, count: n)
        var heap = MinHeap()
        let sa = Int(edgeA[s.edge]), sb = Int(edgeB[s.edge])
        dist[sa] = s.offset; heap.push(s.offset, Int32(sa))
        let tail = edgeLength[s.edge] - s.offset
        if tail < dist[sb] { dist[sb] = tail; heap.push(tail, Int32(sb)) }
        // Stop once every target edge's two ends are settled.
        var pending = Set<Int>()
        for t in targets { pending.insert(Int(edgeA[t.edge])); pending.insert(Int(edgeB[t.edge])) }
        var settled = [Bool](repeating: false, count: n)
        while let (d, u32) = heap.pop() {
            let u = Int(u32)
            if settled[u] || d > dist[u] { continue }
            settled[u] = true
            pending.remove(u)
            if pending.isEmpty { break }
            for k in Int(adjStart[u])..<Int(adjStart[u + 1]) {
                let e = Int(adjEdge[k])
                let v = Int(edgeA[e]) == u ? Int(edgeB[e]) : Int(edgeA[e])
                let nd = d + edgeLength[e]
                if nd < dist[v] { dist[v] = nd; prev[v] = Int32(u); heap.push(nd, Int32(v)) }
            }
        }
        func nodesTo(_ v: Int) -> [Position] {
            var chain: [Position] = []
            var c = v
            while c >= 0 { chain.append(nodes[c]); c = Int(prev[c]) }
            return chain.reversed()
        }
        return targets.map { t in
            if t.edge == s.edge {
                return Path(length: abs(t.offset - s.offset), positions: [s.position, t.position])
            }
            let ta = Int(edgeA[t.edge]), tb = Int(edgeB[t.edge])
            let viaA = dist[ta] + t.offset, viaB = dist[tb] + (edgeLength[t.edge] - t.offset)
            let best = min(viaA, viaB)
            guard best.isFinite else { return nil }
            let end = viaA <= viaB ? ta : tb
            var ps = [s.position] + nodesTo(end) + [t.position]
            // Consecutive duplicates (a location on a node) are written once.
            ps = ps.enumerated().filter { $0.offset == 0 || $0.element != ps[$0.offset - 1] }.map(\.element)
            return Path(length: best, positions: ps)
        }
    }
}

/// A binary min-heap of (key, node).
struct MinHeap {
    private var keys: [Double] = []
    private var items: [Int32] = []
    mutating func push(_ k: Double, _ v: Int32) {
        keys.append(k); items.append(v)
        var i = keys.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if keys[p] <= keys[i] { break }
            keys.swapAt(p, i); items.swapAt(p, i); i = p
        }
    }
    mutating func pop() -> (Double, Int32)? {
        guard !keys.isEmpty else { return nil }
        let top = (keys[0], items[0])
        let last = keys.count - 1
        keys.swapAt(0, last); items.swapAt(0, last)
        keys.removeLast(); items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < keys.count && keys[l] < keys[m] { m = l }
            if r < keys.count && keys[r] < keys[m] { m = r }
            if m == i { break }
            keys.swapAt(m, i); items.swapAt(m, i); i = m
        }
        return top
    }
}

/// The walking loop along the streets: the start and the stops snapped to
/// the network (public space), the order optimised on walking distances
/// (`WalkingRoute`), the legs' paths joined into one line.
public struct NetworkRoute: Sendable {
    /// Stop indices in visiting order.
    public var order: [Int]
    /// Walking length of the loop, metres.
    public var length: Double
    public var exact: Bool
    /// The loop as drawn: along the roads, from the snapped start back to it.
    public var line: [Position]
    /// The start and the stops as snapped onto the network.
    public var start: Position
    public var stops: [Position]
    /// Legs with no path on the network (parts not connected), drawn straight.
    public var straightLegs: Int
    /// Walking length of each leg in visiting order: start to the first
    /// stop, stop to stop, the last stop back to the start (stops + 1 legs).
    public var legs: [Double]

    public static func plan(start: Position, stops: [Position], network: RoadNetwork) -> NetworkRoute? {
        guard let s0 = network.snap(start) else { return nil }
        let locs = [s0] + stops.map { network.snap($0)! }
        let n = locs.count
        var paths = [[RoadNetwork.Path?]](repeating: [], count: n)
        // One Dijkstra per point; each run is independent.
        let rows = (try? parallelChunks(count: n, minChunk: 1) { r in r.map { network.shortestPaths(from: locs[$0], to: locs) } })?.flatMap { $0 }
        paths = rows ?? (0..<n).map { network.shortestPaths(from: locs[$0], to: locs) }
        func straight(_ a: Int, _ b: Int) -> Double {
            let p = locs[a].position, q = locs[b].position
            return ((p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y)).squareRoot()
        }
        // A leg the network cannot walk costs its straight length tenfold,
        // so the order avoids it when another order can.
        func d(_ a: Int, _ b: Int) -> Double { paths[a][b]?.length ?? 10 * straight(a, b) }
        let route = WalkingRoute.plan(count: stops.count, distance: d)
        var line: [Position] = []
        var length = 0.0, straightLegs = 0
        var legs: [Double] = []
        let seq = [0] + route.order.map { $0 + 1 } + [0]
        for (a, b) in zip(seq, seq.dropFirst()) {
            if let p = paths[a][b] {
                length += p.length
                legs.append(p.length)
                line += line.last == p.positions.first ? Array(p.positions.dropFirst()) : p.positions
            } else {
                straightLegs += 1
                length += straight(a, b)
                legs.append(straight(a, b))
                if line.last != locs[a].position { line.append(locs[a].position) }
                line.append(locs[b].position)
            }
        }
        return NetworkRoute(order: route.order, length: length, exact: route.exact, line: line,
                            start: s0.position, stops: locs.dropFirst().map(\.position), straightLegs: straightLegs, legs: legs)
    }
}
