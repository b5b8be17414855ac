import Foundation
import GUPModel

// The label engine of every plan. Its shape follows the habits of QGIS's
// PAL engine (src/core/pal): each feature offers several candidate
// positions, each candidate is tested against the obstacles (drawn lines,
// symbols, labels already placed) through a spatial index, and features
// are served by decreasing priority. Unlike PAL we keep the first free
// candidate of a feature in a fixed order of preference (greedy), which is
// deterministic and fast enough for a plan de masse of 2 000 residences
// (`gup-bench etiquettes`); PAL's costlier global optimisation (chain
// moves, tabu search) is not attempted.

/// How a layer's labels sit on their features.
public enum LabelPlacement: Sendable, Equatable {
    /// Inside the polygon (pole of inaccessibility, then other spots of its
    /// inscribed circle), the name wrapped onto 2–3 lines when needed; else
    /// beside it with a leader line; else, when `numbered`, a number on it
    /// and the name in the plan's key table.
    case inside
    /// Around a point symbol, in the 8 classic positions.
    case around
    /// On the feature itself, always (the number of a stop on its disc).
    case onSymbol
    /// Inside the polygon's visible part only (a commune's name): its pole
    /// of inaccessibility, then spots spread over the part in order of
    /// their room, at the style's size then in steps of 0.4 mm down to
    /// `smallest`; never beside it with a leader line, never numbered. A
    /// name with no room inside is left out and counted (`dropped`), as a
    /// cartographer leaves out the name of a commune the frame only grazes.
    case within(smallest: Double)
}

/// What a layer's drawn features are to the labels of the plan.
public enum LabelObstacle: Sendable {
    /// Nothing: fills labels may lie over (parcels, buildings, veils).
    case none
    /// Its outlines and lines: no label box may cross them.
    case lines
}

/// A segment of a drawn line on the page (mm), the half width of its stroke
/// and the feature it belongs to (labels attached to that feature may cross it).
struct ObstacleSegment {
    var a: Position
    var b: Position
    var halfWidth: Double
    var owner: Int32
    /// A leader line the engine drew (not a line of the map).
    var leader = false
}

/// A uniform grid over the frame holding the obstacle segments, the
/// symbol boxes and the labels placed, so a candidate is tested only
/// against what lies in its cells (a plan de masse holds tens of thousands
/// of segments; testing each candidate against all was quadratic).
final class LabelGrid {
    let rect: PageRect
    let cell: Double
    let cols: Int, rows: Int
    private var segCells: [[Int32]]
    private var boxCells: [[Int32]]
    private(set) var segments: [ObstacleSegment] = []
    private(set) var boxes: [(box: OrientedBox, owner: Int32)] = []
    private var segSeen: [UInt32] = []
    private var boxSeen: [UInt32] = []
    private var epoch: UInt32 = 0

    /// An independent copy (the obstacles shared by two labelling passes).
    func copy() -> LabelGrid {
        let g = LabelGrid(rect: rect, cell: cell)
        g.segCells = segCells; g.boxCells = boxCells; g.segments = segments; g.boxes = boxes
        g.segSeen = segSeen; g.boxSeen = boxSeen; g.epoch = epoch
        return g
    }

    init(rect: PageRect, cell: Double = 4) {
        self.rect = rect; self.cell = cell
        cols = max(1, Int((rect.width / cell).rounded(.up)))
        rows = max(1, Int((rect.height / cell).rounded(.up)))
        segCells = Array(repeating: [], count: cols * rows)
        boxCells = Array(repeating: [], count: cols * rows)
    }

