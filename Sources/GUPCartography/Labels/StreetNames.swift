import Foundation
import GUPModel

/// How a line layer names its streets: the name field, the size and colour
/// of the text, the rank of a feature (higher named first), the interval
/// between two repeats of one name along its street.
public struct StreetNameSpec: @unchecked Sendable {
    public var field: String
    public var size: Double
    public var color: String
    public var rank: (Feature) -> Double
    /// Millimetres of paper between two labels of one street.
    public var interval: Double
    /// Features whose rank is below are not named (lanes on a plan de situation).
    public var minimumRank: Double
    /// The road's number (« A50 », « D988 »), drawn where it has no name.
    public var numberField: String? = nil
    public init(field: String, size: Double = 1.9, color: String = "#303030", interval: Double = 90,
                minimumRank: Double = -.infinity, rank: @escaping (Feature) -> Double = { _ in 0 }) {
        self.field = field; self.size = size; self.color = color; self.interval = interval
        self.minimumRank = minimumRank; self.rank = rank
    }
}

/// A named line as drawn in a frame: its polylines in page millimetres.
struct StreetPiece {
    var name: String
    var rank: Double
    var lines: [[Position]]
}

/// A rectangle turned by `angle` degrees about its centre (page mm); its
/// corners, axes and enclosing box computed once (a dense plan tests
/// thousands of candidates against hundreds of placed names). Corners and
/// axes are held inline: as arrays they cost five heap allocations per
/// candidate position, and the separating-axis test one more per pair
/// (`axes + o.axes`): a quarter of the label engine's time on the metro
/// dossier (perf, `OrientedBox.init`).
struct OrientedBox {
    /// Corners (−w, −h), (w, −h), (w, h), (−w, h) in the box's axes.
    let c0, c1, c2, c3: Position
    let axis0, axis1: Position
    let bounds: PageRect

    var corners: [Position] { [c0, c1, c2, c3] }

    init(center: Position, width: Double, height: Double, angle: Double) {
        let a = angle * .pi / 180
        let ax0 = Position(cos(a), sin(a)), ax1 = Position(-sin(a), cos(a))
        let hw = width / 2, hh = height / 2
        func corner(_ sx: Double, _ sy: Double) -> Position {
            Position(center.x + sx * hw * ax0.x + sy * hh * ax1.x, center.y + sx * hw * ax0.y + sy * hh * ax1.y)
        }
        c0 = corner(-1, -1); c1 = corner(1, -1); c2 = corner(1, 1); c3 = corner(-1, 1)
        axis0 = ax0; axis1 = ax1
        let minX = Swift.min(Swift.min(c0.x, c1.x), Swift.min(c2.x, c3.x)), maxX = Swift.max(Swift.max(c0.x, c1.x), Swift.max(c2.x, c3.x))
        let minY = Swift.min(Swift.min(c0.y, c1.y), Swift.min(c2.y, c3.y)), maxY = Swift.max(Swift.max(c0.y, c1.y), Swift.max(c2.y, c3.y))
        bounds = PageRect(x: minX, y: minY, width: maxX - minX, height: maxY - minY)
    }
    init(_ r: PageRect) {
        self.init(center: Position(r.x + r.width / 2, r.y + r.height / 2), width: r.width, height: r.height, angle: 0)
    }

    /// The interval the corners cover along `ax`.
    @inline(__always) func extent(along ax: Position) -> (lo: Double, hi: Double) {
        let v0 = c0.x * ax.x + c0.y * ax.y, v1 = c1.x * ax.x + c1.y * ax.y
        let v2 = c2.x * ax.x + c2.y * ax.y, v3 = c3.x * ax.x + c3.y * ax.y
        return (Swift.min(Swift.min(v0, v1), Swift.min(v2, v3)), Swift.max(Swift.max(v0, v1), Swift.max(v2, v3)))
    }

    /// Separating-axis test, after the cheap test of the enclosing boxes.
    func intersects(_ o: OrientedBox) -> Bool {
        guard bounds.intersects(o.bounds) else { return false }
        @inline(__always) func separated(_ ax: Position) -> Bool {
            let a = extent(along: ax), b = o.extent(along: ax)
            return a.hi <= b.lo || b.hi <= a.lo
        }
        return !(separated(axis0) || separated(axis1) || separated(o.axis0) || separated(o.axis1))
    }
}

