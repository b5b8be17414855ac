import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads GeoJSON into a `Layer`: RFC 7946 FeatureCollection, Feature, bare
/// Geometry, and GeoJSON text sequences (RFC 8142, or one feature per line).
///
/// The parser works on the bytes of a memory-mapped file and builds
/// `Feature`s directly: no generic JSON tree, no Foundation JSON. A large
/// FeatureCollection is split after a fast structural scan of its `features`
/// array and parsed on every core. Structural errors throw a French message
/// with line:column and JSON pointer (from `GeoJSONValidator`, run only when
/// the fast parser fails).
public enum GeoJSONReader {
    public static func read(path: String, name: String? = nil) throws -> Layer {
        try read(path: path, name: name, defaultCRS: nil)
    }

    /// Reads a file; `defaultCRS` applies when the file declares no `crs`
    /// (then coordinates are not checked against lon/lat ranges).
    public static func read(path: String, name: String? = nil, defaultCRS: CRS?) throws -> Layer {
        let file = try MappedFile(path: path)
        let layerName = name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try withExtendedLifetime(file) {
            let layer: Layer
            do {
                layer = try read(bytes: file.bytes, source: path, name: layerName, defaultCRS: defaultCRS,
                                 checkLonLat: true, release: file.release)
            } catch {
                // An error caused by the file changing is reported as such.
                try file.checkUnchanged()
                throw error
            }
            try file.checkUnchanged()
            return layer
        }
    }

    /// `checkLonLat`: refuse coordinates outside lon/lat range when the
    /// file declares no CRS (turn off when the caller declares one).
    public static func read(data: Data, source: String, name: String, checkLonLat: Bool = true) throws -> Layer {
        try data.withUnsafeBytes { raw in
            try read(bytes: raw.bindMemory(to: UInt8.self), source: source, name: name, defaultCRS: nil,
                     checkLonLat: checkLonLat, release: nil)
        }
    }

    /// Files smaller than this are parsed on one core.
    public static var parallelThreshold = 4 << 20

    static func read(bytes: UnsafeBufferPointer<UInt8>, source: String, name: String, defaultCRS: CRS?,
                     checkLonLat: Bool, release: ((Range<Int>) -> Void)?) throws -> Layer {
        // Invalid UTF-8 (a Latin-1 or UTF-16 file) is refused in every command,
        // located as `gup verifier` does, before « S\u{FFFD}vign\u{FFFD} » reaches an output.
        if let bad = TextDecoding.firstInvalidUTF8(bytes) {
            let v = GeoJSONValidator.validate(bytes: bytes, maxIssues: 1, checkLonLat: false)
            if let first = v.issues.first(where: { $0.severity == .error }) { throw GUPError(first.located(in: source)) }
            var locator = SourceLocator(bytes)
            let loc = locator.location(of: bad)
            throw GUPError("\(source):\(loc.line):\(loc.column) : \(TextDecoding.describeEncoding(bytes, at: bad))")
        }
        let result: FastParser.Document
        do {
            var p = FastParser(bytes: bytes)
            p.release = release
            p.parallel = bytes.count >= parallelThreshold && Processors.active > 1
            result = try p.document()
        } catch let e as FastParser.Failure {
            // The strict validator names the problem precisely (line:column, pointer).
            let v = GeoJSONValidator.validate(bytes: bytes, maxIssues: 50, checkLonLat: checkLonLat && defaultCRS == nil)
            if let first = v.issues.first(where: { $0.severity == .error }) {
                throw GUPError(first.located(in: source))
            }
            var locator = SourceLocator(bytes)
            let loc = locator.location(of: e.offset)
            throw GUPError("\(source):\(loc.line):\(loc.column) : \(e.message)")
        }
        var crs = CRS.wgs84
        var declared = false
        if let c = result.crs {
            guard let parsed = CRS.parse(c) else {
                throw GUPError.input(file: source, "système de coordonnées « \(c) » non reconnu dans le membre crs")
            }
            crs = parsed
            declared = true
        } else if let d = defaultCRS {
            crs = d
            declared = true
        }
        let layer = Layer(name: name, source: source, crs: crs, features: result.features)
        // The parser notes whether any position lies outside lon/lat range: the
        // layer is walked again (to name the first such feature) only then.
        if !declared && checkLonLat && result.outsideLonLat {
            do { try Self.checkLonLat(layer, sequence: result.isSequence) } catch {
                // Say where, as the validator does.
                let v = GeoJSONValidator.validate(bytes: bytes, maxIssues: 50)
                if let first = v.issues.first(where: { $0.severity == .error }) { throw GUPError(first.located(in: source)) }
                throw error
            }
        }
        return layer
    }

    static let geometryTypes: Set<String> = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"]

    /// The hint given when coordinates are outside lon/lat range.
    public static func crsHint(for p: Position) -> String {
        if p.x > 50_000, p.x < 1_300_000, p.y > 6_000_000, p.y < 7_200_000 {
            return "elles ressemblent à du Lambert-93 (EPSG:2154) : ajoutez au fichier \"crs\": {\"type\": \"name\", \"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::2154\"}} ou passez --crs-source EPSG:2154"
        }
        return "déclarez son système de coordonnées (membre « crs » du fichier ou option --crs-source)"
    }

    /// Coordinates outside lon/lat range in a file without `crs` are an
    /// error that says which CRS they look like.
    static func checkLonLat(_ layer: Layer, sequence: Bool = false) throws {
        for f in layer.features {
            guard let g = f.geometry else { continue }
            var bad: Position?
            g.forEachPosition { p in
                if bad == nil, !(abs(p.x) <= 180 && abs(p.y) <= 90) { bad = p }
            }
            if let p = bad {
                let pointer = sequence ? "texte n° \(f.index + 1), /geometry" : "/features/\(f.index)/geometry"
                throw GUPError.input(file: layer.source, feature: "\(f.label) [\(pointer)]",
                    "coordonnées (\(p.x), \(p.y)) hors des bornes longitude/latitude alors que le fichier ne déclare pas de système de coordonnées ; \(crsHint(for: p))")
            }
        }
    }
}

/// A read-only memory map of a whole input file, guarded against the file
/// changing under it.
///
/// A mapped file shortened by another program while it is parsed used to kill
/// the process with SIGBUS (issue 16, case 2). Reading the file into memory
/// instead cost 0.12 s of system time per 179 MB (the copy and its page
/// faults), 18 to 20 % of the parse: so the map is kept, and a SIGBUS inside a
/// guarded map is caught (`MapGuard`): the missing pages are replaced by
/// zeros, the parse goes on to its end or to a syntax error, and
/// `checkUnchanged()` then reports « le fichier a changé pendant sa lecture »;
/// a change of size or modification time is reported the same way.
public final class MappedFile: @unchecked Sendable {
    /// The file mapping (munmap in deinit); nil for an empty file.
    private let base: UnsafeMutableRawPointer?
    private let count: Int
    private let path: String
    private let slot: Int
    private let before: (size: Int, mtime: timespec)

    public init(path: String) throws {
        let (fd, size) = try InputFile.openRegular(path: path)
        defer { close(fd) }
        self.path = path
        var st = stat()
        fstat(fd, &st)
        before = (size, st.st_mtim)
        count = size
        if size == 0 { base = nil; slot = -1; return }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else {
            throw GUPError.input(file: path, "fichier illisible (mmap : \(SystemError.french(errno)))")
        }
        base = p
        slot = MapGuard.register(p, size)
        _ = madvise(p, size, Int32(MADV_SEQUENTIAL))
    }

    deinit {
        if let base {
            MapGuard.unregister(slot)
            munmap(base, count)
        }
    }

