import Foundation
import GUPModel
import GUPTopology

// Nettoyage: cleaning coverage gaps and double coverage.
//
// For each perimeter P:
//   E(P) = P − union of the residences' footprints (or P without residences),
//   U_c  = union of the sectors of cleaner c, clipped to E(P),
//   C    = union of all U_c (the covered outdoor space),
//   gaps = connected polygons of E(P) − C with area ≥ threshold,
//   double coverage = polygons of U_a ∩ U_b (a ≠ b) with area ≥ threshold,
//     per pair of cleaners; the perimeter's double-coverage area is the area
//     of the union of all those polygons (a spot three cleaners share counts once).
// Two overlapping sectors of the same cleaner are never double coverage:
// a cleaner's sectors are unioned first.
//
// Mean frequency (passages per week), where sectors carry one: the frequency
// at a point x is the sum over cleaners of the highest frequency among that
// cleaner's sectors covering x (two cleaners both sweep a doubly covered
// spot; one cleaner's overlapping sectors are a digitising overlap, swept at
// its highest frequency, not twice). The mean is the integral of that
// frequency over E(P) divided by the area of E(P) covered by sectors that
// carry a frequency.

/// Which properties hold what. Each list is tried in order (exact name
/// first, then case-insensitively), as `FieldNames` does.
public struct CleaningFields: Sendable {
    public var perimeterName: [String]
    public var cleaner: [String]
    public var frequency: [String]
    public var category: [String]

    public init(perimeterName: [String] = FieldNames.perimeterName, cleaner: [String] = FieldNames.cleaner,
                frequency: [String] = FieldNames.frequency, category: [String] = FieldNames.category) {
        self.perimeterName = perimeterName
        self.cleaner = cleaner
        self.frequency = frequency
        self.category = category
    }
}

public enum Cleaning {
    public static let unknownCleaner = Labels.unknownCleaner
    public static let defaultThreshold = 10.0

