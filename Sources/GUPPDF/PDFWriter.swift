import CLazyLibraries
import CPangoCairo
import CRsvg
import Foundation
import GUPModel

/// Millimetres to PDF points (1/72 inch).
@inline(__always) func pt(_ mm: Double) -> Double { mm * 72 / 25.4 }

/// A PDF file drawn with cairo: pages of any paper size, SVG drawn by
/// librsvg (vector, at the size asked), text laid out by pango (fonts
/// embedded by cairo as subsets). The only module importing `CRsvg` and
/// `CPangoCairo`; positions and sizes are in millimetres from the page's
/// top-left corner.
///
/// Ownership: the writer owns its cairo surface and context (destroyed in
/// `deinit`); each SVG handle and pango layout is created, used and
/// released inside one call.
public final class PDFWriter {
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    public let path: String
    private var finished = false
    /// Size of the page being drawn, mm.
    public private(set) var pageSize: (width: Double, height: Double)
    public private(set) var pageCount = 1

    /// Opens `path` with a first page of `width` × `height` mm.
    public init(path: String, width: Double, height: Double) throws {
        try PDFError.loadLibraries()
        self.path = path
        pageSize = (width, height)
        guard let s = cairo_pdf_surface_create(path, pt(width), pt(height)) else {
            throw PDFError.message(path, "création du fichier PDF impossible")
        }
        try PDFError.check(cairo_surface_status(s), path, "création du fichier PDF")
        surface = s
        guard let c = cairo_create(s) else {
            cairo_surface_destroy(s)
            throw PDFError.message(path, "contexte de dessin impossible")
        }
        cr = c
        cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5)
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// Document information (title, author), shown by PDF viewers.
    public func setMetadata(title: String, creator: String = "GUPKit (gup)") {
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, creator)
    }

    /// Ends the current page and starts one of `width` × `height` mm.
    public func newPage(width: Double, height: Double) {
        cairo_show_page(cr)
        cairo_pdf_surface_set_size(surface, pt(width), pt(height))
        pageSize = (width, height)
        pageCount += 1
    }

    /// Finishes the file (fonts embedded, cross-reference written); errors in French.
    public func finish() throws {
        guard !finished else { return }
        finished = true
        cairo_show_page(cr)
        cairo_surface_finish(surface)
        try PDFError.check(cairo_surface_status(surface), path, "écriture du PDF")
    }

    // MARK: SVG

    /// The paper size of an SVG whose root `width`/`height` are absolute
    /// lengths (the plans say `297mm`), in mm, read by librsvg.
    public static func svgSize(_ svg: Data, source: String) throws -> (width: Double, height: Double) {
        try PDFError.loadLibraries()
        let h = try SVGHandle(svg, source: source)
        var hasW: gboolean = 0, hasH: gboolean = 0, hasBox: gboolean = 0
        var w = RsvgLength(), ht = RsvgLength(), box = RsvgRectangle()
        rsvg_handle_get_intrinsic_dimensions(h.ptr, &hasW, &w, &hasH, &ht, &hasBox, &box)
        func mm(_ l: RsvgLength) -> Double? {
            switch l.unit {
            case RSVG_UNIT_MM: return l.length
            case RSVG_UNIT_CM: return l.length * 10
            case RSVG_UNIT_IN: return l.length * 25.4
            case RSVG_UNIT_PT: return l.length * 25.4 / 72
            default: return nil
            }
        }
        guard hasW != 0, hasH != 0, let a = mm(w), let b = mm(ht) else {
            throw PDFError.message(source, "le SVG ne donne pas sa taille en unités de papier (mm, cm, in, pt)")
        }
        return (a, b)
    }

    /// Draws an SVG into the box (mm), its viewBox fitted to the box (the
    /// plans fill a page of their own size: 100 %, the scale kept).
    public func drawSVG(_ svg: Data, source: String, x: Double, y: Double, width: Double, height: Double) throws {
        let h = try SVGHandle(svg, source: source)
        var viewport = RsvgRectangle(x: pt(x), y: pt(y), width: pt(width), height: pt(height))
        var error: UnsafeMutablePointer<GError>?
        cairo_save(cr)
        defer { cairo_restore(cr) }
        if rsvg_handle_render_document(h.ptr, cr, &viewport, &error) == 0 {
            throw PDFError.gerror(source, "rendu du SVG", &error)
        }
        try PDFError.check(cairo_status(cr), path, "rendu de \(source)")
    }

    /// An SVG handle owned for the length of one call.
    private final class SVGHandle {
        let ptr: UnsafeMutablePointer<RsvgHandle>
        init(_ data: Data, source: String) throws {
            var error: UnsafeMutablePointer<GError>?
            let p = data.withUnsafeBytes { raw -> UnsafeMutablePointer<RsvgHandle>? in
                rsvg_handle_new_from_data(raw.bindMemory(to: UInt8.self).baseAddress, gsize(raw.count), &error)
            }
            guard let p else { throw PDFError.gerror(source, "lecture du SVG", &error) }
            ptr = p
        }
        deinit { g_object_unref(UnsafeMutableRawPointer(ptr)) }
    }

    // MARK: text

    /// A text style: pango font family, size in points, weight, colour.
    public struct TextStyle: Sendable {
        public var family: String
        public var size: Double
        public var bold: Bool
        public var italic: Bool
        public var gray: Double
        public var alignment: Alignment
        public enum Alignment: Sendable { case left, center, right }
        public init(family: String = "DejaVu Sans", size: Double = 10, bold: Bool = false, italic: Bool = false,
                    gray: Double = 0, alignment: Alignment = .left) {
            self.family = family; self.size = size; self.bold = bold; self.italic = italic; self.gray = gray; self.alignment = alignment
        }
    }

    /// Height (mm) of `text` wrapped to `width` mm.
    public func measure(_ text: String, style: TextStyle, width: Double) -> Double {
        withLayout(text, style: style, width: width) { layout in
            var w: Int32 = 0, h: Int32 = 0
            pango_layout_get_size(layout, &w, &h)
            return Double(h) / Double(PANGO_SCALE) * 25.4 / 72
        }
    }

    /// Draws `text` wrapped to `width` mm with its top-left at (x, y); returns its height (mm).
    @discardableResult
    public func text(_ text: String, style: TextStyle, x: Double, y: Double, width: Double) -> Double {
        withLayout(text, style: style, width: width) { layout in
            var w: Int32 = 0, h: Int32 = 0
            pango_layout_get_size(layout, &w, &h)
            cairo_save(cr)
            cairo_set_source_rgb(cr, style.gray, style.gray, style.gray)
            cairo_move_to(cr, pt(x), pt(y))
            pango_cairo_show_layout(cr, layout)
            cairo_restore(cr)
            return Double(h) / Double(PANGO_SCALE) * 25.4 / 72
        }
    }

    private func withLayout<R>(_ text: String, style: TextStyle, width: Double, _ body: (OpaquePointer) -> R) -> R {
        // The layout and the font description are created and released here.
        let layout = pango_cairo_create_layout(cr)!
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        // Points on a PDF surface: a resolution of 72 makes pango's sizes points.
        pango_cairo_context_set_resolution(pango_layout_get_context(layout), 72)
        pango_layout_context_changed(layout)
        let fd = pango_font_description_new()!
        defer { pango_font_description_free(fd) }
        pango_font_description_set_family(fd, style.family)
        pango_font_description_set_size(fd, Int32(style.size * Double(PANGO_SCALE)))
        pango_font_description_set_weight(fd, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_font_description_set_style(fd, style.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL)
        pango_layout_set_font_description(layout, fd)
        pango_layout_set_width(layout, Int32(pt(width) * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        switch style.alignment {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        }
        pango_layout_set_text(layout, text, -1)
        return body(layout)
    }

    // MARK: lines and boxes

    /// A rectangle outline (mm), `lineWidth` in mm; filled with `fillGray` when given.
    public func rectangle(x: Double, y: Double, width: Double, height: Double, lineWidth: Double = 0.2,
                          strokeGray: Double? = 0, fillGray: Double? = nil) {
        cairo_save(cr)
        cairo_rectangle(cr, pt(x), pt(y), pt(width), pt(height))
        if let f = fillGray {
            cairo_set_source_rgb(cr, f, f, f)
            if strokeGray != nil { cairo_fill_preserve(cr) } else { cairo_fill(cr) }
        }
        if let s = strokeGray {
            cairo_set_source_rgb(cr, s, s, s)
            cairo_set_line_width(cr, pt(lineWidth))
            cairo_stroke(cr)
        }
        cairo_restore(cr)
    }

    public func line(x1: Double, y1: Double, x2: Double, y2: Double, lineWidth: Double = 0.2, gray: Double = 0) {
        cairo_save(cr)
        cairo_move_to(cr, pt(x1), pt(y1))
        cairo_line_to(cr, pt(x2), pt(y2))
        cairo_set_source_rgb(cr, gray, gray, gray)
        cairo_set_line_width(cr, pt(lineWidth))
        cairo_stroke(cr)
        cairo_restore(cr)
    }
}

/// The one place cairo's and librsvg's errors become French messages.
enum PDFError {
    /// cairo, pango and librsvg are loaded on first use, not at start-up
    /// (CLazyLibraries); nil once loaded, else the loader's French message.
    static let loadFailure: String? = gup_load_pdf_libraries().map { String(cString: $0) }

    static func loadLibraries() throws {
        if let loadFailure { throw GUPError(loadFailure) }
    }

    static func message(_ file: String, _ what: String) -> GUPError { GUPError("\(file) : \(what)") }

    static func check(_ status: cairo_status_t, _ file: String, _ step: String) throws {
        guard status != CAIRO_STATUS_SUCCESS else { return }
        let why: String
        switch status {
        case CAIRO_STATUS_NO_MEMORY: why = "mémoire insuffisante"
        case CAIRO_STATUS_WRITE_ERROR: why = "écriture impossible (disque plein ou permission refusée)"
        case CAIRO_STATUS_FILE_NOT_FOUND: why = "dossier introuvable"
        default: why = String(cString: cairo_status_to_string(status))
        }
        throw message(file, "\(step) : \(why) (cairo)")
    }

    /// Takes ownership of a GError (freed here).
    static func gerror(_ file: String, _ step: String, _ error: inout UnsafeMutablePointer<GError>?) -> GUPError {
        defer { if error != nil { g_error_free(error) } }
        let why = error.map { String(cString: $0.pointee.message) } ?? "erreur inconnue"
        return message(file, "\(step) : \(why) (librsvg)")
    }
}

/// Versions of the libraries behind the PDF documents, as the loaded
/// libraries report them at run time (not the headers' versions): cairo
/// (`cairo_version_string`), pango (`pango_version_string`) and librsvg
/// (its exported `rsvg_major/minor/micro_version` variables, read by
/// CLazyLibraries). Loads them (throws the French message when they cannot be).
public func pdfLibraryVersions() throws -> [(name: String, version: String)] {
    try PDFError.loadLibraries()
    return [("cairo", String(cString: cairo_version_string())),
            ("pango", String(cString: pango_version_string())),
            ("librsvg", "\(gup_rsvg_version_part(0)).\(gup_rsvg_version_part(1)).\(gup_rsvg_version_part(2))")]
}