    private func range(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> (Int, Int, Int, Int)? {
        let c0 = Int(((x0 - rect.x) / cell).rounded(.down)), c1 = Int(((x1 - rect.x) / cell).rounded(.down))
        let r0 = Int(((y0 - rect.y) / cell).rounded(.down)), r1 = Int(((y1 - rect.y) / cell).rounded(.down))
        if c1 < 0 || r1 < 0 || c0 >= cols || r0 >= rows { return nil }
        return (max(0, c0), min(cols - 1, c1), max(0, r0), min(rows - 1, r1))
    }

    func add(_ s: ObstacleSegment) {
        let hw = s.halfWidth
        guard let (c0, c1, r0, r1) = range(min(s.a.x, s.b.x) - hw, min(s.a.y, s.b.y) - hw,
                                           max(s.a.x, s.b.x) + hw, max(s.a.y, s.b.y) + hw) else { return }
        let k = Int32(segments.count)
        segments.append(s)
        segSeen.append(0)
        for r in r0...r1 { for c in c0...c1 { segCells[r * cols + c].append(k) } }
    }

    /// A polyline's segments.
    func add(line: [Position], halfWidth: Double, owner: Int32) {
        for (p, q) in zip(line, line.dropFirst()) where p != q {
            add(ObstacleSegment(a: p, b: q, halfWidth: halfWidth, owner: owner))
        }
    }

    func add(_ box: OrientedBox, owner: Int32) {
        let b = box.bounds
        guard let (c0, c1, r0, r1) = range(b.x, b.y, b.maxX, b.maxY) else { return }
        let k = Int32(boxes.count)
        boxes.append((box, owner))
        boxSeen.append(0)
        for r in r0...r1 { for c in c0...c1 { boxCells[r * cols + c].append(k) } }
    }

    /// True when the box meets no segment and no box, except those of `owner`.
    func isFree(_ box: OrientedBox, owner: Int32, ownSegmentsToo: Bool = false) -> Bool {
        let b = box.bounds
        guard let (c0, c1, r0, r1) = range(b.x, b.y, b.maxX, b.maxY) else { return true }
        epoch &+= 1
        if epoch == 0 { for i in segSeen.indices { segSeen[i] = 0 }; for i in boxSeen.indices { boxSeen[i] = 0 }; epoch = 1 }
        for r in r0...r1 {
            for c in c0...c1 {
                let cellIndex = r * cols + c
                for k in segCells[cellIndex] where segSeen[Int(k)] != epoch {
                    segSeen[Int(k)] = epoch
                    let s = segments[Int(k)]
                    if s.owner == owner && owner >= 0 && !ownSegmentsToo { continue }
                    if box.intersects(segment: s) { return false }
                }
                for k in boxCells[cellIndex] where boxSeen[Int(k)] != epoch {
                    boxSeen[Int(k)] = epoch
                    let o = boxes[Int(k)]
                    if o.owner == owner && owner >= 0 { continue }
                    if box.intersects(o.box) { return false }
                }
            }
        }
        return true
    }

    /// True when the rectangle meets no box (label, symbol, pole) and no leader line.
    func isClearOfLabels(_ r: PageRect) -> Bool {
        let box = OrientedBox(r)
        guard let (c0, c1, r0, r1) = range(r.x, r.y, r.maxX, r.maxY) else { return true }
        for row in r0...r1 {
            for c in c0...c1 {
                for k in boxCells[row * cols + c] where boxes[Int(k)].box.intersects(box) { return false }
                for k in segCells[row * cols + c] where segments[Int(k)].leader && box.intersects(segment: segments[Int(k)]) {
                    return false
                }
            }
        }
        return true
    }

    /// True when the segment (a leader line) meets no box (label or symbol)
    /// other than those of `owner`.
    func segmentIsFree(_ a: Position, _ b: Position, owner: Int32) -> Bool {
        let s = ObstacleSegment(a: a, b: b, halfWidth: 0.1, owner: owner)
        guard let (c0, c1, r0, r1) = range(min(a.x, b.x), min(a.y, b.y), max(a.x, b.x), max(a.y, b.y)) else { return true }
        epoch &+= 1
        if epoch == 0 { for i in boxSeen.indices { boxSeen[i] = 0 }; for i in segSeen.indices { segSeen[i] = 0 }; epoch = 1 }
        for r in r0...r1 {
            for c in c0...c1 {
                for k in boxCells[r * cols + c] where boxSeen[Int(k)] != epoch {
                    boxSeen[Int(k)] = epoch
                    let o = boxes[Int(k)]
                    if o.owner == owner { continue }
                    if o.box.intersects(segment: s) { return false }
                }
            }
        }
        return true
    }
}

extension OrientedBox {
    /// Separating-axis test of the box against a segment widened by its half stroke.
    func intersects(segment s: ObstacleSegment) -> Bool {
        let hw = s.halfWidth
        guard min(s.a.x, s.b.x) - hw < bounds.maxX, max(s.a.x, s.b.x) + hw > bounds.x,
              min(s.a.y, s.b.y) - hw < bounds.maxY, max(s.a.y, s.b.y) + hw > bounds.y else { return false }
        @inline(__always) func separated(_ ax: Position) -> Bool {
            let (lo, hi) = extent(along: ax)
            let va = s.a.x * ax.x + s.a.y * ax.y, vb = s.b.x * ax.x + s.b.y * ax.y
            return Swift.max(va, vb) + hw <= lo || hi <= Swift.min(va, vb) - hw
        }
        if separated(axis0) || separated(axis1) { return false }
        let dx = s.b.x - s.a.x, dy = s.b.y - s.a.y
        let len = (dx * dx + dy * dy).squareRoot()
        guard len > 1e-9 else { return true }
        let n = Position(-dy / len, dx / len)
        let (lo, hi) = extent(along: n)
        let v = s.a.x * n.x + s.a.y * n.y
        return !(v + hw <= lo || hi <= v - hw)
    }
}

/// A feature to name, as the frame sees it (page mm).
struct LabelFeature {
    /// `data-objet`: the layer and the feature (« residences:12 »).
    var object: String
    var owner: Int32
    var layer: String
    var lines: [String]
    var size: Double
    var bold: Bool
    var color: String
    var tier: Double
    var priority: Double
    var order: Int
    var placement: LabelPlacement
    /// Pole of inaccessibility (polygons) or the point.
    var anchor: Position
    /// Radius of the inscribed circle around `anchor` (polygons).
    var room: Double = 0
    /// The feature's box on the page.
    var extent: PageRect
    /// Half the symbol's size (points).
    var symbolRadius: Double = 0
    /// A number and a key entry when no label fits.
    var numbered: Bool = false
    /// The text of the key entry.
    var keyText: String = ""
    /// The direction of an elongated polygon's longest axis (degrees, in
    /// (−90°, 90°], page y downwards); nil for a compact one.
    var axisAngle: Double? = nil
    /// The visible part a `.within` label must stay in: its rings (page mm,
    /// clipped to the frame, what the label must avoid taken out).
    var area: [[Position]] = []
}

/// A label as placed.
struct PlacedLabel {
    var feature: Int
    var lines: [String]
    var center: Position
    var box: PageRect
    /// From the feature to the label, when it had to move off its feature.
    var leader: (Position, Position)?
    /// The number drawn instead of the name (key table entry).
    var number: Int?
    /// Turned along the feature's longest axis (degrees), 0 when level.
    var angle: Double = 0
    /// The turned box's corners (page mm), when turned.
    var corners: [Position]? = nil
    /// The font size when smaller than the feature's (`.within` steps).
    var size: Double? = nil
}

/// The numbers of the key table of a plan, shared by its frames (the same
/// residence keeps its number in the « avant » and « après » panels).
final class NumberRegistry {
    private var byObject: [String: Int] = [:]
    private(set) var entries: [NumberKeyEntry] = []
    /// Forgets every number (a second labelling pass numbers afresh).
    func reset() { byObject = [:]; entries = [] }
    /// The number the feature (`identity`) has or would get.
    func peek(_ identity: String) -> Int { byObject[identity] ?? entries.count + 1 }
    func commit(_ identity: String, object: String, text: String) {
        guard byObject[identity] == nil else { return }
        let n = entries.count + 1
        byObject[identity] = n
        entries.append(NumberKeyEntry(number: n, text: text, object: object))
    }
}

/// A street chain waiting for its name (see `StreetNames.jobs`).
struct StreetJob {
    var spec: Int
    var name: String
    var rank: Double
    var line: [Position]
    var length: Double
    var owner: Int32
    var tier: Double
}

/// What the engine placed in one frame.
struct LabelOutcome {
    var labels: [PlacedLabel] = []
    var streets: [[(name: String, center: Position, angle: Double, box: OrientedBox)]] = []
    var dropped = 0
    var streetNamesDropped = 0
    var numbered: [(number: Int, feature: Int)] = []
}

/// The order labels are served in (higher first): the stops' numbers,
/// the quartier, the commune, main streets, residences, the other streets,
/// places and other areas, parcel references last.
public enum LabelTier {
    public static let stop = 100.0
    public static let quartier = 50.0
    public static let commune = 45.0
    public static let mainStreet = 40.0
    public static let residence = 30.0
    public static let street = 20.0
    public static let place = 15.0
    public static let other = 10.0
    public static let parcel = 0.0
}

enum LabelEngine {
    /// The box of a block of lines centred on `c`: text, halo and a little air.
    static func box(lines: [String], size: Double, center c: Position) -> PageRect {
        let w = (lines.map { TextMetrics.width($0, size: size) }.max() ?? 0) + 0.6 * size
        let h = Double(lines.count) * TextMetrics.lineHeight(size) + 0.2 * size
        return PageRect(x: c.x - w / 2, y: c.y - h / 2, width: w, height: h)
    }

