import Foundation

/// Reads GeoJSON into a `Layer`. Structural errors throw a French message
/// naming the file and the feature.
///
/// This first version goes through a generic JSON tree; the streaming
/// parser of the GeoJSON issue replaces its internals behind the same API.
public enum GeoJSONReader {
    public static func read(path: String, name: String? = nil) throws -> Layer {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GUPError.input(file: path, "fichier introuvable ou illisible")
        }
        let layerName = name ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try read(data: data, source: path, name: layerName)
    }

    /// `checkLonLat`: refuse coordinates outside lon/lat range when the
    /// file declares no CRS (turn off when the caller declares one).
    public static func read(data: Data, source: String, name: String, checkLonLat: Bool = true) throws -> Layer {
        let root: JSONValue
        do {
            root = try JSONValue.parse(data)
        } catch let e as JSONValue.ParseError {
            throw GUPError.input(file: source, "JSON invalide (octet \(e.offset)) : \(e.message)")
        }
        guard case .object(let top) = root else {
            throw GUPError.input(file: source, "le document n'est pas un objet GeoJSON")
        }
        var crs = CRS.wgs84
        var declared = false
        if case .object(let c)? = top["crs"], case .object(let p)? = c["properties"], case .string(let n)? = p["name"] {
            guard let parsed = CRS.parse(n) else {
                throw GUPError.input(file: source, "système de coordonnées « \(n) » non reconnu dans le membre crs")
            }
            crs = parsed
            declared = true
        }
        var features: [Feature] = []
        switch top["type"] {
        case .string("FeatureCollection"):
            guard case .array(let fs)? = top["features"] else {
                throw GUPError.input(file: source, "FeatureCollection sans tableau « features »")
            }
            features.reserveCapacity(fs.count)
            for (i, f) in fs.enumerated() {
                features.append(try feature(f, index: i, source: source))
            }
        case .string("Feature"):
            features.append(try feature(root, index: 0, source: source))
        case .string(let t) where geometryTypes.contains(t):
            features.append(Feature(index: 0, geometry: try geometry(root, source: source, label: "géométrie")))
        case .string(let t):
            throw GUPError.input(file: source, "type GeoJSON inconnu « \(t) »")
        default:
            throw GUPError.input(file: source, "membre « type » absent à la racine")
        }
        let layer = Layer(name: name, source: source, crs: crs, features: features)
        if !declared && checkLonLat { try Self.checkLonLat(layer) }
        return layer
    }

    static let geometryTypes: Set<String> = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"]

    /// Coordinates outside lon/lat range in a file without `crs` are an
    /// error that says which CRS they look like.
    static func checkLonLat(_ layer: Layer) throws {
        for f in layer.features {
            guard let g = f.geometry else { continue }
            var bad: Position?
            g.forEachPosition { p in
                if bad == nil, abs(p.x) > 180 || abs(p.y) > 90 { bad = p }
            }
            if let p = bad {
                var hint = "déclarez son système de coordonnées (membre « crs » du fichier ou option --crs-source)"
                if p.x > 50_000, p.x < 1_300_000, p.y > 6_000_000, p.y < 7_200_000 {
                    hint = "elles ressemblent à du Lambert-93 (EPSG:2154) : ajoutez au fichier \"crs\": {\"type\": \"name\", \"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::2154\"}} ou passez --crs-source EPSG:2154"
                }
                throw GUPError.input(file: layer.source, feature: f.label,
                    "coordonnées (\(p.x), \(p.y)) hors des bornes longitude/latitude alors que le fichier ne déclare pas de système de coordonnées ; \(hint)")
            }
        }
    }

    static func feature(_ v: JSONValue, index: Int, source: String) throws -> Feature {
        let label = "entité n° \(index + 1)"
        guard case .object(let o) = v else {
            throw GUPError.input(file: source, feature: label, "n'est pas un objet")
        }
        guard case .string("Feature")? = o["type"] else {
            throw GUPError.input(file: source, feature: label, "« type » doit valoir « Feature »")
        }
        var id: PropertyValue?
        switch o["id"] {
        case .string(let s)?: id = .string(s)
        case .number(let d)?: id = .number(d)
        case nil: id = nil
        default: throw GUPError.input(file: source, feature: label, "« id » doit être une chaîne ou un nombre")
        }
        let flabel = id?.text.map { "\(label) (id \($0))" } ?? label
        var geom: Geometry?
        switch o["geometry"] {
        case .null?: geom = nil
        case let g?: geom = try geometry(g, source: source, label: flabel)
        case nil: throw GUPError.input(file: source, feature: flabel, "membre « geometry » absent")
        }
        var props = Properties()
        switch o["properties"] {
        case .object(let p)?: props = Properties(p.entries.map { ($0.key, $0.value.propertyValue) })
        case .null?: break
        case nil: throw GUPError.input(file: source, feature: flabel, "membre « properties » absent")
        default: throw GUPError.input(file: source, feature: flabel, "« properties » doit être un objet ou null")
        }
        return Feature(index: index, id: id, geometry: geom, properties: props)
    }

    static func geometry(_ v: JSONValue, source: String, label: String) throws -> Geometry {
        func fail(_ m: String) -> GUPError { GUPError.input(file: source, feature: label, m) }
        guard case .object(let o) = v, case .string(let type)? = o["type"] else {
            throw fail("géométrie sans « type »")
        }
        if type == "GeometryCollection" {
            guard case .array(let gs)? = o["geometries"] else { throw fail("GeometryCollection sans tableau « geometries »") }
            return .geometryCollection(try gs.map { try geometry($0, source: source, label: label) })
        }
        guard let c = o["coordinates"] else { throw fail("\(type) sans « coordinates »") }
        func pos(_ v: JSONValue) throws -> Position {
            guard case .array(let a) = v, a.count >= 2, a.count <= 3,
                  case .number(let x) = a[0], case .number(let y) = a[1] else {
                throw fail("position invalide dans \(type) (2 ou 3 nombres attendus)")
            }
            return Position(x, y)
        }
        func list(_ v: JSONValue) throws -> [JSONValue] {
            guard case .array(let a) = v else { throw fail("tableau de coordonnées attendu dans \(type)") }
            return a
        }
        func line(_ v: JSONValue) throws -> [Position] {
            let ps = try list(v).map(pos)
            if ps.count < 2 { throw fail("LineString de moins de 2 positions") }
            return ps
        }
        func ring(_ v: JSONValue) throws -> [Position] {
            let ps = try list(v).map(pos)
            if ps.count < 4 { throw fail("anneau de moins de 4 positions") }
            if ps.first != ps.last { throw fail("anneau non fermé (la dernière position doit répéter la première)") }
            return ps
        }
        func polygon(_ v: JSONValue) throws -> Polygon {
            let rs = try list(v).map(ring)
            guard let ext = rs.first else { throw fail("polygone sans anneau") }
            return Polygon(exterior: ext, holes: Array(rs.dropFirst()))
        }
        switch type {
        case "Point": return .point(try pos(c))
        case "MultiPoint": return .multiPoint(try list(c).map(pos))
        case "LineString": return .lineString(try line(c))
        case "MultiLineString": return .multiLineString(try list(c).map(line))
        case "Polygon": return .polygon(try polygon(c))
        case "MultiPolygon": return .multiPolygon(try list(c).map(polygon))
        default: throw fail("type de géométrie inconnu « \(type) »")
        }
    }
}

