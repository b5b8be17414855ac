import GUPKit

/// The version of gup; the Makefile reads it from this line to name the
/// package (`make paquet`), so it lives in one place.
let gupVersion = "0.1.0"

// The commit gup was built from. `make paquet` / `make install` write
// BuildCommit.generated.swift (ignored by git) and build with
// -DGUP_BUILD_INFO; a plain `swift build` (or a checkout without git)
// compiles this fallback instead, so the build never needs git.
#if !GUP_BUILD_INFO
let gupCommit: String? = nil
#endif

/// What `gup --version`, `gup -V` and `gup version` print: the version, the
/// commit, and the versions of GEOS and PROJ as the loaded libraries report
/// them at run time (each through its wrapper module; the CLI only prints).
/// GDAL, cairo, pango, librsvg and libxlsxwriter are loaded on first use,
/// not at start-up (README « Démarrage »): loading them here would take
/// `gup --version` from ≈ 20 ms to ≈ 80 ms of CPU, over issue 18's 50 ms,
/// so their versions are printed by `gup version --bibliotheques`, which
/// loads them.
enum VersionText {
    static var short: String {
        var lines = ["gup \(gupVersion)"]
        lines.append("commit : \(gupCommit ?? "inconnu (construit sans make)")")
        for library in startupLibraryVersions {
            lines.append("\(library.name) \(library.version)")
        }
        lines.append("\(onDemandLibraryNames.joined(separator: ", ")) : chargées à la première utilisation (versions : gup version --bibliotheques)")
        return lines.joined(separator: "\n")
    }
}
