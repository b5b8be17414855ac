import Foundation
import GUPAnalysis
import GUPModel
import GUPTopology

/// What was drawn in a frame, for the legend, the cartouche and the tests.
public struct FrameStats: Sendable, Equatable {
    /// Features drawn, per layer name.
    public var drawn: [String: Int] = [:]
    /// Features left out because they lie outside the frame, per layer name.
    public var outside: [String: Int] = [:]
    /// Class keys drawn, per layer name (a layer without classes: `[""]`
    /// when it drew something; the key `"∅"` stands for features of no class).
    public var classesDrawn: [String: Set<String>] = [:]
    public var labelsPlaced = 0
    public var labelsDropped = 0
}

/// A label waiting to be placed.
struct LabelCandidate {
    var lines: [String]
    var size: Double
    var bold: Bool
    var color: String
    var anchor: Position   // page mm
    /// Radius (mm) of the largest circle inside the polygon around `anchor`:
    /// other anchors inside it are tried when the centre is taken.
    var room: Double = 0
    var priority: Double
    var order: Int         // stable tie-break
    var layer: String

    var box: PageRect { LabelCandidate.box(lines: lines, size: size, anchor: anchor) }

    /// The box a label takes on the page, halo and a little air included.
    static func box(lines: [String], size: Double, anchor: Position) -> PageRect {
        let w = (lines.map { TextMetrics.width($0, size: size) }.max() ?? 0) + 0.6 * size
        let h = Double(lines.count) * TextMetrics.lineHeight(size) + 0.2 * size
        return PageRect(x: anchor.x - w / 2, y: anchor.y - h / 2, width: w, height: h)
    }
}

/// Key used for features whose class is not in the layer's class list.
let otherClassKey = "∅"

/// Draws layers into one map frame. Patterns (hatching) are collected for
/// the document's `<defs>`.
final class FrameRenderer {
    let frame: MapFrame
    let groupId: String
    let clipId: String
    /// Hatch patterns used (shared by the document).
    let patterns: PatternRegistry
    /// Boxes labels must avoid, page mm.
    var obstacles: [PageRect] = []
    /// SVG written inside the frame's group after everything else (the
    /// inset's frame rectangle).
    var trailer = ""
    /// Boxes of the area labels placed, for the street names to avoid.
    private var placedBoxes: [PageRect] = []

    init(frame: MapFrame, groupId: String, clipId: String, patterns: PatternRegistry) {
        self.frame = frame; self.groupId = groupId; self.clipId = clipId; self.patterns = patterns
    }

    private struct FeatureOut {
        var classIndex = -1     // index into classes, -1 for the "other" class, -2 not drawn
        var path: [UInt8] = []
        var label: LabelCandidate?
        var street: StreetPiece?
    }

    func render(_ layers: [MapLayer], into b: inout SVGBuffer) throws -> FrameStats {
        var stats = FrameStats()
        let ext = frame.extent
        b.append("<g id=\"\(groupId)\" class=\"carte\"")
        b.attribute("data-echelle", String(frame.scale))
        b.attribute("data-crs", frame.crs.identifier)
        b.attribute("data-emprise", [ext.minX, ext.minY, ext.maxX, ext.maxY].map(SVG.number).joined(separator: " "))
        b.attribute("data-cadre", [frame.rect.x, frame.rect.y, frame.rect.width, frame.rect.height].map(SVG.number).joined(separator: " "))
        b.append(" clip-path=\"url(#\(clipId))\">\n")
        b.append("<rect class=\"fond-carte\"")
        b.attribute("x", number: frame.rect.x); b.attribute("y", number: frame.rect.y)
        b.attribute("width", number: frame.rect.width); b.attribute("height", number: frame.rect.height)
        b.append(" fill=\"#ffffff\"/>\n")
        var candidates: [LabelCandidate] = []
        var streets: [(StreetNameSpec, [StreetPiece])] = []
        for layer in layers {
            if let r = layer.raster {
                drawRaster(layer, r, into: &b, stats: &stats)
            } else {
                var pieces: [StreetPiece] = []
                try drawVector(layer, into: &b, stats: &stats, labels: &candidates, streets: &pieces)
                if let spec = layer.streetNames { streets.append((spec, pieces)) }
            }
        }
        placeLabels(candidates, into: &b, stats: &stats)
        let suffix = groupId == "carte" ? "" : "-" + groupId
        for (spec, pieces) in streets {
            stats.labelsPlaced += StreetNames.place(pieces, spec: spec, frame: frame.rect, taken: placedBoxes + obstacles,
                                                    groupSuffix: suffix, into: &b)
        }
        b.append(trailer)
        b.append("</g>\n")
        return stats
    }

