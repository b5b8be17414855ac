import CPROJ
import Foundation
import GUPModel

/// The projected CRS the analyses measure in, chosen from the data's extent.
public enum WorkingCRS {
    /// Chooses from a WGS 84 lon/lat box: metropolitan France Lambert-93
    /// (EPSG:2154); Guadeloupe and Martinique EPSG:5490; Guyane EPSG:2972;
    /// La Réunion EPSG:2975; Mayotte EPSG:4471; elsewhere the WGS 84 UTM
    /// zone of the box's centre.
    public static func choose(lonLatBounds b: BoundingBox) -> CRS {
        let c = b.center
        func inside(_ minLon: Double, _ minLat: Double, _ maxLon: Double, _ maxLat: Double) -> Bool {
            c.x >= minLon && c.x <= maxLon && c.y >= minLat && c.y <= maxLat
        }
        if inside(-5.8, 41.0, 10.0, 51.6) { return CRS("EPSG:2154") }
        if inside(-62.0, 14.2, -60.7, 16.6) { return CRS("EPSG:5490") }
        if inside(-54.7, 2.0, -51.5, 6.0) { return CRS("EPSG:2972") }
        if inside(55.1, -21.5, 56.0, -20.8) { return CRS("EPSG:2975") }
        if inside(44.9, -13.1, 45.4, -12.5) { return CRS("EPSG:4471") }
        let zone = min(60, max(1, Int(((c.x + 180) / 6).rounded(.down)) + 1))
        return CRS("EPSG:\(c.y >= 0 ? 32600 + zone : 32700 + zone)")
    }

    /// Chooses from layers in any CRS, from the bulk of the data, not its
    /// bounding box: one point per feature (its box's centre, in WGS 84), and
    /// the CRS of their median longitude and latitude. One stray parcel on
    /// another continent, or a geocode at (0, 0), used to move the box's
    /// centre into the ocean and the choice to a UTM zone, inflating every
    /// area by 17 to 70 % (issue 16, case 9). Layers holding only points
    /// count only when no other layer has geometries.
    ///
    /// Features far outside the chosen CRS's area of use are reported through
    /// `reporter`; metropolitan and overseas features together are an error
    /// (no one projected CRS serves both): the user chooses with `--crs`, or
    /// splits the file.
    public static func choose(for layers: [Layer], reporter: Reporter = SilentReporter()) throws -> CRS {
        let samples = try featureCentres(of: layers)
        guard !samples.isEmpty else { return CRS("EPSG:2154") }
        try refuseMetropoleAndOverseas(samples)
        // One buffer for both coordinates, in turn.
        var v = samples.lonLat.map(\.x)
        let medianX = Self.select(&v, rank: v.count / 2)
        for k in v.indices { v[k] = samples.lonLat[k].y }
        let median = Position(medianX, Self.select(&v, rank: v.count / 2))
        let crs = choose(lonLatBounds: BoundingBox(median))
        try reportOutsideAreaOfUse(samples, crs: crs, reporter: reporter)
        return crs
    }

    /// Reports the features of `layers` far outside the area of use of a
    /// working CRS the user gave (`--crs`, key `crs`).
    public static func reportOutsideAreaOfUse(of layers: [Layer], crs: CRS, reporter: Reporter) throws {
        try reportOutsideAreaOfUse(try featureCentres(of: layers), crs: crs, reporter: reporter)
    }

    /// One WGS 84 point per feature (the centre of its box) and where it
    /// came from. The features' names are built only for the few a message
    /// names: building one per feature was a string per incident, and with
    /// the two full sorts of the medians 54 % of `gup resume`'s main thread
    /// on 1,000,000 incidents (perf).
    struct Samples {
        var layers: [Layer] = []
        var lonLat: [Position] = []
        /// Per layer of `layers`: where its points start in `lonLat`, and the
        /// feature each of its points came from, nil when point j is feature j
        /// (every feature gave one: a million incidents need no such table).
        var starts: [Int] = []
        var featureOf: [[Int]?] = []
        var isEmpty: Bool { lonLat.isEmpty }

        func describe(_ k: Int) -> (source: String, feature: String) {
            let li = starts.lastIndex { $0 <= k }!
            let j = k - starts[li]
            let fi = featureOf[li].map { $0[j] } ?? j
            return (layers[li].source, layers[li].features[fi].label)
        }
    }

