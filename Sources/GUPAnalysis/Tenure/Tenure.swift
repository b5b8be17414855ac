import Foundation
import GUPModel
import GUPTopology

/// Domanialité: who holds which ground of each perimeter, where claims
/// overlap, what nobody holds, and whose ground each incident fell on.
public enum Tenure {
    /// Runs the analysis. Layers must be in the same (projected) working CRS;
    /// areas are in its square units.
    ///
    /// Per perimeter (in parallel): the parcels whose envelopes meet it are
    /// taken whole when it contains them, else clipped; the pieces are
    /// unioned per manager (U(g) ∩ P), then together (U ∩ P) for P − U.
    /// Overlaps are looked for only between clipped parcels of different
    /// managers that share some area: U(a) ∩ U(b) ∩ P is then the
    /// intersection of the unions of those parcels only.
    public static func analyse(perimeters: WorkingLayer, parcels: WorkingLayer, incidents: WorkingLayer? = nil,
                               options: TenureOptions = TenureOptions(),
                               reporter: Reporter = SilentReporter()) throws -> TenureResult {
        let nameField = try FieldResolver.resolve(.perimeterName, explicit: options.perimeterNameField, in: perimeters)
        let zones = ZoneSet(names: ZoneSet.uniqueNames(of: perimeters, field: nameField, reporter: reporter), shapes: perimeters.shapes)
        return try analyse(zones: zones, nameField: nameField, parcels: parcels, incidents: incidents, options: options, reporter: reporter)
    }

    /// The analysis over zones already named (the names every analysis of a run writes).
    static func analyse(zones: ZoneSet, nameField: String?, parcels: WorkingLayer, incidents: WorkingLayer?,
                        options: TenureOptions, reporter: Reporter) throws -> TenureResult {
        precondition(parcels.shapes.count == parcels.count, "areal layers expected")
        // Same empty input, same exit status in every command (issue 16).
        guard zones.count > 0 else { throw GUPError("aucun périmètre utilisable") }
        guard let managerField = try FieldResolver.resolve(.manager, explicit: options.managerField, in: parcels, required: true) else {
            throw GUPError.input(file: parcels.source, "aucun champ de gestionnaire")
        }
        var ownerField = try FieldResolver.resolve(.owner, explicit: options.ownerField, in: parcels)
        if ownerField == managerField { ownerField = nil }
        let names = zones.names

        // Managers and owners of the parcels.
        var managers: [String] = []
        managers.reserveCapacity(parcels.count)
        var without = 0
        var withoutFirst: [String] = []
        for f in parcels.features {
            if let m = FieldResolver.text(f, managerField) {
                managers.append(m)
            } else {
                managers.append(TenureLabel.unknownManager)
                without += 1
                if withoutFirst.count < 5 { withoutFirst.append(f.id?.text ?? f.properties["id"]?.text ?? "n° \(f.index + 1)") }
            }
        }
        if without > 0 {
            reporter.warning("\(parcels.source) : \(without) parcelle(s) sans gestionnaire (« \(managerField) »), comptées comme « \(TenureLabel.unknownManager) » : \(withoutFirst.joined(separator: ", "))\(without > withoutFirst.count ? "…" : "")")
        }
        let owners: [String?]? = ownerField.map { of in parcels.features.map { FieldResolver.text($0, of) } }

        // Per perimeter, in parallel.
        // Overlays on the fixed grid (see `OverlayGrid`): the perimeters (few)
        // snapped first; the parcels are snapped by each precision-aware
        // overlay they enter (snapping 156,000 parcels beforehand cost more
        // than the analysis).
        let parcelShapes = parcels.shapes
        let zoneShapes = try OverlayGrid.snapped(zones.shapes)
        let index = try SpatialIndex(parcelShapes)
        let threshold = options.overlapThreshold
        let works = try parallelMap(count: zones.count) { pi in
            try perimeterWork(zoneShapes[pi], index: index, parcels: parcelShapes, managers: managers,
                              owners: owners, threshold: threshold)
        }

        // Assemble, sorted.
        var pieces: [TenureResult.Piece] = []
        var overlaps: [TenureResult.Overlap] = []
        var nonCad: [TenureResult.NonCadastral] = []
        var ownerRows: [TenureResult.OwnerManager] = []
        var summaries: [TenureResult.PerimeterSummary] = []
        for pi in names.indices.sorted(by: { names[$0] < names[$1] }) {
            let w = works[pi], name = names[pi]
            func share(_ a: Double) -> Double { w.area > 0 ? 100 * a / w.area : 0 }
            let mine = w.managers.map { TenureResult.Piece(perimeter: name, manager: $0.manager, area: $0.area, share: share($0.area), shape: $0.shape) }
            pieces += mine
            overlaps += w.overlaps.map { TenureResult.Overlap(perimeter: name, managerA: $0.a, managerB: $0.b, area: $0.area, shape: $0.shape) }
            nonCad.append(.init(perimeter: name, area: w.nonCadastralArea, share: share(w.nonCadastralArea), shape: w.nonCadastral))
            ownerRows += w.ownerManager.map { .init(perimeter: name, owner: $0.owner, manager: $0.manager, area: $0.area) }
            let largest = mine.sorted { ($1.area, $0.manager) < ($0.area, $1.manager) }.prefix(3)
            summaries.append(.init(perimeter: name, area: w.area,
                                   largestManagers: largest.map { ($0.manager, $0.area, $0.share) },
                                   overlapArea: w.overlaps.reduce(0) { $0 + $1.area },
                                   nonCadastralShare: share(w.nonCadastralArea)))
        }

        // Incidents.
        var responsibilities: [TenureResult.Responsibility]?
        var inside = 0, outside = 0
        if let incidents {
            let categoryField = try FieldResolver.resolve(.category, explicit: options.categoryField, in: incidents)
            (responsibilities, inside, outside) = try responsibilitiesOf(incidents, zones: zones,
                                                                         parcels: parcels, managers: managers,
                                                                         categoryField: categoryField)
        }

        return TenureResult(pieces: pieces, overlaps: overlaps, nonCadastral: nonCad, responsibilities: responsibilities,
                            ownerManager: ownerField == nil ? nil : ownerRows, summaries: summaries,
                            perimeterNameField: nameField, managerField: managerField, ownerField: ownerField,
                            parcelsWithoutManager: without, parcelsWithoutManagerFirst: withoutFirst,
                            incidentsInside: inside, incidentsOutside: outside)
    }


