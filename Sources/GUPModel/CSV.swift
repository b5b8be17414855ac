import Foundation

/// A CSV table (RFC 4180): a header row and string cells.
public struct CSVTable: Sendable {
    public var source: String
    public var header: [String]
    public var rows: [[String]]

    public init(source: String, header: [String], rows: [[String]]) {
        self.source = source
        self.header = header
        self.rows = rows
    }

    /// Reads a CSV file (UTF-8, with or without BOM, or Windows-1252); the separator (`,` or `;`) is detected from the header.
    public static func read(path: String) throws -> CSVTable {
        let data = try InputFile.read(path: path, limit: 1 << 30)
        // UTF-8 when valid; else Windows-1252, what a French Excel saves as
        // « CSV (séparateur : point-virgule) ». UTF-16 (a byte-order mark
        // FF FE or FE FF) goes to the strict decoder, which names it.
        let utf16 = data.count >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF))
        var text: String
        if !utf16, let t = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .windowsCP1252) {
            text = t
        } else {
            text = try TextDecoding.utf8(data, source: path)
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String) throws -> CSVTable {
        // Unicode scalars, not Characters: a combining mark right after a
        // quote or a separator would otherwise fuse with it into one grapheme
        // and hide it (found by Fuzz/ManagersFuzz: « "\u{73E}… » read as text).
        let scalars = text.unicodeScalars
        let firstLine = scalars.prefix { $0 != "\n" && $0 != "\r" }
        let sep: Unicode.Scalar = firstLine.filter { $0 == ";" }.count > firstLine.filter { $0 == "," }.count ? ";" : ","
        var records: [[String]] = []
        var field = String.UnicodeScalarView()
        var record: [String] = []
        var inQuotes = false
        var quotedFieldClosed = false
        var line = 1
        var it = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return it.next()
        }
        func endField() { record.append(String(field)); field = String.UnicodeScalarView(); quotedFieldClosed = false }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.append("\"") } else { inQuotes = false; quotedFieldClosed = true; pending = n }
                    } else { inQuotes = false; quotedFieldClosed = true }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty && !quotedFieldClosed:
                inQuotes = true
            case sep:
                endField()
            case "\n", "\r":
                if c == "\r", let n = next(), n != "\n" { pending = n }
                endField()
                if !(record.count == 1 && record[0].isEmpty) { records.append(record) }
                record = []
                line += 1
            default:
                if quotedFieldClosed {
                    throw GUPError.input(file: source, "ligne \(line) : caractère « \(c) » après un champ entre guillemets")
                }
                field.append(c)
            }
        }
        if inQuotes { throw GUPError.input(file: source, "ligne \(line) : guillemet non refermé") }
        if !field.isEmpty || !record.isEmpty {
            record.append(String(field))
            records.append(record)
        }
        guard let header = records.first else {
            throw GUPError.input(file: source, "fichier CSV vide (pas de ligne d'en-tête)")
        }
        let rows = Array(records.dropFirst())
        for (k, r) in rows.enumerated() where r.count != header.count {
            throw GUPError.input(file: source, "ligne \(k + 2) : \(r.count) colonnes au lieu de \(header.count)")
        }
        return CSVTable(source: source, header: header.map { $0.trimmingCharacters(in: .whitespaces) }, rows: rows)
    }

    public func column(named name: String) -> Int? {
        header.firstIndex(of: name) ?? header.firstIndex { $0.lowercased() == name.lowercased() }
    }
}

/// The outcome of joining a table onto a layer.
public struct JoinReport: Sendable {
    /// Features whose key matched no row: count and first identifiers.
    public var unmatchedCount: Int
    public var unmatchedFirst: [String]
    /// Features with no key value at all.
    public var missingKeyCount: Int
}

