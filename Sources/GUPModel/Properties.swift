/// A JSON-typed property value, as GeoJSON properties carry them.
public enum PropertyValue: Hashable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([PropertyValue])
    case object(Properties)

    /// The value as text for display and joins: strings as they are, whole
    /// numbers without decimals, others as JSON-ish text; nil for null.
    public var text: String? {
        switch self {
        case .string(let s): return s
        case .number(let d): return PropertyValue.format(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return nil
        case .array(let a): return "[" + a.map { $0.text ?? "null" }.joined(separator: ",") + "]"
        case .object: return "{…}"
        }
    }

    /// The value as a number: numbers as they are, strings parsed leniently
    /// (French formats: `6 206`, `12,5`); nil otherwise.
    public var number: Double? {
        switch self {
        case .number(let d): return d.isFinite ? d : nil
        case .string(let s): return PropertyValue.parseNumber(s)
        case .bool, .null, .array, .object: return nil
        }
    }

    /// Shortest text that reads back to the same Double; integers without `.0`.
    public static func format(_ d: Double) -> String {
        if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    /// Parses `12.5`, `12,5`, `6 206`, `6 206` (no-break spaces) and `1e3`.
    public static func parseNumber(_ raw: String) -> Double? {
        var s = raw.trimmingCharacters(in: .whitespaces)
        s.removeAll { $0 == " " || $0 == "\u{00A0}" || $0 == "\u{202F}" }
        if s.contains(","), !s.contains(".") { s = s.replacingOccurrences(of: ",", with: ".") }
        // Decimal notation only: Swift's Double("0x10") reads hexadecimal (16),
        // which no spreadsheet or open-data file means.
        guard s.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 43 || $0 == 45 || $0 == 101 || $0 == 69 }) else { return nil }
        guard let d = Double(s), d.isFinite else { return nil }   // "nan", "inf": not a number of dwellings
        return d
    }
}

/// Ordered properties of a feature. Features carry few properties, so a
/// small array with linear lookup is both compact and fast.
public struct Properties: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [(key: String, value: PropertyValue)]

    public init() { entries = [] }
    public init(_ entries: [(key: String, value: PropertyValue)]) { self.entries = entries }
    public init(dictionaryLiteral elements: (String, PropertyValue)...) {
        entries = elements.map { (key: $0.0, value: $0.1) }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }
    public func makeIterator() -> IndexingIterator<[(key: String, value: PropertyValue)]> { entries.makeIterator() }

    /// The value of `key` (exact match), nil when absent.
    public subscript(key: String) -> PropertyValue? {
        get {
            for e in entries where e.key == key { return e.value }
            return nil
        }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let v = newValue { entries[i].value = v } else { entries.remove(at: i) }
            } else if let v = newValue {
                entries.append((key: key, value: v))
            }
        }
    }

    /// The first of `names` present (exact match first, then case-insensitive),
    /// with the name that matched.
    public func first(of names: [String]) -> (key: String, value: PropertyValue)? {
        for n in names { if let v = self[n] { return (n, v) } }
        for n in names {
            let l = n.lowercased()
            if let e = entries.first(where: { $0.key.lowercased() == l }) { return e }
        }
        return nil
    }

    public static func == (a: Properties, b: Properties) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
    public func hash(into h: inout Hasher) {
        for e in entries { h.combine(e.key); h.combine(e.value) }
    }
}

import Foundation