    /// The element of rank `rank` (0-based) of `values` in increasing
    /// order, by selection (Hoare's quickselect, median-of-three pivots):
    /// linear time where sorting a million coordinates took a tenth of a
    /// second. `values` is reordered. Non-empty, finite values.
    static func select(_ values: inout [Double], rank: Int) -> Double {
        precondition(!values.isEmpty && rank >= 0 && rank < values.count)
        var lo = 0, hi = values.count - 1
        return values.withUnsafeMutableBufferPointer { v in
            while lo < hi {
                let mid = lo + (hi - lo) / 2
                // Median of three as the pivot value.
                let a = v[lo], b = v[mid], c = v[hi]
                let pivot = max(min(a, b), min(max(a, b), c))
                var i = lo, j = hi
                while i <= j {
                    while v[i] < pivot { i += 1 }
                    while v[j] > pivot { j -= 1 }
                    if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
                }
                // Now v[lo...j] ≤ pivot ≤ v[i...hi], and v[j+1..<i] == pivot.
                if rank <= j { hi = j } else if rank >= i { lo = i } else { return v[rank] }
            }
            return v[rank]
        }
    }

    /// One WGS 84 point per feature (the centre of its box), of the layers
    /// that have more than points (or of all when none has).
    static func featureCentres(of layers: [Layer]) throws -> Samples {
        func pointsOnly(_ l: Layer) -> Bool {
            l.features.allSatisfy { f in
                switch f.geometry { case .point?, .multiPoint?, nil: return true; default: return false }
            }
        }
        let extentLayers = layers.filter { !pointsOnly($0) && $0.bounds != nil }
        var out = Samples()
        out.layers = extentLayers.isEmpty ? layers : extentLayers
        out.lonLat.reserveCapacity(out.layers.reduce(0) { $0 + $1.features.count })
        for l in out.layers {
            let start = out.lonLat.count
            var featureOf: [Int]? = nil
            for (fi, f) in l.features.enumerated() {
                let centre: Position
                if case .point(let p)? = f.geometry {
                    // A point is its own centre (no box built per incident).
                    centre = p
                } else if let b = f.geometry?.bounds {
                    centre = b.center
                } else {
                    centre = Position(.nan, .nan)
                }
                guard centre.x.isFinite, centre.y.isFinite else {
                    // The first feature giving no point starts the table of origins.
                    if featureOf == nil { featureOf = Array(0..<(out.lonLat.count - start)) }
                    continue
                }
                out.lonLat.append(centre)
                featureOf?.append(fi)
            }
            out.starts.append(start)
            out.featureOf.append(featureOf)
            if out.lonLat.count > start, !l.crs.isWGS84LonLat {
                let t = try CoordinateTransformer(from: l.crs, to: .wgs84)
                try out.lonLat.withUnsafeMutableBufferPointer { buf in
                    try t.transform(UnsafeMutableBufferPointer(rebasing: buf[start...]))
                }
            }
        }
        return out
    }

    /// The French territories whose data one working CRS cannot serve together.
    static let regions: [(name: String, minLon: Double, minLat: Double, maxLon: Double, maxLat: Double)] = [
        ("la métropole", -5.8, 41.0, 10.0, 51.6),
        ("la Guadeloupe ou la Martinique", -62.0, 14.2, -60.7, 16.6),
        ("la Guyane", -54.7, 2.0, -51.5, 6.0),
        ("La Réunion", 55.1, -21.5, 56.0, -20.8),
        ("Mayotte", 44.9, -13.1, 45.4, -12.5),
    ]

