/// Control characters from the data (NUL, BEL, ESC…) never reach an output
/// file or the terminal: an ESC sequence in a feature name could rewrite the
/// user's terminal, a NUL truncates a cell in a spreadsheet (issue 16).
public enum ControlCharacters {
    /// Tab, line feed and carriage return become a space; every other C0 or
    /// C1 control character and DEL becomes U+FFFD (the replacement character).
    /// `keepingLineBreaks`: line feeds stay (a quoted CSV cell may hold them).
    public static func replaced(_ s: String, keepingLineBreaks: Bool = false) -> String {
        var clean = true
        for u in s.unicodeScalars where u.value < 0x20 || (u.value >= 0x7F && u.value <= 0x9F) {
            if keepingLineBreaks && u.value == 0x0A { continue }
            clean = false; break
        }
        if clean { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            switch u.value {
            case 0x0A where keepingLineBreaks: out.append(u)
            case 0x09, 0x0A, 0x0D: out.append(" ")
            case 0..<0x20, 0x7F...0x9F: out.append("\u{FFFD}")
            default: out.append(u)
            }
        }
        return String(out)
    }

    /// A message for the terminal: control characters replaced except the
    /// line feeds that separate its lines.
    public static func forTerminal(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { replaced(String($0)) }.joined(separator: "\n")
    }
}