/// Places street names along their lines: same-named pieces joined end to
/// end, a name put where its street runs nearly straight over the text's
/// length, turned with the street and never upside down (angles kept in
/// (−92°, 88°]: vertical names read upwards), repeated every `interval` mm, dropped where it would leave
/// the frame or meet another label, line or symbol (the label engine's grid). Its own file so that the placement of
/// street names stays apart from the area labels and the symbols.
enum StreetNames {
    /// The chains to name: the pieces of one name joined end to end, each
    /// chain a job of the label engine (main streets served before the
    /// residences, the other streets after them).
    static func jobs(_ pieces: [StreetPiece], specIndex: Int, owner: (String) -> Int32) -> [StreetJob] {
        var byName: [String: (rank: Double, lines: [[Position]])] = [:]
        var order: [String] = []
        for p in pieces {
            if byName[p.name] == nil { order.append(p.name); byName[p.name] = (p.rank, []) }
            byName[p.name]!.rank = max(byName[p.name]!.rank, p.rank)
            byName[p.name]!.lines += p.lines
        }
        var out: [StreetJob] = []
        for name in order {
            let e = byName[name]!
            for c in join(e.lines) {
                out.append(StreetJob(spec: specIndex, name: name, rank: e.rank, line: c, length: length(c), owner: owner(name),
                                     tier: e.rank >= RoadClass.secondaire.rank ? LabelTier.mainStreet : LabelTier.street))
            }
        }
        return out
    }

    /// Names one chain: centres every `interval` mm (the middle of a short
    /// street), each slid a little when taken or bent; a spot is kept where
    /// the street runs nearly straight over the text and the box meets no
    /// other line, symbol or label (its own street excepted). The boxes
    /// kept are registered in the grid. Nil when the chain is shorter than its name.
    /// `named`: where this name already stands (another chain of it, the
    /// other carriageway of a boulevard): a repeat keeps half an interval away.
    static func placeChain(_ c: StreetJob, spec: StreetNameSpec, inner: PageRect, grid: LabelGrid,
                           named: [Position] = []) -> [(center: Position, angle: Double, box: OrientedBox)]? {
        var out: [(center: Position, angle: Double, box: OrientedBox)] = []
        let h = TextMetrics.lineHeight(spec.size)
        let w = TextMetrics.width(c.name, size: spec.size) + 0.8 * spec.size
        // Shorter than its name: drawn, never named (not counted as dropped).
        guard c.length >= w + 1 else { return nil }
        var centres: [Double] = []
        if c.length < spec.interval * 1.5 { centres = [c.length / 2] } else {
            var s = spec.interval / 2
            while s < c.length - w / 2 { centres.append(s); s += spec.interval }
        }
        for s0 in centres {
            for shift in [0.0, -0.5, 0.5, -1.0, 1.0, -1.5, 1.5] {
                let s = s0 + shift * w
                guard s - w / 2 >= 0, s + w / 2 <= c.length else { continue }
                let window = slice(c.line, from: s - w / 2, to: s + w / 2)
                guard let a = window.first, let z = window.last else { continue }
                let chord = ((z.x - a.x) * (z.x - a.x) + (z.y - a.y) * (z.y - a.y)).squareRoot()
                guard chord >= 0.9 * w else { continue }
                // Nearly straight: no point of the window farther than a
                // third of the text height from the chord.
                var bend = 0.0
                for p in window {
                    let cross: Double = (z.x - a.x) * (a.y - p.y) - (a.x - p.x) * (z.y - a.y)
                    bend = Swift.max(bend, abs(cross) / chord)
                }
                guard bend <= 0.35 * spec.size else { continue }
                var angle = atan2(z.y - a.y, z.x - a.x) * 180 / .pi
                // Read left to right; a (nearly) vertical street from bottom
                // to top: angles kept in (−92°, 88°].
                if angle > 88 { angle -= 180 } else if angle <= -92 { angle += 180 }
                let mid = Position((a.x + z.x) / 2, (a.y + z.y) / 2)
                // On the street; else just beside it, parallel (a quartier
                // boundary or a sector edge often runs along the street).
                let rad = angle * .pi / 180
                let nrm = Position(-sin(rad), cos(rad))
                let off = h / 2 + 1.1
                var done = false
                for d in [0.0, -off, off] {
                    let centre = Position(mid.x + nrm.x * d, mid.y + nrm.y * d)
                    guard !named.contains(where: { hypot($0.x - centre.x, $0.y - centre.y) < spec.interval / 2 }) else { continue }
                    let box = OrientedBox(center: centre, width: w, height: h, angle: angle)
                    guard inner.contains(box.bounds), grid.isFree(box, owner: c.owner) else { continue }
                    grid.add(box, owner: c.owner)
                    out.append((centre, angle, box))
                    done = true
                    break
                }
                if done { break }
            }
        }
        return out
    }

