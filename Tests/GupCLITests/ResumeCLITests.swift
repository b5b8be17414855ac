import XCTest

final class ResumeCLITests: XCTestCase {
    func testResumeSummarisesTheEmbeddedData() throws {
        let r = try CLI.run(["resume", "Data/demo/perimetres.geojson", "Data/qpv-rennes.geojson"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("Système de travail : EPSG:2154"))
        XCTAssertTrue(r.stdout.contains("perimetres : 4 entité(s) lue(s), 4 utilisée(s)"))
        XCTAssertTrue(r.stdout.contains("qpv-rennes : 6 entité(s) lue(s), 6 utilisée(s)"))
    }

    func testLambert93FileWithoutCRSIsAFrenchErrorNamingFileAndFeature() throws {
        let dir = try CLI.temporaryFolder()
        let f = dir.appendingPathComponent("sans_crs.geojson")
        try #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[881500,6263000]}}]}"#
            .write(to: f, atomically: true, encoding: .utf8)
        let r = try CLI.run(["resume", f.path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("sans_crs.geojson"), r.stderr)
        XCTAssertTrue(r.stderr.contains("entité n° 1"), r.stderr)
        XCTAssertTrue(r.stderr.contains("Lambert-93"), r.stderr)
        // Declaring the CRS makes it load.
        let ok = try CLI.run(["resume", "--crs-source", "EPSG:2154", f.path])
        XCTAssertEqual(ok.status, 0, ok.stderr)
    }

    func testHelpIsInFrench() throws {
        let r = try CLI.run(["--help"])
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.contains("UTILISATION :"))
        XCTAssertTrue(r.stdout.contains("Affiche cette aide."))
        XCTAssertFalse(r.stdout.contains("Show help information"))
        let bad = try CLI.run(["resume", "x.geojson", "--inconnue"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("Option inconnue"), bad.stderr)
    }
}

/// `gup` allocates through jemalloc (linked before the C library,
/// `Package.swift`): jemalloc answers its own `MALLOC_CONF` and prints its
/// statistics at exit, which the C library's allocator would ignore.
final class AllocatorCLITests: XCTestCase {
    func testJemallocIsTheAllocatorOfAReadingCommand() throws {
        var env = ProcessInfo.processInfo.environment
        env["MALLOC_CONF"] = "stats_print:true"
        let r = try CLI.run(executable: CLI.executable, ["resume", "Data/demo/perimetres.geojson"], environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("perimetres : 4 entité(s) lue(s), 4 utilisée(s)"), r.stdout)
        XCTAssertTrue(r.stderr.contains("Begin jemalloc statistics"), String(r.stderr.prefix(500)))
        // Without the variable, nothing of the allocator reaches the user.
        env["MALLOC_CONF"] = nil
        let quiet = try CLI.run(executable: CLI.executable, ["resume", "Data/demo/perimetres.geojson"], environment: env)
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        XCTAssertFalse(quiet.stderr.contains("jemalloc"), quiet.stderr)
        XCTAssertEqual(quiet.stdout, r.stdout)
    }
}