extension Layer {
    /// Copies the table's columns (all but the key) onto the features whose
    /// `key` (property, or the feature `id`) equals the row's key. Numbers in
    /// the table stay strings; a table column overrides a property of the same name.
    public func joining(_ table: CSVTable, key: String, tableKey: String? = nil) throws -> (Layer, JoinReport) {
        guard let k = table.column(named: tableKey ?? key) else {
            throw GUPError.input(file: table.source, "colonne clé « \(tableKey ?? key) » absente (colonnes : \(table.header.joined(separator: ", ")))")
        }
        var index: [String: Int] = [:]
        for (i, r) in table.rows.enumerated() {
            let v = r[k].trimmingCharacters(in: .whitespaces)
            if index[v] != nil {
                throw GUPError.input(file: table.source, "ligne \(i + 2) : clé « \(v) » en double")
            }
            index[v] = i
        }
        var out = self
        var report = JoinReport(unmatchedCount: 0, unmatchedFirst: [], missingKeyCount: 0)
        for fi in out.features.indices {
            guard let v = out.features[fi].value(forKey: key)?.text else {
                report.missingKeyCount += 1
                continue
            }
            guard let ri = index[v] else {
                report.unmatchedCount += 1
                if report.unmatchedFirst.count < 5 { report.unmatchedFirst.append(v) }
                continue
            }
            for (c, name) in table.header.enumerated() where c != k {
                out.features[fi].properties[name] = .string(table.rows[ri][c])
            }
        }
        return (out, report)
    }
}

/// Writes CSV (RFC 4180, UTF-8, header row). `french` (`--csv excel`) writes
/// what a French Excel or LibreOffice opens as columns of numbers: a UTF-8
/// byte order mark (without it Excel reads « CopropriÃ©tÃ© »), `;`
/// separators and decimal commas.
public struct CSVWriter: Sendable, Equatable {
    public var french: Bool
    public init(french: Bool = false) { self.french = french }

    /// The dialects of `--csv` and of the `csv` key of dossier.toml.
    public static let dialects = ["rfc4180", "excel"]

    /// `rfc4180` or `excel`; nil for any other name.
    public init?(dialect: String) {
        switch dialect {
        case "rfc4180": self.init(french: false)
        case "excel": self.init(french: true)
        default: return nil
        }
    }