    /// The first line (the name) wrapped onto 2 and 3 lines, the other
    /// lines kept: the variants tried after the name on one line. A
    /// variant leaving a line of fewer than 5 characters is not offered
    /// (« Résidence / 19 » reads worse than a label beside the building).
    static func variants(_ lines: [String], size: Double) -> [[String]] {
        guard let name = lines.first else { return [lines] }
        var out = [lines]
        let w = TextMetrics.width(name, size: size)
        for n in 2...3 {
            let wrapped = TextMetrics.wrap(name, size: size, maxWidth: w / Double(n) * 1.15 + size)
            guard wrapped.count > 1, wrapped.count <= 3, wrapped.allSatisfy({ $0.count >= 5 }) else { continue }
            let v = wrapped + lines.dropFirst()
            if !out.contains(v) { out.append(v) }
        }
        return out
    }

    /// The direction of the longest axis of a ring (page mm), from the
    /// second moments of its outline; nil when the ring is not at least
    /// 2.5 times longer than wide, or lies within 8° of level (then the
    /// level candidates serve).
    static func longestAxis(_ ring: [Position]) -> Double? {
        guard ring.count >= 4 else { return nil }
        var sx = 0.0, sy = 0.0, sw = 0.0
        for (p, q) in zip(ring, ring.dropFirst()) {
            let l = hypot(q.x - p.x, q.y - p.y)
            sx += (p.x + q.x) / 2 * l; sy += (p.y + q.y) / 2 * l; sw += l
        }
        guard sw > 0 else { return nil }
        let mx = sx / sw, my = sy / sw
        var cxx = 0.0, cyy = 0.0, cxy = 0.0
        for (p, q) in zip(ring, ring.dropFirst()) {
            let l = hypot(q.x - p.x, q.y - p.y)
            let x = (p.x + q.x) / 2 - mx, y = (p.y + q.y) / 2 - my
            cxx += x * x * l; cyy += y * y * l; cxy += x * y * l
        }
        let tr = cxx + cyy, det = cxx * cyy - cxy * cxy
        let disc = max(0, tr * tr / 4 - det).squareRoot()
        let l1 = tr / 2 + disc, l2 = tr / 2 - disc
        guard l2 > 1e-12, (l1 / l2).squareRoot() >= 2.5 else { return nil }
        var a = 0.5 * atan2(2 * cxy, cxx - cyy) * 180 / .pi
        if a > 90 { a -= 180 } else if a <= -90 { a += 180 }
        // Read upwards, never upside down: within (−90°, 90°), vertical read bottom to top.
        if a >= 88 { a -= 180 }
        guard abs(a) >= 8 else { return nil }
        return a
    }

