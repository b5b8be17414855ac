import Foundation

/// A fast append-only UTF-8 buffer for SVG output, with fixed 2-decimal
/// number formatting (no `String(format:)` in the hot path).
public struct SVGBuffer {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    @inline(__always) public mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }
    @inline(__always) public mutating func append(byte: UInt8) { bytes.append(byte) }
    public mutating func append(_ other: SVGBuffer) { bytes.append(contentsOf: other.bytes) }
    public mutating func appendBytes(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

    /// Appends `v` rounded to 2 decimals, always written with 2 decimals
    /// (`12.30`, `-0.05`, `0.00`).
    public mutating func append(number v: Double) {
        var c = Int((v * 100).rounded())
        if c < 0 { bytes.append(UInt8(ascii: "-")); c = -c }
        let ip = c / 100, fp = c % 100
        appendInt(ip)
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(48 + fp / 10))
        bytes.append(UInt8(48 + fp % 10))
    }

    public mutating func appendInt(_ v: Int) {
        var v = v
        if v < 0 { bytes.append(UInt8(ascii: "-")); v = -v }
        if v < 10 { bytes.append(UInt8(48 + v)); return }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { raw in
            while v > 0 { raw[n] = UInt8(48 + v % 10); v /= 10; n += 1 }
            for k in stride(from: n - 1, through: 0, by: -1) { bytes.append(raw[k]) }
        }
    }

    /// Appends ` name="value"` with the value escaped.
    public mutating func attribute(_ name: String, _ value: String) {
        bytes.append(UInt8(ascii: " "))
        append(name)
        append("=\"")
        append(SVG.escape(value))
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends ` name="12.34"`.
    public mutating func attribute(_ name: String, number v: Double) {
        bytes.append(UInt8(ascii: " "))
        append(name)
        append("=\"")
        append(number: v)
        bytes.append(UInt8(ascii: "\""))
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }
}

public enum SVG {
    /// The font stack of every text.
    public static let fontFamily = "DejaVu Sans, Arial, sans-serif"

