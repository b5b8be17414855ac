// Loads GDAL, the PDF libraries and libxlsxwriter on first use (see lazy.h
// for why), and the one place where a failure to load them becomes a
// French message naming the library and its file.
#include "lazy.h"

#if GUP_LAZY_LIBRARIES
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <gdal_version.h>
#include <xlsxwriter.h>

// The file names (sonames) are those the linker would have recorded: the
// versions of the headers gup is built against. GDAL's soname is 26 + the
// minor version for every 3.x release (3.2 → libgdal.so.28 in Debian 11,
// 3.4 → .30 in Ubuntu 22.04, 3.6 → .32 in Debian 12, 3.8 → .34 in
// Ubuntu 24.04: GDAL_SOVERSION in GDAL's gdal.cmake); libxlsxwriter says
// its own (LXW_SOVERSION); the GNOME libraries have kept theirs for 20 years.
#if GDAL_VERSION_MAJOR != 3
#error "soname de GDAL inconnu pour cette version majeure (lazy.c)"
#endif
#define GUP_GDAL_SOVERSION_NUM (26 + GDAL_VERSION_MINOR)

struct library { const char *label, *soname; };

struct group {
    const char *label;                 // for a missing function
    const struct library *libraries;   // opened in order, NULL-terminated
    const char *const *names;          // from the generated file
    void **pointers;
    const size_t *count;
    int *ready;
    pthread_once_t once;
    void *handles[8];                  // kept open for the life of the process
    char message[1024];                // NULL-returned when empty
};

extern const char *const gup_lazy_gdal_names[], *const gup_lazy_pdf_names[], *const gup_lazy_xlsxwriter_names[];
extern void *gup_lazy_gdal_pointers[], *gup_lazy_pdf_pointers[], *gup_lazy_xlsxwriter_pointers[];
extern const size_t gup_lazy_gdal_count, gup_lazy_pdf_count, gup_lazy_xlsxwriter_count;
int gup_lazy_gdal_ready, gup_lazy_pdf_ready, gup_lazy_xlsxwriter_ready;

static char gdal_soname[32];
static const struct library gdal_libraries[] = {{"GDAL", gdal_soname}, {NULL, NULL}};
// Lowest first, so that the message names the library actually missing.
static const struct library pdf_libraries[] = {
    {"GLib", "libglib-2.0.so.0"}, {"GObject", "libgobject-2.0.so.0"},
    {"cairo", "libcairo.so.2"}, {"pango", "libpango-1.0.so.0"},
    {"pangocairo", "libpangocairo-1.0.so.0"}, {"librsvg", "librsvg-2.so.2"}, {NULL, NULL}};
static const struct library xlsxwriter_libraries[] = {{"libxlsxwriter", "libxlsxwriter.so." LXW_SOVERSION}, {NULL, NULL}};

static struct group gdal = {"GDAL", gdal_libraries, gup_lazy_gdal_names, gup_lazy_gdal_pointers,
                            &gup_lazy_gdal_count, &gup_lazy_gdal_ready, PTHREAD_ONCE_INIT, {0}, ""};
static struct group pdf = {"cairo, pango, librsvg", pdf_libraries, gup_lazy_pdf_names, gup_lazy_pdf_pointers,
                           &gup_lazy_pdf_count, &gup_lazy_pdf_ready, PTHREAD_ONCE_INIT, {0}, ""};
static struct group xlsxwriter = {"libxlsxwriter", xlsxwriter_libraries, gup_lazy_xlsxwriter_names,
                                  gup_lazy_xlsxwriter_pointers, &gup_lazy_xlsxwriter_count,
                                  &gup_lazy_xlsxwriter_ready, PTHREAD_ONCE_INIT, {0}, ""};

static void load(struct group *g) {
    size_t opened = 0;
    for (const struct library *l = g->libraries; l->soname; l++) {
        // RTLD_LOCAL: the libraries' symbols stay out of the global scope
        // (nothing else in gup may bind to them by accident).
        void *h = dlopen(l->soname, RTLD_LAZY | RTLD_LOCAL);
        if (!h) {
            const char *why = dlerror();
            snprintf(g->message, sizeof g->message, "%s (%s) introuvable : %s ; gup en a besoin pour cette opération, "
                     "installez-la (paquet de la distribution) ou réinstallez gup", l->label, l->soname, why ? why : "?");
            return;
        }
        g->handles[opened++] = h;
    }
    for (size_t i = 0; i < *g->count; i++) {
        void *p = NULL;
        for (size_t k = 0; k < opened && !p; k++) p = dlsym(g->handles[k], g->names[i]);
        if (!p) {
            snprintf(g->message, sizeof g->message, "%s (%s) inutilisable : la fonction %s est absente "
                     "(bibliothèque plus ancienne que celle avec laquelle gup a été construit)",
                     g->label, g->libraries[0].soname, g->names[i]);
            return;
        }
        g->pointers[i] = p;
    }
    __atomic_store_n(g->ready, 1, __ATOMIC_RELEASE);
}

static void load_gdal(void) {
    snprintf(gdal_soname, sizeof gdal_soname, "libgdal.so.%d", GUP_GDAL_SOVERSION_NUM);
    load(&gdal);
}
static void load_pdf(void) { load(&pdf); }
static void load_xlsxwriter(void) { load(&xlsxwriter); }

const char *gup_load_gdal(void) {
    pthread_once(&gdal.once, load_gdal);
    return gup_lazy_gdal_ready ? NULL : gdal.message;
}
const char *gup_load_pdf_libraries(void) {
    pthread_once(&pdf.once, load_pdf);
    return gup_lazy_pdf_ready ? NULL : pdf.message;
}
const char *gup_load_xlsxwriter(void) {
    pthread_once(&xlsxwriter.once, load_xlsxwriter);
    return gup_lazy_xlsxwriter_ready ? NULL : xlsxwriter.message;
}

void gup_lazy_require(const char *group) {
    const char *message = group[0] == 'g' ? gup_load_gdal()
                        : group[0] == 'p' ? gup_load_pdf_libraries() : gup_load_xlsxwriter();
    if (message) {
        fprintf(stderr, "gup : %s\n", message);
        abort();
    }
}

unsigned gup_rsvg_version_part(int part) {
    static const char *const names[] = {"rsvg_major_version", "rsvg_minor_version", "rsvg_micro_version"};
    if (part < 0 || part > 2 || !__atomic_load_n(&gup_lazy_pdf_ready, __ATOMIC_ACQUIRE)) return 0;
    const unsigned *v = NULL;
    for (size_t k = 0; k < 8 && pdf.handles[k] && !v; k++) v = dlsym(pdf.handles[k], names[part]);
    return v ? *v : 0;
}

#else  // the libraries are linked (macOS): nothing to load.
#include "../CRsvg/shim.h"
const char *gup_load_gdal(void) { return NULL; }
const char *gup_load_pdf_libraries(void) { return NULL; }
const char *gup_load_xlsxwriter(void) { return NULL; }
unsigned gup_rsvg_version_part(int part) {
    return part == 0 ? rsvg_major_version : part == 1 ? rsvg_minor_version : part == 2 ? rsvg_micro_version : 0;
}
#endif