    /// The spots a `.within` label may be centred on: the pole, then the
    /// nodes of a grid over the feature's visible part (up to 3,000 nodes
    /// over the frame) that lie inside it, each with its room (the
    /// distance to the part's outline), roomiest first: the middle of the
    /// largest part, then ever nearer its edges and the smaller parts.
    static func interiorSpots(_ f: LabelFeature, edges: [Edge], inner: PageRect) -> [(at: Position, room: Double)] {
        var out = [(at: f.anchor, room: f.room)]
        guard !edges.isEmpty else { return out }
        var x0 = Double.infinity, y0 = Double.infinity, x1 = -Double.infinity, y1 = -Double.infinity
        for e in edges { x0 = min(x0, e.a.x); y0 = min(y0, e.a.y); x1 = max(x1, e.a.x); y1 = max(y1, e.a.y) }
        x0 = max(x0, inner.x); y0 = max(y0, inner.y); x1 = min(x1, inner.maxX); y1 = min(y1, inner.maxY)
        guard x1 > x0, y1 > y0 else { return out }
        // Up to 3,000 nodes (4 mm apart over a whole A4 frame), down to
        // 1,000 for an outline of more than 333 edges.
        let nodes = Double(min(3000, max(1000, 1_000_000 / edges.count)))
        let step = max(1.2, ((x1 - x0) * (y1 - y0) / nodes).squareRoot())
        // The edges in buckets of 4 × 4 nodes over the edges' whole extent:
        // a node measures the buckets ring by ring outwards, and stops once
        // the next ring is farther than the nearest edge found (measuring
        // every edge from every node was 2.4 s of the metro dossier's plans
        // de situation, perf).
        var bx0 = Double.infinity, by0 = Double.infinity, bx1 = -Double.infinity, by1 = -Double.infinity
        for e in edges { bx0 = min(bx0, e.minX); by0 = min(by0, e.minY); bx1 = max(bx1, e.maxX); by1 = max(by1, e.maxY) }
        let cell = 4 * step
        let columns = max(1, Int(((bx1 - bx0) / cell).rounded(.up))), rows = max(1, Int(((by1 - by0) / cell).rounded(.up)))
        var buckets = [[Int32]](repeating: [], count: columns * rows)
        func column(_ x: Double) -> Int { min(columns - 1, max(0, Int((x - bx0) / cell))) }
        func row(_ y: Double) -> Int { min(rows - 1, max(0, Int((y - by0) / cell))) }
        for (i, e) in edges.enumerated() {
            for r in row(e.minY)...row(e.maxY) { for c in column(e.minX)...column(e.maxX) { buckets[r * columns + c].append(Int32(i)) } }
        }
        func distance(_ x: Double, _ y: Double) -> Double {
            let c0 = column(x), r0 = row(y)
            var best = Double.infinity
            var ring = 0
            while true {
                for r in max(0, r0 - ring)...min(rows - 1, r0 + ring) {
                    for c in max(0, c0 - ring)...min(columns - 1, c0 + ring) where max(abs(r - r0), abs(c - c0)) == ring {
                        for i in buckets[r * columns + c] {
                            let e = edges[Int(i)]
                            let dx = e.b.x - e.a.x, dy = e.b.y - e.a.y
                            let t = max(0, min(1, ((x - e.a.x) * dx + (y - e.a.y) * dy) / (dx * dx + dy * dy)))
                            let ex = e.a.x + t * dx - x, ey = e.a.y + t * dy - y
                            best = min(best, ex * ex + ey * ey)
                        }
                    }
                }
                // Cells of the next ring lie at least `ring` cells away (the
                // node may sit anywhere in its own cell).
                let reach = Double(ring) * cell
                if best <= reach * reach { break }
                if ring > max(rows, columns) { break }
                ring += 1
            }
            return best.squareRoot()
        }
        var y = y0 + step / 2
        var xs: [Double] = []
        while y < y1 {
            // Even-odd crossings of the row, then each node's distance to the outline.
            xs.removeAll(keepingCapacity: true)
            for e in edges where (e.a.y > y) != (e.b.y > y) { xs.append(e.a.x + (y - e.a.y) * (e.b.x - e.a.x) / (e.b.y - e.a.y)) }
            xs.sort()
            var x = x0 + step / 2
            var k = 0
            while x < x1 {
                while k < xs.count && xs[k] <= x { k += 1 }
                if k % 2 == 1 { out.append((Position(x, y), distance(x, y))) }
                x += step
            }
            y += step
        }
        let a = f.anchor
        out[1...].sort { l, r in
            if l.room != r.room { return l.room > r.room }
            return hypot(l.at.x - a.x, l.at.y - a.y) < hypot(r.at.x - a.x, r.at.y - a.y)
        }
        return out
    }

