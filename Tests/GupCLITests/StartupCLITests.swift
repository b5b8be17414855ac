import Foundation
import XCTest

/// gup loads GDAL, cairo, pango, librsvg and libxlsxwriter on first use,
/// not at start-up (issue 18's 50 ms; README « Démarrage »): what the
/// dynamic loader really maps (glibc's LD_DEBUG=libs, written to files), and
/// that a command needing GDAL still gets it, or a French message naming the
/// library's file when it cannot be loaded.
final class StartupCLITests: XCTestCase {
    static let onDemand = ["libgdal.so", "libcairo.so", "librsvg-2.so", "libpango-1.0.so", "libpangocairo-1.0.so", "libxlsxwriter.so"]

    /// The shared libraries the run of `gup ARGS` loaded (LD_DEBUG=libs).
    private func loadedLibraries(_ args: [String], environment: [String: String] = [:]) throws -> (CLI.Result, String) {
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = environment.merging(["LD_DEBUG": "libs", "LD_DEBUG_OUTPUT": dir.appendingPathComponent("ld").path]) { $1 }
        let r = try CLI.run(args, environment: env)
        var log = ""
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            log += try String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8)
        }
        return (r, log)
    }

    func testVersionAndHelpLoadNeitherGDALNorTheDocumentLibraries() throws {
        for args in [["--version"], ["--help"], ["verifier", CLI.root.appendingPathComponent("Data/demo/perimetres.geojson").path]] {
            let (r, log) = try loadedLibraries(args)
            XCTAssertEqual(r.status, 0, "gup \(args.joined(separator: " ")) : " + r.stderr)
            // The log is real: GEOS and PROJ, linked, are in it.
            XCTAssertTrue(log.contains("libgeos_c.so"), log.suffix(2000).description)
            XCTAssertTrue(log.contains("libproj.so"), log.suffix(2000).description)
            for lib in Self.onDemand {
                XCTAssertFalse(log.contains(lib), "gup \(args.joined(separator: " ")) charge \(lib) au démarrage : une fonction "
                               + "de la bibliothèque est appelée sans passer par CLazyLibraries (swift build && python3 scripts/lazy-stubs.py)")
            }
        }
    }

    func testShapefileLoadsGDALOnFirstUse() throws {
        let shp = CLI.root.appendingPathComponent("Tests/GUPFormatsTests/Fixtures/routes-utf8.shp").path
        let (r, log) = try loadedLibraries(["resume", shp])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("routes-utf8"), r.stdout)
        XCTAssertTrue(log.contains("libgdal.so"), "GDAL n'a pas été chargée pour lire \(shp)")
        XCTAssertFalse(log.contains("libcairo.so"), "lire un Shapefile ne charge pas cairo")
    }

    /// The executable exports none of the stubs: a library loaded later binds
    /// its own calls (librsvg's to cairo) to the real functions.
    func testExecutableExportsNoStub() throws {
        let symbols = String(decoding: try SystemTool.output("nm", ["-D", "--defined-only", CLI.executable.path]), as: UTF8.self)
        for name in ["GDALOpenEx", "cairo_create", "pango_cairo_create_layout", "rsvg_handle_new_from_data", "workbook_new_opt"] {
            XCTAssertFalse(symbols.split(separator: "\n").contains { $0.hasSuffix(" " + name) }, name)
        }
    }

    func testUnloadableGDALIsAFrenchErrorNamingItsFile() throws {
        // The file name (soname) gup asks the loader for, seen in a run that loads GDAL.
        let shp = CLI.root.appendingPathComponent("Tests/GUPFormatsTests/Fixtures/routes-utf8.shp").path
        let (_, log) = try loadedLibraries(["resume", shp])
        let found = try XCTUnwrap(log.range(of: #"library=libgdal\.so\.[0-9]+"#, options: .regularExpression), log.suffix(3000).description)
        let soname = String(log[found].dropFirst("library=".count))
        // A file of that name that is not a library, found first by the loader.
        let dir = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("pas une bibliothèque".utf8).write(to: dir.appendingPathComponent(soname))
        let env = ["LD_LIBRARY_PATH": dir.path]

        let version = try CLI.run(["--version"], environment: env)
        XCTAssertEqual(version.status, 0, "gup --version n'a pas besoin de GDAL : " + version.stderr)

        let r = try CLI.run(["resume", shp], environment: env)
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("GDAL (\(soname)) introuvable : "), r.stderr)
        XCTAssertTrue(r.stderr.contains(dir.appendingPathComponent(soname).path), r.stderr)

        let all = try CLI.run(["version", "--bibliotheques"], environment: env)
        XCTAssertNotEqual(all.status, 0)
        XCTAssertTrue(all.stdout.contains("GDAL : introuvable"), all.stdout)
        XCTAssertTrue(all.stdout.contains("cairo "), "les autres bibliothèques restent listées : " + all.stdout)
        XCTAssertTrue(all.stderr.contains("GDAL (\(soname)) introuvable"), all.stderr)
    }
}