    // MARK: one perimeter

    struct PerimeterWork {
        var area: Double
        var managers: [(manager: String, area: Double, shape: GeometryHandle)]
        var nonCadastral: GeometryHandle
        var nonCadastralArea: Double
        var overlaps: [(a: String, b: String, area: Double, shape: GeometryHandle)]
        var ownerManager: [(owner: String, manager: String, area: Double)]
    }

    /// The union of valid polygonal geometries. GEOS's zero-distance buffer
    /// of their collection dissolves them like a unary union, about twice as
    /// fast on adjacent parcels (checked against the unary union in tests).
    /// It is not on the overlay grid: the unions are only measured, or are
    /// operands of the precision-aware overlays below, which snap them (a
    /// precision-aware union made the metro-scale domanialité 4 times slower).
    static func union(_ members: [GeometryHandle]) throws -> GeometryHandle {
        switch members.count {
        case 0: return try GeometryHandle.emptyPolygon()
        case 1: return members[0]
        default: return try GeometryHandle.collection(members, type: .geometryCollection).buffer(0)
        }
    }

    static func polygonal(_ g: GeometryHandle) throws -> GeometryHandle? {
        let polys = try g.polygonParts()
        if polys.isEmpty { return nil }
        return polys.count == 1 ? polys[0] : try GeometryHandle.collection(polys, type: .multiPolygon)
    }