    public var bytes: UnsafeBufferPointer<UInt8> {
        if let base { return UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count) }
        return UnsafeBufferPointer(start: nil, count: 0)
    }

    /// Throws when the file was shortened (pages lost: SIGBUS caught), or its
    /// size or modification time changed, since it was mapped.
    public func checkUnchanged() throws {
        var st = stat()
        let lost = MapGuard.wasHit(slot)
        let same = stat(path, &st) == 0 && Int(st.st_size) == before.size
            && st.st_mtim.tv_sec == before.mtime.tv_sec && st.st_mtim.tv_nsec == before.mtime.tv_nsec
        if lost || !same { throw InputFile.changed(path) }
    }

    /// Drops the resident pages fully inside `range` (they are read again
    /// from the file if touched later).
    public func release(_ range: Range<Int>) {
        guard let base else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let lo = (range.lowerBound + page - 1) / page * page
        let hi = range.upperBound / page * page
        if hi > lo { _ = madvise(base + lo, hi - lo, Int32(MADV_DONTNEED)) }
    }
}

/// The SIGBUS guard of `MappedFile`. A fault inside a registered map (the
/// file was shortened: its last pages no longer exist) maps a page of zeros
/// over the faulting page and marks the map; a fault anywhere else goes to
/// the handler installed before (the Swift runtime's backtracer) or kills
/// the process as usual. The handler touches only memory allocated before it
/// was installed, and calls only `mmap` and `sigaction`.
enum MapGuard {
    static let slots = 64
    /// [base, length, hit] per slot; length 0 = free.
    private static let table: UnsafeMutablePointer<UInt> = {
        let t = UnsafeMutablePointer<UInt>.allocate(capacity: 3 * slots)
        t.initialize(repeating: 0, count: 3 * slots)
        return t
    }()
    private static let previous: UnsafeMutablePointer<sigaction> = .allocate(capacity: 1)
    private static let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
    private static let lock = NSLock()
    nonisolated(unsafe) private static var installed = false

    static func register(_ base: UnsafeMutableRawPointer, _ length: Int) -> Int {
        lock.lock(); defer { lock.unlock() }
        if !installed { install(); installed = true }
        for k in 0..<slots where table[3 * k + 1] == 0 {
            table[3 * k] = UInt(bitPattern: base)
            table[3 * k + 2] = 0
            table[3 * k + 1] = UInt(length)
            return k
        }
        return -1   // 64 files mapped at once: this one is unguarded (sizes still compared)
    }

    static func unregister(_ k: Int) {
        guard k >= 0 else { return }
        lock.lock(); table[3 * k + 1] = 0; lock.unlock()
    }

    static func wasHit(_ k: Int) -> Bool { k >= 0 && table[3 * k + 2] != 0 }

    private static func install() {
        _ = table; _ = page; _ = previous
        var sa = sigaction()
        sa.__sigaction_handler.sa_sigaction = { sig, info, context in
            let addr = UInt(bitPattern: info?.pointee._sifields._sigfault.si_addr)
            var k = 0
            while k < MapGuard.slots {
                let b = MapGuard.table[3 * k], l = MapGuard.table[3 * k + 1]
                if l != 0 && addr >= b && addr < b + l {
                    let p = addr & ~(MapGuard.page - 1)
                    _ = mmap(UnsafeMutableRawPointer(bitPattern: p), Int(MapGuard.page), PROT_READ,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
                    MapGuard.table[3 * k + 2] = 1
                    return
                }
                k += 1
            }
            // Not a guarded map: the previous handler gets the fault again.
            _ = sigaction(SIGBUS, MapGuard.previous, nil)
        }
        sa.sa_flags = SA_SIGINFO | SA_NODEFER
        sigemptyset(&sa.sa_mask)
        sigaction(SIGBUS, &sa, previous)
    }
}

/// Line and column (1-based; columns count characters) of byte offsets.
/// Offsets asked in increasing order on the same line cost only the bytes between them.
public struct SourceLocator {
    let bytes: UnsafeBufferPointer<UInt8>
    private var lineStarts: [Int] = [0]
    private var cacheOffset = 0, cacheColumn = 1, cacheLine = 0

    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        guard let base = bytes.baseAddress else { return }
        var p = 0
        while p < bytes.count {
            guard let q = memchr(base + p, 0x0A, bytes.count - p) else { break }
            let k = UnsafeRawPointer(q).assumingMemoryBound(to: UInt8.self) - base
            lineStarts.append(k + 1)
            p = k + 1
        }
    }

    public mutating func location(of offset: Int) -> (line: Int, column: Int) {
        let o = max(0, min(offset, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= o { lo = mid } else { hi = mid - 1 }
        }
        var from = lineStarts[lo], col = 1
        if lo == 0, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF, o >= 3 { from = 3 }
        if cacheLine == lo, cacheOffset <= o, cacheOffset >= from { from = cacheOffset; col = cacheColumn }
        var k = from
        while k < o {
            if bytes[k] & 0xC0 != 0x80 { col += 1 }
            k += 1
        }
        cacheLine = lo; cacheOffset = o; cacheColumn = col
        return (lo + 1, col)
    }
}

// MARK: - The fast parser

private let B_QUOTE: UInt8 = 0x22, B_BACKSLASH: UInt8 = 0x5C, B_COMMA: UInt8 = 0x2C, B_COLON: UInt8 = 0x3A
private let B_LBRACKET: UInt8 = 0x5B, B_RBRACKET: UInt8 = 0x5D, B_LBRACE: UInt8 = 0x7B, B_RBRACE: UInt8 = 0x7D
private let B_MINUS: UInt8 = 0x2D, B_PLUS: UInt8 = 0x2B, B_DOT: UInt8 = 0x2E, B_ZERO: UInt8 = 0x30, B_NINE: UInt8 = 0x39
private let B_RS: UInt8 = 0x1E

private let powersOf10: [Double] = (0...22).map { k in
    var d = 1.0
    for _ in 0..<k { d *= 10 }
    return d
}

struct FastParser {
    struct Failure: Error { var offset: Int; var message: String }
    struct Document {
        var features: [Feature]; var crs: String?; var isSequence: Bool
        /// False when every position read is within lon/lat range.
        var outsideLonLat = true
    }

    /// Nesting allowed in property values and foreign members.
    static let maxDepth = 256

    let base: UnsafePointer<UInt8>
    let end: Int
    var i = 0
    var release: ((Range<Int>) -> Void)?
    var parallel = false
    /// The bytes that opened the previous feature up to the `{` of its
    /// properties, when its first members were `"type": "Feature"` then
    /// `"properties"` (`{"type": "Feature", "properties": {` in most files);
    /// a feature opening with the same bytes skips to its properties.
    private var featureHead: [UInt8] = []
    /// Likewise for geometries: the bytes up to the `[` of `coordinates`
    /// when their first member was `type`, and that type.
    private var geometryHead: [UInt8] = []
    private var geometryHeadType = GeoType.point
    /// Set when a position outside lon/lat range is read (by this parser or
    /// by the copies that parsed the features on several cores).
    var outsideLonLat = false
    /// The property names of the previous feature, slot by slot (pairwise
    /// distinct): their strings, their bytes with the closing quote, and for
    /// names of up to 15 bytes those bytes as two masked words.
    private var keyStrings: [String] = []
    private var keyBytes: [[UInt8]] = []
    private var keyWords: [UInt64] = []   // 4 per slot: word 0, word 1, mask 0, mask 1 (masks 0 when too long)
    private var releasedUpTo = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        // An empty buffer may have no address: point at a static byte.
        base = bytes.baseAddress ?? FastParser.emptyByte
        end = bytes.count
    }
    private static let emptyByte: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    // MARK: bytes

    @inline(__always) func fail(_ m: String) -> Failure { Failure(offset: i, message: m) }
    @inline(__always) var cur: UInt8 { i < end ? base[i] : 0 }

    @inline(__always) mutating func ws() {
        while i < end {
            let c = base[i]
            if c > 0x20 { return }
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { return }
        }
    }

