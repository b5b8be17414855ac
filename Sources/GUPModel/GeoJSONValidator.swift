import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One problem found by `GeoJSONValidator`: where (line:column, JSON
/// pointer) and what, in French.
public struct GeoJSONIssue: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: Sendable, Equatable { case error, warning }
    public var severity: Severity
    /// Byte offset in the file (line and column are computed from it).
    public var offset: Int
    public var line = 0
    public var column = 0
    /// JSON pointer (RFC 6901) inside the document; "" is the root.
    public var pointer: String
    /// Zero-based index of the text in a GeoJSON text sequence, nil otherwise.
    public var text: Int?
    public var message: String

    public init(_ severity: Severity, offset: Int, pointer: String, _ message: String) {
        self.severity = severity
        self.offset = offset
        self.pointer = pointer
        self.message = message
    }

    /// « texte n° 3, /geometry » or « /features/12/geometry » or « racine ».
    public var pointerText: String {
        let p = pointer.isEmpty ? "racine" : pointer
        if let text { return "texte n° \(text + 1), \(p)" }
        return p
    }

    /// « fichier.geojson:12:34 : anneau non fermé [/features/3/geometry/coordinates/0] »
    public func located(in file: String) -> String {
        "\(file):\(line):\(column) : \(message) [\(pointerText)\(featureLabel.map { ", \($0)" } ?? "")]"
    }

    /// « entité n° 4 » when the pointer is inside `/features/3`.
    public var featureLabel: String? {
        let parts = pointerText.split(separator: "/")
        guard parts.count >= 2, parts[0] == "features", let k = Int(parts[1]) else { return nil }
        return "entité n° \(k + 1)"
    }

    /// « 12:34 : erreur : anneau non fermé [/features/3/geometry/coordinates/0] »
    public var description: String {
        "\(line):\(column) : \(severity == .error ? "erreur" : "avertissement") : \(message) [\(pointerText)]"
    }
}

/// The outcome of a strict validation.
public struct GeoJSONValidation: Sendable {
    /// Issues in file order (at most `maxIssues` of them).
    public var issues: [GeoJSONIssue] = []
    public var errorCount = 0
    public var warningCount = 0
    /// Features (or bare geometries) met, in file order.
    public var featureCount = 0
    public var isSequence = false
    /// The name in the legacy `crs` member, if any.
    public var declaredCRS: String?
    /// For each feature in file order, the byte offset of its geometry (-1 when null).
    public var geometryOffsets: [Int] = []
    /// False when the JSON could not be parsed to its end.
    public var parsedToEnd = true

    public var isValid: Bool { errorCount == 0 }

    /// The JSON pointer of feature `k`'s geometry.
    public func geometryPointer(_ k: Int) -> (pointer: String, text: Int?) {
        if isSequence { return ("/geometry", k) }
        switch root {
        case .featureCollection: return ("/features/\(k)/geometry", nil)
        case .feature: return ("/geometry", nil)
        case .geometry, .other: return ("", nil)
        }
    }

    enum Root: Sendable { case featureCollection, feature, geometry, other }
    var root = Root.other
}

/// Strict RFC 7946 validation with line:column and JSON pointers. Streams a
/// FeatureCollection feature by feature, so memory stays bounded by the
/// largest feature; nesting is limited, so no input can exhaust the stack.
public enum GeoJSONValidator {
    public static let maxDepth = 200
    /// The message of an object without `type`; at the root (pointer ""),
    /// the document is JSON but not GeoJSON (`gup verifier` on `rapport.json`).
    public static let missingType = "membre « type » absent"

    /// `checkLonLat`: coordinates outside lon/lat range are an error when
    /// the file declares no `crs` (turn off when the CRS comes from elsewhere).
    public static func validate(data: Data, maxIssues: Int = 200, checkLonLat: Bool = true) -> GeoJSONValidation {
        data.withUnsafeBytes { validate(bytes: $0.bindMemory(to: UInt8.self), maxIssues: maxIssues, checkLonLat: checkLonLat) }
    }

    public static func validate(bytes: UnsafeBufferPointer<UInt8>, maxIssues: Int = 200, checkLonLat: Bool = true) -> GeoJSONValidation {
        var v = Validator(bytes: bytes, maxIssues: maxIssues)
        v.checkLonLat = checkLonLat
        v.run()
        var r = v.result
        locate(&r.issues, in: bytes)
        return r
    }