    /// Runs the analysis. Every layer must be in the same working CRS
    /// (as `Loader.load` gives them); perimeters, sectors and residences areal.
    public static func analyze(perimeters: WorkingLayer, sectors: WorkingLayer, residences: WorkingLayer? = nil,
                               incidents: WorkingLayer? = nil, fields: CleaningFields = CleaningFields(),
                               threshold: Double = defaultThreshold, zoneNames: [String]? = nil,
                               reporter: Reporter = SilentReporter()) throws -> CleaningResult {
        guard perimeters.count > 0 else { throw GUPError.input(file: perimeters.source, "aucun périmètre utilisable") }
        for l in [sectors, residences, incidents].compactMap({ $0 }) where l.crs != perimeters.crs {
            throw GUPError("\(l.source) : couche en \(l.crs), les périmètres en \(perimeters.crs) (même système de travail attendu)")
        }
        guard threshold >= 0, threshold.isFinite else {
            throw AnalysisError.invalidSetting(.gapThreshold, value: threshold, expected: "surface en m², positive ou nulle")
        }

        // Perimeter names: those of the run, else read from the layer.
        let names = try zoneNames ?? ZoneSet.uniqueNames(
            of: perimeters,
            field: FieldResolver.resolve(.perimeterName, explicit: nil, in: perimeters.features, source: perimeters.source,
                                         defaults: fields.perimeterName),
            reporter: reporter)

        let table = sectorTable(sectors, fields: fields, reporter: reporter)
        let work = try CleaningWork(table: table, pieces: try outdoorPieces(of: sectors, minus: residences),
                                    threshold: threshold)

        // Per perimeter, in parallel, every overlay on the grid (see
        // `OverlayGrid`); the perimeters (small, few) snapped first, so E's
        // area is measured on the grid too.
        let perimeterShapes = try OverlayGrid.snapped(perimeters.shapes)
        let outcomes = try parallelMap(count: perimeterShapes.count) { k in
            try work.coverage(of: perimeterShapes[k], name: names[k])
        }

        // Gather, in a deterministic order.
        let order = (0..<outcomes.count).sorted { names[$0] != names[$1] ? names[$0] < names[$1] : $0 < $1 }
        var gaps: [CoverageGap] = []
        var gapBoxes: [BoundingBox] = []
        for k in order {
            for (g, a) in outcomes[k].gaps {
                gaps.append(CoverageGap(perimeter: names[k], area: a, shape: g, incidents: nil, mainCategories: []))
                gapBoxes.append(try g.bounds() ?? BoundingBox(minX: 0, minY: 0, maxX: 0, maxY: 0))
            }
        }
        let gapOrder = (0..<gaps.count).sorted { a, b in
            if gaps[a].area != gaps[b].area { return gaps[a].area > gaps[b].area }
            if gaps[a].perimeter != gaps[b].perimeter { return gaps[a].perimeter < gaps[b].perimeter }
            if gapBoxes[a].minX != gapBoxes[b].minX { return gapBoxes[a].minX < gapBoxes[b].minX }
            return gapBoxes[a].minY < gapBoxes[b].minY
        }
        gaps = gapOrder.map { gaps[$0] }

        if let incidents {
            let assignment = try CleaningProfile.time("9 signalements") { try PointInPolygon.assign(points: incidents.points, to: gaps.map(\.shape)) }
            var perGap = [[String: Int]](repeating: [:], count: gaps.count)
            var counts = [Int](repeating: 0, count: gaps.count)
            for k in 0..<assignment.pointCount {
                let inGaps = assignment.polygons(containing: k)
                if inGaps.isEmpty { continue }
                let category = incidents.features[k].properties.first(of: fields.category)?.value.text ?? Labels.noCategory
                for g in inGaps {
                    counts[Int(g)] += 1
                    perGap[Int(g)][category, default: 0] += 1
                }
            }
            for g in 0..<gaps.count {
                gaps[g].incidents = counts[g]
                gaps[g].mainCategories = perGap[g]
                    .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .prefix(3).map { (category: $0.key, count: $0.value) }
            }
        }

        let doubles = order.flatMap { outcomes[$0].doubles }
            .enumerated()
            .sorted { a, b in
                if a.element.perimeter != b.element.perimeter { return a.element.perimeter < b.element.perimeter }
                let ka = a.element.cleaners.joined(separator: " + "), kb = b.element.cleaners.joined(separator: " + ")
                return ka != kb ? ka < kb : a.offset < b.offset
            }
            .map(\.element)

        return CleaningResult(coverage: order.map { outcomes[$0].coverage }, gaps: gaps, doubles: doubles,
                              hasFrequency: table.hasFrequency, hasIncidents: incidents != nil, threshold: threshold,
                              crs: perimeters.crs, sectorsWithoutCleaner: table.withoutCleaner, sectorPieces: work.pieces.subdividedCount)
    }

    // MARK: steps

    /// Step 1: each sector's cleaner (interned) and frequency.
    static func sectorTable(_ sectors: WorkingLayer, fields: CleaningFields, reporter: Reporter) -> SectorTable {
        var cleanerNames: [String] = []
        var cleanerId: [String: Int] = [:]
        var sectorCleaner: [Int] = []
        var sectorFrequency: [Double?] = []
        var withoutCleaner = 0
        for f in sectors.features {
            var name = f.properties.first(of: fields.cleaner)?.value.text?.trimmingCharacters(in: .whitespaces) ?? ""
            if name.isEmpty {
                name = unknownCleaner
                withoutCleaner += 1
                if withoutCleaner <= 10 { reporter.warning("\(sectors.source), \(f.label) : secteur sans intervenant, compté comme « \(unknownCleaner) »") }
            }
            if cleanerId[name] == nil { cleanerId[name] = cleanerNames.count; cleanerNames.append(name) }
            sectorCleaner.append(cleanerId[name]!)
            var freq: Double?
            if let v = f.properties.first(of: fields.frequency)?.value, v != .null {
                if let d = v.number, d.isFinite, d >= 0 { freq = d } else {
                    reporter.warning("\(sectors.source), \(f.label) : fréquence « \(v.text ?? "") » illisible, ignorée")
                }
            }
            sectorFrequency.append(freq)
        }
        if withoutCleaner > 10 { reporter.warning("\(sectors.source) : \(withoutCleaner - 10) autre(s) secteur(s) sans intervenant") }
        let hasFrequency = sectorFrequency.contains { $0 != nil }

        return SectorTable(cleanerNames: cleanerNames, sectorCleaner: sectorCleaner, sectorFrequency: sectorFrequency,
                           withoutCleaner: withoutCleaner, hasFrequency: hasFrequency)
    }