    /// An edge of a `.within` label's rings, with its box.
    struct Edge {
        var a: Position, b: Position
        var minX: Double, minY: Double, maxX: Double, maxY: Double
    }

    /// The edges of rings (closed or not), zero-length ones left out:
    /// built once per label, not at every spot tried (building them at each
    /// test was half of the plan de situation's label time on the metro city).
    static func edges(_ rings: [[Position]]) -> [Edge] {
        var out: [Edge] = []
        for ring in rings {
            guard let first = ring.first, let last = ring.last else { continue }
            func add(_ p: Position, _ q: Position) {
                guard p != q else { return }
                out.append(Edge(a: p, b: q, minX: min(p.x, q.x), minY: min(p.y, q.y), maxX: max(p.x, q.x), maxY: max(p.y, q.y)))
            }
            for k in ring.indices.dropLast() { add(ring[k], ring[k + 1]) }
            if first != last { add(last, first) }
        }
        return out
    }

    /// True when an edge of the rings meets the box.
    static func meetsEdge(_ edges: [Edge], _ box: OrientedBox) -> Bool {
        let b = box.bounds
        for e in edges where e.maxX >= b.x && e.minX <= b.maxX && e.maxY >= b.y && e.minY <= b.maxY {
            if box.intersects(segment: ObstacleSegment(a: e.a, b: e.b, halfWidth: 0, owner: -1)) { return true }
        }
        return false
    }