    // MARK: vector layers

    /// Vertex count above which a feature is simplified (0.1 mm on paper) before it is drawn.
    static let simplifyAbove = 32

    private func drawVector(_ layer: MapLayer, into b: inout SVGBuffer, stats: inout FrameStats,
                            labels: inout [LabelCandidate], streets: inout [StreetPiece]) throws {
        let n = layer.features.count
        let frame = self.frame
        let ext = frame.extent
        let tolerance = 0.1 / frame.mmPerMetre          // 0.1 mm on paper, in metres
        let micTolerance = 0.3 / frame.mmPerMetre
        let dataNames = layer.dataKeys.map { "data-" + SVG.dataName($0) }
        let classIndex: [String: Int] = Dictionary(layer.classes.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })

        func process(_ k: Int) throws -> FeatureOut {
            let f = layer.features[k]
            var out = FeatureOut()
            out.classIndex = -2
            guard let g = f.geometry, let bb = g.bounds else { return out }
            let cls: Int = layer.classField == nil ? -1 : (layer.classKey(of: f).flatMap { classIndex[$0] } ?? -1)
            var pb = SVGBuffer(capacity: 128)
            switch g {
            case .point, .multiPoint:
                let style = cls >= 0 ? layer.classes[cls].style : layer.style
                let r = style.symbol.size / 2 / frame.mmPerMetre
                let inner = BoundingBox(minX: ext.minX + r, minY: ext.minY + r, maxX: ext.maxX - r, maxY: ext.maxY - r)
                var any = false
                var first: Position?
                g.forEachPosition { p in
                    guard inner.contains(p) else { return }
                    any = true
                    if first == nil { first = p }
                    Self.appendSymbol(style.symbol, at: frame.toPage(p), into: &pb)
                    Self.appendData(f, layer.dataKeys, dataNames, into: &pb)
                    pb.append("/>\n")
                }
                if !any { return out }
                // A named place: its name just above its symbol.
                if let spec = layer.labels, let p = first, let lines = spec.text(f), !lines.isEmpty {
                    var a = frame.toPage(p)
                    a.y -= style.symbol.size / 2 + Double(lines.count) * TextMetrics.lineHeight(spec.size) / 2 + 0.3
                    out.label = LabelCandidate(lines: lines, size: spec.size, bold: spec.bold, color: spec.color, anchor: a,
                                               priority: spec.priority(f), order: k, layer: layer.name)
                }
            default:
                guard bb.intersects(ext) else { return out }
                let h0 = (k < layer.shapes.count) ? layer.shapes[k] : try GeometryHandle(g)
                let inside = bb.minX >= ext.minX && bb.maxX <= ext.maxX && bb.minY >= ext.minY && bb.maxY <= ext.maxY
                let h = inside ? h0 : try h0.clip(to: ext)
                if h.isEmpty { return out }
                let areal = g.isAreal
                // A feature inside the frame with few vertices (a parcel, a
                // building, a street segment) is drawn as it is: simplifying
                // it removes next to nothing, and the topology-preserving
                // simplification and the round trip through GEOS were 7 % of
                // a 60-quartier dossier's processor time (perf).
                let drawnGeometry: Geometry
                if inside, g.positionCount <= Self.simplifyAbove {
                    drawnGeometry = g
                } else {
                    var s = try h.simplifyPreservingTopology(tolerance)
                    if s.isEmpty { s = h }
                    drawnGeometry = try s.geometry()
                }
                pb.append("<path d=\"")
                let wrote = Self.appendPathData(drawnGeometry, frame: frame, areal: areal, into: &pb)
                if !wrote { return out }
                pb.append("\"")
                Self.appendData(f, layer.dataKeys, dataNames, into: &pb)
                pb.append("/>\n")
                if !areal, layer.streetNames != nil || layer.arrowEvery != nil {
                    let lines = Self.pageLines(drawnGeometry, frame: frame)
                    if let spec = layer.streetNames, let name = spec.label(f) {
                        let rank = spec.rank(f)
                        if rank >= spec.minimumRank { out.street = StreetPiece(name: name, rank: rank, lines: lines) }
                    }
                    if let every = layer.arrowEvery {
                        Self.appendArrows(lines, every: every, color: layer.style.stroke ?? "#000000",
                                          size: 1.2 + layer.style.strokeWidth, into: &pb)
                    }
                }
                if let spec = layer.labels, areal, let lines = spec.text(f), !lines.isEmpty {
                    var lh = h
                    if let avoid = layer.labelAvoid {
                        let d = try h.difference(avoid)
                        if !d.isEmpty { lh = d }
                    }
                    let mic = try lh.maximumInscribedCircle(tolerance: micTolerance)
                    let anchor = frame.toPage(mic.center)
                    let cand = LabelCandidate(lines: lines, size: spec.size, bold: spec.bold, color: spec.color,
                                              anchor: anchor, room: mic.radius * frame.mmPerMetre,
                                              priority: spec.priority(f), order: k, layer: layer.name)
                    out.label = cand
                }
            }
            out.classIndex = cls
            out.path = pb.bytes
            return out
        }

