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
    /// Labels placed by name (area and point labels, street names).
    public var labelsPlaced = 0
    /// Features named by a number and a key entry.
    public var labelsNumbered = 0
    /// Features left without a label (nor a number).
    public var labelsDropped = 0
    /// Street chains that got no name at all.
    public var streetNamesDropped = 0
    /// The key table: number, text, feature (`data-objet`).
    public var numberKey: [NumberKeyEntry] = []
}

/// An entry of the key table « Légende des numéros ».
public struct NumberKeyEntry: Sendable, Equatable {
    public var number: Int
    public var text: String
    public var object: String
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
    /// Lines labels must avoid besides the layers' (page mm): the inset's frame.
    var obstacleLines: [[Position]] = []
    /// SVG written inside the frame's group after everything else (the
    /// inset's frame rectangle).
    var trailer = ""

    /// The plan's key numbers (shared by its frames).
    let numbers: NumberRegistry
    /// The labels placed and the obstacles, after `render`.
    private(set) var grid: LabelGrid?

    /// Cut and simplified shapes and label circles shared with other plans (nil: none).
    let memo: DrawMemo?

    init(frame: MapFrame, groupId: String, clipId: String, patterns: PatternRegistry, numbers: NumberRegistry = NumberRegistry(),
         memo: DrawMemo? = nil) {
        self.frame = frame; self.groupId = groupId; self.clipId = clipId; self.patterns = patterns; self.numbers = numbers
        self.memo = memo
    }

    private struct FeatureOut {
        var classIndex = -1     // index into classes, -1 for the "other" class, -2 not drawn
        var path: [UInt8] = []
        var label: LabelFeature?
        var street: StreetPiece?
        /// Drawn lines and outlines (page mm) labels must not cross.
        var obstacleLines: [[Position]] = []
        /// Drawn symbols (page mm) labels must not cover.
        var symbolBoxes: [PageRect] = []
    }

    /// Draws the layers into the frame's group (left open) and collects
    /// what the labels must avoid and the features to name.
    func draw(_ layers: [MapLayer], into b: inout SVGBuffer) throws -> FrameStats {
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
        let grid = LabelGrid(rect: frame.rect)
        for l in obstacleLines { grid.add(line: l, halfWidth: 0.2, owner: -1) }
        var candidates: [LabelFeature] = []
        var specs: [StreetNameSpec] = []
        var jobs: [StreetJob] = []
        var streetOwners: [String: Int32] = [:]
        func streetOwner(_ name: String) -> Int32 {
            if let o = streetOwners[name] { return o }
            let o = Int32(1 << 30) + Int32(streetOwners.count)
            streetOwners[name] = o
            return o
        }
        for (li, layer) in layers.enumerated() {
            if let r = layer.raster {
                drawRaster(layer, r, into: &b, stats: &stats)
            } else {
                var pieces: [StreetPiece] = []
                try drawVector(layer, layerIndex: li, into: &b, stats: &stats, labels: &candidates, streets: &pieces,
                               grid: grid, streetOwner: streetOwner)
                if let spec = layer.streetNames {
                    jobs += StreetNames.jobs(pieces, specIndex: specs.count, owner: streetOwner)
                    specs.append(spec)
                }
            }
        }
        // A labelled polygon keeps its pole visible: no other label may cover it whole.
        for c in candidates where c.placement == .inside {
            grid.add(OrientedBox(PageRect(x: c.anchor.x - 0.25, y: c.anchor.y - 0.25, width: 0.5, height: 0.5)), owner: c.owner)
        }
        pending = (candidates, jobs, specs, grid)
        return stats
    }

    /// What `draw` leaves for the labelling: the features to name, the
    /// street chains, their specs and the obstacles.
    private var pending: (features: [LabelFeature], jobs: [StreetJob], specs: [StreetNameSpec], obstacles: LabelGrid)?

    /// Draws the layers and names them: `draw`, `label`, `finish`.
    func render(_ layers: [MapLayer], into b: inout SVGBuffer) throws -> FrameStats {
        var stats = try draw(layers, into: &b)
        finish(label(reserve: nil), into: &b, stats: &stats)
        return stats
    }

    /// Places the labels over the obstacles `draw` collected (on a copy, so
    /// the plan may try again with a box kept free for the key table).
    func label(reserve: PageRect?) -> LabelOutcome {
        guard let p = pending else { return LabelOutcome() }
        let grid = p.obstacles.copy()
        if let r = reserve { grid.add(OrientedBox(r), owner: -1) }
        let outcome = LabelEngine.place(p.features, streets: p.jobs, specs: p.specs, grid: grid, frame: frame.rect, numbers: numbers)
        self.grid = grid
        return outcome
    }