    /// Places every label of a frame, by tier then priority: area and point
    /// labels and street names in one order (the quartier, main streets,
    /// residences, then the rest).
    static func place(_ features: [LabelFeature], streets: [StreetJob], specs: [StreetNameSpec], grid: LabelGrid,
                      frame: PageRect, numbers: NumberRegistry) -> LabelOutcome {
        var out = LabelOutcome()
        out.streets = Array(repeating: [], count: specs.count)
        let inner = frame.inset(1.0)
        enum Job { case feature(Int), street(Int) }
        var jobs: [(tier: Double, priority: Double, order: Int, job: Job)] = []
        for (k, f) in features.enumerated() { jobs.append((f.tier, f.priority, f.order, .feature(k))) }
        for (k, s) in streets.enumerated() { jobs.append((s.tier, s.rank + s.length / 10_000, k, .street(k))) }
        jobs.sort { l, r in
            if l.tier != r.tier { return l.tier > r.tier }
            if l.priority != r.priority { return l.priority > r.priority }
            return l.order < r.order
        }
        for j in jobs {
            switch j.job {
            case .street(let k):
                let s = streets[k]
                let named = out.streets[s.spec].filter { $0.name == s.name }.map(\.center)
                guard let placed = StreetNames.placeChain(s, spec: specs[s.spec], inner: inner, grid: grid, named: named) else { continue }
                // A chain whose name already stands near it is not missing its name.
                if placed.isEmpty && named.isEmpty { out.streetNamesDropped += 1 }
                out.streets[s.spec] += placed.map { (s.name, $0.center, $0.angle, $0.box) }
            case .feature(let k):
                let f = features[k]
                if let p = placeFeature(f, index: k, lines: nil, grid: grid, inner: inner) {
                    out.labels.append(p)
                } else if f.numbered {
                    // The same feature in the « avant » and « après » panels
                    // (layers named with a suffix each) keeps one number.
                    let identity = "\(f.order)|\(f.keyText)"
                    let n = numbers.peek(identity)
                    if var p = placeFeature(f, index: k, lines: [String(n)], grid: grid, inner: inner) {
                        numbers.commit(identity, object: f.object, text: f.keyText)
                        p.number = n
                        out.labels.append(p)
                        out.numbered.append((n, k))
                    } else {
                        out.dropped += 1
                    }
                } else {
                    out.dropped += 1
                }
            }
        }
        return out
    }