    /// Sorts issues by offset and fills their line and column.
    public static func locate(_ issues: inout [GeoJSONIssue], in bytes: UnsafeBufferPointer<UInt8>) {
        issues = issues.enumerated().sorted { ($0.element.offset, $0.offset) < ($1.element.offset, $1.offset) }.map(\.element)
        var loc = SourceLocator(bytes)
        for k in issues.indices {
            let (l, c) = loc.location(of: issues[k].offset)
            issues[k].line = l
            issues[k].column = c
        }
    }

    static let geometryTypes = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"]
    static let allTypes = geometryTypes + ["Feature", "FeatureCollection"]
}

private struct SyntaxError: Error { var offset: Int; var message: String; var pointer = "" }

private struct Node {
    var offset: Int
    var kind: Kind
    indirect enum Kind {
        case object([Member])
        case array([Node])
        case string(String)
        case number(Double, decimals: Int)
        case bool(Bool)
        case null
    }
    var typeName: String {
        switch kind {
        case .object: return "un objet"
        case .array: return "un tableau"
        case .string: return "une chaîne"
        case .number: return "un nombre"
        case .bool: return "un booléen"
        case .null: return "null"
        }
    }
    func member(_ k: String) -> Member? {
        if case .object(let ms) = kind { return ms.first { $0.key == k } }
        return nil
    }
}

private struct Member {
    var key: String
    var keyOffset: Int
    var value: Node
}

private struct Validator {
    let b: UnsafeBufferPointer<UInt8>
    let maxIssues: Int
    var i = 0
    var result = GeoJSONValidation()
    var textIndex: Int? = nil
    // Aggregated warnings: first occurrence and count.
    var decimalsFirst: GeoJSONIssue?, decimalsCount = 0
    var windingFirst: GeoJSONIssue?, windingCount = 0
    var rangeFirst: (GeoJSONIssue, Position)?, rangeCount = 0
    var checkLonLat = true
    /// Path of the value being parsed, for the pointer of duplicate members.
    var path: [PathComponent] = []
    enum PathComponent { case key(String), index(Int) }
    var pathPointer: String {
        path.map { c -> String in
            switch c {
            case .key(let k): return "/" + escapePointer(k)
            case .index(let n): return "/\(n)"
            }
        }.joined()
    }

    init(bytes: UnsafeBufferPointer<UInt8>, maxIssues: Int) {
        b = bytes
        self.maxIssues = maxIssues
    }

    // MARK: issues

    mutating func add(_ s: GeoJSONIssue.Severity, _ offset: Int, _ ptr: String, _ m: String) {
        if s == .error { result.errorCount += 1 } else { result.warningCount += 1 }
        if result.issues.count < maxIssues {
            var issue = GeoJSONIssue(s, offset: offset, pointer: ptr, m)
            issue.text = textIndex
            result.issues.append(issue)
        }
    }
    mutating func error(_ n: Node, _ ptr: String, _ m: String) { add(.error, n.offset, ptr, m) }
    mutating func warning(_ n: Node, _ ptr: String, _ m: String) { add(.warning, n.offset, ptr, m) }

    // MARK: driver

    mutating func run() {
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { i = 3 }
        // A UTF-16 file is named as such, not as « octet 0xFF » unexpected.
        if b.count >= 2, (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) || (b[0] == 0 && b[1] != 0) || (b[0] != 0 && b[1] == 0) {
            add(.error, 0, "", TextDecoding.describeEncoding(b, at: 0))
            return
        }
        skipSeparators()
        if i >= b.count {
            add(.error, 0, "", b.isEmpty ? "fichier vide" : "fichier sans contenu JSON")
            return
        }
        var texts = 0
        var firstIssueCount = 0
        do {
            while true {
                try document()
                texts += 1
                skipSeparators()
                if i >= b.count { break }
                if texts == 1 {
                    // A GeoJSON text sequence: number the first text's issues too.
                    result.isSequence = true
                    for k in firstIssueCount..<result.issues.count { result.issues[k].text = 0 }
                    if result.root == .featureCollection {
                        add(.error, i, "", "contenu après la FeatureCollection (une suite de textes GeoJSON ne contient que des Feature ou des géométries)")
                        return finish()
                    }
                }
                textIndex = texts
                _ = firstIssueCount
                firstIssueCount = result.issues.count
            }
        } catch let e as SyntaxError {
            result.parsedToEnd = false
            add(.error, e.offset, e.pointer, "JSON invalide : \(e.message)")
        } catch {
            result.parsedToEnd = false
        }
        finish()
    }