    static func perimeterWork(_ perimeter: GeometryHandle, index: SpatialIndex, parcels: [GeometryHandle],
                              managers: [String], owners: [String?]?, threshold: Double) throws -> PerimeterWork {
        let area = try perimeter.area()
        let prepared = try PreparedGeometry(perimeter)
        // Parcels of the perimeter: whole when inside, else clipped.
        var clips: [(parcel: Int, shape: GeometryHandle)] = []
        for j in try index.query(perimeter) {
            let s = parcels[j]
            if try prepared.containsProperly(s) { clips.append((j, s)); continue }
            if try !prepared.intersects(s) { continue }
            guard let c = try polygonal(perimeter.intersection(s, gridSize: OverlayGrid.size)) else { continue }
            clips.append((j, c))
        }
        // U(g) ∩ P per manager.
        var byManager: [String: [GeometryHandle]] = [:]
        for c in clips { byManager[managers[c.parcel], default: []].append(c.shape) }
        var perManager: [(manager: String, area: Double, shape: GeometryHandle)] = []
        for m in byManager.keys.sorted() {
            let members = byManager[m]!
            let u = try union(members)
            let a = try u.area()
            if a > 0 { perManager.append((m, a, u)) }
        }
        // P − U.
        let all: GeometryHandle
        switch perManager.count {
        case 0: all = try GeometryHandle.emptyPolygon()
        case 1: all = perManager[0].shape
        default: all = try union(perManager.map(\.shape))
        }
        let rest = perManager.isEmpty ? perimeter : try polygonal(perimeter.difference(all, gridSize: OverlayGrid.size)) ?? GeometryHandle.emptyPolygon()
        let restArea = try rest.area()

        // Overlaps: pairs of clipped parcels of different managers sharing area.
        var overlaps: [(a: String, b: String, area: Double, shape: GeometryHandle)] = []
        if byManager.count > 1, clips.count > 1 {
            // Sweep over x: only pairs whose envelopes overlap with some area
            // (envelopes of adjacent parcels that merely touch are skipped).
            let boxes = try clips.map { try $0.shape.bounds() ?? BoundingBox(minX: .nan, minY: .nan, maxX: .nan, maxY: .nan) }
            let order = clips.indices.filter { !boxes[$0].minX.isNaN }.sorted { boxes[$0].minX < boxes[$1].minX }
            struct Pair: Hashable { var a: String; var b: String }
            var involved: [Pair: (a: Set<Int>, b: Set<Int>)] = [:]
            // Counted on the envelopes alone before any GEOS test: stacked
            // duplicates make the pairs quadratic (3,000 parcels: 2.25 million).
            var candidatePairs = 0
            let limit = WorkLimits.current.overlayPairs
            count: for (n, k) in order.enumerated() {
                let bk = boxes[k], mk = managers[clips[k].parcel]
                for l in order[(n + 1)...] {
                    let bl = boxes[l]
                    if bl.minX >= bk.maxX { break }
                    guard bk.minY < bl.maxY, bl.minY < bk.maxY, mk != managers[clips[l].parcel] else { continue }
                    candidatePairs += 1
                    if candidatePairs > limit { break count }
                }
            }
            try WorkLimits.current.checkPairs(candidatePairs, what: "chevauchements entre gestionnaires")
            for (n, k) in order.enumerated() {
                let bk = boxes[k], mk = managers[clips[k].parcel]
                for l in order[(n + 1)...] {
                    let bl = boxes[l]
                    if bl.minX >= bk.maxX { break }
                    guard bk.minY < bl.maxY, bl.minY < bk.maxY else { continue }
                    let ml = managers[clips[l].parcel]
                    if mk == ml { continue }
                    // Interiors meeting = intersects and not touches, in one relate.
                    guard try clips[k].shape.interiorsIntersect(clips[l].shape) else { continue }
                    let (a, ka, kb) = mk < ml ? (Pair(a: mk, b: ml), k, l) : (Pair(a: ml, b: mk), l, k)
                    involved[a, default: ([], [])].a.insert(ka)
                    involved[a, default: ([], [])].b.insert(kb)
                }
            }
            for pair in involved.keys.sorted(by: { ($0.a, $0.b) < ($1.a, $1.b) }) {
                let (sa, sb) = involved[pair]!
                let ua = try union(sa.sorted().map { clips[$0].shape })
                let ub = try union(sb.sorted().map { clips[$0].shape })
                guard let x = try polygonal(ua.intersection(ub, gridSize: OverlayGrid.size)) else { continue }
                let a = try x.area()
                if a >= threshold { overlaps.append((pair.a, pair.b, a, x)) }
            }
        }

        // Owner ≠ manager.
        var ownerManager: [(owner: String, manager: String, area: Double)] = []
        if let owners {
            struct Key: Hashable { var owner: String; var manager: String }
            var groups: [Key: [GeometryHandle]] = [:]
            for c in clips {
                guard let o = owners[c.parcel] else { continue }
                let m = managers[c.parcel]
                if m == TenureLabel.unknownManager || o == m { continue }
                groups[Key(owner: o, manager: m), default: []].append(c.shape)
            }
            for k in groups.keys.sorted(by: { ($0.owner, $0.manager) < ($1.owner, $1.manager) }) {
                let a = try union(groups[k]!).area()
                if a > 0 { ownerManager.append((k.owner, k.manager, a)) }
            }
        }
        return PerimeterWork(area: area, managers: perManager, nonCadastral: rest, nonCadastralArea: restArea,
                             overlaps: overlaps, ownerManager: ownerManager)
    }