    static func refuseMetropoleAndOverseas(_ samples: Samples) throws {
        var count = [Int](repeating: 0, count: regions.count)
        var example = [Int?](repeating: nil, count: regions.count)
        // The boxes as plain numbers: the name of each region, copied with
        // its bounds per point, was most of this loop's time.
        let boxes = regions.map { (minLon: $0.minLon, minLat: $0.minLat, maxLon: $0.maxLon, maxLat: $0.maxLat) }
        for (k, p) in samples.lonLat.enumerated() {
            for r in boxes.indices {
                let b = boxes[r]
                if p.x >= b.minLon, p.x <= b.maxLon, p.y >= b.minLat, p.y <= b.maxLat {
                    count[r] += 1
                    if example[r] == nil { example[r] = k }
                    break
                }
            }
        }
        let present = count.indices.filter { count[$0] > 0 }
        guard present.count > 1 else { return }
        let parts = present.map { r -> String in
            let e = samples.describe(example[r]!)
            return "\(regions[r].name) (\(count[r]) entité(s), par exemple \(e.source), \(e.feature))"
        }
        throw GUPError("les données couvrent à la fois \(parts.joined(separator: " et ")) : aucun système de travail ne mesure juste partout ; choisissez-le avec --crs (clé « crs » du fichier de projet), par exemple EPSG:2154 pour la métropole, ou séparez le fichier par territoire")
    }

    /// Features more than one degree outside the CRS's area of use (PROJ's),
    /// where its areas and distances are distorted: reported, five named.
    static func reportOutsideAreaOfUse(_ samples: Samples, crs: CRS, reporter: Reporter) throws {
        guard let area = try areaOfUse(crs) else { return }
        let margin = 1.0
        func inside(_ p: Position) -> Bool {
            let inLat = p.y >= area.south - margin && p.y <= area.north + margin
            // An area crossing the antimeridian has west > east.
            let inLon = area.west <= area.east
                ? p.x >= area.west - margin && p.x <= area.east + margin
                : p.x >= area.west - margin || p.x <= area.east + margin
            return inLat && inLon
        }
        let outside = samples.lonLat.indices.filter { !inside(samples.lonLat[$0]) }
        guard !outside.isEmpty else { return }
        let named = outside.prefix(5).map { k -> String in
            let e = samples.describe(k), p = samples.lonLat[k]
            return "\(e.source), \(e.feature) (lon \(String(format: "%.2f", p.x)), lat \(String(format: "%.2f", p.y)))"
        }
        // PROJ names areas in English: the bounds are given instead.
        let bounds = String(format: "longitudes %.1f à %.1f, latitudes %.1f à %.1f", area.west, area.east, area.south, area.north)
            .replacingOccurrences(of: ".", with: ",")
        reporter.warning("\(outside.count) entité(s) loin du domaine de validité de \(crs) (\(bounds)) : leurs surfaces et distances y sont faussées ; vérifiez leurs coordonnées ou choisissez --crs : \(named.joined(separator: " ; "))\(outside.count > 5 ? "…" : "")")
    }

    /// PROJ's area of use of a CRS (degrees), nil when PROJ has none.
    static func areaOfUse(_ crs: CRS) throws -> (west: Double, south: Double, east: Double, north: Double, name: String)? {
        guard let ctx = PROJMessages.context() else { throw ProjectionError(message: "contexte") }
        defer { proj_context_destroy(ctx) }
        guard let pj = proj_create(ctx, crs.identifier) else { return nil }
        defer { proj_destroy(pj) }
        var w = 0.0, s = 0.0, e = 0.0, n = 0.0
        var name: UnsafePointer<CChar>?
        guard proj_get_area_of_use(ctx, pj, &w, &s, &e, &n, &name) != 0, w > -1000 else { return nil }
        return (w, s, e, n, name.map { String(cString: $0) } ?? "\(crs)")
    }

    /// The meridian convergence (degrees, angle from grid north to true
    /// north) of a projected CRS at a lon/lat point, from PROJ's factors.
    public static func meridianConvergence(of crs: CRS, lon: Double, lat: Double) throws -> Double {
        let op = try ConvergenceOperation.shared(crs)
        var c = PJ_COORD()
        c.lpzt.lam = lon * .pi / 180
        c.lpzt.phi = lat * .pi / 180
        let f = proj_factors(op.op, c)
        if proj_errno(op.op) != 0 {
            proj_errno_reset(op.op)
            throw ProjectionError(message: "facteurs de \(crs) indisponibles")
        }
        return f.meridian_convergence * 180 / .pi
    }
}