        // Only the features whose envelope meets the frame, in layer order
        // (all of them without an index); the others are outside.
        let visited: [Int] = try layer.index.map { try $0.query(ext).sorted() } ?? Array(0..<n)
        // Clip, simplify and write on every core; GEOS contexts are per thread.
        let outs = try parallelChunks(count: visited.count, minChunk: 64) { r in try r.map { try process(visited[$0]) } }.flatMap { $0 }

        // Assemble: one group per layer, one sub-group per class, in class order.
        b.append("<g id=\"couche-\(SVG.dataName(layer.name))\"")
        b.attribute("data-titre", layer.title)
        if let cf = layer.classField { b.attribute("data-classement", cf) }
        // Drawn but left out of the legend on purpose (the veils, the inset's layers).
        if !layer.inLegend { b.append(" data-legende=\"non\"") }
        b.append(">\n")
        var drawn = 0, outside = n - visited.count
        var drawnClasses = Set<String>()
        let groups = layer.classField == nil ? [-1] : Array(layer.classes.indices) + [-1]
        var members = [Int: [Int]]()
        for (k, o) in outs.enumerated() {
            if o.classIndex == -2 { outside += 1; continue }
            members[o.classIndex, default: []].append(k)
            drawn += 1
            if let l = o.label { labels.append(l) }
            if let p = o.street { streets.append(p) }
        }
        for gi in groups {
            guard let ks = members[gi], !ks.isEmpty else { continue }
            let style = gi >= 0 ? layer.classes[gi].style : layer.style
            let key = gi >= 0 ? layer.classes[gi].key : (layer.classField == nil ? "" : otherClassKey)
            drawnClasses.insert(key)
            b.append("<g class=\"classe\"")
            b.attribute("data-classe", key)
            Self.appendStyle(style, patterns: patterns, into: &b)
            b.append(">\n")
            if let casing = style.casing {
                // The casing under the line, the same paths twice.
                b.append("<g class=\"bordure\"")
                b.attribute("stroke", casing)
                b.attribute("stroke-width", number: style.strokeWidth + style.casingWidth)
                b.append(" stroke-dasharray=\"none\">\n")
                for k in ks { b.appendBytes(outs[k].path) }
                b.append("</g>\n<g class=\"trait\">\n")
                for k in ks { b.appendBytes(outs[k].path) }
                b.append("</g>\n")
            } else {
                for k in ks { b.appendBytes(outs[k].path) }
            }
            b.append("</g>\n")
        }
        b.append("</g>\n")
        stats.drawn[layer.name] = drawn
        stats.outside[layer.name] = outside
        stats.classesDrawn[layer.name] = drawnClasses
    }

    /// The lines of a geometry in page millimetres.
    static func pageLines(_ g: Geometry, frame: MapFrame) -> [[Position]] {
        switch g {
        case .lineString(let ps): return [ps.map(frame.toPage)]
        case .multiLineString(let ls): return ls.map { $0.map(frame.toPage) }
        case .geometryCollection(let gs): return gs.flatMap { pageLines($0, frame: frame) }
        default: return []
        }
    }

    /// Small filled triangles pointing the way along lines, one every
    /// `every` mm (the first half-way), written as `<path class="fleche">`.
    static func appendArrows(_ lines: [[Position]], every: Double, color: String, size: Double, into b: inout SVGBuffer) {
        for l in lines {
            var next = every / 2, acc = 0.0
            for (p, q) in zip(l, l.dropFirst()) {
                let d = ((q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y)).squareRoot()
                guard d > 0 else { continue }
                while next <= acc + d {
                    let t = (next - acc) / d
                    let c = Position(p.x + t * (q.x - p.x), p.y + t * (q.y - p.y))
                    let ux = (q.x - p.x) / d, uy = (q.y - p.y) / d
                    let tip = Position(c.x + ux * size * 0.6, c.y + uy * size * 0.6)
                    let l1 = Position(c.x - ux * size * 0.4 - uy * size * 0.45, c.y - uy * size * 0.4 + ux * size * 0.45)
                    let l2 = Position(c.x - ux * size * 0.4 + uy * size * 0.45, c.y - uy * size * 0.4 - ux * size * 0.45)
                    b.append("<path class=\"fleche\" d=\"M")
                    b.append(number: tip.x); b.append(" "); b.append(number: tip.y); b.append("L")
                    b.append(number: l1.x); b.append(" "); b.append(number: l1.y); b.append(" ")
                    b.append(number: l2.x); b.append(" "); b.append(number: l2.y); b.append("Z\"")
                    b.attribute("fill", color)
                    b.append(" stroke=\"none\"/>\n")
                    next += every
                }
                acc += d
            }
        }
    }

    static func appendSymbol(_ s: PointSymbol, at p: Position, into b: inout SVGBuffer) {
        let r = s.size / 2
        switch s.shape {
        case .circle:
            b.append("<circle"); b.attribute("cx", number: p.x); b.attribute("cy", number: p.y); b.attribute("r", number: r)
        case .square:
            b.append("<rect"); b.attribute("x", number: p.x - r); b.attribute("y", number: p.y - r)
            b.attribute("width", number: s.size); b.attribute("height", number: s.size)
        case .triangle:
            b.append("<path d=\"M"); b.append(number: p.x); b.append(" "); b.append(number: p.y - r)
            b.append("L"); b.append(number: p.x + r); b.append(" "); b.append(number: p.y + r * 0.8)
            b.append("L"); b.append(number: p.x - r); b.append(" "); b.append(number: p.y + r * 0.8); b.append("Z\"")
        case .diamond:
            b.append("<path d=\"M"); b.append(number: p.x); b.append(" "); b.append(number: p.y - r)
            b.append("L"); b.append(number: p.x + r); b.append(" "); b.append(number: p.y)
            b.append("L"); b.append(number: p.x); b.append(" "); b.append(number: p.y + r)
            b.append("L"); b.append(number: p.x - r); b.append(" "); b.append(number: p.y); b.append("Z\"")
        }
    }

    static func appendData(_ f: Feature, _ keys: [String], _ names: [String], into b: inout SVGBuffer) {
        for (k, key) in keys.enumerated() {
            guard let v = f.value(forKey: key)?.text else { continue }
            b.attribute(names[k], v)
        }
    }

    /// Writes SVG path data for a geometry in page millimetres; consecutive
    /// positions equal after rounding to 0.01 mm are written once. False
    /// when nothing was written.
    @discardableResult
    static func appendPathData(_ g: Geometry, frame: MapFrame, areal: Bool, into b: inout SVGBuffer) -> Bool {
        var wrote = false
        func ring(_ ps: [Position], close: Bool) {
            var last = (Int.min, Int.min)
            var count = 0
            var local = SVGBuffer(capacity: ps.count * 14)
            for p in ps {
                let q = frame.toPage(p)
                let c = (Int((q.x * 100).rounded()), Int((q.y * 100).rounded()))
                if c == last { continue }
                last = c
                local.append(count == 0 ? "M" : (count == 1 ? "L" : " "))
                local.append(number: q.x); local.append(" "); local.append(number: q.y)
                count += 1
            }
            let minCount = close ? 3 : 2
            guard count >= minCount else { return }
            if close { local.append("Z") }
            b.append(local)
            wrote = true
        }
        switch g {
        case .polygon(let p):
            for r in p.rings { ring(r, close: true) }
        case .multiPolygon(let ps):
            for p in ps { for r in p.rings { ring(r, close: true) } }
        case .lineString(let ps):
            ring(ps, close: false)
        case .multiLineString(let ls):
            for l in ls { ring(l, close: false) }
        case .geometryCollection(let gs):
            // Overlay leftovers: keep the kind the layer draws.
            for m in gs where m.isAreal == areal {
                if appendPathData(m, frame: frame, areal: areal, into: &b) { wrote = true }
            }
        case .point, .multiPoint:
            break
        }
        return wrote
    }

    static func appendStyle(_ s: Style, patterns: PatternRegistry, into b: inout SVGBuffer) {
        if let h = s.hatch {
            let id = patterns.id(for: h)
            b.append(" fill=\"url(#\(id))\"")
        } else if let f = s.fill {
            b.attribute("fill", f)
            if s.fillOpacity < 1 { b.attribute("fill-opacity", number: s.fillOpacity) }
        } else {
            b.append(" fill=\"none\"")
        }
        if let st = s.stroke {
            b.attribute("stroke", st)
            b.attribute("stroke-width", number: s.strokeWidth)
            b.append(" stroke-linejoin=\"round\"")
            if let d = s.dash { b.attribute("stroke-dasharray", d.map(SVG.number).joined(separator: " ")) }
        }
        if s.opacity < 1 { b.attribute("opacity", number: s.opacity) }
        b.append(" fill-rule=\"evenodd\"")
    }


    // MARK: raster

    private func drawRaster(_ layer: MapLayer, _ r: RasterLayer, into b: inout SVGBuffer, stats: inout FrameStats) {
        let g = r.grid
        let ext = frame.extent
        let fr = frame.rect
        var rects = [[PageRect]](repeating: [], count: r.colors.count)
        let c0 = max(0, Int(((ext.minX - g.origin.x) / g.cellSize).rounded(.down)))
        let c1 = min(g.columns - 1, Int(((ext.maxX - g.origin.x) / g.cellSize).rounded(.down)))
        let r0 = max(0, Int(((ext.minY - g.origin.y) / g.cellSize).rounded(.down)))
        let r1 = min(g.rows - 1, Int(((ext.maxY - g.origin.y) / g.cellSize).rounded(.down)))
        var cells = 0
        if c0 <= c1 && r0 <= r1 {
            for row in r0...r1 {
                var col = c0
                while col <= c1 {
                    guard let k = r.classIndex(g[col, row]) else { col += 1; continue }
                    var end = col
                    while end + 1 <= c1, r.classIndex(g[end + 1, row]) == k { end += 1 }
                    cells += end - col + 1
                    let a = frame.toPage(Position(g.origin.x + Double(col) * g.cellSize, g.origin.y + Double(row + 1) * g.cellSize))
                    let z = frame.toPage(Position(g.origin.x + Double(end + 1) * g.cellSize, g.origin.y + Double(row) * g.cellSize))
                    let x0 = max(fr.x, a.x), y0 = max(fr.y, a.y), x1 = min(fr.maxX, z.x), y1 = min(fr.maxY, z.y)
                    if x1 > x0 && y1 > y0 { rects[k].append(PageRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)) }
                    col = end + 1
                }
            }
        }
        b.append("<g id=\"couche-\(SVG.dataName(layer.name))\"")
        b.attribute("data-titre", layer.title)
        b.attribute("data-unite", g.unit)
        b.attribute("data-maille-m", SVG.number(g.cellSize))
        b.attribute("opacity", number: r.opacity)
        b.attribute("shape-rendering", "crispEdges")
        b.append(">\n")
        var drawnClasses = Set<String>()
        for (k, rs) in rects.enumerated() where !rs.isEmpty {
            drawnClasses.insert(String(k))
            b.append("<g class=\"classe\"")
            b.attribute("data-classe", String(k))
            b.attribute("fill", r.colors[k])
            b.append(">\n")
            for q in rs {
                b.append("<rect"); b.attribute("x", number: q.x); b.attribute("y", number: q.y)
                b.attribute("width", number: q.width); b.attribute("height", number: q.height); b.append("/>\n")
            }
            b.append("</g>\n")
        }
        b.append("</g>\n")
        stats.drawn[layer.name] = cells
        stats.classesDrawn[layer.name] = drawnClasses
    }

    // MARK: labels

    /// Places labels by decreasing priority at their anchor; a label whose
    /// box leaves the frame or meets an obstacle or a placed label is dropped.
    private func placeLabels(_ cands: [LabelCandidate], into b: inout SVGBuffer, stats: inout FrameStats) {
        let sorted = cands.enumerated().sorted { l, r in
            if l.element.priority != r.element.priority { return l.element.priority > r.element.priority }
            return l.offset < r.offset
        }.map(\.element)
        let inner = frame.rect.inset(1.0)
        var placed: [(LabelCandidate, PageRect)] = []
        // A coarse grid of placed boxes keeps the test linear-ish.
        let cell = 20.0
        var grid: [Int: [Int]] = [:]
        func keys(_ r: PageRect) -> [Int] {
            var out: [Int] = []
            for i in Int(r.x / cell)...Int(r.maxX / cell) { for j in Int(r.y / cell)...Int(r.maxY / cell) { out.append(i * 10_000 + j) } }
            return out
        }
        var dropped = 0
        func free(_ box: PageRect) -> Bool {
            guard inner.contains(box), !obstacles.contains(where: { $0.intersects(box) }) else { return false }
            for key in keys(box) { for i in grid[key] ?? [] where placed[i].1.intersects(box) { return false } }
            return true
        }
        for c0 in sorted {
            // The pole of inaccessibility first; then, when the label fits in
            // the inscribed circle, positions around it still inside it.
            var tries = [c0.anchor]
            let half = c0.box
            let halfDiag = (half.width * half.width + half.height * half.height).squareRoot() / 2
            let spare = c0.room - halfDiag
            if spare > 0.5 {
                for frac in [0.5, 1.0] {
                    for k in 0..<8 {
                        let a = Double(k) * .pi / 4
                        tries.append(Position(c0.anchor.x + cos(a) * spare * frac, c0.anchor.y + sin(a) * spare * frac))
                    }
                }
            }
            var done = false
            for a in tries {
                var c = c0
                c.anchor = a
                let box = c.box
                guard free(box) else { continue }
                for key in keys(box) { grid[key, default: []].append(placed.count) }
                placed.append((c, box))
                done = true
                break
            }
            if !done { dropped += 1 }
        }
        stats.labelsPlaced = placed.count
        stats.labelsDropped = dropped
        placedBoxes = placed.map(\.1)
        b.append("<g id=\"etiquettes\(groupId == "carte" ? "" : "-" + groupId)\" class=\"etiquettes\"")
        b.attribute("data-placees", String(placed.count))
        b.attribute("data-ecartees", String(dropped))
        b.append(" text-anchor=\"middle\" stroke=\"#ffffff\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n")
        for (c, box) in placed {
            b.append("<text")
            b.attribute("x", number: c.anchor.x)
            b.attribute("y", number: box.y + 0.1 * c.size + 0.93 * c.size)
            b.attribute("font-size", number: c.size)
            b.attribute("stroke-width", number: c.size * 0.22)
            b.attribute("fill", c.color)
            if c.bold { b.append(" font-weight=\"bold\"") }
            b.attribute("data-couche", c.layer)
            b.attribute("data-boite", [box.x, box.y, box.width, box.height].map(SVG.number).joined(separator: " "))
            b.append(">")
            for (i, line) in c.lines.enumerated() {
                b.append("<tspan")
                b.attribute("x", number: c.anchor.x)
                if i > 0 { b.attribute("dy", number: TextMetrics.lineHeight(c.size)) }
                b.append(">")
                b.append(SVG.escape(line))
                b.append("</tspan>")
            }
            b.append("</text>\n")
        }
        b.append("</g>\n")
    }
}

/// The hatch patterns of a document, numbered in order of first use.
final class PatternRegistry {
    private(set) var hatches: [Hatch] = []
    func id(for h: Hatch) -> String {
        if let k = hatches.firstIndex(of: h) { return "hachure-\(k + 1)" }
        hatches.append(h)
        return "hachure-\(hatches.count)"
    }
    func appendDefs(into b: inout SVGBuffer) {
        for (k, h) in hatches.enumerated() {
            b.append("<pattern id=\"hachure-\(k + 1)\" patternUnits=\"userSpaceOnUse\"")
            b.attribute("width", number: h.spacing); b.attribute("height", number: h.spacing)
            b.attribute("patternTransform", "rotate(\(SVG.number(h.angle)))")
            b.append("><line")
            b.attribute("x1", number: h.spacing / 2); b.attribute("y1", number: 0)
            b.attribute("x2", number: h.spacing / 2); b.attribute("y2", number: h.spacing)
            b.attribute("stroke", h.color); b.attribute("stroke-width", number: h.lineWidth)
            b.append("/></pattern>\n")
        }
    }
}
