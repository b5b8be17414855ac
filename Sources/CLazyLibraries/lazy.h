// Private to CLazyLibraries: what the generated stubs (*.generated.c,
// written by scripts/lazy-stubs.py) share with the loader (lazy.c).
//
// Why: gup linked GDAL, cairo, pango, librsvg and libxlsxwriter, so every
// start, even `gup --version`, mapped and relocated 145 shared libraries
// (GDAL alone pulls ≈ 70, Debian builds them -z now: all bound at load):
// 75–90 ms of CPU, over issue 18's 50 ms. Only GEOS and PROJ are needed by
// every command, so only they stay linked (44 libraries, 15–19 ms; figures
// and commands in the README's « Démarrage »). The others are opened with
// dlopen the first time a wrapper needs them; their functions keep their
// names and signatures (the Swift wrappers' calls are unchanged): each is
// a stub here that calls the real function through a pointer dlsym filled.
//
// The stubs are hidden: gup's executable must not export `cairo_create`,
// or librsvg, once loaded, would bind its own calls to our stub instead of
// cairo's function. The libraries' -l flags (from pkg-config) stay on the
// link line; scripts/ld-as-needed, the linker Package.swift names, drops
// them from NEEDED since no object needs them any more.
//
// macOS: not done there (no dlopen name is portable to Homebrew's
// prefixes); the libraries stay linked, the load functions return NULL.
#ifndef GUP_LAZY_H
#define GUP_LAZY_H
#include <stddef.h>
#include "include/CLazyLibraries.h"

#if defined(__linux__)
#define GUP_LAZY_LIBRARIES 1
#else
#define GUP_LAZY_LIBRARIES 0
#endif

#define GUP_LAZY_STUB __attribute__((visibility("hidden")))

// Set (release) once a group's pointers are all filled.
extern int gup_lazy_gdal_ready, gup_lazy_pdf_ready, gup_lazy_xlsxwriter_ready;
// Loads the group or, if it cannot be, prints the loader's message and
// aborts: reached only when a wrapper called a function without loading
// first (the wrappers load on entry and throw the message instead).
void gup_lazy_require(const char *group);

#define GUP_LAZY_REQUIRE(group) \
    do { if (__builtin_expect(!__atomic_load_n(&gup_lazy_##group##_ready, __ATOMIC_ACQUIRE), 0)) gup_lazy_require(#group); } while (0)
#endif
