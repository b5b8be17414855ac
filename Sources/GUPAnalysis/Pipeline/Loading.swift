import Foundation
import GUPFormats
import GUPModel
import GUPProjection
import GUPTopology

/// What a layer is expected to hold.
public enum GeometryExpectation: Sendable {
    /// Polygons (perimeters, parcels, residences, sectors).
    case areal
    /// Points (incidents); a polygon is reduced to its point on surface.
    case point
    /// Anything.
    case any
    /// Anything (lines, surfaces, points), each with its GEOS handle so the
    /// layer can be indexed (orientation layers: roads, water, places).
    case shaped
}

/// What happened to the features of one layer on loading: every feature
/// read is either used, repaired (and counted) or reported as skipped.
public struct LoadSummary: Sendable, Equatable {
    public var layer: String
    public var source: String
    public var sourceCRS: String
    public var read: Int
    public var used: Int
    public var repaired: Int
    /// Skipped features: label and reason, in file order.
    public var skipped: [Skipped]

    public struct Skipped: Sendable, Equatable {
        public var feature: String
        public var reason: String
    }

    /// One French line: « parcelles : 4 241 lues, 4 240 utilisées (3 réparées), 1 ignorée ».
    public var line: String {
        var s = "\(layer) : \(read) entité(s) lue(s), \(used) utilisée(s)"
        if repaired > 0 { s += " dont \(repaired) réparée(s)" }
        if !skipped.isEmpty { s += ", \(skipped.count) ignorée(s)" }
        return s
    }
}

/// A layer ready for analysis: geometries in the working CRS, valid, with
/// their GEOS handles (areal layers) built once.
public struct WorkingLayer: @unchecked Sendable {
    public var name: String
    public var source: String
    public var crs: CRS
    /// Features kept, geometry in the working CRS (repaired where needed).
    public var features: [Feature]
    /// GEOS geometries aligned with `features` (areal layers), else empty.
    public var shapes: [GeometryHandle]
    public var summary: LoadSummary
    /// An STRtree over the shapes (areal layers), when built by `indexed()`;
    /// plans drawn over city-wide layers visit only the features near them.
    public var index: SpatialIndex? = nil

    public var count: Int { features.count }

    /// The layer with its STRtree built (areal layers; others unchanged).
    public func indexed() throws -> WorkingLayer {
        guard !shapes.isEmpty, shapes.count == features.count else { return self }
        var w = self
        w.index = try SpatialIndex(shapes)
        return w
    }

    /// Points of a point layer, aligned with `features`.
    public var points: [Position] {
        features.map { f in
            if case .point(let p)? = f.geometry { return p }
            return f.geometry?.bounds?.center ?? Position(.nan, .nan)
        }
    }
}

/// How to read a layer: its display name and the CRS of a source that
/// declares none (`--crs-source`, a layer's `crs` key in `dossier.toml`).
public struct ReadOptions: Sendable, Equatable {
    public var name: String?
    public var declaredCRS: CRS?
    public init(name: String? = nil, declaredCRS: CRS? = nil) {
        self.name = name
        self.declaredCRS = declaredCRS
    }
}

public enum Loader {
    /// Reads a layer from any source: the one place where the format is
    /// decided, for every command and the dossier. A file starting like
    /// JSON goes to the project's GeoJSON reader; everything else
    /// (Shapefile, zip, GeoPackage, FlatGeobuf, KML, GML, CSV, `PG:`
    /// connections) to GDAL. The format comes from the first bytes, never
    /// from the extension.
    ///
    /// A source's own CRS wins; `options.declaredCRS` applies only to
    /// sources declaring none, and then the coordinates must fall in that
    /// CRS's area of use (else an error saying what they look like).
    public static func read(_ source: DataSource, options: ReadOptions = ReadOptions()) throws -> Layer {
        let declared = options.declaredCRS
        var layer: Layer
        var fileCRS: Bool
        let wholeFile = !source.isConnection && source.layer == nil && source.query == nil
        if wholeFile, !FileManager.default.fileExists(atPath: source.location) {
            throw GUPError.input(file: source.location, "fichier introuvable")
        }
        if wholeFile, try FileKind.sniff(path: source.location) == .geoJSON {
            layer = try GeoJSONReader.read(path: source.location, name: options.name, defaultCRS: declared)
            // The reader applies `declared` only to files without a `crs` member.
            fileCRS = declared == nil || layer.crs != declared
            if declared == nil { return layer }   // lon/lat range checked by the reader
        } else {
            let outcome = try VectorReader.read(source, name: options.name)
            layer = outcome.layer
            fileCRS = outcome.crsDeclared
            if !fileCRS, let declared { layer.crs = declared }
        }
        if !fileCRS {
            let how = declared == nil
                ? "le fichier ne déclarant pas de système, WGS 84 a été supposé"
                : "système donné pour les fichiers qui n'en déclarent pas"
            try AreaOfUse.check(layer, how: how)
        }
        return layer
    }