    // MARK: incidents

    static func responsibilitiesOf(_ incidents: WorkingLayer, zones: ZoneSet,
                                   parcels: WorkingLayer, managers: [String],
                                   categoryField: String?) throws -> ([TenureResult.Responsibility], Int, Int) {
        let points = incidents.points
        let names = zones.names
        let inPerimeter = try PointInPolygon.assign(points: points, to: zones.shapes)
        // Only incidents inside some perimeter are matched against the parcels.
        let kept = (0..<points.count).filter { !inPerimeter.polygons(containing: $0).isEmpty }
        let inParcel = try PointInPolygon.assign(points: kept.map { points[$0] }, to: parcels.shapes)
        // Labels and categories are interned as small integers; counts are
        // kept per packed (perimeter, label, category) key.
        var labelNames: [String] = [TenureLabel.nonCadastral]
        var labelOfManager: [String: Int] = [:]
        let parcelLabel: [Int32] = managers.map { m in
            if let l = labelOfManager[m] { return Int32(l) }
            labelNames.append(m)
            labelOfManager[m] = labelNames.count - 1
            return Int32(labelNames.count - 1)
        }
        var labelOfName = labelOfManager
        // In parallel: each incident's category (interned per chunk) and its
        // label (-1 when it falls in parcels of several managers).
        struct Chunk { var categories: [String] = []; var category: [Int32] = []; var label: [Int32] = [] }
        let chunks: [Chunk] = try parallelChunks(count: kept.count, minChunk: 4096) { r in
            var c = Chunk()
            var local: [String: Int32] = [:]
            c.category.reserveCapacity(r.count)
            c.label.reserveCapacity(r.count)
            for s in r {
                let found = inParcel.polygons(containing: s)
                if found.isEmpty {
                    c.label.append(0)
                } else if found.count == 1 {
                    c.label.append(parcelLabel[Int(found.first!)])
                } else {
                    let first = parcelLabel[Int(found.first!)]
                    c.label.append(found.allSatisfy { parcelLabel[Int($0)] == first } ? first : -1)
                }
                let name = categoryField.flatMap { FieldResolver.text(incidents.features[kept[s]], $0) } ?? TenureLabel.noCategory
                if let id = local[name] { c.category.append(id) } else {
                    let id = Int32(c.categories.count)
                    c.categories.append(name)
                    local[name] = id
                    c.category.append(id)
                }
            }
            return c
        }
        var categoryNames: [String] = []
        var categoryOf: [String: Int] = [:]
        var counts: [Int: Int] = [:]
        let perimeterCount = zones.count
        var s = 0
        for c in chunks {
            let global = c.categories.map { name -> Int in
                if let g = categoryOf[name] { return g }
                categoryNames.append(name)
                categoryOf[name] = categoryNames.count - 1
                return categoryNames.count - 1
            }
            for j in c.label.indices {
                var label = Int(c.label[j])
                if label < 0 {
                    let name = Set(inParcel.polygons(containing: s).map { managers[Int($0)] }).sorted().joined(separator: " + ")
                    if let l = labelOfName[name] { label = l } else {
                        labelNames.append(name)
                        label = labelNames.count - 1
                        labelOfName[name] = label
                    }
                }
                let category = global[Int(c.category[j])]
                for p in inPerimeter.polygons(containing: kept[s]) {
                    // Packed key: category, label, perimeter.
                    counts[(category << 40) | (label << 20) | Int(p), default: 0] += 1
                }
                s += 1
            }
        }
        precondition(perimeterCount < 1 << 20 && labelNames.count < 1 << 20)
        let rows = counts.map { key, n in
            TenureResult.Responsibility(perimeter: names[key & 0xFFFFF], managers: labelNames[(key >> 20) & 0xFFFFF],
                                        category: categoryNames[key >> 40], incidents: n)
        }
            .sorted { ($0.perimeter, $0.managers, $0.category) < ($1.perimeter, $1.managers, $1.category) }
        return (rows, kept.count, points.count - kept.count)
    }
}
