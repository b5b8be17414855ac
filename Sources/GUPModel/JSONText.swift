import Foundation

/// A JSON value, typed: what `rapport.json` and the output manifest are
/// built of.
///
/// Why not `[String: Any]`: rendering a 625-quartier dossier's
/// `rapport.json` from `Any` values took 1.8 s on one core at the end of the
/// run, the other core idle (perf, main thread after the quartiers): every
/// value went through a chain of dynamic casts (`as String`, `as Bool`…),
/// and a failed cast of a dictionary to a string bridged the whole
/// dictionary to an `NSDictionary` first (`tryCastFromObjCBridgeableToClass`,
/// `_bridgeToObjectiveC`), recursively. A typed value is matched once.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

/// Values that have one JSON form (`JSONValue.init(_:)`): `nil` is `null`.
public protocol JSONConvertible {
    var jsonValue: JSONValue { get }
}

extension JSONValue: JSONConvertible {
    public var jsonValue: JSONValue { self }
    public init<T: JSONConvertible>(_ value: T) { self = value.jsonValue }
}

extension String: JSONConvertible { public var jsonValue: JSONValue { .string(self) } }
extension Int: JSONConvertible { public var jsonValue: JSONValue { .int(self) } }
extension Double: JSONConvertible { public var jsonValue: JSONValue { .double(self) } }
extension Bool: JSONConvertible { public var jsonValue: JSONValue { .bool(self) } }
extension Optional: JSONConvertible where Wrapped: JSONConvertible {
    public var jsonValue: JSONValue { map(\.jsonValue) ?? .null }
}
extension Array: JSONConvertible where Element: JSONConvertible {
    public var jsonValue: JSONValue { .array(map(\.jsonValue)) }
}
extension Dictionary: JSONConvertible where Key == String, Value: JSONConvertible {
    public var jsonValue: JSONValue { .object(mapValues(\.jsonValue)) }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

/// Pretty-printed JSON of the values a report is made of (`JSONValue`), keys sorted by their
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
        case notFinite(Double)
        public var description: String {
            switch self {
            case .notFinite(let d): return "nombre non fini en JSON : \(d)"
            }
        }
    }

    public static func render(_ value: JSONValue) throws -> String {
        var out = ""
        out.reserveCapacity(1 << 16)
        try write(value, indent: 0, into: &out)
        return out
    }

    static func write(_ value: JSONValue, indent: Int, into out: inout String) throws {
        switch value {
        case .string(let s):
            // The project's one JSON string escaper (GeoJSON properties too).
            GeoJSONWriter.writeString(s, into: &out)
        case .bool(let b):
            out += b ? "true" : "false"
        case .int(let i):
            out += String(i)
        case .double(let d):
            guard d.isFinite else { throw Failure.notFinite(d) }
            var t = d.description
            if t.hasSuffix(".0") { t.removeLast(2) }
            out += t
        case .null:
            out += "null"
        case .object(let dict):
            out += "{\n"
            var first = true
            // UTF-8 byte order is Unicode scalar order, without decoding scalars.
            for key in dict.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
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
        case .array(let array):
            out += "[\n"
            for (k, v) in array.enumerated() {
                if k > 0 { out += ",\n" }
                pad(indent + 1, &out)
                try write(v, indent: indent + 1, into: &out)
            }
            out += "\n"
            pad(indent, &out)
            out += "]"
        }
    }

    static func pad(_ level: Int, _ out: inout String) {
        out += String(repeating: " ", count: 2 * level)
    }
}
