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
    public static func prepare(_ layer: Layer, to working: CRS, expecting: GeometryExpectation,
                               reporter: Reporter = SilentReporter()) throws -> WorkingLayer {
        let n = layer.features.count
        let transformer = try CoordinateTransformer.shared(from: layer.crs, to: working)
        enum Outcome { case used(Feature, GeometryHandle?, repaired: Bool), skipped(String, String) }
        /// What one chunk kept, in order. Chunks gather their features
        /// themselves: an `Outcome` per feature, copied and destroyed again
        /// in the sequential merge, was a third of the preparation of a
        /// million incidents on the main thread (perf, `gup resume`).
        struct Chunk {
            var features: [Feature] = []
            var shapes: [GeometryHandle] = []
            var repaired = 0
            var skipped: [LoadSummary.Skipped] = []

            mutating func add(_ o: Outcome) {
                switch o {
                case .used(let f, let h, let r):
                    features.append(f)
                    if let h { shapes.append(h) }
                    if r { repaired += 1 }
                case .skipped(let label, let why):
                    skipped.append(.init(feature: label, reason: why))
                }
            }
        }
        // In chunks on every core, each chunk with its own PROJ transformer.
        let minChunk = 256
        let chunks = try parallelChunks(count: n, minChunk: minChunk) { range -> Chunk in
            let t = try CoordinateTransformer.shared(from: transformer.source, to: transformer.target)
            if expecting == .point || expecting == .any, let batch = try pointsInOneCall(range, layer: layer, transformer: t) { return batch }
            var c = Chunk()
            c.features.reserveCapacity(range.count)
            for k in range { c.add(try prepareOne(layer.features[k], layer: layer, transformer: t, expecting: expecting)) }
            return c
        }
        var features: [Feature] = []
        var shapes: [GeometryHandle] = []
        features.reserveCapacity(n)
        var summary = LoadSummary(layer: layer.name, source: layer.source, sourceCRS: layer.crs.identifier,
                                  read: n, used: 0, repaired: 0, skipped: [])
        for c in chunks {
            features.append(contentsOf: c.features)
            shapes.append(contentsOf: c.shapes)
            summary.repaired += c.repaired
            summary.skipped.append(contentsOf: c.skipped)
        }
        summary.used = features.count
        reporter.info(summary.line)
        if summary.repaired > 0 {
            reporter.warning("\(layer.source) : \(summary.repaired) géométrie(s) invalide(s) réparée(s) (GEOS make-valid)")
        }
        for s in summary.skipped.prefix(10) {
            reporter.warning("\(layer.source), \(s.feature) : ignorée (\(s.reason))")
        }
        if summary.skipped.count > 10 {
            reporter.warning("\(layer.source) : \(summary.skipped.count - 10) autre(s) entité(s) ignorée(s)")
        }
        return WorkingLayer(name: layer.name, source: layer.source, crs: working, features: features,
                            shapes: shapes, summary: summary)

        /// A chunk of points projected in one PROJ call (a million incidents
        /// one call each cost more than reading them); nil when the chunk
        /// holds anything else or a point fails, to go feature by feature.
        func pointsInOneCall(_ range: Range<Int>, layer: Layer, transformer: CoordinateTransformer) throws -> Chunk? {
            var positions: [Position] = []
            positions.reserveCapacity(range.count)
            for k in range {
                guard case .point(let p)? = layer.features[k].geometry else { return nil }
                positions.append(p)
            }
            let original = positions
            do { try transformer.transform(&positions) } catch { return nil }
            let zeroIsMissing = expecting == .point && layer.crs.isWGS84LonLat
            var c = Chunk()
            c.features.reserveCapacity(range.count)
            for (n, k) in range.enumerated() {
                let f = layer.features[k]
                if zeroIsMissing, original[n].x == 0, original[n].y == 0 {
                    c.skipped.append(.init(feature: f.label, reason: "position (0, 0) : géocodage manquant"))
                    continue
                }
                var out = f
                out.geometry = .point(positions[n])
                c.features.append(out)
            }
            return c
        }

        func prepareOne(_ f: Feature, layer: Layer, transformer: CoordinateTransformer,
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
            if expecting == .point, layer.crs.isWGS84LonLat, case .point(let p0) = g0, p0.x == 0, p0.y == 0 {
                return .skipped(f.label, "position (0, 0) : géocodage manquant")
            }
            var out = f
            out.geometry = g
            switch expecting {
            case .any:
                return .used(out, nil, repaired: false)
            case .shaped:
                guard g.positionCount > 0 else { return .skipped(f.label, "géométrie vide") }
                return try checked(out, areal: g.isAreal, repaired: repaired)
            case .point:
                if case .point = g { return .used(out, nil, repaired: false) }
                guard g.isAreal || g.positionCount > 0 else { return .skipped(f.label, "géométrie vide") }
                let h = try GeometryHandle(g)
                let p = try h.pointOnSurface()
                guard !p.isEmpty else { return .skipped(f.label, "géométrie vide") }
                out.geometry = .point(try p.pointPosition())
                return .used(out, nil, repaired: false)
            case .areal:
                return try checked(out, areal: true, repaired: repaired)
            }
        }

        /// The feature with its GEOS handle; a surface made invalid by the
        /// projection (a valid ring may come to touch itself) is repaired again.
        func checked(_ f: Feature, areal: Bool, repaired: Bool) throws -> Outcome {
            var out = f, repaired = repaired
            var h = try GeometryHandle(f.geometry!)
            if areal, try !h.isValid() {
                guard let fixed = try repair(h) else {
                    return .skipped(f.label, "géométrie invalide sans surface après réparation")
                }
                h = fixed
                out.geometry = try h.geometry()
                repaired = true
            }
            if h.isEmpty { return .skipped(f.label, "géométrie vide") }
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