    mutating func finish() {
        if let w = decimalsFirst {
            var w = w
            if decimalsCount > 1 { w.message += " (\(decimalsCount) nombres en tout)" }
            result.issues.append(w)
            result.warningCount += 1
        }
        if let w = windingFirst {
            var w = w
            if windingCount > 1 { w.message += " (\(windingCount) anneaux en tout)" }
            result.issues.append(w)
            result.warningCount += 1
        }
        if checkLonLat, let (e, p) = rangeFirst, result.declaredCRS == nil {
            var e = e
            e.message = "coordonnées (\(p.x), \(p.y)) hors des bornes longitude/latitude alors que le fichier ne déclare pas de système de coordonnées"
                + (rangeCount > 1 ? " (\(rangeCount) positions en tout)" : "") + " ; " + GeoJSONReader.crsHint(for: p)
            result.issues.append(e)
            result.errorCount += 1
        }
        if let c = result.declaredCRS, CRS.parse(c) == nil {
            add(.error, 0, "/crs", "système de coordonnées « \(c) » non reconnu dans le membre « crs »")
        }
    }

    mutating func skipSeparators() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 || b[i] == 0x1E { i += 1 }
    }
    mutating func ws() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }
    func syntax(_ m: String) -> SyntaxError {
        SyntaxError(offset: i, message: i < b.count ? m : "fin de fichier inattendue (\(m))", pointer: pathPointer)
    }

    /// One GeoJSON document; a top-level `features` array is validated element by element.
    mutating func document() throws {
        ws()
        let start = i
        guard i < b.count, b[i] == 0x7B else {
            let n = try value(depth: 0)
            error(n, "", "le document doit être un objet GeoJSON, pas \(n.typeName)")
            return
        }
        i += 1
        var members: [Member] = []
        ws()
        if i < b.count, b[i] == 0x7D { i += 1 } else {
            while true {
                ws()
                let ko = i
                guard i < b.count, b[i] == 0x22 else { throw syntax("nom de membre attendu (« \" »)") }
                let key = try string()
                ws()
                guard i < b.count, b[i] == 0x3A else { throw syntax("« : » attendu") }
                i += 1
                ws()
                let vo = i
                let v: Node
                if key == "features", textIndex == nil, i < b.count, b[i] == 0x5B {
                    try streamFeatures()
                    v = Node(offset: vo, kind: .array([]))
                } else {
                    path = [.key(key)]
                    v = try value(depth: 1)
                    path = []
                }
                if members.contains(where: { $0.key == key }) {
                    add(.error, ko, "/" + escapePointer(key), "membre « \(key) » en double")
                }
                members.append(Member(key: key, keyOffset: ko, value: v))
                ws()
                guard i < b.count else { throw syntax("« , » ou « } » attendu") }
                if b[i] == 0x2C { i += 1; continue }
                if b[i] == 0x7D { i += 1; break }
                throw syntax("« , » ou « } » attendu")
            }
        }
        let root = Node(offset: start, kind: .object(members))
        if textIndex == nil, let c = root.member("crs") {
            if case .object = c.value.kind, case .string(let n)? = c.value.member("properties")?.value.member("name")?.value.kind {
                result.declaredCRS = n
                add(.warning, c.keyOffset, "/crs", "membre « crs » obsolète depuis RFC 7946 (système déclaré : \(n)) ; il est pris en compte")
            } else if case .null = c.value.kind {
            } else {
                error(c.value, "/crs", "membre « crs » invalide : {\"type\": \"name\", \"properties\": {\"name\": …}} attendu")
            }
        }
        let type = check(root, "", expect: textIndex == nil && !result.isSequence ? .any : .featureOrGeometry, isRoot: true)
        switch type {
        case "FeatureCollection": result.root = .featureCollection
        case "Feature": result.root = .feature
        case let t? where GeoJSONValidator.geometryTypes.contains(t):
            result.root = .geometry
            result.featureCount += 1
            result.geometryOffsets.append(start)
        default: break
        }
        if type == "Feature" {
            result.featureCount += 1
            result.geometryOffsets.append(geometryOffset(root))
        }
    }

    func geometryOffset(_ feature: Node) -> Int {
        if let g = feature.member("geometry"), case .object = g.value.kind { return g.value.offset }
        return -1
    }

    /// At the `[` of the root's `features`.
    mutating func streamFeatures() throws {
        i += 1
        ws()
        if i < b.count, b[i] == 0x5D { i += 1; return }
        var k = 0
        while true {
            path = [.key("features"), .index(k)]
            let f = try value(depth: 2)
            path = []
            let t = check(f, "/features/\(k)", expect: .feature, isRoot: false)
            result.featureCount += 1
            result.geometryOffsets.append(t == "Feature" ? geometryOffset(f) : -1)
            k += 1
            ws()
            guard i < b.count else { throw syntax("« , » ou « ] » attendu") }
            if b[i] == 0x2C { i += 1; continue }
            if b[i] == 0x5D { i += 1; return }
            throw syntax("« , » ou « ] » attendu entre les entités")
        }
    }

    // MARK: GeoJSON rules

    enum Expect { case any, feature, geometry, featureOrGeometry }

    /// Checks a GeoJSON object; returns its type when it is a known one.
    @discardableResult
    mutating func check(_ n: Node, _ ptr: String, expect: Expect, isRoot: Bool) -> String? {
        guard case .object(let ms) = n.kind else {
            error(n, ptr, "objet GeoJSON attendu, trouvé \(n.typeName)")
            return nil
        }
        guard let tm = ms.first(where: { $0.key == "type" }) else {
            error(n, ptr, GeoJSONValidator.missingType)
            return nil
        }
        guard case .string(let t) = tm.value.kind else {
            error(tm.value, ptr + "/type", "« type » doit être une chaîne, trouvé \(tm.value.typeName)")
            return nil
        }
        guard GeoJSONValidator.allTypes.contains(t) else {
            if let right = GeoJSONValidator.allTypes.first(where: { $0.lowercased() == t.lowercased() }) {
                error(tm.value, ptr + "/type", "type « \(t) » mal écrit : « \(right) » attendu (la casse compte)")
            } else {
                error(tm.value, ptr + "/type", "type « \(t) » inconnu (types GeoJSON : \(GeoJSONValidator.allTypes.joined(separator: ", ")))")
            }
            return nil
        }
        let isGeometry = GeoJSONValidator.geometryTypes.contains(t)
        switch expect {
        case .feature where t != "Feature":
            error(tm.value, ptr + "/type", "« Feature » attendu dans « features », trouvé « \(t) »"); return nil
        case .geometry where !isGeometry:
            error(tm.value, ptr + "/type", "type de géométrie attendu, trouvé « \(t) »"); return nil
        case .featureOrGeometry where t == "FeatureCollection":
            error(tm.value, ptr + "/type", "FeatureCollection dans une suite de textes GeoJSON (Feature ou géométrie attendue)"); return nil
        default: break
        }
        if let bb = ms.first(where: { $0.key == "bbox" }) { checkBBox(bb.value, ptr + "/bbox") }
        func forbid(_ names: [String]) {
            for m in ms where names.contains(m.key) {
                add(.error, m.keyOffset, ptr + "/" + m.key, "un objet \(t) ne doit pas avoir de membre « \(m.key) »")
            }
        }
        if !isRoot, let c = ms.first(where: { $0.key == "crs" }) {
            add(.warning, c.keyOffset, ptr + "/crs", "membre « crs » ailleurs qu'à la racine : ignoré")
        }
        switch t {
        case "FeatureCollection":
            forbid(["coordinates", "geometries", "geometry", "properties"])
            guard let f = ms.first(where: { $0.key == "features" }) else { error(n, ptr, "membre « features » absent"); break }
            if case .array(let items) = f.value.kind {
                // Streamed at the root; checked here otherwise.
                for (k, it) in items.enumerated() { check(it, ptr + "/features/\(k)", expect: .feature, isRoot: false) }
            } else {
                error(f.value, ptr + "/features", "« features » doit être un tableau, trouvé \(f.value.typeName)")
            }
        case "Feature":
            forbid(["coordinates", "geometries", "features"])
            if let g = ms.first(where: { $0.key == "geometry" }) {
                switch g.value.kind {
                case .null: break
                case .object: check(g.value, ptr + "/geometry", expect: .geometry, isRoot: false)
                default: error(g.value, ptr + "/geometry", "« geometry » doit être un objet ou null, trouvé \(g.value.typeName)")
                }
            } else { error(n, ptr, "membre « geometry » absent (null s'il n'y a pas de géométrie)") }
            if let p = ms.first(where: { $0.key == "properties" }) {
                switch p.value.kind {
                case .null, .object: break
                default: error(p.value, ptr + "/properties", "« properties » doit être un objet ou null, trouvé \(p.value.typeName)")
                }
            } else { error(n, ptr, "membre « properties » absent (null s'il n'y en a pas)") }
            if let id = ms.first(where: { $0.key == "id" }) {
                switch id.value.kind {
                case .string, .number: break
                default: error(id.value, ptr + "/id", "« id » doit être une chaîne ou un nombre, trouvé \(id.value.typeName)")
                }
            }
        case "GeometryCollection":
            forbid(["geometry", "properties", "features", "coordinates"])
            guard let g = ms.first(where: { $0.key == "geometries" }) else { error(n, ptr, "membre « geometries » absent"); break }
            guard case .array(let gs) = g.value.kind else {
                error(g.value, ptr + "/geometries", "« geometries » doit être un tableau, trouvé \(g.value.typeName)"); break
            }
            for (k, c) in gs.enumerated() {
                let ct = check(c, ptr + "/geometries/\(k)", expect: .geometry, isRoot: false)
                if ct == "GeometryCollection" {
                    warning(c, ptr + "/geometries/\(k)", "GeometryCollection imbriquée dans une autre (déconseillé par RFC 7946)")
                }
            }
        default:
            forbid(["geometry", "properties", "features", "geometries"])
            guard let c = ms.first(where: { $0.key == "coordinates" }) else { error(n, ptr, "membre « coordinates » absent"); break }
            checkCoordinates(t, c.value, ptr + "/coordinates")
        }
        return t
    }

    mutating func checkBBox(_ n: Node, _ ptr: String) {
        guard case .array(let a) = n.kind, a.count >= 4, a.count % 2 == 0,
              a.allSatisfy({ if case .number = $0.kind { return true } else { return false } }) else {
            error(n, ptr, "« bbox » doit être un tableau de 2×n nombres (4 en 2D, 6 en 3D)")
            return
        }
    }

    mutating func position(_ n: Node, _ ptr: String) -> Position? {
        guard case .array(let a) = n.kind else {
            error(n, ptr, "position attendue (tableau de 2 ou 3 nombres), trouvé \(n.typeName)"); return nil
        }
        guard a.count == 2 || a.count == 3 else {
            error(n, ptr, "position de \(a.count) valeur(s) : 2 ou 3 nombres attendus"); return nil
        }
        var xy: [Double] = []
        for (k, v) in a.enumerated() {
            guard case .number(let d, let decimals) = v.kind else {
                error(v, ptr + "/\(k)", "coordonnée non numérique (\(v.typeName))"); return nil
            }
            if decimals > 7 {
                decimalsCount += 1
                if decimalsFirst == nil {
                    var w = GeoJSONIssue(.warning, offset: v.offset, pointer: ptr + "/\(k)", "coordonnée de plus de 7 décimales (précision inférieure au centimètre, inutile en lon/lat)")
                    w.text = textIndex
                    decimalsFirst = w
                }
            }
            if k < 2 { xy.append(d) }
        }
        let p = Position(xy[0], xy[1])
        if !(abs(p.x) <= 180 && abs(p.y) <= 90) {
            rangeCount += 1
            if rangeFirst == nil {
                var e = GeoJSONIssue(.error, offset: n.offset, pointer: ptr, "")
                e.text = textIndex
                rangeFirst = (e, p)
            }
        }
        return p
    }

    mutating func positions(_ n: Node, _ ptr: String) -> [Position]? {
        guard case .array(let a) = n.kind else {
            error(n, ptr, "tableau de positions attendu, trouvé \(n.typeName)"); return nil
        }
        var out: [Position] = []
        var ok = true
        for (k, v) in a.enumerated() {
            if let p = position(v, ptr + "/\(k)") { out.append(p) } else { ok = false }
        }
        return ok ? out : nil
    }

    mutating func array(_ n: Node, _ ptr: String, _ what: String) -> [Node]? {
        guard case .array(let a) = n.kind else {
            error(n, ptr, "tableau \(what) attendu, trouvé \(n.typeName)"); return nil
        }
        return a
    }

    mutating func lineString(_ n: Node, _ ptr: String) {
        guard let ps = positions(n, ptr) else { return }
        if ps.count < 2 { error(n, ptr, "LineString de \(ps.count) position(s) : au moins 2 attendues") }
    }

    mutating func polygon(_ n: Node, _ ptr: String) {
        guard let rings = array(n, ptr, "d'anneaux") else { return }
        if rings.isEmpty { error(n, ptr, "polygone sans anneau") }
        for (k, r) in rings.enumerated() {
            let rp = ptr + "/\(k)"
            guard let ps = positions(r, rp) else { continue }
            if ps.count < 4 { error(r, rp, "anneau de \(ps.count) position(s) : au moins 4 attendues"); continue }
            if ps.first != ps.last {
                error(r, rp, "anneau non fermé : la dernière position (\(ps.last!.x), \(ps.last!.y)) doit répéter la première (\(ps[0].x), \(ps[0].y))")
                continue
            }
            let a = GeoJSONWriter.signedArea2(ps)
            if (k == 0 && a < 0) || (k > 0 && a > 0) {
                windingCount += 1
                if windingFirst == nil {
                    var w = GeoJSONIssue(.warning, offset: r.offset, pointer: rp,
                        k == 0 ? "anneau extérieur dans le sens horaire (règle de la main droite : sens antihoraire attendu)"
                               : "trou dans le sens antihoraire (règle de la main droite : sens horaire attendu)")
                    w.text = textIndex
                    windingFirst = w
                }
            }
        }
    }

    mutating func checkCoordinates(_ type: String, _ n: Node, _ ptr: String) {
        if case .array(let a) = n.kind, a.isEmpty {
            warning(n, ptr, "coordonnées vides : la géométrie sera traitée comme nulle")
            return
        }
        switch type {
        case "Point": _ = position(n, ptr)
        case "MultiPoint": _ = positions(n, ptr)
        case "LineString": lineString(n, ptr)
        case "MultiLineString":
            guard let ls = array(n, ptr, "de LineString") else { return }
            for (k, l) in ls.enumerated() { lineString(l, ptr + "/\(k)") }
        case "Polygon": polygon(n, ptr)
        case "MultiPolygon":
            guard let ps = array(n, ptr, "de polygones") else { return }
            for (k, p) in ps.enumerated() { polygon(p, ptr + "/\(k)") }
        default: break
        }
    }

    // MARK: JSON syntax (RFC 8259)

    mutating func value(depth: Int) throws -> Node {
        if depth > GeoJSONValidator.maxDepth {
            throw syntax("imbrication trop profonde (plus de \(GeoJSONValidator.maxDepth) niveaux)")
        }
        ws()
        guard i < b.count else { throw syntax("valeur attendue") }
        let o = i
        switch b[i] {
        case 0x7B:
            i += 1
            var ms: [Member] = []
            ws()
            if i < b.count, b[i] == 0x7D { i += 1; return Node(offset: o, kind: .object(ms)) }
            while true {
                ws()
                let ko = i
                guard i < b.count, b[i] == 0x22 else { throw syntax("nom de membre attendu (« \" »)") }
                let k = try string()
                ws()
                guard i < b.count, b[i] == 0x3A else { throw syntax("« : » attendu") }
                i += 1
                path.append(.key(k))
                let v = try value(depth: depth + 1)
                if ms.contains(where: { $0.key == k }) {
                    add(.error, ko, pathPointer, "membre « \(k) » en double")
                }
                path.removeLast()
                ms.append(Member(key: k, keyOffset: ko, value: v))
                ws()
                guard i < b.count else { throw syntax("« , » ou « } » attendu") }
                if b[i] == 0x2C { i += 1; continue }
                if b[i] == 0x7D { i += 1; return Node(offset: o, kind: .object(ms)) }
                throw syntax("« , » ou « } » attendu")
            }
        case 0x5B:
            i += 1
            var items: [Node] = []
            ws()
            if i < b.count, b[i] == 0x5D { i += 1; return Node(offset: o, kind: .array(items)) }
            while true {
                path.append(.index(items.count))
                items.append(try value(depth: depth + 1))
                path.removeLast()
                ws()
                guard i < b.count else { throw syntax("« , » ou « ] » attendu") }
                if b[i] == 0x2C { i += 1; continue }
                if b[i] == 0x5D { i += 1; return Node(offset: o, kind: .array(items)) }
                throw syntax("« , » ou « ] » attendu")
            }
        case 0x22: return Node(offset: o, kind: .string(try string()))
        case 0x74: try literal("true"); return Node(offset: o, kind: .bool(true))
        case 0x66: try literal("false"); return Node(offset: o, kind: .bool(false))
        case 0x6E: try literal("null"); return Node(offset: o, kind: .null)
        case 0x2D, 0x30...0x39: return try number()
        default: throw syntax("valeur JSON attendue, trouvé « \(printable(b[i])) »")
        }
    }

    func printable(_ c: UInt8) -> String {
        c >= 0x20 && c < 0x7F ? String(UnicodeScalar(c)) : String(format: "octet 0x%02X", c)
    }

    mutating func literal(_ s: String) throws {
        for u in s.utf8 {
            guard i < b.count, b[i] == u else { throw syntax("littéral invalide (« \(s) » attendu ?)") }
            i += 1
        }
    }

    mutating func number() throws -> Node {
        let o = i
        if b[i] == 0x2D { i += 1 }
        func digits() -> Int {
            let s = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            return i - s
        }
        guard i < b.count, b[i] >= 0x30, b[i] <= 0x39 else { throw syntax("chiffre attendu dans un nombre") }
        if b[i] == 0x30 {
            i += 1
            if i < b.count, b[i] >= 0x30, b[i] <= 0x39 { throw syntax("nombre invalide (zéro initial)") }
        } else { _ = digits() }
        var decimals = 0
        if i < b.count, b[i] == 0x2E {
            i += 1
            decimals = digits()
            if decimals == 0 { throw syntax("chiffre attendu après le point décimal") }
        }
        if i < b.count, b[i] == 0x65 || b[i] == 0x45 {
            i += 1
            if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
            if digits() == 0 { throw syntax("chiffre attendu dans l'exposant") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: b[o..<i]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else {
            throw SyntaxError(offset: o, message: "nombre hors des limites « \(text) »", pointer: pathPointer)
        }
        return Node(offset: o, kind: .number(d, decimals: decimals))
    }

    /// At `"`; validates escapes, control characters and UTF-8.
    mutating func string() throws -> String {
        let open = i
        i += 1
        let s = i
        var escaped = false
        while true {
            guard i < b.count else { throw SyntaxError(offset: open, message: "chaîne non terminée", pointer: pathPointer) }
            let c = b[i]
            if c == 0x22 { break }
            if c == 0x5C {
                escaped = true
                i += 1
                guard i < b.count else { throw SyntaxError(offset: open, message: "chaîne non terminée", pointer: pathPointer) }
                switch b[i] {
                case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 1
                case 0x75:
                    for k in 1...4 {
                        guard i + k < b.count, hexValue(b[i + k]) != nil else { throw syntax("séquence \\u invalide") }
                    }
                    i += 5
                default: throw syntax("séquence d'échappement « \\\(printable(b[i])) » invalide")
                }
                continue
            }
            if c < 0x20 { throw syntax("caractère de contrôle non échappé dans une chaîne") }
            if c < 0x80 { i += 1; continue }
            // UTF-8 multi-byte sequence.
            let n: Int, minScalar: UInt32
            var scalar: UInt32
            switch c {
            case 0xC2...0xDF: n = 2; scalar = UInt32(c & 0x1F); minScalar = 0x80
            case 0xE0...0xEF: n = 3; scalar = UInt32(c & 0x0F); minScalar = 0x800
            case 0xF0...0xF4: n = 4; scalar = UInt32(c & 0x07); minScalar = 0x10000
            default: throw syntax("UTF-8 invalide dans une chaîne : " + TextDecoding.describeEncoding(b, at: i))
            }
            guard i + n <= b.count else { throw syntax("UTF-8 invalide (séquence tronquée)") }
            for k in 1..<n {
                let cc = b[i + k]
                guard cc & 0xC0 == 0x80 else { throw syntax("UTF-8 invalide dans une chaîne : " + TextDecoding.describeEncoding(b, at: i)) }
                scalar = scalar << 6 | UInt32(cc & 0x3F)
            }
            guard scalar >= minScalar, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else {
                throw syntax("UTF-8 invalide dans une chaîne : " + TextDecoding.describeEncoding(b, at: i))
            }
            i += n
        }
        let raw = UnsafeBufferPointer(rebasing: b[s..<i])
        i += 1
        return escaped ? FastParser.unescape(raw) : String(decoding: raw, as: UTF8.self)
    }
}

private func escapePointer(_ s: String) -> String {
    s.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
}
