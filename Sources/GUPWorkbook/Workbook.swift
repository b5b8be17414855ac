import CLazyLibraries
import CXLSXWriter
import Foundation
import GUPModel

/// One cell of a sheet: numbers stay numbers (a spreadsheet sums them).
public enum SheetCell: Sendable, Equatable {
    case text(String)
    case integer(Int)
    /// A decimal shown with `places` decimals (the value is stored in full).
    case decimal(Double, places: Int)
    case empty
}

/// A table as one sheet: a name (31 characters at most, no `[]:*?/\`), a
/// header row and rows of cells.
public struct SheetTable: Sendable {
    public var name: String
    public var header: [String]
    public var rows: [[SheetCell]]
    public init(name: String, header: [String], rows: [[SheetCell]]) {
        self.name = name; self.header = header; self.rows = rows
    }
}

/// Writes XLSX workbooks through libxlsxwriter (the only module importing
/// `CXLSXWriter`). Each table is a sheet with a bold, frozen header row and
/// an autofilter; numbers are stored as numbers with a thousands-separated
/// format (`#,##0.00`: the file stores the format in the neutral syntax
/// and a French Excel or LibreOffice shows « 1 234,50 »); columns are sized
/// to their longest text.
public enum WorkbookWriter {
    /// Writes the workbook to `path` (a temporary file the caller renames).
    public static func write(_ tables: [SheetTable], to path: String) throws {
        guard !tables.isEmpty else { throw GUPError("classeur \(path) : aucun tableau à écrire") }
        try loadLibrary()
        // libxlsxwriter's own temporary files go beside the target, inside the output folder.
        let dir = (path as NSString).deletingLastPathComponent
        let ownedDir = strdup(dir.isEmpty ? "." : dir)
        defer { free(ownedDir) }
        var options = lxw_workbook_options(constant_memory: 0, tmpdir: ownedDir, use_zip64: 0)
        // The workbook handle is owned here until workbook_close, which frees it (also on error).
        guard let wb = workbook_new_opt(path, &options) else {
            throw GUPError("classeur \(path) : création impossible (libxlsxwriter)")
        }
        var closed = false
        defer { if !closed { workbook_close(wb) } }

        // Formats are owned by the workbook.
        let bold = workbook_add_format(wb)
        format_set_bold(bold)
        format_set_text_wrap(bold)
        format_set_align(bold, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
        var decimalFormats: [Int: UnsafeMutablePointer<lxw_format>?] = [:]
        func decimalFormat(_ places: Int) -> UnsafeMutablePointer<lxw_format>? {
            if let f = decimalFormats[places] { return f }
            let f = workbook_add_format(wb)
            format_set_num_format(f, places > 0 ? "#,##0." + String(repeating: "0", count: places) : "#,##0")
            decimalFormats[places] = f
            return f
        }
        let integerFormat = decimalFormat(0)

        var used = Set<String>()
        for t in tables {
            let name = sheetName(t.name, used: &used)
            guard let ws = workbook_add_worksheet(wb, name) else {
                throw GUPError("classeur \(path) : feuille « \(name) » refusée par libxlsxwriter")
            }
            var widths = t.header.map { min(30, Double($0.count) + 2) }
            for (c, h) in t.header.enumerated() {
                try check(worksheet_write_string(ws, 0, lxw_col_t(c), h, bold), path, name)
            }
            for (r, row) in t.rows.enumerated() {
                let rr = lxw_row_t(r + 1)
                for (c, cell) in row.enumerated() {
                    let cc = lxw_col_t(c)
                    var shown = 0
                    switch cell {
                    case .text(let s):
                        try check(worksheet_write_string(ws, rr, cc, s, nil), path, name)
                        shown = s.count
                    case .integer(let i):
                        try check(worksheet_write_number(ws, rr, cc, Double(i), integerFormat), path, name)
                        shown = String(i).count + String(i).count / 3
                    case .decimal(let d, let places):
                        guard d.isFinite else { continue }
                        try check(worksheet_write_number(ws, rr, cc, d, decimalFormat(places)), path, name)
                        shown = CSVWriter.fixed(d, places: places).count + Int(abs(d)).description.count / 3
                    case .empty:
                        continue
                    }
                    if c < widths.count { widths[c] = max(widths[c], min(60, Double(shown) + 2)) }
                }
            }
            for (c, w) in widths.enumerated() {
                try check(worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), w, nil), path, name)
            }
            worksheet_freeze_panes(ws, 1, 0)
            if !t.header.isEmpty {
                try check(worksheet_autofilter(ws, 0, 0, lxw_row_t(t.rows.count), lxw_col_t(t.header.count - 1)), path, name)
            }
        }
        closed = true
        try check(workbook_close(wb), path, nil)
    }

    /// A valid, unique sheet name: forbidden characters replaced, 31 characters at most.
    static func sheetName(_ raw: String, used: inout Set<String>) -> String {
        var s = String(raw.map { "[]:*?/\\".contains($0) ? "-" : $0 }.prefix(31))
        if s.isEmpty { s = "Feuille" }
        var candidate = s, n = 2
        while used.contains(candidate.lowercased()) {
            let suffix = " (\(n))"
            candidate = String(s.prefix(31 - suffix.count)) + suffix
            n += 1
        }
        used.insert(candidate.lowercased())
        return candidate
    }

    /// libxlsxwriter is loaded on first use, not at start-up
    /// (CLazyLibraries); nil once loaded, else the loader's French message.
    static let loadFailure: String? = gup_load_xlsxwriter().map { String(cString: $0) }

    static func loadLibrary() throws {
        if let loadFailure { throw GUPError(loadFailure) }
    }

    /// The one place libxlsxwriter's errors become French messages.
    static func check(_ e: lxw_error, _ path: String, _ sheet: String?) throws {
        guard e != LXW_NO_ERROR else { return }
        let what: String
        switch e {
        case LXW_ERROR_CREATING_XLSX_FILE: what = "création du fichier impossible"
        case LXW_ERROR_CREATING_TMPFILE: what = "fichier temporaire impossible"
        case LXW_ERROR_MEMORY_MALLOC_FAILED: what = "mémoire insuffisante"
        case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE: what = "trop de lignes ou de colonnes pour une feuille"
        case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED: what = "texte de plus de 32 767 caractères"
        default: what = String(cString: lxw_strerror(e))
        }
        throw GUPError("classeur \(path)\(sheet.map { ", feuille « \($0) »" } ?? "") : \(what) (libxlsxwriter)")
    }
}

/// Version of the libxlsxwriter library loaded at run time (`lxw_version()`),
/// not the version of the headers gup was compiled against. Loads it
/// (throws the French message when it cannot be).
public func xlsxwriterVersion() throws -> String {
    try WorkbookWriter.loadLibrary()
    return String(cString: lxw_version())
}