    /// The first free candidate of a feature (nil: none), registered in the grid.
    static func placeFeature(_ f: LabelFeature, index: Int, lines fixed: [String]?, grid: LabelGrid, inner: PageRect) -> PlacedLabel? {
        let size = fixed == nil ? f.size : max(f.size, 2.0)
        // Text widths are measured once per variant (`r0`, centred on the
        // origin), not per candidate: measuring dominated the engine's time.
        func accept(_ lines: [String], _ r0: PageRect, _ c: Position, leader: Bool, ownSegmentsToo: Bool) -> PlacedLabel? {
            let r = PageRect(x: c.x + r0.x, y: c.y + r0.y, width: r0.width, height: r0.height)
            guard inner.contains(r) else { return nil }
            let ob = OrientedBox(r)
            guard grid.isFree(ob, owner: f.owner, ownSegmentsToo: ownSegmentsToo) else { return nil }
            var lead: (Position, Position)?
            if leader {
                // From the feature's anchor to the nearest point of the box.
                let q = Position(min(max(f.anchor.x, r.x), r.maxX), min(max(f.anchor.y, r.y), r.maxY))
                guard grid.segmentIsFree(f.anchor, q, owner: f.owner) else { return nil }
                lead = (f.anchor, q)
            }
            grid.add(ob, owner: f.owner)
            if let (a, b) = lead { grid.add(ObstacleSegment(a: a, b: b, halfWidth: 0.1, owner: f.owner, leader: true)) }
            return PlacedLabel(feature: index, lines: lines, center: c, box: r, leader: lead)
        }
        let variants = fixed.map { [$0] } ?? Self.variants(f.lines, size: size)
        switch f.placement {
        case .onSymbol:
            // The number is part of its symbol: placed where the symbol is.
            let lines = fixed ?? f.lines
            let r = box(lines: lines, size: size, center: f.anchor)
            grid.add(OrientedBox(r), owner: f.owner)
            return PlacedLabel(feature: index, lines: lines, center: f.anchor, box: r, leader: nil)
        case .around:
            for lines in variants {
                let r0 = box(lines: lines, size: size, center: .init(0, 0))
                for gap in [0.5, 1.8] {
                    let dx = f.symbolRadius + gap + r0.width / 2, dy = f.symbolRadius + gap + r0.height / 2
                    // Imhof's order: upper right, upper left, lower right,
                    // lower left, right, left, above, below.
                    let offsets: [(Double, Double)] = [(0.7, -0.7), (-0.7, -0.7), (0.7, 0.7), (-0.7, 0.7),
                                                       (1, 0), (-1, 0), (0, -1), (0, 1)]
                    for (ox, oy) in offsets {
                        let c = Position(f.anchor.x + ox * dx, f.anchor.y + oy * dy)
                        if let p = accept(lines, r0, c, leader: gap > 1, ownSegmentsToo: false) { return p }
                    }
                }
            }
            return nil
        case .within(let smallest):
            guard fixed == nil else { return nil }
            let edges = Self.edges(f.area)
            // Spots in two rounds, the second built only when the first
            // failed: the pole; the grid of up to 3,000 nodes (on the metro
            // city the pole often fails: the other quartiers are taken out of
            // the commune).
            var rounds: [[(at: Position, room: Double)]] = [[(at: f.anchor, room: f.room)]]
            func round(_ k: Int) -> [(at: Position, room: Double)]? {
                if k < rounds.count { return rounds[k] }
                guard k == 1 else { return nil }
                // The pole heads the grid's list: tried in round 0 already.
                rounds.append(Array(Self.interiorSpots(f, edges: edges, inner: inner).dropFirst()))
                return rounds[k]
            }
            var sizes = [f.size]
            while sizes.last! - 0.4 >= smallest - 1e-9 { sizes.append(sizes.last! - 0.4) }
            if sizes.last! > smallest + 1e-9 { sizes.append(smallest) }
            for s in sizes {
                for lines in Self.variants(f.lines, size: s) {
                    let r0 = box(lines: lines, size: s, center: .init(0, 0))
                    let halfDiagonal = hypot(r0.width, r0.height) / 2
                    var k = 0
                    while let spots = round(k) {
                        k += 1
                        for spot in spots where spot.room >= r0.height / 2 {
                            // Within the part: the centre is inside, so the
                            // box is when no edge of the part meets it.
                            if spot.room < halfDiagonal {
                                let r = PageRect(x: spot.at.x + r0.x, y: spot.at.y + r0.y, width: r0.width, height: r0.height)
                                if Self.meetsEdge(edges, OrientedBox(r)) { continue }
                            }
                            if var p = accept(lines, r0, spot.at, leader: false, ownSegmentsToo: true) {
                                if s != f.size { p.size = s }
                                return p
                            }
                        }
                    }
                }
            }
            return nil
        case .inside:
            // Inside: the pole of inaccessibility, then spots of the
            // inscribed circle; the box may not cross the feature's own outline.
            for lines in variants {
                let r0 = box(lines: lines, size: size, center: .init(0, 0))
                var tries = [f.anchor]
                let spare = f.room - min(r0.width, r0.height) / 2
                if spare > 0.5 {
                    for frac in [0.5, 1.0] {
                        for k in 0..<8 {
                            let a = Double(k) * .pi / 4
                            tries.append(Position(f.anchor.x + cos(a) * spare * frac, f.anchor.y + sin(a) * spare * frac))
                        }
                    }
                }
                for c in tries {
                    // Inside its polygon: the centre within the inscribed
                    // circle's reach and no crossing of its outline.
                    guard hypot(c.x - f.anchor.x, c.y - f.anchor.y) <= max(f.room, 0.01) else { continue }
                    if let p = accept(lines, r0, c, leader: false, ownSegmentsToo: true) { return p }
                }
            }
            // Along the longest axis of an elongated polygon (a bar of
            // flats, a long square), turned with it.
            if let ang = f.axisAngle, fixed == nil {
                let rad = ang * .pi / 180
                for lines in variants {
                    let r0 = box(lines: lines, size: size, center: .init(0, 0))
                    let spare = f.room - r0.height / 2
                    var tries = [f.anchor]
                    if spare > 0.5 {
                        for d in [-0.5, 0.5, -1.0, 1.0] {
                            tries.append(Position(f.anchor.x + cos(rad) * spare * d, f.anchor.y + sin(rad) * spare * d))
                        }
                    }
                    for c in tries {
                        let ob = OrientedBox(center: c, width: r0.width, height: r0.height, angle: ang)
                        guard inner.contains(ob.bounds), grid.isFree(ob, owner: f.owner, ownSegmentsToo: true) else { continue }
                        grid.add(ob, owner: f.owner)
                        return PlacedLabel(feature: index, lines: lines, center: c, box: ob.bounds, leader: nil, number: nil,
                                           angle: ang, corners: ob.corners)
                    }
                }
            }
            // A number may sit on its building over the outline (the
            // building is small; the number still names it).
            if fixed != nil, let p = accept(variants[0], box(lines: variants[0], size: size, center: .init(0, 0)), f.anchor, leader: false, ownSegmentsToo: false) { return p }
            // Beside it: 8 positions around its box, near then farther,
            // always with a leader line (among close buildings a label
            // beside one may sit nearer another).
            for lines in variants {
                let r0 = box(lines: lines, size: size, center: .init(0, 0))
                for gap in fixed == nil ? [0.6, 2.5, 5.0, 8.0] : [0.6, 2.5, 5.0, 8.0, 12.0, 16.0] {
                    let e = f.extent
                    let cx = f.anchor.x, cy = f.anchor.y
                    let right = e.maxX + gap + r0.width / 2, left = e.x - gap - r0.width / 2
                    let above = e.y - gap - r0.height / 2, below = e.maxY + gap + r0.height / 2
                    let spots = [Position(right, above), Position(left, above), Position(right, below), Position(left, below),
                                 Position(right, cy), Position(left, cy), Position(cx, above), Position(cx, below)]
                    for c in spots {
                        if let p = accept(lines, r0, c, leader: true, ownSegmentsToo: true) { return p }
                    }
                }
            }
            // Last, a number against its building without a leader line
            // (when the leader itself would cross another label).
            if fixed != nil, let lines = variants.first {
                let r0 = box(lines: lines, size: size, center: .init(0, 0))
                let e = f.extent, g = 0.4
                let spots = [Position(e.maxX + g + r0.width / 2, f.anchor.y), Position(e.x - g - r0.width / 2, f.anchor.y),
                             Position(f.anchor.x, e.y - g - r0.height / 2), Position(f.anchor.x, e.maxY + g + r0.height / 2)]
                for c in spots {
                    if let p = accept(lines, r0, c, leader: false, ownSegmentsToo: true) { return p }
                }
            }
            return nil
        }
    }
}