    /// Reads a file or a source written as on the command line (see `DataSource.parse`).
    public static func read(path: String, name: String? = nil, declaredCRS: CRS? = nil) throws -> Layer {
        try read(DataSource.parse(path), options: ReadOptions(name: name, declaredCRS: declaredCRS))
    }

    /// Brings a layer into the working CRS, repairs invalid polygons
    /// (GEOS make-valid, keeping the polygonal part), skips null or
    /// unusable geometries, and reports it all. Uses every core.
    ///
    /// The layer is consumed: its features are rewritten in place, in the
    /// array the reader built, when the caller hands it over (its last use,
    /// or `Dictionary.removeValue`); a caller that keeps its layer pays one
    /// copy of the array. Before, each chunk gathered copies of its features
    /// and the merge copied them again: for a million incidents two more
    /// arrays of 64 MB, a fifth of `gup resume`'s page faults (perf
    /// `-e page-faults`), and a million retains and releases.
    public static func prepare(_ layer: consuming Layer, to working: CRS, expecting: GeometryExpectation,
                               reporter: Reporter = SilentReporter()) throws -> WorkingLayer {
        let n = layer.features.count
        let transformer = try CoordinateTransformer.shared(from: layer.crs, to: working)
        let name = layer.name, source = layer.source, crs = layer.crs
        var features: [Feature] = []
        swap(&features, &layer.features)   // `features` is now the only reference (when the caller gave up its own)
        enum Outcome { case used(Geometry, GeometryHandle?, repaired: Bool), skipped(String, String) }
        /// What one chunk did: features it skipped (their offsets, in order),
        /// the handles of the features it kept, repairs.
        struct Chunk {
            var shapes: [GeometryHandle] = []
            var repaired = 0
            var skippedAt: [Int] = []
            var skipped: [LoadSummary.Skipped] = []
        }
        // In chunks on every core, each chunk with its own PROJ transformer,
        // each writing the geometries of its own range of `features`.
        let minChunk = 256
        let chunks = try features.withUnsafeMutableBufferPointer { buf in
            try parallelChunks(count: n, minChunk: minChunk) { range -> Chunk in
                let t = try CoordinateTransformer.shared(from: transformer.source, to: transformer.target)
                if expecting == .point || expecting == .any, let batch = try pointsInOneCall(range, buf, crs: crs, transformer: t) { return batch }
                var c = Chunk()
                for k in range {
                    switch try prepareOne(buf[k], crs: crs, transformer: t, expecting: expecting) {
                    case .used(let g, let h, let r):
                        buf[k].geometry = g
                        if let h { c.shapes.append(h) }
                        if r { c.repaired += 1 }
                    case .skipped(let label, let why):
                        c.skippedAt.append(k)
                        c.skipped.append(.init(feature: label, reason: why))
                    }
                }
                return c
            }
        }
        var shapes: [GeometryHandle] = []
        var summary = LoadSummary(layer: name, source: source, sourceCRS: crs.identifier,
                                  read: n, used: 0, repaired: 0, skipped: [])
        var skippedAt: [Int] = []
        shapes.reserveCapacity(chunks.reduce(0) { $0 + $1.shapes.count })
        for c in chunks {
            shapes.append(contentsOf: c.shapes)
            summary.repaired += c.repaired
            summary.skipped.append(contentsOf: c.skipped)
            skippedAt.append(contentsOf: c.skippedAt)
        }
        if !skippedAt.isEmpty {
            // Close the gaps left by skipped features, in order.
            var kept = 0, next = 0
            for k in 0..<n {
                if next < skippedAt.count, skippedAt[next] == k { next += 1; continue }
                if kept != k { features.swapAt(kept, k) }
                kept += 1
            }
            features.removeLast(n - kept)
        }
        summary.used = features.count
        reporter.info(summary.line)
        if summary.repaired > 0 {
            reporter.warning("\(source) : \(summary.repaired) géométrie(s) invalide(s) réparée(s) (GEOS make-valid)")
        }
        for s in summary.skipped.prefix(10) {
            reporter.warning("\(source), \(s.feature) : ignorée (\(s.reason))")
        }
        if summary.skipped.count > 10 {
            reporter.warning("\(source) : \(summary.skipped.count - 10) autre(s) entité(s) ignorée(s)")
        }
        return WorkingLayer(name: name, source: source, crs: working, features: features,
                            shapes: shapes, summary: summary)

        /// A chunk of points projected in one PROJ call (a million incidents
        /// one call each cost more than reading them); nil when the chunk
        /// holds anything else or a point fails, to go feature by feature.
        func pointsInOneCall(_ range: Range<Int>, _ buf: UnsafeMutableBufferPointer<Feature>, crs: CRS,
                             transformer: CoordinateTransformer) throws -> Chunk? {
            var positions: [Position] = []
            positions.reserveCapacity(range.count)
            for k in range {
                guard case .point(let p)? = buf[k].geometry else { return nil }
                positions.append(p)
            }
            do { try transformer.transform(&positions) } catch { return nil }
            let zeroIsMissing = expecting == .point && crs.isWGS84LonLat
            var c = Chunk()
            for (n, k) in range.enumerated() {
                if zeroIsMissing, case .point(let p0)? = buf[k].geometry, p0.x == 0, p0.y == 0 {
                    c.skippedAt.append(k)
                    c.skipped.append(.init(feature: buf[k].label, reason: "position (0, 0) : géocodage manquant"))
                    continue
                }
                buf[k].geometry = .point(positions[n])
            }
            return c
        }

        func prepareOne(_ f: Feature, crs: CRS, transformer: CoordinateTransformer,
                        expecting: GeometryExpectation) throws -> Outcome {
            guard var g0 = f.geometry else { return .skipped(f.label, "géométrie nulle") }
            var repaired = false
            if expecting == .areal {
                guard g0.isAreal else {
                    return .skipped(f.label, "géométrie de type \(g0.typeName) là où un polygone est attendu")
                }
                // Validity is judged first in the source CRS, as the producer drew it.
                let h0: GeometryHandle
                do { h0 = try GeometryHandle(g0) } catch {
                    return .skipped(f.label, "géométrie refusée par GEOS : \(error.localizedDescription)")
                }
                if try !h0.isValid() {
                    guard let fixed = try repair(h0) else {
                        return .skipped(f.label, "géométrie invalide sans surface après réparation")
                    }
                    g0 = try fixed.geometry()
                    repaired = true
                } else if case .geometryCollection = g0 {
                    // Members of a collection may overlap (GEOS validates them one
                    // by one): dissolve them into one (multi)polygon.
                    let polys = try h0.polygonParts()
                    guard !polys.isEmpty else { return .skipped(f.label, "collection sans polygone") }
                    let dissolved = try GeometryHandle.unaryUnion(polys)
                    let before = try polys.reduce(0.0) { $0 + (try $1.area()) }
                    if abs(try dissolved.area() - before) > 1e-12 * max(1, abs(before)) { repaired = true }
                    g0 = try dissolved.geometry()
                }
            }
            let g: Geometry
            do { g = try transformer.transform(g0) } catch {
                return .skipped(f.label, "coordonnées impossibles à projeter en \(working) (\(error.localizedDescription))")
            }
            if expecting == .point, crs.isWGS84LonLat, case .point(let p0) = g0, p0.x == 0, p0.y == 0 {
                return .skipped(f.label, "position (0, 0) : géocodage manquant")
            }
            switch expecting {
            case .any:
                return .used(g, nil, repaired: false)
            case .shaped:
                guard g.positionCount > 0 else { return .skipped(f.label, "géométrie vide") }
                return try checked(g, label: f.label, areal: g.isAreal, repaired: repaired)
            case .point:
                if case .point = g { return .used(g, nil, repaired: false) }
                guard g.isAreal || g.positionCount > 0 else { return .skipped(f.label, "géométrie vide") }
                let h = try GeometryHandle(g)
                let p = try h.pointOnSurface()
                guard !p.isEmpty else { return .skipped(f.label, "géométrie vide") }
                return .used(.point(try p.pointPosition()), nil, repaired: false)
            case .areal:
                return try checked(g, label: f.label, areal: true, repaired: repaired)
            }
        }

        /// The geometry with its GEOS handle; a surface made invalid by the
        /// projection (a valid ring may come to touch itself) is repaired again.
        func checked(_ g: Geometry, label: @autoclosure () -> String, areal: Bool, repaired: Bool) throws -> Outcome {
            var out = g, repaired = repaired
            var h = try GeometryHandle(g)
            if areal, try !h.isValid() {
                guard let fixed = try repair(h) else {
                    return .skipped(label(), "géométrie invalide sans surface après réparation")
                }
                h = fixed
                out = try h.geometry()
                repaired = true
            }
            if h.isEmpty { return .skipped(label(), "géométrie vide") }
            return .used(out, h, repaired: repaired)
        }

        /// make-valid, keeping the polygonal part; nil when nothing areal is left.
        func repair(_ h: GeometryHandle) throws -> GeometryHandle? {
            let polys = try h.makeValid().polygonParts()
            if polys.isEmpty { return nil }
            return polys.count == 1 ? polys[0] : try GeometryHandle.collection(polys, type: .multiPolygon)
        }
    }

    /// Reads and prepares in one step.
    public static func load(path: String, name: String? = nil, declaredCRS: CRS? = nil, working: CRS,
                            expecting: GeometryExpectation, reporter: Reporter = SilentReporter()) throws -> WorkingLayer {
        try prepare(read(path: path, name: name, declaredCRS: declaredCRS), to: working, expecting: expecting, reporter: reporter)
    }
}