    public enum Cell: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case text(String)
        case integer(Int)
        case decimal(Double, places: Int)
        case empty
        public init(stringLiteral value: String) { self = .text(value) }
        public init(integerLiteral value: Int) { self = .integer(value) }
    }

    public func render(header: [String], rows: [[Cell]]) -> String {
        var s = french ? "\u{FEFF}" : ""
        s += header.map(escape).joined(separator: sep) + "\r\n"
        for r in rows {
            s += r.map(render).joined(separator: sep)
            s += "\r\n"
        }
        return s
    }

    private var sep: String { french ? ";" : "," }

    private func render(_ c: Cell) -> String {
        switch c {
        case .text(let t): return escape(Self.spreadsheetSafe(t))
        case .integer(let i): return String(i)
        case .decimal(let d, let places):
            // A non-finite number is no figure a table can hold: the cell stays empty.
            guard d.isFinite else { return "" }
            let t = Self.fixed(d, places: places)
            return french ? t.replacingOccurrences(of: ".", with: ",") : t
        case .empty: return ""
        }
    }

    /// Fixed decimals without locale effects; `-0.00` is written `0.00`.
    public static func fixed(_ d: Double, places: Int) -> String {
        // C's snprintf on a stack buffer: Foundation's String(format:) made
        // this 4.5 % of a 60-quartier dossier's processor time (perf), most
        // of it for the density grids' cells. Same digits (both are printf).
        let t: String = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buf in
            let n = withVaList([Int32(places), d]) { vsnprintf(buf.baseAddress!, 64, "%.*f", $0) }
            if n > 0 && n < 64 { return String(cString: buf.baseAddress!) }
            return String(format: "%.\(places)f", d)   // beyond 63 characters (|d| > 1e50)
        }
        // "-0.00": a negative number rounded to zero is written without its sign.
        if t.utf8.first == UInt8(ascii: "-"), t.utf8.dropFirst().allSatisfy({ $0 == UInt8(ascii: "0") || $0 == UInt8(ascii: ".") }) {
            return String(t.dropFirst())
        }
        return t
    }

    /// Appends `fixed(d, places:)` to `out` as UTF-8 bytes, the same digits.
    ///
    /// Why: the density grids (`densite_noyau.asc`, one number per cell, six
    /// million in a 625-quartier dossier) went through a `String` per number
    /// and a joined line: 5 % of the dossier's quartier stage (perf under
    /// `HotspotsOutput.asciiGrid`). Here the digits of `certainScaled` are
    /// written directly; anything else (near a half, huge, not finite) goes
    /// through `fixed`, so the output is printf's in every case.
    public static func appendFixed(_ d: Double, places: Int, to out: inout [UInt8]) {
        if var v = certainScaled(d, places: places) {
            // « -0.00 » is written « 0.00 » (as `fixed`).
            if d < 0, v != 0 { out.append(UInt8(ascii: "-")) }
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buf in
                var k = 0
                repeat { buf[k] = UInt8(ascii: "0") + UInt8(v % 10); v /= 10; k += 1 } while v > 0
                // At least one digit before the point.
                while k < places + 1 { buf[k] = UInt8(ascii: "0"); k += 1 }
                for i in stride(from: k - 1, through: 0, by: -1) {
                    out.append(buf[i])
                    if i == places, places > 0 { out.append(UInt8(ascii: ".")) }
                }
            }
            return
        }
        out.append(contentsOf: fixed(d, places: places).utf8)
    }

    /// The number `fixed(d, places:)` reads back as (`Double(fixed(…))`),
    /// without the text when the rounding is certain: the written integer
    /// divided by 10^places, which IEEE division rounds to the double
    /// nearest the exact decimal, as reading the text does. « -0.00 » reads
    /// as 0. Why: the hotspot cells' properties went through a string per
    /// value and back (0.6 s of the 625-quartier dossier, perf under
    /// `HotspotsOutput.cellFeatures`).
    public static func roundedAsWritten(_ d: Double, places: Int) -> Double {
        if let v = certainScaled(d, places: places) {
            let r = Double(v) / powersOfTen[places]
            return d < 0 && v != 0 ? -r : r
        }
        return Double(fixed(d, places: places)) ?? d
    }

    /// |d| × 10^places rounded to an integer, when that rounding is certainly
    /// the one printf makes: the product is more than four units in its last
    /// place away from a half (printf rounds the exact binary value; the
    /// product's own rounding moves it by half a unit at most). Nil near a
    /// half, for huge or non-finite values, or beyond 9 places.
    @inline(__always)
    static func certainScaled(_ d: Double, places: Int) -> UInt64? {
        guard places >= 0, places <= 9, d.isFinite else { return nil }
        let scaled = abs(d) * Self.powersOfTen[places]
        guard scaled < 1e15 else { return nil }
        let n = scaled.rounded(.toNearestOrEven)
        guard abs(abs(scaled - n) - 0.5) > 4 * scaled.ulp else { return nil }
        return UInt64(n)
    }

    static let powersOfTen: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000]

    /// A text cell as a spreadsheet must read it: control characters replaced
    /// (`ControlCharacters.replaced`), and a leading `'` before a text that
    /// starts with `=`, `+`, `-`, `@`, tab or CR, which LibreOffice and Excel
    /// would otherwise evaluate as a formula (CSV injection, OWASP). A text
    /// that is a plain decimal number (« -12,5 ») is left as it is: it cannot
    /// be a formula. Number cells (`.integer`, `.decimal`) are never touched.
    public static func spreadsheetSafe(_ raw: String) -> String {
        guard let first = raw.unicodeScalars.first else { return raw }
        let risky = first == "=" || first == "+" || first == "-" || first == "@" || first == "\t" || first == "\r"
        let t = ControlCharacters.replaced(raw, keepingLineBreaks: true)
        if risky, !isPlainNumber(t) { return "'" + t }
        return t
    }

    /// `-12`, `+3.5`, `-12,5`, `1e-3`: a signed decimal number, nothing else
    /// (not « +33 1 23 », which a spreadsheet may read as a formula).
    public static func isPlainNumber(_ t: String) -> Bool {
        var s = Substring(t)
        if s.first == "+" || s.first == "-" { s = s.dropFirst() }
        guard let f = s.first, f.isASCII, f.isNumber else { return false }
        return s.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "." || $0 == "," || $0 == "e" || $0 == "E" || $0 == "-" || $0 == "+" }
            && Double(s.replacingOccurrences(of: ",", with: ".")) != nil
    }

    private func escape(_ t: String) -> String {
        // Scalars, not Characters: a quote followed by a combining mark is one
        // Character that equals no quote (found by Fuzz/ManagersFuzz).
        if t.unicodeScalars.contains(where: { $0 == "\"" || $0 == "," || $0 == ";" || $0 == "\n" || $0 == "\r" }) {
            var out = String.UnicodeScalarView()
            out.append("\"")
            for u in t.unicodeScalars {
                out.append(u)
                if u == "\"" { out.append("\"") }
            }
            out.append("\"")
            return String(out)
        }
        return t
    }
}