/// The object PROJ's factors are computed on for a projected CRS, with its
/// own PROJ context, one per thread (see `CoordinateTransformer.shared`):
/// owns both and frees them once.
///
/// Why not `proj_factors` on the CRS itself: given a projected CRS, PROJ
/// 9.1 builds a temporary lon/lat → CRS operation at every call, a search
/// of its database (`createOperations`): 13 % of the processor time of a
/// 60-quartier dossier went to sqlite from the plans' north arrows (perf,
/// call graphs through `proj_factors`). The CRS's projection, as PROJ
/// writes it (`proj_as_proj_string`: `+proj=lcc +lat_1=49 … +ellps=GRS80`),
/// is the classic projection object `proj_factors` takes (lon/lat in
/// radians), built once. A CRS PROJ cannot write as such a string keeps
/// the CRS itself (slower, same factors).
final class ConvergenceOperation {
    let ctx: OpaquePointer
    let op: OpaquePointer

    init(_ crs: CRS) throws {
        guard let c = PROJMessages.context() else { throw ProjectionError(message: "contexte") }
        guard let projected = proj_create(c, crs.identifier) else {
            proj_context_destroy(c)
            throw ProjectionError(message: "système \(crs) inconnu")
        }
        ctx = c
        if let text = proj_as_proj_string(c, projected, PJ_PROJ_5, nil) {
            // "+type=crs" would make a CRS object again: the bare projection is wanted.
            let projection = String(cString: text).replacingOccurrences(of: "+type=crs", with: "")
            if let p = proj_create(c, projection) {
                proj_destroy(projected)   // the projection object replaces the CRS object
                op = p
                return
            }
        }
        op = projected   // owned from here, freed in deinit
    }

    deinit {
        proj_destroy(op)
        proj_context_destroy(ctx)
    }

    static func shared(_ crs: CRS) throws -> ConvergenceOperation {
        let key = "gupkit.proj.convergence|\(crs.identifier)"
        let dict = Thread.current.threadDictionary
        if let o = dict[key] as? ConvergenceOperation { return o }
        let o = try ConvergenceOperation(crs)
        dict[key] = o
        return o
    }
}

extension WorkingCRS {
    /// Refuses a working CRS the analyses cannot measure in: one PROJ does
    /// not know, or one that is not projected (degrees would make areas in
    /// square degrees). Returns the CRS when it is usable.
    @discardableResult
    public static func checkProjected(_ crs: CRS) throws -> CRS {
        guard let ctx = PROJMessages.context() else { throw ProjectionError(message: "contexte") }
        defer { proj_context_destroy(ctx) }
        guard let pj = proj_create(ctx, crs.identifier) else {
            throw ProjectionError(message: "système de coordonnées \(crs) inconnu de PROJ")
        }
        defer { proj_destroy(pj) }
        let t = proj_get_type(pj)
        let advice = "choisissez par exemple EPSG:2154 (Lambert-93) ou laissez le système être choisi d'après l'emprise"
        switch t {
        case PJ_TYPE_PROJECTED_CRS:
            break
        case PJ_TYPE_VERTICAL_CRS:
            throw ProjectionError(message: "\(crs) est un système vertical (des altitudes), pas un système horizontal : il ne peut pas servir de système de travail ; \(advice)")
        case PJ_TYPE_GEOCENTRIC_CRS:
            throw ProjectionError(message: "\(crs) est un système géocentrique (X, Y, Z depuis le centre de la Terre), pas un système projeté : \(advice)")
        case PJ_TYPE_COMPOUND_CRS:
            throw ProjectionError(message: "\(crs) est un système composé (horizontal + altitudes) : donnez sa partie horizontale projetée ; \(advice)")
        default:
            throw ProjectionError(message: "\(crs) n'est pas un système projeté en mètres : les surfaces seraient en degrés carrés ; \(advice)")
        }
        // Web Mercator (EPSG:3857 and its aliases) is projected but not
        // equal-area: at 45° N its areas are twice the true ones (1/cos²φ).
        if let op = proj_crs_get_coordoperation(ctx, pj) {
            defer { proj_destroy(op) }
            var method: UnsafePointer<CChar>?
            if proj_coordoperation_get_method_info(ctx, op, &method, nil, nil) != 0, let m = method,
               String(cString: m).localizedCaseInsensitiveContains("Pseudo Mercator") {
                throw ProjectionError(message: "\(crs) est le Web Mercator des fonds de carte : ses surfaces sont fausses (× 1,9 à la latitude de la France, × 1/cos² de la latitude ailleurs) ; \(advice)")
            }
        }
        return crs
    }

