#ifndef GUP_CLAZYLIBRARIES_H
#define GUP_CLAZYLIBRARIES_H
// Loading of GDAL, of cairo/pango/librsvg, and of libxlsxwriter on first
// use (dlopen) instead of at start-up: see lazy.h and the README's
// « Démarrage » section. Each function loads its libraries once (thread-safe)
// and returns NULL when they are usable, else a French message naming the
// library and its file (« GDAL (libgdal.so.32) introuvable : … »), in static
// storage. Only the wrapper modules call them: GUPFormats (GDAL), GUPPDF
// (cairo, pango, librsvg) and GUPWorkbook (libxlsxwriter).
const char *gup_load_gdal(void);
const char *gup_load_pdf_libraries(void);
const char *gup_load_xlsxwriter(void);

// librsvg's version is three exported variables (rsvg_major_version…),
// which a stub cannot stand in for: read here once librsvg is loaded
// (gup_load_pdf_libraries returned NULL). 0 when not loaded.
unsigned gup_rsvg_version_part(int part);
#endif