/// A generic JSON value with ordered object members.
public indirect enum JSONValue: Hashable, Sendable {
    case object(JSONObject)
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    public struct ParseError: Error { public var offset: Int; public var message: String }

    var propertyValue: PropertyValue {
        switch self {
        case .object(let o): return .object(Properties(o.entries.map { ($0.key, $0.value.propertyValue) }))
        case .array(let a): return .array(a.map(\.propertyValue))
        case .string(let s): return .string(s)
        case .number(let d): return .number(d)
        case .bool(let b): return .bool(b)
        case .null: return .null
        }
    }

    public static func parse(_ data: Data) throws -> JSONValue {
        try data.withUnsafeBytes { raw -> JSONValue in
            var p = TreeParser(bytes: raw.bindMemory(to: UInt8.self))
            if p.bytes.count >= 3, p.bytes[0] == 0xEF, p.bytes[1] == 0xBB, p.bytes[2] == 0xBF { p.i = 3 }
            let v = try p.value(depth: 0)
            p.skipWS()
            if p.i != p.bytes.count { throw ParseError(offset: p.i, message: "contenu après la fin du document") }
            return v
        }
    }
}

/// Ordered JSON object members.
public struct JSONObject: Hashable, Sendable {
    public var entries: [(key: String, value: JSONValue)]
    public subscript(key: String) -> JSONValue? {
        for e in entries where e.key == key { return e.value }
        return nil
    }
    public static func == (a: JSONObject, b: JSONObject) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
    public func hash(into h: inout Hasher) { for e in entries { h.combine(e.key); h.combine(e.value) } }
}