    /// The widest key text a numbered feature of the frame may have (mm at `size`).
    func widestKeyText(size: Double) -> Double {
        (pending?.features ?? []).filter(\.numbered).map { TextMetrics.width($0.keyText, size: size) }.max() ?? 0
    }

    /// Writes the labels and street names, the trailer, and closes the frame's group.
    func finish(_ outcome: LabelOutcome, into b: inout SVGBuffer, stats: inout FrameStats) {
        let features = pending?.features ?? []
        let specs = pending?.specs ?? []
        writeLabels(outcome, features, into: &b, stats: &stats)
        let suffix = groupId == "carte" ? "" : "-" + groupId
        for (k, spec) in specs.enumerated() {
            StreetNames.write(outcome.streets[k], spec: spec, groupSuffix: suffix, into: &b)
            stats.labelsPlaced += outcome.streets[k].count
        }
        stats.streetNamesDropped = outcome.streetNamesDropped
        b.append(trailer)
        b.append("</g>\n")
    }

    // MARK: vector layers

    /// Vertex count above which a feature is simplified (0.1 mm on paper) before it is drawn.
    static let simplifyAbove = 32

    private func drawVector(_ layer: MapLayer, layerIndex: Int, into b: inout SVGBuffer, stats: inout FrameStats,
                            labels: inout [LabelFeature], streets: inout [StreetPiece],
                            grid: LabelGrid, streetOwner: (String) -> Int32) throws {
        let n = layer.features.count
        let frame = self.frame
        let ext = frame.extent
        let tolerance = 0.1 / frame.mmPerMetre          // 0.1 mm on paper, in metres
        let micTolerance = 0.3 / frame.mmPerMetre
        let dataNames = layer.dataKeys.map { "data-" + SVG.dataName($0) }
        let classIndex: [String: Int] = Dictionary(layer.classes.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        let obstacle = Self.isObstacle(layer)
        let ownerBase = Int32(layerIndex) << 24
        func objectName(_ f: Feature, _ k: Int) -> String {
            layer.name + ":" + (f.id?.text ?? String(k))
        }

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
                if obstacle {
                    let r = style.symbol.size / 2
                    g.forEachPosition { p in
                        guard inner.contains(p) else { return }
                        let q = frame.toPage(p)
                        out.symbolBoxes.append(PageRect(x: q.x - r, y: q.y - r, width: 2 * r, height: 2 * r))
                    }
                }
                // A named place: its name around its symbol.
                if let spec = layer.labels, let p = first, let lines = spec.text(f), !lines.isEmpty {
                    let a = frame.toPage(p)
                    let r = style.symbol.size / 2
                    out.label = LabelFeature(object: objectName(f, k), owner: ownerBase + Int32(k), layer: layer.name, lines: lines,
                                             size: spec.size, bold: spec.bold, color: spec.color, tier: spec.tier,
                                             priority: spec.priority(f), order: k, placement: spec.placement ?? .around, anchor: a,
                                             extent: PageRect(x: a.x - r, y: a.y - r, width: 2 * r, height: 2 * r),
                                             symbolRadius: r, numbered: spec.numbered, keyText: lines.joined(separator: ", "))
                }
            default:
                guard bb.intersects(ext) else { return out }
                let h0 = (k < layer.shapes.count) ? layer.shapes[k] : try GeometryHandle(g)
                let inside = bb.minX >= ext.minX && bb.maxX <= ext.maxX && bb.minY >= ext.minY && bb.maxY <= ext.maxY
                // A feature inside the frame with few vertices (a parcel, a
                // building, a street segment) is drawn as it is: simplifying
                // it removes next to nothing, and the topology-preserving
                // simplification and the round trip through GEOS were 7 % of
                // a 60-quartier dossier's processor time (perf).
                let asItIs = inside && g.positionCount <= Self.simplifyAbove
                func cutAndSimplify() throws -> DrawMemo.Drawn {
                    let h = inside ? h0 : try h0.clip(to: ext)
                    if h.isEmpty { return DrawMemo.Drawn(geometry: nil, cut: h) }
                    if asItIs { return DrawMemo.Drawn(geometry: g, cut: h) }
                    var s = try h.simplifyPreservingTopology(tolerance)
                    if s.isEmpty { s = h }
                    return DrawMemo.Drawn(geometry: try s.geometry(), cut: h)
                }
                // Shapes of the layer (not made here) are the same objects from plan to plan.
                let memoExtent: BoundingBox? = inside ? nil : ext
                let memo = k >= layer.shapes.count || layer.madeForThisPlan ? nil : self.memo.flatMap { $0.keeps(clipped: !inside) ? $0 : nil }
                let cut = try (asItIs ? nil : memo).map { try $0.drawn(DrawMemo.Key(shape: h0, extent: memoExtent, tolerance: tolerance), cutAndSimplify, shape: h0) }
                    ?? cutAndSimplify()
                guard let drawnGeometry = cut.geometry else { return out }
                let h = cut.cut
                let areal = g.isAreal
                pb.append("<path d=\"")
                let wrote = Self.appendPathData(drawnGeometry, frame: frame, areal: areal, into: &pb)
                if !wrote { return out }
                pb.append("\"")
                Self.appendData(f, layer.dataKeys, dataNames, into: &pb)
                // A named feature says which one it is, as its label does.
                if layer.labels != nil { pb.attribute("data-objet", objectName(f, k)) }
                pb.append("/>\n")
                if obstacle { out.obstacleLines = Self.pageLines(drawnGeometry, frame: frame, rings: true) }
                if !areal, layer.streetNames != nil || layer.arrowEvery != nil {
                    let lines = Self.pageLines(drawnGeometry, frame: frame)
                    if let spec = layer.streetNames, let name = spec.label(f) {
                        let rank = spec.rank(f)
                        // Below the minimum rank a street is drawn, not named.
                        out.street = StreetPiece(name: name, rank: rank, lines: rank >= spec.minimumRank ? lines : [])
                    }
                    if let every = layer.arrowEvery {
                        let arrows = Self.appendArrows(lines, every: every, color: layer.style.stroke ?? "#000000",
                                                       size: 1.2 + layer.style.strokeWidth, into: &pb)
                        if obstacle { out.symbolBoxes += arrows }
                    }
                }
                if let spec = layer.labels, areal, let lines = spec.text(f), !lines.isEmpty {
                    // The ground the label may use: the feature less what labels
                    // avoid, made once (the circle and a `.within` area both read it).
                    var ground: GeometryHandle?
                    func labelShape() throws -> GeometryHandle {
                        if let ground { return ground }
                        var g = h
                        if let avoid = layer.labelAvoid {
                            let d = try h.difference(avoid)
                            if !d.isEmpty { g = d }
                        }
                        ground = g
                        return g
                    }
                    func circle() throws -> (center: Position, radius: Double) {
                        try labelShape().maximumInscribedCircle(tolerance: micTolerance)
                    }
                    let mic = try memo.map {
                        try $0.circle(DrawMemo.Key(shape: h0, extent: memoExtent, tolerance: micTolerance, avoid: layer.labelAvoid), circle,
                                      keep: [h0] + (layer.labelAvoid.map { [$0] } ?? []))
                    } ?? circle()
                    let anchor = frame.toPage(mic.center)
                    let e = try h.bounds() ?? bb
                    let a = frame.toPage(Position(e.minX, e.maxY)), z = frame.toPage(Position(e.maxX, e.minY))
                    out.label = LabelFeature(object: objectName(f, k), owner: ownerBase + Int32(k), layer: layer.name, lines: lines,
                                             size: spec.size, bold: spec.bold, color: spec.color, tier: spec.tier,
                                             priority: spec.priority(f), order: k, placement: spec.placement ?? .inside,
                                             anchor: anchor, room: mic.radius * frame.mmPerMetre,
                                             extent: PageRect(x: a.x, y: a.y, width: z.x - a.x, height: z.y - a.y),
                                             numbered: spec.numbered, keyText: lines.joined(separator: ", "),
                                             axisAngle: Self.exteriorRing(drawnGeometry, frame: frame).flatMap(LabelEngine.longestAxis))
                    if case .within? = spec.placement {
                        // Douglas–Peucker: the rings are tested, not drawn; the
                        // topology-preserving simplifier of a commune less the
                        // quartiers was a third of the plan de situation (perf).
                        out.label?.area = Self.pageLines(try labelShape().simplify(tolerance).geometry(), frame: frame, rings: true)
                    }
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
            let owner: Int32 = o.street.map { streetOwner($0.name) } ?? (ownerBase + Int32(visited[k]))
            if let p = o.street, !p.lines.isEmpty { streets.append(p) }
            let hw = Self.obstacleHalfWidth(gi: o.classIndex, layer: layer)
            for l in o.obstacleLines { grid.add(line: l, halfWidth: hw, owner: owner) }
            for r in o.symbolBoxes { grid.add(OrientedBox(r), owner: owner) }
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

    /// The lines of a geometry in page millimetres (with `rings`, the
    /// rings of its polygons too).
    static func pageLines(_ g: Geometry, frame: MapFrame, rings: Bool = false) -> [[Position]] {
        switch g {
        case .lineString(let ps): return [ps.map(frame.toPage)]
        case .multiLineString(let ls): return ls.map { $0.map(frame.toPage) }
        case .polygon(let p) where rings: return p.rings.map { $0.map(frame.toPage) }
        case .multiPolygon(let ps) where rings: return ps.flatMap { $0.rings.map { $0.map(frame.toPage) } }
        case .geometryCollection(let gs): return gs.flatMap { pageLines($0, frame: frame, rings: rings) }
        default: return []
        }
    }

    /// The exterior ring (page mm) of the largest part of a polygon.
    static func exteriorRing(_ g: Geometry, frame: MapFrame) -> [Position]? {
        switch g {
        case .polygon(let p): return p.rings.first?.map(frame.toPage)
        case .multiPolygon(let ps):
            func span(_ r: [Position]) -> Double {
                let xs = r.map(\.x), ys = r.map(\.y)
                return (xs.max()! - xs.min()!) * (ys.max()! - ys.min()!)
            }
            return ps.compactMap { $0.rings.first }.filter { !$0.isEmpty }.max { span($0) < span($1) }?.map(frame.toPage)
        default: return nil
        }
    }

    /// Whether a layer's drawn lines and symbols are obstacles to the
    /// labels: its own choice, else its lines when it is linear or stroked
    /// 0.2 mm or more in a colour other than white (a parcel's white
    /// hairline or a building's 0.08 mm edge is part of a fill labels may
    /// lie on; a perimeter, a sector, a road or a residence outline is a
    /// line they must not cross), and the symbols of a point layer.
    static func isObstacle(_ l: MapLayer) -> Bool {
        if let o = l.labelObstacle { return o == .lines }
        if l.raster != nil { return false }
        if l.linear { return true }
        if l.features.first.map({ f -> Bool in
            if case .point? = f.geometry { return true }
            if case .multiPoint? = f.geometry { return true }
            return false
        }) == true { return true }
        let styles = [l.style] + l.classes.map(\.style)
        return styles.contains { s in
            guard let st = s.stroke?.lowercased() else { return false }
            return st != "#ffffff" && st != "#fff" && s.strokeWidth >= 0.2
        }
    }

    /// Half the drawn width of a class's line (casing included), at least 0.1 mm.
    static func obstacleHalfWidth(gi: Int, layer: MapLayer) -> Double {
        let s = gi >= 0 && gi < layer.classes.count ? layer.classes[gi].style : layer.style
        return max(0.1, (s.strokeWidth + (s.casing == nil ? 0 : s.casingWidth)) / 2)
    }

    /// Small filled triangles pointing the way along lines, one every
    /// `every` mm (the first half-way), written as `<path class="fleche">`.
    /// Returns the arrows' boxes (labels keep off them).
    @discardableResult
    static func appendArrows(_ lines: [[Position]], every: Double, color: String, size: Double, into b: inout SVGBuffer) -> [PageRect] {
        var boxes: [PageRect] = []
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
                    let xs = [tip.x, l1.x, l2.x], ys = [tip.y, l1.y, l2.y]
                    boxes.append(PageRect(x: xs.min()!, y: ys.min()!, width: xs.max()! - xs.min()!, height: ys.max()! - ys.min()!))
                    next += every
                }
                acc += d
            }
        }
        return boxes
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
        // The class bounds, machine-readable: the dossier's plans share them.
        b.attribute("data-plancher", String(r.floor))
        b.attribute("data-bornes", r.breaks.map { String($0) }.joined(separator: " "))
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

    /// Metrics of the key table drawn in the frame.
    static let keyFont = 1.9, keyRow = 2.6, keyTitle = 3.8, keyPad = 1.5

    /// Where the key table goes when the legend has no room for it: a
    /// panel inside the frame, in the widest margin between the subject
    /// (`keepClear`, page mm) and the frame's edge, sized to `count` lines
    /// when the margin holds them (the smallest such panel), else the
    /// margin that holds the most (the rest continues in the legend).
    /// Nil when no margin holds a line.
    func keyPanelSpot(count: Int, textWidth: Double, keepClear: PageRect) -> (rect: PageRect, capacity: Int)? {
        let inner = frame.rect.inset(1.5)
        let numW = TextMetrics.width(String(count), size: Self.keyFont) + 1.2
        let colW = numW + min(55, textWidth) + 2.5
        let k = keepClear
        // The four margins, each with the corner the panel keeps to.
        let strips: [(PageRect, bottom: Bool, right: Bool)] = [
            (PageRect(x: inner.x, y: inner.y, width: k.x - 1 - inner.x, height: inner.height), true, false),
            (PageRect(x: k.maxX + 1, y: inner.y, width: inner.maxX - k.maxX - 1, height: inner.height), true, true),
            (PageRect(x: inner.x, y: k.maxY + 1, width: inner.width, height: inner.maxY - k.maxY - 1), true, false),
            (PageRect(x: inner.x, y: inner.y, width: inner.width, height: k.y - 1 - inner.y), false, false),
        ]
        var best: (rect: PageRect, capacity: Int, area: Double)?
        for (r, bottom, right) in strips where r.width > 0 && r.height > 0 {
            let cols = Int(((r.width - 2 * Self.keyPad) / colW).rounded(.down))
            let rows = Int(((r.height - 2 * Self.keyPad - Self.keyTitle) / Self.keyRow).rounded(.down))
            guard cols >= 1, rows >= 1 else { continue }
            let cap = min(count, cols * rows)
            // The fewest columns that hold `cap` lines, then the rows they need.
            let useCols = min(cols, (cap + rows - 1) / rows)
            let useRows = (cap + useCols - 1) / useCols
            let titleW = TextMetrics.width("Légende des numéros", size: 2.4) * 1.08 + 2 * Self.keyPad
            let w = max(titleW, Double(useCols) * colW + 2 * Self.keyPad), h = Self.keyTitle + Double(useRows) * Self.keyRow + 2 * Self.keyPad
            guard w <= r.width else { continue }
            let rect = PageRect(x: right ? r.maxX - w : r.x, y: bottom ? r.maxY - h : r.y, width: w, height: h)
            let better: Bool
            if let b = best { better = cap > b.capacity || (cap == b.capacity && w * h < b.area) } else { better = true }
            if better { best = (rect, cap, w * h) }
        }
        return best.map { ($0.rect, $0.capacity) }
    }

    /// The height of a key panel of `width` holding `count` lines.
    static func keyPanelHeight(count: Int, width: Double, textWidth: Double) -> Double {
        let numW = TextMetrics.width(String(count), size: keyFont) + 1.2
        let colW = numW + min(55, textWidth) + 2.5
        let cols = max(1, Int(((width - 2 * keyPad) / colW + 1e-6).rounded(.down)))
        let perCol = (count + cols - 1) / cols
        return keyTitle + Double(perCol) * keyRow + 2 * keyPad
    }

    /// The key table in its panel (`<g id="cle-numeros">`); nil when the
    /// entries need more room than the panel gives.
    static func keyPanel(_ entries: [NumberKeyEntry], in r: PageRect) -> String? {
        guard !entries.isEmpty else { return nil }
        let fs = keyFont, row = keyRow, pad = keyPad
        let numW = TextMetrics.width(String(entries.count), size: fs) + 1.2
        let textW = min(55, entries.map { TextMetrics.width($0.text, size: fs) }.max() ?? 0)
        let colW = numW + textW + 2.5
        let cols = max(1, Int(((r.width - 2 * pad) / colW + 1e-6).rounded(.down)))
        let perCol = max(1, Int(((r.height - 2 * pad - keyTitle) / row + 1e-6).rounded(.down)))
        guard cols * perCol >= entries.count else { return nil }
        var b = SVGBuffer(capacity: 4096)
        b.append("<g id=\"cle-numeros\" class=\"cle-dans-cadre\"")
        b.attribute("data-boite", [r.x, r.y, r.maxX, r.maxY].map(SVG.number).joined(separator: " "))
        b.append(">\n")
        Furniture.rect(r, fill: "#ffffff", stroke: "#000000", width: 0.25, into: &b)
        Furniture.text("Légende des numéros", x: r.x + pad, y: r.y + pad + 2.6, size: 2.4, bold: true, cls: "titre-legende", into: &b)
        for (k, e) in entries.enumerated() {
            let x = r.x + pad + Double(k / perCol) * colW
            let y = r.y + pad + keyTitle + Double(k % perCol) * row + row * 0.72
            b.append("<g class=\"cle-numero\"")
            b.attribute("data-numero", String(e.number))
            b.attribute("data-objet", e.object)
            b.append(">")
            Furniture.text(String(e.number), x: x + numW - 0.6, y: y, size: fs, anchor: "end", bold: true, into: &b)
            Furniture.text(Furniture.fit(e.text, size: fs, maxWidth: textW + 0.5), x: x + numW + 0.4, y: y, size: fs, into: &b)
            b.append("</g>\n")
        }
        b.append("</g>\n")
        return b.string
    }

    /// Writes the labels the engine placed: `<g id="etiquettes">` with the
    /// leader lines (`ligne-rappel`) under the texts, each text carrying its
    /// box (`data-boite="xmin ymin xmax ymax"`, page mm) and its feature
    /// (`data-objet`); the numbers of the features named in the key table
    /// are `<text class="numero" data-numero="n">`.
    private func writeLabels(_ o: LabelOutcome, _ features: [LabelFeature], into b: inout SVGBuffer, stats: inout FrameStats) {
        let named = o.labels.filter { $0.number == nil }
        stats.labelsPlaced = named.count
        stats.labelsNumbered = o.numbered.count
        stats.labelsDropped = o.dropped
        stats.numberKey = o.numbered.map { NumberKeyEntry(number: $0.number, text: features[$0.feature].keyText, object: features[$0.feature].object) }
        b.append("<g id=\"etiquettes\(groupId == "carte" ? "" : "-" + groupId)\" class=\"etiquettes\"")
        b.attribute("data-placees", String(named.count))
        b.attribute("data-numerotees", String(o.numbered.count))
        b.attribute("data-ecartees", String(o.dropped))
        b.append(" text-anchor=\"middle\" stroke=\"#ffffff\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n")
        let leaders = o.labels.filter { $0.leader != nil }
        if !leaders.isEmpty {
            b.append("<g class=\"lignes-rappel\" stroke=\"#404040\" stroke-width=\"0.2\" fill=\"none\">\n")
            for l in leaders {
                let (p, q) = l.leader!
                b.append("<line class=\"ligne-rappel\"")
                b.attribute("x1", number: p.x); b.attribute("y1", number: p.y)
                b.attribute("x2", number: q.x); b.attribute("y2", number: q.y)
                b.attribute("data-objet", features[l.feature].object)
                b.append("/>\n")
            }
            b.append("</g>\n")
        }
        for l in o.labels {
            let f = features[l.feature]
            let size = l.size ?? (l.number == nil ? f.size : max(f.size, 2.0))
            b.append("<text")
            if let n = l.number {
                b.append(" class=\"numero\"")
                b.attribute("data-numero", String(n))
            } else if f.placement == .onSymbol {
                b.append(" class=\"numero-symbole\"")
            }
            // The level box the text is set in (turned about its centre when `angle` ≠ 0).
            let level = LabelEngine.box(lines: l.lines, size: size, center: l.center)
            b.attribute("x", number: l.center.x)
            b.attribute("y", number: level.y + 0.1 * size + 0.93 * size)
            if l.angle != 0 {
                b.attribute("transform", "rotate(\(SVG.number(l.angle)) \(SVG.number(l.center.x)) \(SVG.number(l.center.y)))")
            }
            b.attribute("font-size", number: size)
            b.attribute("stroke-width", number: size * 0.22)
            b.attribute("fill", f.color)
            if f.bold || l.number != nil { b.append(" font-weight=\"bold\"") }
            b.attribute("data-couche", f.layer)
            b.attribute("data-objet", f.object)
            b.attribute("data-boite", [l.box.x, l.box.y, l.box.maxX, l.box.maxY].map(SVG.number).joined(separator: " "))
            if let c = l.corners { b.attribute("data-coins", c.map { SVG.number($0.x) + " " + SVG.number($0.y) }.joined(separator: " ")) }
            b.append(">")
            for (i, line) in l.lines.enumerated() {
                b.append("<tspan")
                b.attribute("x", number: l.center.x)
                if i > 0 { b.attribute("dy", number: TextMetrics.lineHeight(size)) }
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
