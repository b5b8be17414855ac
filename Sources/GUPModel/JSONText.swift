import Foundation

/// Pretty-printed JSON of the values a report is made of (`[String: Any]`,
/// arrays, strings, `Int`, `Double`, `Bool`, `NSNull`), keys sorted by their
/// Unicode scalars, in the layout Foundation's `JSONSerialization` gives
/// with `.prettyPrinted, .sortedKeys, .withoutEscapingSlashes` (two-space
/// indent, `"key" : value`, `12` for 12.0); strings escaped as the GeoJSON
/// properties are (`GeoJSONWriter.writeString`).
///
/// Why not `JSONSerialization`: on Linux its `.sortedKeys` compares keys
/// through ICU's collation, and `rapport.json` of a 625-quartier dossier
/// (17,510 file entries, 625 quartiers of nested figures) took 2.95 s on one
/// core at the end of the run while the other core waited (perf, under
/// `DossierReport.json`); the output manifest likewise. Keys here are plain
/// ASCII names, for which scalar order and Foundation's order agree (the
/// demo's `rapport.json` comes out byte-identical).
public enum JSONText {
    public enum Failure: Error, CustomStringConvertible {
        case unsupported(String)
        case notFinite(Double)
        public var description: String {
            switch self {
            case .unsupported(let t): return "valeur JSON non prise en charge : \(t)"
            case .notFinite(let d): return "nombre non fini en JSON : \(d)"
            }
        }
    }

    public static func render(_ value: Any) throws -> String {
        var out = ""
        out.reserveCapacity(1 << 16)
        try write(value, indent: 0, into: &out)
        return out
    }

    static func write(_ value: Any, indent: Int, into out: inout String) throws {
        switch value {
        case let s as String:
            // The project's one JSON string escaper (GeoJSON properties too).
            GeoJSONWriter.writeString(s, into: &out)
        case let b as Bool:
            out += b ? "true" : "false"
        case let i as Int:
            out += String(i)
        case let d as Double:
            guard d.isFinite else { throw Failure.notFinite(d) }
            var t = d.description
            if t.hasSuffix(".0") { t.removeLast(2) }
            out += t
        case is NSNull:
            out += "null"
        case let dict as [String: Any]:
            out += "{\n"
            var first = true
            for key in dict.keys.sorted(by: { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }) {
                if !first { out += ",\n" }
                first = false
                pad(indent + 1, &out)
                GeoJSONWriter.writeString(key, into: &out)
                out += " : "
                try write(dict[key]!, indent: indent + 1, into: &out)
            }
            out += "\n"
            pad(indent, &out)
            out += "}"
        case let array as [Any]:
            out += "[\n"
            for (k, v) in array.enumerated() {
                if k > 0 { out += ",\n" }
                pad(indent + 1, &out)
                try write(v, indent: indent + 1, into: &out)
            }
            out += "\n"
            pad(indent, &out)
            out += "]"
        default:
            throw Failure.unsupported("\(type(of: value))")
        }
    }

    static func pad(_ level: Int, _ out: inout String) {
        out += String(repeating: " ", count: 2 * level)
    }
}
