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

/// `gup` re-executes itself with the allocator settings of `MallocTuning`:
/// the same output whichever way it runs, and the user's settings kept.
final class MallocTuningCLITests: XCTestCase {
    func testSameSummaryTunedUntunedAndWithTheUsersSettings() throws {
        let args = ["resume", "Data/demo/perimetres.geojson", "Data/demo/incidents.geojson"]
        var env = ProcessInfo.processInfo.environment
        env["GLIBC_TUNABLES"] = nil
        let tuned = try CLI.run(executable: CLI.executable, args, environment: env)
        XCTAssertEqual(tuned.status, 0, tuned.stderr)
        var off = env
        off["GUP_SANS_REGLAGE_MEMOIRE"] = "1"
        let untuned = try CLI.run(executable: CLI.executable, args, environment: off)
        var mine = env
        mine["GLIBC_TUNABLES"] = "glibc.malloc.arena_max=1"
        let users = try CLI.run(executable: CLI.executable, args, environment: mine)
        XCTAssertEqual(untuned.status, 0, untuned.stderr)
        XCTAssertEqual(users.status, 0, users.stderr)
        XCTAssertTrue(tuned.stdout.contains("incidents"), tuned.stdout)
        XCTAssertEqual(tuned.stdout, untuned.stdout)
        XCTAssertEqual(tuned.stdout, users.stdout)
    }

    /// The re-execution happens, and only when it should: the dynamic
    /// loader initialises the C library once per program image it starts
    /// (`LD_DEBUG=libs`), twice for a tuned run.
    func testReexecutesOnceAndOnlyWithoutTheUsersSettings() throws {
        let resume = ["resume", "Data/demo/perimetres.geojson"]
        func libcInits(_ extra: [String: String], _ args: [String]) throws -> Int {
            var env = ProcessInfo.processInfo.environment
            env["GLIBC_TUNABLES"] = nil
            env["LD_DEBUG"] = "libs"
            env.merge(extra) { $1 }
            let r = try CLI.run(executable: CLI.executable, args, environment: env)
            XCTAssertEqual(r.status, 0, r.stderr)
            return r.stderr.split(separator: "\n").filter { $0.contains("calling init:") && $0.contains("libc.so.6") }.count
        }
        XCTAssertEqual(try libcInits([:], resume), 2)
        XCTAssertEqual(try libcInits(["GUP_SANS_REGLAGE_MEMOIRE": "1"], resume), 1)
        XCTAssertEqual(try libcInits(["GLIBC_TUNABLES": "glibc.malloc.arena_max=1"], resume), 1)
        // No re-execution for the version, whose start-up is measured.
        XCTAssertEqual(try libcInits([:], ["--version"]), 1)
    }
}