private struct TreeParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0
    static let maxDepth = 512

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func err(_ m: String) -> JSONValue.ParseError { JSONValue.ParseError(offset: i, message: m) }

    mutating func skipWS() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func value(depth: Int) throws -> JSONValue {
        if depth > Self.maxDepth { throw err("imbrication trop profonde (plus de \(Self.maxDepth) niveaux)") }
        skipWS()
        guard i < bytes.count else { throw err("fin de fichier inattendue") }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var entries: [(key: String, value: JSONValue)] = []
            skipWS()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(JSONObject(entries: entries)) }
            while true {
                skipWS()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw err("nom de membre attendu") }
                let k = try string()
                skipWS()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw err("« : » attendu") }
                i += 1
                let v = try value(depth: depth + 1)
                entries.append((k, v))
                skipWS()
                guard i < bytes.count else { throw err("fin de fichier inattendue dans un objet") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(JSONObject(entries: entries)) }
                throw err("« , » ou « } » attendu")
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [JSONValue] = []
            skipWS()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                items.append(try value(depth: depth + 1))
                skipWS()
                guard i < bytes.count else { throw err("fin de fichier inattendue dans un tableau") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw err("« , » ou « ] » attendu")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            return .number(try number())
        }
    }

    mutating func literal(_ s: StaticString) throws {
        let n = s.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw err("littéral tronqué") }
        for k in 0..<n where bytes[i + k] != s.utf8Start[k] { throw err("littéral invalide") }
        i += n
    }

    mutating func number() throws -> Double {
        let start = i
        while i < bytes.count {
            let c = bytes[i]
            if (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { i += 1 } else { break }
        }
        guard i > start else { throw err("valeur JSON attendue") }
        let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        guard let d = Double(s) else { i = start; throw err("nombre invalide « \(s) »") }
        return d
    }

    mutating func string() throws -> String {
        i += 1
        let start = i
        var simple = true
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            if bytes[i] == UInt8(ascii: "\\") { simple = false; i += 2 } else { i += 1 }
        }
        guard i < bytes.count else { throw err("chaîne non terminée") }
        defer { i += 1 }
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<i])
        if simple { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var k = 0
        while k < slice.count {
            let c = slice[k]
            if c != UInt8(ascii: "\\") { out.append(c); k += 1; continue }
            k += 1
            guard k < slice.count else { break }
            switch slice[k] {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard k + 4 < slice.count, var code = UInt32(String(decoding: UnsafeBufferPointer(rebasing: slice[(k + 1)...(k + 4)]), as: UTF8.self), radix: 16) else {
                    throw err("séquence \\u invalide")
                }
                k += 4
                if code >= 0xD800, code < 0xDC00, k + 6 < slice.count, slice[k + 1] == UInt8(ascii: "\\"), slice[k + 2] == UInt8(ascii: "u"),
                   let low = UInt32(String(decoding: UnsafeBufferPointer(rebasing: slice[(k + 3)...(k + 6)]), as: UTF8.self), radix: 16),
                   low >= 0xDC00, low < 0xE000 {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    k += 6
                }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8))
            default: out.append(slice[k])
            }
            k += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