    /// Step 2: the sectors cut into small pieces, residences' footprints
    /// taken out, indexed once for all perimeters.
    static func outdoorPieces(of sectors: WorkingLayer, minus residences: WorkingLayer?) throws -> OutdoorPieces {
        // Sector pieces: each polygon of each sector, the large ones
        // subdivided, minus the residences' footprints (once for all
        // perimeters: ∪(piece − F) = (∪ pieces) − F). A piece remembers its
        // sector and the sector polygon it comes from: pieces of one sector
        // from different polygons never overlap nor share an edge (a valid
        // MultiPolygon's members touch at points at most), so their union is
        // just their collection; see `mergedUnion`.
        // Inputs are not snapped beforehand: every overlay below is GEOS's
        // precision-aware one, which snap-rounds its inputs to the grid itself
        // (snapping the seven street-network sectors of the metro-scale city
        // first cost more than the whole analysis did).
        let residenceShapes = residences?.shapes ?? []
        let residenceIndex = try SpatialIndex(residenceShapes)
        var parts: [(sector: Int, shape: GeometryHandle)] = []
        for (k, s) in sectors.shapes.enumerated() {
            // Only a Polygon or MultiPolygon is sure to have members that do not overlap.
            let polygonal = s.typeName == "Polygon" || s.typeName == "MultiPolygon" ? s : try s.unaryUnion()
            parts += try polygonal.polygonParts().map { (k, $0) }
        }
        // The large polygons first, each on its own (their halves in parallel), then the others.
        let sizes = try parts.map { try $0.shape.coordinateCount() }
        let large = parts.indices.filter { sizes[$0] > 16 * pieceVertices }.sorted { sizes[$0] > sizes[$1] }
        let largePieces: [[GeometryHandle]] = try parallelMap(count: large.count) { k in
            try CleaningProfile.time("0 découpage des secteurs") { try subdividedInParallel(parts[large[k]].shape) }
        }
        let largeAt = Dictionary(uniqueKeysWithValues: zip(large, largePieces))
        let subdivided: [[GeometryHandle]] = try parallelMap(count: parts.count) { k in
            try largeAt[k] ?? CleaningProfile.time("0 découpage des secteurs") { try parts[k].shape.subdividedPolygons(maxVertices: pieceVertices) }
        }
        let subdividedCount = subdivided.reduce(0) { $0 + $1.count }
        var raw: [(part: Int, shape: GeometryHandle)] = []
        for (k, ps) in subdivided.enumerated() { raw += ps.map { (k, $0) } }
        let outdoorPieces: [GeometryHandle] = try parallelMap(count: raw.count, minChunk: 16) { k in
            try CleaningProfile.time("1 secteurs hors emprises") {
                let g = raw[k].shape
                guard !residenceShapes.isEmpty else { return g }
                let near = try residenceIndex.query(g)
                if near.isEmpty { return g }
                let prepared = try PreparedGeometry(g)
                var hit = try near.filter { try prepared.intersects(residenceShapes[$0]) }
                if hit.isEmpty { return g }
                // Footprints that are exactly holes of the piece take nothing from it.
                if case .polygon(let gp) = try g.geometry(), !gp.holes.isEmpty {
                    hit = try hit.filter {
                        guard case .polygon(let fp) = try residenceShapes[$0].geometry() else { return true }
                        return !isHole(fp, of: gp)
                    }
                    if hit.isEmpty { return g }
                }
                return try g.difference(disjointUnion(hit.map { residenceShapes[$0] }), gridSize: OverlayGrid.size)
            }
        }
        var pieces: [GeometryHandle] = []
        var pieceSector: [Int] = []
        var piecePart: [Int] = []
        for (k, g) in outdoorPieces.enumerated() where !g.isEmpty {
            pieces.append(g)
            piecePart.append(raw[k].part)
            pieceSector.append(parts[raw[k].part].sector)
        }
        let pieceIndex = try SpatialIndex(pieces)

        return OutdoorPieces(residenceShapes: residenceShapes, residenceIndex: residenceIndex, pieces: pieces,
                             pieceSector: pieceSector, piecePart: piecePart, pieceIndex: pieceIndex,
                             subdividedCount: subdividedCount)
    }
}

