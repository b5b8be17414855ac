import Foundation

/// Pretty-printed JSON of the values a report is made of (`[String: Any]`,
/// arrays, strings, `Int`, `Double`, `Bool`, `NSNull`), keys sorted by their
/// Unicode scalars, in the layout Foundation's `JSONSerialization` gives
/// with `.prettyPrinted, .sortedKeys, .withoutEscapingSlashes` (two-space
/// indent, `"key" : value`, `12` for 12.0).
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
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        try write(value, indent: 0, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func write(_ value: Any, indent: Int, into out: inout [UInt8]) throws {
        switch value {
        case let s as String:
            writeString(s, into: &out)
        case let b as Bool:
            out.append(contentsOf: (b ? "true" : "false").utf8)
        case let i as Int:
            out.append(contentsOf: String(i).utf8)
        case let d as Double:
            guard d.isFinite else { throw Failure.notFinite(d) }
            var t = d.description
            if t.hasSuffix(".0") { t.removeLast(2) }
            out.append(contentsOf: t.utf8)
        case is NSNull:
            out.append(contentsOf: "null".utf8)
        case let dict as [String: Any]:
            out.append(UInt8(ascii: "{"))
            out.append(UInt8(ascii: "\n"))
            var first = true
            for key in dict.keys.sorted(by: { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }) {
                if !first { out.append(contentsOf: ",\n".utf8) }
                first = false
                pad(indent + 1, &out)
                writeString(key, into: &out)
                out.append(contentsOf: " : ".utf8)
                try write(dict[key]!, indent: indent + 1, into: &out)
            }
            out.append(UInt8(ascii: "\n"))
            pad(indent, &out)
            out.append(UInt8(ascii: "}"))
        case let array as [Any]:
            out.append(UInt8(ascii: "["))
            out.append(UInt8(ascii: "\n"))
            for (k, v) in array.enumerated() {
                if k > 0 { out.append(contentsOf: ",\n".utf8) }
                pad(indent + 1, &out)
                try write(v, indent: indent + 1, into: &out)
            }
            out.append(UInt8(ascii: "\n"))
            pad(indent, &out)
            out.append(UInt8(ascii: "]"))
        default:
            throw Failure.unsupported("\(type(of: value))")
        }
    }

    static func pad(_ level: Int, _ out: inout [UInt8]) {
        for _ in 0..<(2 * level) { out.append(UInt8(ascii: " ")) }
    }

    /// A JSON string: `"` and `\` escaped, control characters as escapes
    /// (`\n`, `\t`… or `\u00XX`), everything else as UTF-8, `/` included.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = String(b, radix: 16)
                out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
