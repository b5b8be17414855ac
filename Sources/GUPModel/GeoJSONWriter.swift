import Foundation

/// Writes RFC 7946 GeoJSON: fixed coordinate precision, exterior rings
/// counter-clockwise and holes clockwise, properties in their order.
public struct GeoJSONWriter: Sendable {
    /// Decimals of coordinates (7 in lon/lat ≈ 1 cm).
    public var precision: Int
    /// Written as a legacy `crs` member when not WGS 84 lon/lat.
    public var crs: CRS

    public init(precision: Int = 7, crs: CRS = .wgs84) {
        self.precision = precision
        self.crs = crs
    }

    public func render(_ features: [Feature]) -> String {
        var s = "{\"type\":\"FeatureCollection\""
        if !crs.isWGS84LonLat, let code = crs.epsg {
            s += ",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::\(code)\"}}"
        }
        s += ",\"features\":["
        for (k, f) in features.enumerated() {
            if k > 0 { s += "," }
            s += "\n"
            writeFeature(f, into: &s)
        }
        s += "\n]}\n"
        return s
    }

    public func writeFeature(_ f: Feature, into s: inout String) {
        s += "{\"type\":\"Feature\""
        if let id = f.id { s += ",\"id\":"; Self.writeValue(id, into: &s) }
        s += ",\"properties\":"
        Self.writeValue(.object(f.properties), into: &s)
        s += ",\"geometry\":"
        if let g = f.geometry { writeGeometry(g, into: &s) } else { s += "null" }
        s += "}"
    }

    public func writeGeometry(_ g: Geometry, into s: inout String) {
        s += "{\"type\":\"\(g.typeName)\","
        switch g {
        case .geometryCollection(let gs):
            s += "\"geometries\":["
            for (k, c) in gs.enumerated() {
                if k > 0 { s += "," }
                writeGeometry(c, into: &s)
            }
            s += "]}"
            return
        case .point(let p): s += "\"coordinates\":"; pos(p, &s)
        case .multiPoint(let ps), .lineString(let ps): s += "\"coordinates\":"; line(ps, &s)
        case .multiLineString(let ls):
            s += "\"coordinates\":["
            for (k, l) in ls.enumerated() { if k > 0 { s += "," }; line(l, &s) }
            s += "]"
        case .polygon(let p): s += "\"coordinates\":"; polygon(p, &s)
        case .multiPolygon(let ps):
            s += "\"coordinates\":["
            for (k, p) in ps.enumerated() { if k > 0 { s += "," }; polygon(p, &s) }
            s += "]"
        }
        s += "}"
    }

    private func pos(_ p: Position, _ s: inout String) {
        s += "["; s += Self.coordinate(p.x, precision); s += ","; s += Self.coordinate(p.y, precision); s += "]"
    }
    private func line(_ ps: [Position], _ s: inout String) {
        s += "["
        for (k, p) in ps.enumerated() { if k > 0 { s += "," }; pos(p, &s) }
        s += "]"
    }
    private func polygon(_ p: Polygon, _ s: inout String) {
        s += "["
        line(Self.oriented(p.exterior, counterClockwise: true), &s)
        for h in p.holes { s += ","; line(Self.oriented(h, counterClockwise: false), &s) }
        s += "]"
    }

    /// Twice the signed area of a ring (positive when counter-clockwise).
    public static func signedArea2(_ r: [Position]) -> Double {
        guard r.count > 2 else { return 0 }
        var a = 0.0
        for k in 0..<(r.count - 1) { a += r[k].x * r[k + 1].y - r[k + 1].x * r[k].y }
        return a
    }

    public static func oriented(_ r: [Position], counterClockwise: Bool) -> [Position] {
        let a = signedArea2(r)
        return (a > 0) == counterClockwise || a == 0 ? r : r.reversed()
    }

    /// A coordinate with at most `precision` decimals, trailing zeros removed
    /// (correctly rounded, as `%.*f` would; `-0` is written `0`).
    public static func coordinate(_ d: Double, _ precision: Int) -> String {
        // Fast path: scale to an integer when that is exact enough to decide the
        // rounding; near a tie, or out of range, let printf decide.
        if precision >= 0, precision <= 15, d.isFinite {
            let scale = pow10Table[precision]
            let scaled = abs(d) * scale
            if scaled < 9.0e15 {
                let frac = scaled - scaled.rounded(.down)
                if abs(frac - 0.5) > 1e-6 {
                    var n = UInt64(scaled.rounded())
                    if n == 0 { return "0" }
                    // Digits right to left into a small buffer, trailing fraction zeros dropped.
                    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buf in
                        var k = 40
                        var place = 0
                        var significant = false
                        while n > 0 || place <= precision {
                            let digit = UInt8(n % 10)
                            n /= 10
                            if place < precision {
                                if digit != 0 || significant {
                                    significant = true
                                    k -= 1; buf[k] = 0x30 + digit
                                }
                            } else {
                                if place == precision && significant { k -= 1; buf[k] = 0x2E }
                                k -= 1; buf[k] = 0x30 + digit
                            }
                            place += 1
                        }
                        if d < 0 { k -= 1; buf[k] = 0x2D }
                        return String(decoding: UnsafeBufferPointer(rebasing: buf[k..<40]), as: UTF8.self)
                    }
                }
            }
        }
        var t = String(format: "%.\(precision)f", d)
        if t.contains(".") {
            while t.hasSuffix("0") { t.removeLast() }
            if t.hasSuffix(".") { t.removeLast() }
        }
        if t == "-0" { t = "0" }
        return t
    }
    private static let pow10Table: [Double] = (0...15).map { k in (0..<k).reduce(1.0) { a, _ in a * 10 } }

    public static func writeValue(_ v: PropertyValue, into s: inout String) {
        switch v {
        case .string(let t): writeString(t, into: &s)
        case .number(let d): s += d.isFinite ? PropertyValue.format(d) : "null"
        case .bool(let b): s += b ? "true" : "false"
        case .null: s += "null"
        case .array(let a):
            s += "["
            for (k, e) in a.enumerated() { if k > 0 { s += "," }; writeValue(e, into: &s) }
            s += "]"
        case .object(let o):
            s += "{"
            for (k, e) in o.entries.enumerated() {
                if k > 0 { s += "," }
                writeString(e.key, into: &s); s += ":"; writeValue(e.value, into: &s)
            }
            s += "}"
        }
    }

    public static func writeString(_ t: String, into s: inout String) {
        if t.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
            s += "\""
            s += t
            s += "\""
            return
        }
        s += "\""
        for u in t.unicodeScalars {
            switch u {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\t": s += "\\t"
            default:
                if u.value < 0x20 { s += String(format: "\\u%04x", u.value) } else { s.unicodeScalars.append(u) }
            }
        }
        s += "\""
    }
}