    /// XML escaping for text and attribute values: `& < > " '`; control
    /// characters XML 1.0 forbids are removed.
    public static func escape(_ s: String) -> String {
        var needs = false
        for u in s.utf8 where u == 38 || u == 60 || u == 62 || u == 34 || u == 39 || u < 32 { needs = true; break }
        if !needs { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += " "
            default:
                if ch.value < 32 { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A property key made safe for a `data-` attribute name: lower case,
    /// letters, digits, `-` and `_` (accents dropped: `intitulé` → `intitule`).
    public static func dataName(_ key: String) -> String {
        let folded = key.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR")).lowercased()
        var out = ""
        for ch in folded.unicodeScalars {
            if (ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9") || ch == "-" || ch == "_" {
                out.unicodeScalars.append(ch)
            } else if !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "valeur" : out
    }

    /// A French-formatted integer: `5 000`, `25 000`, `100 000`.
    public static func frenchInteger(_ v: Int) -> String {
        let s = String(abs(v))
        var out = ""
        for (k, ch) in s.enumerated() {
            if k > 0, (s.count - k) % 3 == 0 { out += " " }
            out.append(ch)
        }
        return v < 0 ? "-" + out : out
    }

    /// A French decimal with `digits` decimals: « 1 234,5 », « 9,2 ».
    public static func frenchDecimal(_ v: Double, digits: Int) -> String {
        guard v.isFinite else { return "—" }
        let p = pow(10.0, Double(digits))
        let r = (abs(v) * p).rounded()
        let whole = Int(r / p)
        var out = frenchInteger(whole)
        if digits > 0 {
            let frac = Int(r - Double(whole) * p)
            let f = String(frac)
            out += "," + String(repeating: "0", count: max(0, digits - f.count)) + f
        }
        return v < 0 && r > 0 ? "-" + out : out
    }

    /// A French number with at most `maxDigits` decimals, trailing zeros
    /// dropped: « 2,5 », « 500 », « 0,25 ».
    public static func frenchNumber(_ v: Double, maxDigits: Int = 2) -> String {
        var s = frenchDecimal(v, digits: maxDigits)
        if s.contains(",") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(",") { s.removeLast() }
        }
        return s
    }

    /// A fixed 2-decimal number as text.
    public static func number(_ v: Double) -> String {
        var b = SVGBuffer(capacity: 16)
        b.append(number: v)
        return b.string
    }
}

/// Approximate advance widths of DejaVu Sans (the widest font of the stack),
/// in em, so that label and text boxes are conservative for Arial too.
public enum TextMetrics {
    public static func advance(_ c: Character) -> Double {
        switch c {
        case " ": return 0.32
        case "i", "j", "l", "I", "J", "'", ".", ",", ":", ";", "!", "|", "’": return 0.30
        case "f", "t", "r", "(", ")", "[", "]", "-", "/": return 0.42
        case "c", "s", "z", "k", "v", "x", "y": return 0.60
        case "m": return 0.98
        case "w": return 0.82
        case "M", "W", "%": return 1.0
        case "0"..."9": return 0.64
        default:
            if c.isUppercase { return 0.78 }
            return 0.64
        }
    }

    /// `advance` of the ASCII characters, looked up by code.
    private static let asciiAdvance: [Double] = (0..<128).map { advance(Character(Unicode.Scalar(UInt8($0)))) }

    /// The advance of the scalars below U+0800 (Latin, Greek, Cyrillic and
    /// the combining marks: the accented letters of French names), by code,
    /// from the same rule as the other scalars (`scalarAdvance`): looking up
    /// the Unicode properties of each accented letter took a third of
    /// `width` on the metro dossier's labels (perf,
    /// `_swift_stdlib_getBinaryProperties` and `getGeneralCategory`).
    private static let lowAdvance: [Double] = (0..<0x800).map { v in
        v < 128 ? asciiAdvance[v] : Unicode.Scalar(UInt32(v)).map(scalarAdvance) ?? 0.64
    }

    /// The advance of a scalar outside ASCII (a combining mark adds nothing).
    private static func scalarAdvance(_ u: Unicode.Scalar) -> Double {
        if u == "’" { return 0.30 }
        switch u.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark: return 0
        default: return u.properties.isUppercase ? 0.78 : 0.64
        }
    }

    /// `w` plus the advances of the scalars of `text`, added one by one in order.
    @inline(__always)
    private static func sum<S: Sequence>(_ text: S, from w: Double) -> Double where S.Element == Unicode.Scalar {
        var w = w
        for u in text {
            if u.value < 0x800 { w += lowAdvance[Int(u.value)]; continue }
            let a = scalarAdvance(u)
            // A mark adds nothing (`w + 0` is `w`, but skipping keeps the sums exactly those of before).
            if a != 0 { w += a }
        }
        return w
    }

    /// Width of one line of text at `size` (mm): `advance` summed over the
    /// characters, read as Unicode scalars (a combining mark adds nothing,
    /// as in the character it belongs to). Matching each `Character`
    /// against the cases of `advance` compared strings and took most of
    /// the label engine's time (perf, `gup-bench etiquettes`).
    public static func width(_ text: String, size: Double) -> Double {
        sum(text.unicodeScalars, from: 0) * size
    }

    /// Line height for `size`.
    public static func lineHeight(_ size: Double) -> Double { size * 1.2 }

    /// Whether `wrap(text, size:, maxWidth:)` gives more than one line,
    /// from `oneLine(text)`: the running sums only grow, so every line
    /// fits when the whole text on one line fits (a single word is one
    /// line however long).
    public static func wraps(_ oneLine: (sum: Double, words: Int), size: Double, maxWidth: Double) -> Bool {
        oneLine.words > 1 && oneLine.sum * size > maxWidth
    }

    /// The running sum of advances of the text's words on one line (the
    /// sum `wrap` reaches on its last word when nothing wraps) and the
    /// number of words.
    public static func oneLine(_ text: String) -> (sum: Double, words: Int) {
        var total = 0.0, words = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            total = sum(word.unicodeScalars, from: words == 0 ? 0 : total + asciiAdvance[32])
            words += 1
        }
        return (total, words)
    }

    /// Greedy word wrap to `maxWidth` mm. The width of a line and a next
    /// word is the line's running sum of advances continued over the space
    /// and the word: the same additions in the same order as measuring the
    /// joined text afresh (which it did, for every word: quadratic in the
    /// words of a legend entry), so the same lines.
    public static func wrap(_ text: String, size: Double, maxWidth: Double) -> [String] {
        var lines: [String] = []
        var cur = ""
        var curSum = 0.0
        let space = asciiAdvance[32]
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if cur.isEmpty {
                cur = String(word)
                curSum = sum(word.unicodeScalars, from: 0)
                continue
            }
            let candSum = sum(word.unicodeScalars, from: curSum + space)
            if candSum * size <= maxWidth {
                cur += " "
                cur += word
                curSum = candSum
            } else {
                lines.append(cur)
                cur = String(word)
                curSum = sum(word.unicodeScalars, from: 0)
            }
        }
        if !cur.isEmpty { lines.append(cur) }
        return lines
    }
}