    /// The 8 bytes at `k`, little-endian (the caller checks `k + 8 <= end`).
    @inline(__always) func word(_ k: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self))
    }

    @inline(__always) mutating func expect(_ c: UInt8, _ what: String) throws {
        ws()
        guard i < end else { throw fail("fin de fichier inattendue : \(what) attendu") }
        guard base[i] == c else { throw fail("\(what) attendu") }
        i += 1
    }

    // MARK: documents

    mutating func document() throws -> Document {
        if end >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { i = 3 }
        skipSeparators()
        guard i < end else { throw fail("fichier vide : aucun objet GeoJSON") }
        var features: [Feature] = []
        var first = try object(depth: 0, top: true)
        skipSeparators()
        if i >= end {
            let crs = first.crs
            try append(&first, into: &features, sequenceIndex: nil)
            return Document(features: features, crs: crs, isSequence: false, outsideLonLat: outsideLonLat)
        }
        // A GeoJSON text sequence: one object per line or per RS.
        let crs = first.crs
        try append(&first, into: &features, sequenceIndex: 0)
        while i < end {
            guard cur == B_LBRACE else { throw fail("contenu inattendu après l'objet GeoJSON (« { » attendu)") }
            var o = try object(depth: 0, top: true)
            try append(&o, into: &features, sequenceIndex: features.count)
            skipSeparators()
        }
        return Document(features: features, crs: crs, isSequence: true, outsideLonLat: outsideLonLat)
    }

    mutating func skipSeparators() {
        while i < end {
            let c = base[i]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 || c == B_RS { i += 1 } else { return }
        }
    }

    private mutating func append(_ o: inout GeoObject, into features: inout [Feature], sequenceIndex: Int?) throws {
        switch o.type {
        case .none: throw Failure(offset: o.offset, message: "membre « type » absent")
        case .featureCollection:
            guard sequenceIndex == nil else {
                throw Failure(offset: o.offset, message: "FeatureCollection dans une suite de textes GeoJSON")
            }
            guard let fs = o.features else { throw Failure(offset: o.offset, message: "FeatureCollection sans tableau « features »") }
            try o.checkNo([.coordinates, .geometries, .geometry, .properties])
            features = fs
        case .feature:
            features.append(try o.feature(index: sequenceIndex ?? 0))
        case .unknown:
            throw Failure(offset: o.offset, message: "type GeoJSON inconnu « \(o.unknownType ?? "") »")
        default:
            features.append(Feature(index: sequenceIndex ?? 0, geometry: try o.geometry()))
        }
    }

    // MARK: objects

    enum GeoType: UInt8 {
        case feature, featureCollection, point, multiPoint, lineString, multiLineString, polygon, multiPolygon, geometryCollection, unknown
        var isGeometry: Bool { self != .feature && self != .featureCollection && self != .unknown }
        var name: String {
            switch self {
            case .feature: return "Feature"
            case .featureCollection: return "FeatureCollection"
            case .point: return "Point"
            case .multiPoint: return "MultiPoint"
            case .lineString: return "LineString"
            case .multiLineString: return "MultiLineString"
            case .polygon: return "Polygon"
            case .multiPolygon: return "MultiPolygon"
            case .geometryCollection: return "GeometryCollection"
            case .unknown: return "?"
            }
        }
        static let names: [(StaticString, GeoType)] = [("Feature", .feature), ("Point", .point), ("Polygon", .polygon),
            ("MultiPolygon", .multiPolygon), ("LineString", .lineString), ("FeatureCollection", .featureCollection),
            ("MultiPoint", .multiPoint), ("MultiLineString", .multiLineString), ("GeometryCollection", .geometryCollection)]
    }

    /// Members seen, for the "must not carry" rules.
    struct Seen: OptionSet {
        let rawValue: UInt8
        static let geometry = Seen(rawValue: 1), properties = Seen(rawValue: 2), coordinates = Seen(rawValue: 4)
        static let geometries = Seen(rawValue: 8), features = Seen(rawValue: 16)
        static let type = Seen(rawValue: 32), id = Seen(rawValue: 64), crs = Seen(rawValue: 128)
        var names: [String] {
            var n: [String] = []
            if contains(.geometry) { n.append("geometry") }
            if contains(.properties) { n.append("properties") }
            if contains(.coordinates) { n.append("coordinates") }
            if contains(.geometries) { n.append("geometries") }
            if contains(.features) { n.append("features") }
            return n
        }
    }

    /// Every member a GeoJSON object may carry, gathered whatever its type.
    struct GeoObject {
        var offset: Int
        var type: GeoType?
        var unknownType: String?
        var id: PropertyValue?
        var geometryValue: Geometry?
        var properties = Properties()
        var coordinates: Coords?
        var geometries: [Geometry]?
        var features: [Feature]?
        var crs: String?
        var seen: Seen = []

        init(offset: Int) { self.offset = offset }

        var typeText: String { type == .unknown ? (unknownType ?? "?") : (type?.name ?? "?") }

        @inline(__always) func checkNo(_ names: Seen) throws {
            let bad = seen.intersection(names)
            if !bad.isEmpty {
                throw Failure(offset: offset, message: "un objet \(typeText) ne doit pas avoir de membre « \(bad.names[0]) »")
            }
        }

        func feature(index: Int) throws -> Feature {
            guard type == .feature else {
                throw Failure(offset: offset, message: type == nil ? "membre « type » absent" : "« type » vaut « \(typeText) » là où « Feature » est attendu")
            }
            try checkNo([.coordinates, .geometries, .features])
            guard seen.contains(.geometry) else { throw Failure(offset: offset, message: "membre « geometry » absent") }
            guard seen.contains(.properties) else { throw Failure(offset: offset, message: "membre « properties » absent") }
            return Feature(index: index, id: id, geometry: geometryValue, properties: properties)
        }

        /// The geometry of a geometry object; nil when its coordinates are empty.
        func geometry() throws -> Geometry? {
            guard let type else { throw Failure(offset: offset, message: "géométrie sans membre « type »") }
            guard type.isGeometry else {
                throw Failure(offset: offset, message: "« \(typeText) » n'est pas un type de géométrie")
            }
            try checkNo([.geometry, .properties, .features])
            return try FastParser.buildGeometry(type, coordinates: coordinates, geometries: geometries, offset: offset)
        }
    }

    /// A geometry from its parsed members; nil when its coordinates are empty.
    static func buildGeometry(_ type: GeoType, coordinates: Coords?, geometries: [Geometry]?, offset: Int) throws -> Geometry? {
        if type == .geometryCollection {
            guard let gs = geometries else { throw Failure(offset: offset, message: "GeometryCollection sans tableau « geometries »") }
            return .geometryCollection(gs)
        }
        guard let c = coordinates else { throw Failure(offset: offset, message: "\(type.name) sans membre « coordinates »") }
        switch (type, c) {
        case (_, .empty): return nil
        case (.point, .position(let p)): return .point(p)
        case (.multiPoint, .line(let ps)): return .multiPoint(ps)
        case (.lineString, .line(let ps)): return .lineString(try line(ps, offset))
        case (.multiLineString, .lines(let ls)): return .multiLineString(try ls.map { try line($0, offset) })
        case (.polygon, .lines(let rs)): return .polygon(try polygon(rs, offset))
        case (.multiPolygon, .polygons(let ps)): return .multiPolygon(try ps.map { try polygon($0, offset) })
        default: throw Failure(offset: offset, message: "coordonnées de \(type.name) mal imbriquées")
        }
    }
    private static func line(_ ps: [Position], _ offset: Int) throws -> [Position] {
        if ps.count < 2 { throw Failure(offset: offset, message: "LineString de moins de 2 positions") }
        return ps
    }
    private static func polygon(_ rs: [[Position]], _ offset: Int) throws -> Polygon {
        for r in rs {
            if r.count < 4 { throw Failure(offset: offset, message: "anneau de moins de 4 positions") }
            if r[0] != r[r.count - 1] { throw Failure(offset: offset, message: "anneau non fermé (la dernière position doit répéter la première)") }
        }
        guard let ext = rs.first else { throw Failure(offset: offset, message: "polygone sans anneau") }
        return Polygon(exterior: ext, holes: rs.count == 1 ? [] : Array(rs.dropFirst()))
    }

    /// At a Feature object (the hot path: no intermediate GeoObject).
    mutating func featureObject(depth: Int, index: Int) throws -> Feature {
        ws()
        let start = i
        guard cur == B_LBRACE else { throw fail(i < end ? "entité attendue (« { »)" : "fin de fichier inattendue : entité attendue") }
        var seen: Seen = []
        var type: GeoType?
        var id: PropertyValue?
        var geometry: Geometry?
        var properties = Properties()
        var member = 0
        var afterHead = false
        let headCount = featureHead.count
        if headCount > 0, i + headCount <= end,
           featureHead.withUnsafeBufferPointer({ memcmp($0.baseAddress!, base + i, headCount) == 0 }) {
            i += headCount - 1
            seen = [.type, .properties]
            type = .feature
            properties = try self.properties(depth: depth + 1, cacheKeys: true)
            member = 2
            afterHead = true
        } else {
            i += 1
            ws()
            if cur == B_RBRACE { i += 1; throw Failure(offset: start, message: "membre « type » absent") }
        }
        while true {
            if afterHead { afterHead = false } else {
                ws()
                let key = try memberKey(marking: &seen)
                switch key {
                case .type:
                    guard cur == B_QUOTE else { throw fail("« type » doit être une chaîne") }
                    type = try typeValue()
                case .id:
                    id = try idValue()
                case .geometry:
                    if try !literalNull() { geometry = try geometryObject(depth: depth + 1) }
                case .properties:
                    if try literalNull() { break }
                    guard cur == B_LBRACE else { throw fail("« properties » doit être un objet ou null") }
                    if member == 1, type == .feature, i + 1 - start <= 64 {
                        featureHead = Array(UnsafeBufferPointer(start: base + start, count: i + 1 - start))
                    }
                    properties = try self.properties(depth: depth + 1, cacheKeys: true)
                case .coordinates, .geometries, .features:
                    throw Failure(offset: start, message: "une entité ne doit pas avoir de membre « \(key) »")
                case .crs, .bbox, .other:
                    _ = try value(depth: depth + 1)
                }
            }
            member += 1
            ws()
            if cur == B_COMMA { i += 1; continue }
            if cur == B_RBRACE { i += 1; break }
            throw fail(i < end ? "« , » ou « } » attendu" : "fin de fichier inattendue dans un objet")
        }
        guard type == .feature else { throw Failure(offset: start, message: type == nil ? "membre « type » absent" : "« Feature » attendu") }
        guard seen.contains(.geometry) else { throw Failure(offset: start, message: "membre « geometry » absent") }
        guard seen.contains(.properties) else { throw Failure(offset: start, message: "membre « properties » absent") }
        return Feature(index: index, id: id, geometry: geometry, properties: properties)
    }

    /// At a geometry object.
    mutating func geometryObject(depth: Int) throws -> Geometry? {
        ws()
        let start = i
        guard cur == B_LBRACE else { throw fail(i < end ? "géométrie attendue (objet ou null)" : "fin de fichier inattendue : géométrie attendue") }
        if depth > 100 { throw fail("GeometryCollection imbriquées trop profondément") }
        var seen: Seen = []
        var type: GeoType?
        var coordinates: Coords?
        var geometries: [Geometry]?
        var member = 0
        var afterHead = false
        let headCount = geometryHead.count
        if headCount > 0, i + headCount <= end,
           geometryHead.withUnsafeBufferPointer({ memcmp($0.baseAddress!, base + i, headCount) == 0 }) {
            // `{"type": "Point", "coordinates": [` as in the previous geometry.
            i += headCount - 1
            seen = [.type, .coordinates]
            type = geometryHeadType
            coordinates = try coords(level: 0)
            member = 2
            afterHead = true
        } else {
            i += 1
            ws()
            if cur == B_RBRACE { i += 1; throw Failure(offset: start, message: "géométrie sans membre « type »") }
        }
        while true {
            if afterHead { afterHead = false } else {
                ws()
                let key = try memberKey(marking: &seen)
                switch key {
                case .type:
                    guard cur == B_QUOTE else { throw fail("« type » doit être une chaîne") }
                    type = try typeValue()
                case .coordinates:
                    guard cur == B_LBRACKET else { throw fail("« coordinates » doit être un tableau") }
                    if member == 1, let t = type, i + 1 - start <= 64 {
                        geometryHead = Array(UnsafeBufferPointer(start: base + start, count: i + 1 - start))
                        geometryHeadType = t
                    }
                    coordinates = try coords(level: 0)
                case .geometries:
                    guard cur == B_LBRACKET else { throw fail("« geometries » doit être un tableau") }
                    geometries = try geometryArray(depth: depth)
                case .geometry, .properties, .features:
                    throw Failure(offset: start, message: "une géométrie ne doit pas avoir de membre « \(key) »")
                case .id, .crs, .bbox, .other:
                    _ = try value(depth: depth + 1)
                }
            }
            member += 1
            ws()
            if cur == B_COMMA { i += 1; continue }
            if cur == B_RBRACE { i += 1; break }
            throw fail(i < end ? "« , » ou « } » attendu" : "fin de fichier inattendue dans un objet")
        }
        guard let type else { throw Failure(offset: start, message: "géométrie sans membre « type »") }
        guard type.isGeometry else { throw Failure(offset: start, message: "type de géométrie attendu") }
        return try FastParser.buildGeometry(type, coordinates: coordinates, geometries: geometries, offset: start)
    }

    /// At the `[` of `geometries`.
    mutating func geometryArray(depth: Int) throws -> [Geometry] {
        i += 1
        var gs: [Geometry] = []
        ws()
        if cur == B_RBRACKET { i += 1; return gs }
        while true {
            if let g = try geometryObject(depth: depth + 1) { gs.append(g) }
            ws()
            if cur == B_COMMA { i += 1; continue }
            if cur == B_RBRACKET { i += 1; return gs }
            throw fail(i < end ? "« , » ou « ] » attendu" : "fin de fichier inattendue dans « geometries »")
        }
    }

    /// A member name and its `:`; at the value after it.
    /// The next member name, refused when a known member comes twice.
    @inline(__always) mutating func memberKey(marking seen: inout Seen) throws -> Key {
        let key = try memberKey()
        if let bit = key.seen {
            if seen.contains(bit) { throw fail("membre en double") }
            seen.insert(bit)
        }
        return key
    }

    @inline(__always) mutating func memberKey() throws -> Key {
        // The usual names, compared 8 bytes at a time with their closing quote.
        if i + 17 <= end, base[i] == B_QUOTE {
            let w = word(i + 1)
            var key = Key.other, n = 0
            if w & 0xFF_FFFF_FFFF == 0x22_6570_7974 { key = .type; n = 5 }                                  // type"
            else if w == 0x7972_7465_6d6f_6567, base[i + 9] == B_QUOTE { key = .geometry; n = 9 }           // geometry"
            else if w == 0x6974_7265_706f_7270, word(i + 9) & 0xFF_FFFF == 0x22_7365 { key = .properties; n = 11 }  // properties"
            else if w == 0x616e_6964_726f_6f63, word(i + 9) & 0xFFFF_FFFF == 0x2273_6574 { key = .coordinates; n = 12 } // coordinates"
            if n > 0 {
                i += 1 + n
                try expect(B_COLON, "« : »")
                ws()
                return key
            }
        }
        let (ks, ke, escaped) = try rawString()
        try expect(B_COLON, "« : »")
        ws()
        return escaped ? Key.match(string(ks, ke, escaped: true)) : Key.match(base + ks, ke - ks)
    }

    @inline(__always) mutating func idValue() throws -> PropertyValue {
        switch cur {
        case B_QUOTE:
            let (s, e, esc) = try rawString()
            return .string(string(s, e, escaped: esc))
        case B_MINUS, B_ZERO...B_NINE: return .number(try number())
        default: throw fail("« id » doit être une chaîne ou un nombre")
        }
    }

    /// Parses one JSON object as a GeoJSON object. `top`: may carry `crs` and `features`.
    mutating func object(depth: Int, top: Bool = false) throws -> GeoObject {
        ws()
        var o = GeoObject(offset: i)
        guard cur == B_LBRACE else { throw fail(i < end ? "objet GeoJSON attendu (« { »)" : "fin de fichier inattendue : objet GeoJSON attendu") }
        if depth > 100 { throw fail("GeometryCollection imbriquées trop profondément") }
        i += 1
        ws()
        if cur == B_RBRACE { i += 1; return o }
        while true {
            ws()
            let (ks, ke, escaped) = try rawString()
            try expect(B_COLON, "« : »")
            ws()
            var key = Key.other
            if !escaped { key = Key.match(base + ks, ke - ks) } else { key = Key.match(string(ks, ke, escaped: true)) }
            if let bit = key.seen {
                if o.seen.contains(bit) { i = ks - 1; throw fail("membre en double") }
                o.seen.insert(bit)
            }
            switch key {
            case .type:
                guard cur == B_QUOTE else { throw fail("« type » doit être une chaîne") }
                let (s, e, esc) = try rawString()
                o.type = geoType(s, e, esc)
                if o.type == .unknown { o.unknownType = string(s, e, escaped: esc) }
            case .id:
                switch cur {
                case B_QUOTE:
                    let (s, e, esc) = try rawString()
                    o.id = .string(string(s, e, escaped: esc))
                case B_MINUS, B_ZERO...B_NINE: o.id = .number(try number())
                default: throw fail("« id » doit être une chaîne ou un nombre")
                }
            case .geometry:
                if try !literalNull() { o.geometryValue = try geometryObject(depth: depth + 1) }
            case .properties:
                if try literalNull() { break }
                guard cur == B_LBRACE else { throw fail("« properties » doit être un objet ou null") }
                o.properties = try properties(depth: depth + 1, cacheKeys: true)
            case .coordinates:
                guard cur == B_LBRACKET else { throw fail("« coordinates » doit être un tableau") }
                o.coordinates = try coords(level: 0)
            case .geometries:
                guard cur == B_LBRACKET else { throw fail("« geometries » doit être un tableau") }
                o.geometries = try geometryArray(depth: depth)
            case .features:
                guard top else { _ = try value(depth: depth + 1); break }
                guard cur == B_LBRACKET else { throw fail("« features » doit être un tableau") }
                o.features = try featureArray()
            case .crs:
                if top, let n = try crsName() { o.crs = n } else if !top { _ = try value(depth: depth + 1) }
            case .bbox, .other:
                _ = try value(depth: depth + 1)
            }
            ws()
            if cur == B_COMMA { i += 1; continue }
            if cur == B_RBRACE { i += 1; return o }
            throw fail(i < end ? "« , » ou « } » attendu" : "fin de fichier inattendue dans un objet")
        }
    }

    enum Key {
        case type, id, geometry, properties, coordinates, geometries, features, crs, bbox, other
        var seen: Seen? {
            switch self {
            case .type: return .type
            case .id: return .id
            case .geometry: return .geometry
            case .properties: return .properties
            case .coordinates: return .coordinates
            case .geometries: return .geometries
            case .features: return .features
            case .crs: return .crs
            case .bbox, .other: return nil
            }
        }
        static func match(_ p: UnsafePointer<UInt8>, _ n: Int) -> Key {
            @inline(__always) func eq(_ s: StaticString) -> Bool {
                n == s.utf8CodeUnitCount && memcmp(p, s.utf8Start, n) == 0
            }
            switch n {
            case 2: return eq("id") ? .id : .other
            case 3: return eq("crs") ? .crs : .other
            case 4: return eq("type") ? .type : eq("bbox") ? .bbox : .other
            case 8: return eq("geometry") ? .geometry : eq("features") ? .features : .other
            case 10: return eq("properties") ? .properties : eq("geometries") ? .geometries : .other
            case 11: return eq("coordinates") ? .coordinates : .other
            default: return .other
            }
        }
        static func match(_ s: String) -> Key {
            var s = s
            return s.withUTF8 { match($0.baseAddress ?? FastParser.emptyByte, $0.count) }
        }
    }

    /// At the `"` of a `type` value.
    @inline(__always) mutating func typeValue() throws -> GeoType {
        if i + 9 <= end {
            let w = word(i + 1)
            if w == 0x2265_7275_7461_6546 { i += 9; return .feature }                       // Feature"
            if w & 0xFFFF_FFFF_FFFF == 0x2274_6e69_6f50 { i += 7; return .point }          // Point"
        }
        let (s, e, esc) = try rawString()
        return geoType(s, e, esc)
    }

    private func geoType(_ s: Int, _ e: Int, _ esc: Bool) -> GeoType {
        let n = e - s
        if !esc {
            for (t, g) in GeoType.names where t.utf8CodeUnitCount == n && memcmp(base + s, t.utf8Start, n) == 0 { return g }
            return .unknown
        }
        let text = string(s, e, escaped: true)
        return GeoType.names.first { $0.0.description == text }?.1 ?? .unknown
    }

    /// `null` consumed → true.
    @inline(__always) mutating func literalNull() throws -> Bool {
        guard cur == 0x6E else { return false }
        try literal("null")
        return true
    }

    mutating func literal(_ s: StaticString) throws {
        let n = s.utf8CodeUnitCount
        guard i + n <= end, memcmp(base + i, s.utf8Start, n) == 0 else { throw fail("valeur JSON invalide") }
        i += n
    }

    /// The name in a legacy `crs` member (`{"type":"name","properties":{"name":…}}`); nil for `null`.
    mutating func crsName() throws -> String? {
        let at = i
        let v = try value(depth: 1)
        guard case .object(let o) = v else {
            if case .null = v { return nil }
            throw Failure(offset: at, message: "membre « crs » invalide (objet attendu)")
        }
        if case .object(let p)? = o["properties"], case .string(let n)? = p["name"] { return n }
        throw Failure(offset: at, message: "membre « crs » sans « properties.name » (seuls les systèmes nommés sont reconnus)")
    }

    // MARK: features array

    /// After the `[` of a FeatureCollection's `features`.
    mutating func featureArray() throws -> [Feature] {
        if parallel, let r = try parallelFeatureArray() { return r }
        i += 1
        var out: [Feature] = []
        ws()
        if cur == B_RBRACKET { i += 1; return out }
        let start = i
        while true {
            out.append(try featureObject(depth: 1, index: out.count))
            if out.count == 1000 {
                // Reserve from the mean size so far: the array does not double past what the file holds.
                let estimate = Int(Double(end - start) / Double(i - start) * 1000 * 1.02) + 16
                out.reserveCapacity(estimate)
            }
            ws()
            if cur == B_COMMA { i += 1; releaseBehind(); continue }
            if cur == B_RBRACKET { i += 1; return out }
            throw fail(i < end ? "« , » ou « ] » attendu entre les entités" : "fin de fichier inattendue dans « features »")
        }
    }

    @inline(__always) mutating func releaseBehind() {
        if let release, i - releasedUpTo >= 2 << 20 {
            release(releasedUpTo..<i)
            releasedUpTo = i
        }
    }

    /// Splits the array's bytes into chunks at likely element starts (a `{`
    /// after a `,`, followed by a member name) and parses the chunks on every
    /// core, each into its own region of one buffer. A chunk counts only if
    /// the chunk before it, parsed from a verified start, ended exactly where
    /// it began: so a wrong guess (a `, {"` inside a string) is never trusted;
    /// it sends the whole array to the sequential parse. Nil in that case.
    mutating func parallelFeatureArray() throws -> [Feature]? {
        var probe = self
        probe.i += 1
        probe.ws()
        guard probe.i < end, probe.cur != B_RBRACKET else { return nil }
        let first = probe.i
        let span = end - first
        let workers = Processors.active
        let minChunk = max(64, GeoJSONReader.parallelThreshold / 8)
        let wanted = min(workers * 4, span / minChunk)
        guard wanted >= 2 else { return nil }
        var starts = [first]
        for c in 1..<wanted {
            guard let s = likelyElementStart(from: max(first + span / wanted * c, starts[starts.count - 1] + 1)) else { break }
            starts.append(s)
        }
        let n = starts.count
        guard n >= 2 else { return nil }
        // A feature takes at least 50 bytes ({"type":"Feature","geometry":null,"properties":{}}),
        // so a verified chunk never outgrows its region; untouched pages cost no memory.
        var regionStart = [Int](repeating: 0, count: n + 1)
        for c in 0..<n {
            let bytes = (c + 1 < n ? starts[c + 1] : end) - starts[c]
            regionStart[c + 1] = regionStart[c] + bytes / 50 + 2
        }
        enum Status { case limit, closed, overflow, failed }
        var status = [Status](repeating: .failed, count: n)
        var endPos = [Int](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: n)
        var failures = [Failure?](repeating: nil, count: n)
        // Each chunk's parser says whether it read a position outside lon/lat
        // range: the layer is not walked again on one core to find out.
        var outside = [Bool](repeating: false, count: n)
        struct Fallback: Error {}
        let me = self
        do {
            let features = try [Feature](unsafeUninitializedCapacity: regionStart[n]) { buf, count in
                let out = buf.baseAddress!
                status.withUnsafeMutableBufferPointer { statusBuf in
                endPos.withUnsafeMutableBufferPointer { endBuf in
                counts.withUnsafeMutableBufferPointer { countBuf in
                failures.withUnsafeMutableBufferPointer { failBuf in
                outside.withUnsafeMutableBufferPointer { outsideBuf in
                    DispatchQueue.concurrentPerform(iterations: n) { c in
                        var p = me
                        p.parallel = false
                        p.i = starts[c]
                        p.releasedUpTo = starts[c]
                        let limit = c + 1 < n ? starts[c + 1] : Int.max
                        let region = out + regionStart[c]
                        let capacity = regionStart[c + 1] - regionStart[c]
                        var k = 0
                        do {
                            while true {
                                guard k < capacity else { statusBuf[c] = .overflow; break }
                                (region + k).initialize(to: try p.featureObject(depth: 1, index: 0))
                                k += 1
                                p.ws()
                                if p.cur == B_COMMA {
                                    p.i += 1
                                    p.ws()
                                    p.releaseBehind()
                                    if p.i >= limit { statusBuf[c] = .limit; break }
                                    continue
                                }
                                if p.cur == B_RBRACKET { statusBuf[c] = .closed; break }
                                throw p.fail(p.i < p.end ? "« , » ou « ] » attendu entre les entités" : "fin de fichier inattendue dans « features »")
                            }
                        } catch let f as Failure {
                            failBuf[c] = f
                            statusBuf[c] = .failed
                        } catch {
                            failBuf[c] = Failure(offset: p.i, message: "\(error)")
                            statusBuf[c] = .failed
                        }
                        endBuf[c] = p.i
                        countBuf[c] = k
                        outsideBuf[c] = p.outsideLonLat
                    }
                }}}}}
                func discardAll() {
                    for c in 0..<n { (out + regionStart[c]).deinitialize(count: counts[c]) }
                    count = 0
                }
                // Verify the chain of chunks in order.
                var last = -1
                for c in 0..<n {
                    if c > 0 && !(status[c - 1] == .limit && endPos[c - 1] == starts[c]) { discardAll(); throw Fallback() }
                    switch status[c] {
                    case .failed: discardAll(); throw failures[c]!
                    case .overflow: discardAll(); throw Fallback()
                    case .closed: last = c
                    case .limit: break
                    }
                    if last >= 0 { break }
                }
                guard last >= 0 else { discardAll(); throw Fallback() }
                // Chunks after the closing bracket were guesses beyond the array.
                for c in (last + 1)..<n { (out + regionStart[c]).deinitialize(count: counts[c]) }
                // Vacated memory goes back to the system as soon as it is vacated (it is
                // uninitialized memory of this buffer; it reads as zeros if touched again),
                // so compacting never holds two copies.
                let page = Int(sysconf(Int32(_SC_PAGESIZE)))
                func giveBack(_ from: UnsafeMutablePointer<Feature>, _ to: UnsafeMutablePointer<Feature>) {
                    let lo = (Int(bitPattern: from) + page - 1) / page * page
                    let hi = Int(bitPattern: to) / page * page
                    if hi > lo { _ = madvise(UnsafeMutableRawPointer(bitPattern: lo), hi - lo, Int32(MADV_DONTNEED)) }
                }
                var cursor = counts[0]
                for c in 1...max(1, last) where c <= last {
                    let src = out + regionStart[c]
                    (out + cursor).moveInitialize(from: src, count: counts[c])
                    cursor += counts[c]
                    giveBack(max(src, out + cursor), src + counts[c])
                }
                for k in 0..<cursor { out[k].index = k }
                count = cursor
                giveBack(out + cursor, out + regionStart[n])
            }
            let last = (0..<n).first { status[$0] == .closed }!
            i = endPos[last] + 1
            if outside[...last].contains(true) { outsideLonLat = true }
            return features
        } catch is Fallback {
            return nil
        }
    }

    /// The next `{` after `from` that follows a `,` and precedes a member name.
    func likelyElementStart(from: Int) -> Int? {
        var k = from
        while k < end {
            guard let q = memchr(base + k, Int32(B_LBRACE), end - k) else { return nil }
            let at = UnsafeRawPointer(q).assumingMemoryBound(to: UInt8.self) - base
            var b = at - 1
            while b >= 0, base[b] == 0x20 || base[b] == 0x0A || base[b] == 0x0D || base[b] == 0x09 { b -= 1 }
            var f = at + 1
            while f < end, base[f] == 0x20 || base[f] == 0x0A || base[f] == 0x0D || base[f] == 0x09 { f += 1 }
            if b >= 0, base[b] == B_COMMA, f < end, base[f] == B_QUOTE { return at }
            k = at + 1
        }
        return nil
    }

    // MARK: coordinates

    enum Coords {
        case empty
        case position(Position)
        case line([Position])
        case lines([[Position]])
        case polygons([[[Position]]])

        var level: Int {
            switch self {
            case .empty: return 0
            case .position: return 1
            case .line: return 2
            case .lines: return 3
            case .polygons: return 4
            }
        }
    }

    /// At `[`.
    mutating func coords(level: Int) throws -> Coords {
        if level > 4 { throw fail("coordonnées imbriquées trop profondément") }
        i += 1
        ws()
        let c = cur
        if c == B_RBRACKET { i += 1; return .empty }
        if c == B_MINUS || (c >= B_ZERO && c <= B_NINE) { return .position(try positionTail()) }
        guard c == B_LBRACKET else { throw fail(i < end ? "position attendue (2 ou 3 nombres)" : "fin de fichier inattendue dans des coordonnées") }
        // Hot path: an array of positions.
        var p = i + 1
        while p < end, base[p] == 0x20 || base[p] == 0x0A || base[p] == 0x0D || base[p] == 0x09 { p += 1 }
        if p < end, base[p] == B_MINUS || (base[p] >= B_ZERO && base[p] <= B_NINE) {
            var ps: [Position] = []
            ps.reserveCapacity(8)
            while true {
                ws()
                guard cur == B_LBRACKET else { throw fail(i < end ? "position attendue" : "fin de fichier inattendue dans des coordonnées") }
                i += 1
                ws()
                ps.append(try positionTail())
                ws()
                if cur == B_COMMA { i += 1; continue }
                if cur == B_RBRACKET { i += 1; return .line(ps) }
                throw fail(i < end ? "« , » ou « ] » attendu dans des coordonnées" : "fin de fichier inattendue dans des coordonnées")
            }
        }
        var children: [Coords] = []
        var top = 0
        while true {
            ws()
            guard cur == B_LBRACKET else { throw fail(i < end ? "tableau de coordonnées attendu" : "fin de fichier inattendue dans des coordonnées") }
            let child = try coords(level: level + 1)
            if case .position = child { throw fail("position mêlée à des tableaux de positions") }
            if child.level > 0 {
                if top == 0 { top = child.level } else if child.level != top { throw fail("coordonnées de profondeurs différentes") }
            }
            children.append(child)
            ws()
            if cur == B_COMMA { i += 1; continue }
            if cur == B_RBRACKET { i += 1; break }
            throw fail(i < end ? "« , » ou « ] » attendu dans des coordonnées" : "fin de fichier inattendue dans des coordonnées")
        }
        switch top {
        case 0, 2:
            // Arrays of lines (or of empty arrays: rings without positions).
            return .lines(children.map { if case .line(let ps) = $0 { return ps } else { return [] } })
        case 3:
            return .polygons(children.map { if case .lines(let ls) = $0 { return ls } else { return [] } })
        default:
            throw fail("coordonnées imbriquées trop profondément")
        }
    }

    /// After `[` of a position, at its first number.
    @inline(__always) mutating func positionTail() throws -> Position {
        let x = try number()
        try expect(B_COMMA, "« , » (une position a 2 ou 3 nombres)")
        ws()
        let y = try number()
        ws()
        if cur == B_COMMA {
            i += 1
            ws()
            _ = try number()
            ws()
        }
        guard cur == B_RBRACKET else { throw fail("position de plus de 3 nombres ou mal fermée") }
        i += 1
        if !(abs(x) <= 180 && abs(y) <= 90) { outsideLonLat = true }
        return Position(x, y)
    }

    // MARK: numbers

    /// A JSON number (RFC 8259 grammar). The common shape (an integer part
    /// of 1 to 7 digits, an optional fraction of 1 to 7 digits, no exponent)
    /// is read 8 bytes at a time; everything else by `numberGeneral`.
    /// Both are exact: at most 14 digits make a mantissa below 2^53, divided
    /// by an exact power of ten (Clinger), so correctly rounded.
    @inline(__always) mutating func number() throws -> Double {
        var k = i
        guard k + 17 <= end else { return try numberGeneral() }
        let neg = base[k] == B_MINUS
        if neg { k += 1 }
        let w1 = word(k)
        let n1 = FastParser.digitRun(w1)
        guard n1 >= 1, n1 < 8, n1 == 1 || base[k] != B_ZERO else { return try numberGeneral() }
        var mant = FastParser.digits(w1, n1)
        k += n1
        var scale = 1.0
        if base[k] == B_DOT {
            let w2 = word(k + 1)
            let n2 = FastParser.digitRun(w2)
            guard n2 >= 1, n2 < 8 else { return try numberGeneral() }
            mant = mant &* FastParser.tenPower(n2) &+ FastParser.digits(w2, n2)
            scale = Double(FastParser.tenPower(n2))
            k += 1 + n2
        }
        guard base[k] | 0x20 != 0x65 else { return try numberGeneral() }
        i = k
        let d = Double(mant) / scale
        return neg ? -d : d
    }

    /// The number of leading ASCII digits of the 8 bytes `w` (first byte lowest).
    @inline(__always) static func digitRun(_ w: UInt64) -> Int {
        // A byte is a digit when its high nibble is 3 and stays 3 after adding 6.
        // (A carry out of a non-digit byte only affects bytes after it.)
        let nonDigit = ((w & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
            | (((w &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
        return nonDigit.trailingZeroBitCount >> 3
    }

    /// The value of the first `n` (1...8) digit bytes of `w`.
    @inline(__always) static func digits(_ w: UInt64, _ n: Int) -> UInt64 {
        var v = (w << UInt64(8 * (8 - n))) & 0x0F0F_0F0F_0F0F_0F0F
        v = (v &* 2561) >> 8
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
    }

    @inline(__always) static func tenPower(_ n: Int) -> UInt64 {
        switch n {
        case 1: return 10
        case 2: return 100
        case 3: return 1000
        case 4: return 10_000
        case 5: return 100_000
        case 6: return 1_000_000
        default: return 10_000_000
        }
    }

    /// Any JSON number. Exact fast path (Clinger) for up to 19 significant
    /// digits and powers of ten up to 22; otherwise strtod.
    mutating func numberGeneral() throws -> Double {
        let start = i
        var neg = false
        if cur == B_MINUS { neg = true; i += 1 }
        var mant: UInt64 = 0
        var sig = 0
        var exp10 = 0
        var inexact = false
        guard i < end, base[i] >= B_ZERO, base[i] <= B_NINE else { throw fail(i < end ? "nombre invalide" : "fin de fichier inattendue dans un nombre") }
        if base[i] == B_ZERO {
            i += 1
            if i < end, base[i] >= B_ZERO, base[i] <= B_NINE { throw fail("nombre invalide (zéro initial)") }
        } else {
            while i < end {
                let d = base[i] &- B_ZERO
                if d > 9 { break }
                if sig < 19 { mant = mant &* 10 &+ UInt64(d); sig += 1 } else { exp10 += 1; if d != 0 { inexact = true } }
                i += 1
            }
        }
        if i < end, base[i] == B_DOT {
            i += 1
            let fs = i
            while i < end {
                let d = base[i] &- B_ZERO
                if d > 9 { break }
                if sig < 19 {
                    mant = mant &* 10 &+ UInt64(d)
                    if mant != 0 { sig += 1 }
                    exp10 -= 1
                } else if d != 0 { inexact = true }
                i += 1
            }
            if i == fs { throw fail("nombre invalide (chiffre attendu après le point)") }
        }
        if i < end, base[i] | 0x20 == 0x65 {
            i += 1
            var eneg = false
            if cur == B_MINUS { eneg = true; i += 1 } else if cur == B_PLUS { i += 1 }
            let es = i
            var e = 0
            while i < end {
                let d = base[i] &- B_ZERO
                if d > 9 { break }
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            if i == es { throw fail("nombre invalide (exposant sans chiffre)") }
            exp10 += eneg ? -e : e
        }
        if !inexact, mant < (1 << 53), exp10 >= -22, exp10 <= 22 {
            var d = Double(mant)
            if exp10 < 0 { d /= powersOf10[-exp10] } else if exp10 > 0 { d *= powersOf10[exp10] }
            return neg ? -d : d
        }
        if mant == 0 { return neg ? -0.0 : 0 }
        let n = i - start
        let d: Double = withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf in
            let b = buf.baseAddress!
            UnsafeMutableRawPointer(b).copyMemory(from: base + start, byteCount: n)
            b[n] = 0
            return strtod(b, nil)
        }
        guard d.isFinite else { i = start; throw fail("nombre hors des limites") }
        return d
    }

    // MARK: strings

    /// At `"`: the byte range of the content and whether it has escapes.
    @inline(__always) mutating func rawString() throws -> (Int, Int, Bool) {
        guard i < end, base[i] == B_QUOTE else { throw fail(i < end ? "chaîne attendue (« \" »)" : "fin de fichier inattendue : chaîne attendue") }
        i += 1
        let s = i
        var escaped = false
        // 8 bytes at a time up to the first quote, backslash or control byte.
        while i + 8 <= end {
            let w = word(i)
            let q = w ^ 0x2222_2222_2222_2222, b = w ^ 0x5C5C_5C5C_5C5C_5C5C
            let stop = ((q &- 0x0101_0101_0101_0101) & ~q) | ((b &- 0x0101_0101_0101_0101) & ~b)
                | ((w &- 0x2020_2020_2020_2020) & ~w)
            let first = stop & 0x8080_8080_8080_8080
            if first != 0 {
                // The lowest flagged byte is exact (borrows only run upwards).
                i += first.trailingZeroBitCount >> 3
                if base[i] == B_QUOTE { i += 1; return (s, i - 1, false) }
                break
            }
            i += 8
        }
        while i < end {
            let c = base[i]
            if c == B_QUOTE { i += 1; return (s, i - 1, escaped) }
            if c == B_BACKSLASH {
                escaped = true
                i += 1
                guard i < end else { break }
                switch base[i] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 1
                case 0x75:
                    guard i + 4 < end, (1...4).allSatisfy({ hexValue(base[i + $0]) != nil }) else { throw fail("séquence \\u invalide") }
                    i += 5
                default: throw fail("séquence d'échappement invalide")
                }
                continue
            }
            if c < 0x20 { throw fail("caractère de contrôle dans une chaîne (non échappé)") }
            i += 1
        }
        i = s - 1
        throw fail("chaîne non terminée")
    }

    func string(_ s: Int, _ e: Int, escaped: Bool) -> String {
        let raw = UnsafeBufferPointer(start: base + s, count: e - s)
        if !escaped { return String(decoding: raw, as: UTF8.self) }
        return FastParser.unescape(raw)
    }

    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var k = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.count else { return nil }
            var v: UInt32 = 0
            for j in 0..<4 { guard let h = hexValue(raw[at + j]) else { return nil }; v = v << 4 | h }
            return v
        }
        while k < raw.count {
            let c = raw[k]
            if c != B_BACKSLASH { out.append(c); k += 1; continue }
            k += 1
            guard k < raw.count else { break }
            switch raw[k] {
            case 0x6E: out.append(0x0A)
            case 0x74: out.append(0x09)
            case 0x72: out.append(0x0D)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x75:
                guard var code = hex4(k + 1) else { out.append(contentsOf: "\u{FFFD}".utf8); k += 1; continue }
                k += 4
                if code >= 0xD800, code < 0xDC00, k + 2 < raw.count, raw[k + 1] == B_BACKSLASH, raw[k + 2] == 0x75,
                   let low = hex4(k + 3), low >= 0xDC00, low < 0xE000 {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    k += 6
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8)
            default: out.append(raw[k])
            }
            k += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: properties and other values

    /// At `{`: ordered members. `cacheKeys` reuses the key strings of the
    /// previous feature (same keys in the same order is the common case):
    /// a name equal to the cached one at its slot is recognised from its bytes
    /// without scanning, and while every name so far matched its slot the
    /// duplicate check is not needed (cached names are pairwise distinct).
    mutating func properties(depth: Int, cacheKeys: Bool) throws -> Properties {
        if depth > Self.maxDepth { throw fail("imbrication trop profonde (plus de \(Self.maxDepth) niveaux)") }
        i += 1
        var entries: [(key: String, value: PropertyValue)] = []
        ws()
        if cur == B_RBRACE { i += 1; return Properties(entries) }
        if cacheKeys { entries.reserveCapacity(keyStrings.isEmpty ? 4 : keyStrings.count) }
        var inOrder = cacheKeys
        while true {
            ws()
            let slot = entries.count
            let key: String
            if inOrder, slot < keyStrings.count, let n = cachedKeyLength(slot) {
                key = keyStrings[slot]
                i += 1 + n
            } else {
                let (ks, ke, esc) = try rawString()
                key = string(ks, ke, escaped: esc)
                for e in entries where e.key == key { i = ks - 1; throw fail("membre « \(key) » en double") }
                if inOrder {
                    // entries == cached names before `slot`, and `key` differs from them all.
                    if slot < keyStrings.count { truncateKeyCache(slot) }
                    if !esc, ke > ks, slot < 64 { appendKeyCache(key, ks, ke) } else { inOrder = false }
                }
            }
            try expect(B_COLON, "« : »")
            entries.append((key, try value(depth: depth + 1)))
            ws()
            if cur == B_COMMA { i += 1; continue }
            if cur == B_RBRACE { i += 1; return Properties(entries) }
            throw fail(i < end ? "« , » ou « } » attendu" : "fin de fichier inattendue dans un objet")
        }
    }

    /// At `"`: the length of the cached name of `slot` with its closing quote
    /// when the bytes here are exactly that name; nil otherwise.
    @inline(__always) func cachedKeyLength(_ slot: Int) -> Int? {
        guard i < end, base[i] == B_QUOTE else { return nil }
        let n = keyBytes[slot].count
        let m0 = keyWords[4 * slot + 2]
        if m0 != 0, i + 17 <= end {
            guard word(i + 1) & m0 == keyWords[4 * slot], word(i + 9) & keyWords[4 * slot + 3] == keyWords[4 * slot + 1] else { return nil }
            return n
        }
        guard i + 1 + n <= end else { return nil }
        return keyBytes[slot].withUnsafeBufferPointer { memcmp($0.baseAddress!, base + i + 1, n) == 0 } ? n : nil
    }

    private mutating func truncateKeyCache(_ slot: Int) {
        keyStrings.removeSubrange(slot...)
        keyBytes.removeSubrange(slot...)
        keyWords.removeSubrange((4 * slot)...)
    }

    /// Caches the name between `ks` and `ke` (unescaped, its closing quote at `ke`).
    private mutating func appendKeyCache(_ key: String, _ ks: Int, _ ke: Int) {
        let bytes = Array(UnsafeBufferPointer(start: base + ks, count: ke - ks + 1))
        var w: [UInt64] = [0, 0, 0, 0]
        if bytes.count <= 16 {
            for (k, b) in bytes.enumerated() {
                w[k / 8] |= UInt64(b) << (8 * UInt64(k % 8))
                w[2 + k / 8] |= 0xFF << (8 * UInt64(k % 8))
            }
        }
        keyStrings.append(key)
        keyBytes.append(bytes)
        keyWords.append(contentsOf: w)
    }

    /// Any JSON value, as a property value.
    mutating func value(depth: Int) throws -> PropertyValue {
        if depth > Self.maxDepth { throw fail("imbrication trop profonde (plus de \(Self.maxDepth) niveaux)") }
        ws()
        guard i < end else { throw fail("fin de fichier inattendue : valeur attendue") }
        switch base[i] {
        case B_QUOTE:
            let (s, e, esc) = try rawString()
            return .string(string(s, e, escaped: esc))
        case B_LBRACE:
            return .object(try properties(depth: depth, cacheKeys: false))
        case B_LBRACKET:
            i += 1
            var items: [PropertyValue] = []
            ws()
            if cur == B_RBRACKET { i += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth + 1))
                ws()
                if cur == B_COMMA { i += 1; continue }
                if cur == B_RBRACKET { i += 1; return .array(items) }
                throw fail(i < end ? "« , » ou « ] » attendu" : "fin de fichier inattendue dans un tableau")
            }
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6E: try literal("null"); return .null
        case B_MINUS, B_ZERO...B_NINE: return .number(try number())
        default: throw fail("valeur JSON attendue")
        }
    }
}


@inline(__always) func hexValue(_ c: UInt8) -> UInt32? {
    switch c {
    case 0x30...0x39: return UInt32(c - 0x30)
    case 0x41...0x46: return UInt32(c - 0x41 + 10)
    case 0x61...0x66: return UInt32(c - 0x61 + 10)
    default: return nil
    }
}

extension PropertyValue {
    /// Member of an object value, nil otherwise.
    subscript(key: String) -> PropertyValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}