    /// Writes `<g id="noms-voies">` with one `<text class="nom-voie">` per
    /// placed name, its box (`data-boite`, `data-coins`) and its street (`data-objet`).
    static func write(_ placed: [(name: String, center: Position, angle: Double, box: OrientedBox)], spec: StreetNameSpec,
                      groupSuffix: String, into b: inout SVGBuffer) {
        b.append("<g id=\"noms-voies\(groupSuffix)\" class=\"noms-voies\"")
        b.attribute("data-placees", String(placed.count))
        b.append(" text-anchor=\"middle\" stroke=\"#ffffff\" stroke-linejoin=\"round\" paint-order=\"stroke\"")
        b.attribute("font-size", number: spec.size)
        b.attribute("stroke-width", number: spec.size * 0.25)
        b.attribute("fill", spec.color)
        b.append(">\n")
        for o in placed {
            b.append("<text class=\"nom-voie\"")
            b.attribute("x", number: o.center.x)
            // Baseline a third of the size below the line: the text sits on its middle.
            b.attribute("y", number: o.center.y + 0.35 * spec.size)
            b.attribute("transform", "rotate(\(SVG.number(o.angle)) \(SVG.number(o.center.x)) \(SVG.number(o.center.y)))")
            b.attribute("data-angle", SVG.number(o.angle))
            let r = o.box.bounds
            b.attribute("data-boite", [r.x, r.y, r.maxX, r.maxY].map(SVG.number).joined(separator: " "))
            b.attribute("data-coins", o.box.corners.map { SVG.number($0.x) + " " + SVG.number($0.y) }.joined(separator: " "))
            b.attribute("data-objet", "voie:" + o.name)
            b.append(">")
            b.append(SVG.escape(o.name))
            b.append("</text>\n")
        }
        b.append("</g>\n")
    }

    static func length(_ l: [Position]) -> Double {
        zip(l, l.dropFirst()).reduce(0) { $0 + (($1.1.x - $1.0.x) * ($1.1.x - $1.0.x) + ($1.1.y - $1.0.y) * ($1.1.y - $1.0.y)).squareRoot() }
    }

    /// The part of a polyline between two distances from its start.
    static func slice(_ l: [Position], from s0: Double, to s1: Double) -> [Position] {
        var out: [Position] = []
        var acc = 0.0
        for (p, q) in zip(l, l.dropFirst()) {
            let d = ((q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y)).squareRoot()
            defer { acc += d }
            guard d > 0, acc + d >= s0, acc <= s1 else { continue }
            func at(_ s: Double) -> Position { let t = (s - acc) / d; return Position(p.x + t * (q.x - p.x), p.y + t * (q.y - p.y)) }
            if out.isEmpty { out.append(acc >= s0 ? p : at(s0)) }
            out.append(acc + d <= s1 ? q : at(s1))
        }
        return out
    }

    /// Polylines joined where one ends where another starts or ends
    /// (0.05 mm on paper), each used once.
    static func join(_ lines: [[Position]]) -> [[Position]] {
        func key(_ p: Position) -> Int64 { Int64((p.x * 20).rounded()) << 32 ^ Int64((p.y * 20).rounded()) }
        var ends: [Int64: [Int]] = [:]
        for (k, l) in lines.enumerated() where l.count >= 2 {
            ends[key(l.first!), default: []].append(k)
            ends[key(l.last!), default: []].append(k)
        }
        var used = [Bool](repeating: false, count: lines.count)
        var out: [[Position]] = []
        func extend(_ chain: inout [Position]) {
            while let last = chain.last, let next = ends[key(last)]?.first(where: { !used[$0] }) {
                used[next] = true
                let l = lines[next]
                chain += (key(l.first!) == key(last) ? l : l.reversed()).dropFirst()
            }
        }
        for k in lines.indices where !used[k] && lines[k].count >= 2 {
            used[k] = true
            var chain = lines[k]
            extend(&chain)
            chain.reverse()
            extend(&chain)
            out.append(chain)
        }
        return out
    }
}
