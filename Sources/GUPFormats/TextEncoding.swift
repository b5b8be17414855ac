import Foundation

/// The two encodings French files come in: UTF-8 (with or without BOM) and
/// Windows-1252 (what Excel and older GIS export as « ANSI » on a French
/// Windows). Which one is decided from the bytes: text that is valid UTF-8
/// with non-ASCII characters is UTF-8 (Windows-1252 text with accented
/// letters is almost never valid UTF-8: « é » is 0xE9, which must be followed
/// by two continuation bytes in UTF-8).
public enum TextEncoding: Sendable, Equatable {
    case utf8
    case windows1252

    /// What a byte buffer holds: UTF-8 validity and whether any byte is non-ASCII.
    public static func inspect(_ b: UnsafeRawBufferPointer) -> (validUTF8: Bool, nonASCII: Bool) {
        var k = 0
        let n = b.count
        var nonASCII = false
        while k < n {
            let c = b[k]
            if c < 0x80 { k += 1; continue }
            nonASCII = true
            let len: Int
            if c & 0xE0 == 0xC0, c >= 0xC2 { len = 2 } else if c & 0xF0 == 0xE0 { len = 3 } else if c & 0xF8 == 0xF0, c <= 0xF4 { len = 4 } else {
                return (false, true)
            }
            guard k + len <= n else { return (false, true) }
            for q in 1..<len where b[k + q] & 0xC0 != 0x80 { return (false, true) }
            k += len
        }
        return (true, nonASCII)
    }

    /// The encoding of a text: UTF-8 when valid, else Windows-1252.
    public static func detect(_ b: UnsafeRawBufferPointer) -> TextEncoding {
        inspect(b).validUTF8 ? .utf8 : .windows1252
    }

    /// The encoding of a file, from all its bytes (a single « é » on the last
    /// line of a million must not be missed).
    public static func detect(path: String) -> TextEncoding {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else { return .utf8 }
        return data.withUnsafeBytes { detect($0) }
    }

    /// Decodes a NUL-terminated C string in this encoding.
    public func decode(_ p: UnsafePointer<CChar>) -> String {
        switch self {
        case .utf8: return String(cString: p)
        case .windows1252:
            let n = strlen(p)
            return p.withMemoryRebound(to: UInt8.self, capacity: n) { TextEncoding.decode1252(UnsafeBufferPointer(start: $0, count: n)) }
        }
    }

    /// Decodes bytes in this encoding.
    public func decode(_ b: UnsafeBufferPointer<UInt8>) -> String {
        switch self {
        case .utf8: return String(decoding: b, as: UTF8.self)
        case .windows1252: return TextEncoding.decode1252(b)
        }
    }

    // Windows-1252 0x80–0x9F (the rest is ISO-8859-1, i.e. the Unicode code point).
    static let high: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    static func decode1252(_ b: UnsafeBufferPointer<UInt8>) -> String {
        var s = String.UnicodeScalarView()
        for c in b {
            let v: UInt32 = c >= 0x80 && c <= 0x9F ? high[Int(c) - 0x80] : UInt32(c)
            s.append(Unicode.Scalar(v)!)
        }
        return String(s)
    }
}
