// swift-tools-version:5.10
import PackageDescription

// Layering (lower never imports higher):
//   CGEOS, CPROJ, CGDAL, CXLSXWriter, CRsvg, CPangoCairo, CCrypto (C system libraries)
//   CLazyLibraries  C: loads GDAL, cairo/pango/librsvg and libxlsxwriter on
//                   first use (dlopen) so that gup starts without them; only
//                   GEOS, PROJ and libcrypto are linked (README « Démarrage »)
//   GUPModel        core model: geometry values, features, layers, GeoJSON, CSV;
//                   the output manifest's SHA-256 through OpenSSL's libcrypto
//                                                   (only module importing CCrypto)
//   GUPTopology     safe Swift over GEOS            (only module importing CGEOS)
//   GUPProjection   safe Swift over PROJ            (only module importing CPROJ)
//   GUPFormats      safe Swift over GDAL/OGR: every vector format but GeoJSON,
//                   spreadsheets, PostGIS; GeoPackage/PostGIS writing
//                                                   (only module importing CGDAL)
//   GUPWorkbook     XLSX through libxlsxwriter      (only module importing CXLSXWriter)
//   GUPPDF          PDF through cairo, librsvg, pango (only module importing CRsvg, CPangoCairo)
//   GUPAnalysis     loading pipeline and analyses (domanialité, incidents, nettoyage)
//   GUPCartography  SVG plans
//   GUPDossier      the dossier qualité de service
//   GUPKit          umbrella re-exporting the library
//   gup             command-line tool (linked with jemalloc, the process's allocator)
let package = Package(
    name: "GUPKit",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "GUPKit", targets: ["GUPKit"]),
        .executable(name: "gup", targets: ["gup"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CGEOS", pkgConfig: "geos",
            providers: [.brew(["geos"]), .apt(["libgeos-dev"])]),
        .systemLibrary(
            name: "CPROJ", pkgConfig: "proj",
            providers: [.brew(["proj"]), .apt(["libproj-dev"])]),
        .systemLibrary(
            name: "CGDAL", pkgConfig: "gdal",
            providers: [.brew(["gdal"]), .apt(["libgdal-dev"])]),
        .systemLibrary(
            name: "CXLSXWriter", pkgConfig: "xlsxwriter",
            providers: [.brew(["libxlsxwriter"]), .apt(["libxlsxwriter-dev"])]),
        .systemLibrary(
            name: "CRsvg", pkgConfig: "librsvg-2.0",
            providers: [.brew(["librsvg", "cairo"]), .apt(["librsvg2-dev", "libcairo2-dev"])]),
        .systemLibrary(
            name: "CPangoCairo", pkgConfig: "pangocairo",
            providers: [.brew(["pango"]), .apt(["libpango1.0-dev"])]),
        // OpenSSL's libcrypto, linked (not loaded on first use): gup maps it at
        // start-up anyway, PROJ → libcurl → libssh2 → libcrypto (README
        // « Dependencies and why »).
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.brew(["openssl@3"]), .apt(["libssl-dev"])]),
        // The linker: the C libraries' -l flags (pkg-config) stay on the link
        // line, but CLazyLibraries defines every function the wrappers call,
        // so no object needs them; scripts/ld-as-needed (gold with
        // --as-needed before them: `-Xlinker --as-needed` lands after them,
        // too late) leaves them out of gup's NEEDED list, so they are not
        // loaded at start-up. Linux only: on macOS the libraries stay linked
        // (CLazyLibraries/lazy.h).
        .target(name: "CLazyLibraries", dependencies: ["CGDAL", "CRsvg", "CPangoCairo", "CXLSXWriter"],
                linkerSettings: [.unsafeFlags(["-use-ld=\(Context.packageDirectory)/scripts/ld-as-needed"], .when(platforms: [.linux]))]),
        .target(name: "GUPModel", dependencies: ["CCrypto"]),
        .target(name: "GUPPDF", dependencies: ["CRsvg", "CPangoCairo", "CLazyLibraries", "GUPModel"]),
        .target(name: "GUPWorkbook", dependencies: ["CXLSXWriter", "CLazyLibraries", "GUPModel"]),
        .target(name: "GUPTopology", dependencies: ["CGEOS", "GUPModel"]),
        .target(name: "GUPProjection", dependencies: ["CPROJ", "GUPModel"]),
        .target(name: "GUPFormats", dependencies: ["CGDAL", "CLazyLibraries", "GUPModel"]),
        .target(name: "GUPAnalysis", dependencies: ["GUPModel", "GUPTopology", "GUPProjection", "GUPFormats"]),
        .target(name: "GUPCartography", dependencies: ["GUPModel", "GUPTopology", "GUPProjection", "GUPAnalysis"]),
        .target(name: "GUPDossier", dependencies: ["GUPModel", "GUPTopology", "GUPProjection", "GUPFormats", "GUPAnalysis", "GUPCartography", "GUPWorkbook", "GUPPDF",
                                                   .product(name: "TOMLKit", package: "TOMLKit")]),
        .target(name: "GUPKit", dependencies: ["GUPModel", "GUPTopology", "GUPProjection", "GUPFormats", "GUPWorkbook", "GUPPDF", "GUPAnalysis", "GUPCartography", "GUPDossier"]),
        // The two programs allocate through jemalloc (Debian's libjemalloc2),
        // linked before the C library so that every malloc of the process
        // (Swift, GEOS, PROJ, GDAL) is its: README « Memory allocator: jemalloc ».
        .executableTarget(name: "gup", dependencies: [
            "GUPKit",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], linkerSettings: [.linkedLibrary("jemalloc")]),
        .executableTarget(name: "gup-bench", dependencies: ["GUPKit"], path: "Benchmarks/gup-bench",
                          linkerSettings: [.linkedLibrary("jemalloc")]),
        .testTarget(name: "GUPModelTests", dependencies: ["GUPModel"], exclude: ["Fixtures"]),
        .testTarget(name: "GUPTopologyTests", dependencies: ["GUPTopology", "GUPModel", "GUPProjection"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GUPProjectionTests", dependencies: ["GUPProjection", "GUPModel"]),
        .testTarget(name: "GupCLITests", dependencies: ["gup"]),
        .testTarget(name: "GUPDossierTests", dependencies: ["GUPDossier", "GUPAnalysis", "GUPModel"]),
        .testTarget(name: "GUPAnalysisTests", dependencies: ["GUPAnalysis", "GUPModel", "GUPTopology", "GUPProjection"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GUPFormatsTests", dependencies: ["GUPFormats", "GUPAnalysis", "GUPModel", "GUPProjection"], resources: [.copy("Fixtures")]),
        .testTarget(name: "GUPCartographyTests", dependencies: ["GUPCartography", "GUPAnalysis", "GUPModel", "GUPTopology", "GUPProjection"], resources: [.copy("Fixtures")]),
    ]
)