/// Each sector's cleaner and frequency.
struct SectorTable {
    var cleanerNames: [String]
    var sectorCleaner: [Int]
    var sectorFrequency: [Double?]
    var withoutCleaner: Int
    var hasFrequency: Bool
}

/// The sectors' outdoor pieces and the residences' footprints, indexed.
struct OutdoorPieces {
    var residenceShapes: [GeometryHandle]
    var residenceIndex: SpatialIndex
    var pieces: [GeometryHandle]
    var pieceSector: [Int]
    var piecePart: [Int]
    var pieceIndex: SpatialIndex
    var subdividedCount: Int
}

/// Step 3: the coverage of one perimeter, from the shared sector pieces.
struct CleaningWork {
    struct Outcome {
        var coverage: PerimeterCoverage
        var gaps: [(GeometryHandle, Double)]
        var doubles: [DoubleCoverage]
    }
    let table: SectorTable
    let pieces: OutdoorPieces
    let threshold: Double

    func coverage(of p: GeometryHandle, name: String) throws -> Outcome {
        let residenceShapes = pieces.residenceShapes, residenceIndex = pieces.residenceIndex
        let pieceIndex = pieces.pieceIndex, pieceSector = pieces.pieceSector, piecePart = pieces.piecePart
        let cleanerNames = table.cleanerNames, sectorCleaner = table.sectorCleaner, sectorFrequency = table.sectorFrequency
        let hasFrequency = table.hasFrequency
        let pieces = self.pieces.pieces
        let prepared = try PreparedGeometry(p)
        // Outdoor space.
        let inside = try CleaningProfile.time("2 emprises") { try residenceIndex.query(p).filter { try prepared.intersects(residenceShapes[$0]) } }
        let footprints = try CleaningProfile.time("2 emprises") { inside.isEmpty ? nil : try Cleaning.disjointUnion(inside.map { residenceShapes[$0] }) }
        // E's area. Only its area is needed (the gaps start from P, see
        // below): a building strictly inside P takes its own area, on the
        // grid, out of P's; the buildings crossing P's boundary go through
        // a snapped intersection. The snapped difference P − F noded every
        // building's ring (0.64 s of processor time on the metro-scale city,
        // GEOS 3.11 seeding its snap-rounding random generator per ring).
        let buildings = try CleaningProfile.time("2 emprises") { try footprints.map { try FootprintHoles($0) } }
        let outdoorArea: Double = try CleaningProfile.time("3 espace extérieur") {
            guard let buildings else { return try p.area() }
            var area = try p.area()
            var crossing: [GeometryHandle] = []
            for (f, value) in zip(buildings.parts.polygons, buildings.values) {
                if try prepared.containsProperly(f), let a = OverlayGrid.roundedArea(value) { area -= a } else { crossing.append(f) }
            }
            if !crossing.isEmpty {
                area -= try p.intersection(GeometryHandle.collection(crossing, type: .multiPolygon), gridSize: OverlayGrid.size).area()
            }
            return area
        }
        // Outdoor sector pieces clipped to P (most lie inside and are kept as they are).
        let candidates = try CleaningProfile.time("4 morceaux") { try pieceIndex.query(p).filter { try prepared.intersects(pieces[$0]) } }
        var clipped: [Int: GeometryHandle] = [:]
        var clippedBox: [Int: BoundingBox] = [:]
        try CleaningProfile.time("4 morceaux") {
            for c in candidates {
                let g = try prepared.containsProperly(pieces[c]) ? pieces[c] : try pieces[c].intersection(p, gridSize: OverlayGrid.size)
                clipped[c] = g
                clippedBox[c] = try g.bounds()
            }
        }
        /// Union of pieces (all in E(P)): only pieces that may share an
        /// edge or overlap (boxes meeting, and from different sectors or
        /// from the same sector polygon) go through a GEOS union.
        func mergedUnion(_ members: [Int]) throws -> PolygonSet {
            try CleaningProfile.time("5 unions par intervenant") {
                let live = members.filter { clippedBox[$0] != nil }
                var parent = Array(0..<live.count)
                func root(_ i: Int) -> Int {
                    var i = i
                    while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
                    return i
                }
                let byMinX = live.indices.sorted { clippedBox[live[$0]]!.minX < clippedBox[live[$1]]!.minX }
                for (n, i) in byMinX.enumerated() {
                    let a = live[i], ba = clippedBox[a]!
                    for j in byMinX[(n + 1)...] {
                        let b = live[j], bb = clippedBox[b]!
                        if bb.minX > ba.maxX { break }
                        guard ba.intersects(bb), pieceSector[a] != pieceSector[b] || piecePart[a] == piecePart[b] else { continue }
                        let ri = root(i), rj = root(j)
                        if ri != rj { parent[ri] = rj }
                    }
                }
                var groups: [Int: [Int]] = [:]
                var order: [Int] = []
                for i in live.indices {
                    let r = root(i)
                    if groups[r] == nil { order.append(r) }
                    groups[r, default: []].append(live[i])
                }
                var polygons: [GeometryHandle] = []
                for r in order {
                    let g = groups[r]!
                    polygons += try g.count == 1 ? clipped[g[0]]!.polygonParts()
                        : GeometryHandle.unaryUnion(g.map { clipped[$0]! }, gridSize: OverlayGrid.size).polygonParts()
                }
                return try PolygonSet(polygons)
            }
        }
        var byCleaner: [Int: [Int]] = [:]
        for c in candidates { byCleaner[sectorCleaner[pieceSector[c]], default: []].append(c) }
        let cleaners = byCleaner.keys.sorted { cleanerNames[$0] < cleanerNames[$1] }
        var unions: [(cleaner: Int, parts: PolygonSet, area: Double)] = []
        var integral = 0.0
        var frequencyRegions: [GeometryHandle] = []
        var frequencyEverywhere = true
        for c in cleaners {
            let members = byCleaner[c]!
            let u = try mergedUnion(members)
            let a = try u.collection().area()
            guard a > 0 else { continue }
            unions.append((c, u, a))
            guard hasFrequency else { continue }
            // Frequency levels of this cleaner's pieces here.
            let withFreq = members.filter { sectorFrequency[pieceSector[$0]] != nil }
            if withFreq.count < members.count { frequencyEverywhere = false }
            let levels = Set(withFreq.map { sectorFrequency[pieceSector[$0]]! }).sorted()
            if levels.isEmpty { continue }
            if withFreq.count == members.count && levels.count == 1 {
                integral += levels[0] * a
                frequencyRegions.append(try u.collection())
                continue
            }
            var previous = 0.0
            for (j, level) in levels.enumerated() {
                let at = withFreq.filter { sectorFrequency[pieceSector[$0]]! >= level }
                let region = try mergedUnion(at)
                let shape = try region.collection()
                integral += (level - previous) * (try shape.area())
                previous = level
                if j == 0 { frequencyRegions.append(shape) }
            }
        }
        // Gaps: E minus each cleaner's space in turn (the largest first),
        // each time with only the polygons that meet what is left, on the
        // grid; the covered area is E's area minus what is left. With
        // buildings, the perimeter stands for E and each cleaner's space has
        // its building holes filled; the buildings are taken out once at the
        // end (see `FootprintHoles`).
        let filled = try CleaningProfile.time("7 lacunes") { try unions.map { try buildings?.filled($0.parts) ?? $0.parts } }
        let rest = try CleaningProfile.time("7 lacunes") {
            var left = try PolygonSet(p.polygonParts())
            for k in unions.indices.sorted(by: { unions[$0].area > unions[$1].area }) where !left.isEmpty {
                left = try left.subtracting(filled[k])
            }
            if let buildings, !left.isEmpty { left = try left.subtracting(buildings.parts) }
            return try left.collection()
        }
        let coveredArea = unions.isEmpty ? 0 : max(0, outdoorArea - (try rest.area()))
        // A piece thinner than the grid is not a gap: each snapped difference
        // re-nodes E's edges, so a cleaner's vertex lying within a grid cell
        // of such an edge may leave a sliver a fraction of a millimetre wide
        // along it (on the Épinay-sur-Orge cadastre, two of 0.007 and
        // 0.002 m² that geopandas' single difference does not make; one
        // union and one difference instead cost 9 s of 20 on the metro-scale
        // city). GEOS decides: an inward buffer of half the grid leaves nothing.
        let gaps = try rest.polygonParts().map { ($0, try $0.area()) }
            .filter { try $0.1 >= threshold && !OverlayGrid.isThinnerThanGrid($0.0) }
        // Double coverage, pair by pair. The cleaners' areas beyond the
        // covered area bound the area any two of them share: under the
        // threshold (with a margin for rounding), no piece can reach it.
        var doubles: [DoubleCoverage] = []
        var allPieces: [GeometryHandle] = []
        let shared = unions.reduce(0.0) { $0 + $1.area } - coveredArea
        let margin = 1e-9 * outdoorArea + 1e-6
        let pairCount = threshold > 0 && shared + margin < threshold ? 0 : unions.count
        for i in 0..<pairCount {
            for j in (i + 1)..<pairCount {
                // On the filled spaces, the buildings taken out of the few
                // pieces that meet one: Uᵢᶠ ∩ Uⱼᶠ − F = Uᵢ ∩ Uⱼ (the filled
                // holes lie in F), with far fewer rings to node.
                let m = PolygonSet.meeting(filled[i].boxes, filled[j].boxes)
                guard !m.a.isEmpty else { continue }
                let inter = try CleaningProfile.time("8 doublons") { () throws -> [GeometryHandle] in
                    let both = try filled[i].collection(m.a).intersection(filled[j].collection(m.b), gridSize: OverlayGrid.size)
                    guard let buildings else { return try both.polygonParts() }
                    return try PolygonSet(both.polygonParts()).subtracting(buildings.parts).polygons
                }
                let kept = try inter.map { (shape: $0, area: try $0.area()) }
                    .filter { $0.area >= threshold }
                    .sorted { $0.area > $1.area }
                guard !kept.isEmpty else { continue }
                allPieces += kept.map(\.shape)
                doubles.append(DoubleCoverage(perimeter: name,
                                              cleaners: [cleanerNames[unions[i].cleaner], cleanerNames[unions[j].cleaner]].sorted(),
                                              area: kept.reduce(0) { $0 + $1.area }, pieces: kept))
            }
        }
        let doubleArea = try CleaningProfile.time("8 doublons") { allPieces.isEmpty ? 0 : try GeometryHandle.unaryUnion(allPieces, gridSize: OverlayGrid.size).area() }
        var meanFrequency: Double?
        if !frequencyRegions.isEmpty {
            let denominator = frequencyEverywhere && frequencyRegions.count == unions.count
                ? coveredArea : try GeometryHandle.unaryUnion(frequencyRegions, gridSize: OverlayGrid.size).area()
            if denominator > 0 { meanFrequency = integral / denominator }
        }
        let row = PerimeterCoverage(perimeter: name, outdoorArea: outdoorArea, coveredArea: coveredArea,
                                    gapArea: gaps.reduce(0) { $0 + $1.1 }, gapCount: gaps.count,
                                    doubleCoverageArea: doubleArea, meanFrequency: meanFrequency)
        return Outcome(coverage: row, gaps: gaps, doubles: doubles)
    }
}