    nonisolated(unsafe) private static var horizontalChecked: [String: String?] = [:]
    private static let horizontalLock = NSLock()

    /// Refuses as the CRS of a layer's coordinates a vertical or geocentric
    /// CRS (EPSG:5714 read as x, y gave coordinates in nonsense). Cached per
    /// identifier (every transformer asks).
    public static func checkHorizontal(_ crs: CRS) throws {
        horizontalLock.lock()
        let cached = horizontalChecked[crs.identifier]
        horizontalLock.unlock()
        if let cached {
            if let m = cached { throw ProjectionError(message: m) }
            return
        }
        var problem: String?
        if let ctx = PROJMessages.context() {
            defer { proj_context_destroy(ctx) }
            if let pj = proj_create(ctx, crs.identifier) {
                defer { proj_destroy(pj) }
                switch proj_get_type(pj) {
                case PJ_TYPE_VERTICAL_CRS:
                    problem = "\(crs) est un système vertical (des altitudes) : il ne situe pas des positions horizontales ; déclarez le système horizontal des coordonnées (par exemple EPSG:2154 ou EPSG:4326)"
                case PJ_TYPE_GEOCENTRIC_CRS:
                    problem = "\(crs) est un système géocentrique (X, Y, Z) : les fichiers lus doivent être en longitude/latitude ou en projection ; déclarez par exemple EPSG:4326 ou EPSG:2154"
                default: break
                }
            }
        }
        horizontalLock.lock(); horizontalChecked[crs.identifier] = .some(problem); horizontalLock.unlock()
        if let problem { throw ProjectionError(message: problem) }
    }
}

extension WorkingCRS {
    /// The CRS as ESRI WKT 1, from PROJ: the content of a `.prj` file beside
    /// a raster or a Shapefile (GDAL and QGIS read the CRS of an ESRI ASCII
    /// grid `densite_noyau.asc` from `densite_noyau.prj`).
    public static func esriWKT(of crs: CRS) throws -> String {
        // Kept per CRS: the dossier writes a .prj for every quartier's grid,
        // and each definition is a search of PROJ's database.
        esriLock.lock()
        let known = esriCache[crs.identifier]
        esriLock.unlock()
        if let known { return known }
        let wkt = try wkt(of: crs, PJ_WKT1_ESRI, named: "ESRI")
        esriLock.lock(); esriCache[crs.identifier] = wkt; esriLock.unlock()
        return wkt
    }

    nonisolated(unsafe) private static var esriCache: [String: String] = [:]
    private static let esriLock = NSLock()

    /// The CRS as WKT 2 (ISO 19162:2019), from PROJ: what a QGIS project
    /// (`dossier.qgs`) stores beside the CRS's authority code (once per dossier).
    public static func wkt2(of crs: CRS) throws -> String {
        try wkt(of: crs, PJ_WKT2_2019, named: "WKT 2")
    }

    private static func wkt(of crs: CRS, _ type: PJ_WKT_TYPE, named: String) throws -> String {
        guard let ctx = PROJMessages.context() else { throw ProjectionError(message: "contexte") }
        defer { proj_context_destroy(ctx) }
        guard let pj = proj_create(ctx, crs.identifier) else {
            throw ProjectionError(message: "système de coordonnées \(crs) inconnu de PROJ")
        }
        defer { proj_destroy(pj) }
        // Single line: the form ESRI and GDAL write in .prj files (and plain in XML).
        let copy = strdup("MULTILINE=NO")
        defer { free(copy) }
        var options: [UnsafePointer<CChar>?] = [UnsafePointer(copy), nil]
        let wkt: String? = options.withUnsafeMutableBufferPointer { opts in
            proj_as_wkt(ctx, pj, type, UnsafePointer(opts.baseAddress!)).map { String(cString: $0) }   // owned by pj: copied, not freed
        }
        guard let wkt, !wkt.isEmpty else {
            throw ProjectionError(message: "\(crs) : pas de définition \(named) (PROJ)")
        }
        return wkt
    }
}
