import Foundation
import XCTest

/// What an installed gup does (issue 18): the version text, and `gup
/// dossier` without an argument outside the repository. The .deb itself is
/// checked in a fresh Debian root by scripts/verifier-paquet.sh (.ci/run).
final class InstallCLITests: XCTestCase {
    func testVersionFlagShortFlagAndCommandPrintTheLoadedLibraries() throws {
        let long = try CLI.run(["--version"])
        XCTAssertEqual(long.status, 0, long.stderr)
        let lines = long.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.hasPrefix("gup ") ?? false, long.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("commit : ") }, long.stdout)
        let geos = try XCTUnwrap(lines.first { $0.hasPrefix("GEOS ") }, long.stdout)
        let proj = try XCTUnwrap(lines.first { $0.hasPrefix("PROJ ") }, long.stdout)
        // The run-time libraries are those of the -dev packages the build used.
        if let headers = try? shell("/usr/bin/geos-config", ["--version"]) {
            XCTAssertTrue(geos.hasPrefix("GEOS \(headers)"), "\(geos) vs geos-config \(headers)")
        }
        if let headers = try? shell("/usr/bin/pkg-config", ["--modversion", "proj"]) {
            XCTAssertEqual(proj, "PROJ \(headers)")
        }
        // The libraries loaded on first use are named, not loaded (README « Démarrage »).
        XCTAssertFalse(lines.contains { $0.hasPrefix("GDAL ") }, long.stdout)
        XCTAssertTrue(lines.contains("GDAL, cairo, pango, librsvg, libxlsxwriter : chargées à la première utilisation (versions : gup version --bibliotheques)"), long.stdout)
        for args in [["-V"], ["version"]] {
            let other = try CLI.run(args)
            XCTAssertEqual(other.status, 0, other.stderr)
            XCTAssertEqual(other.stdout, long.stdout, "gup \(args[0])")
        }

        // `gup version --bibliotheques` loads them and prints what each reports.
        let all = try CLI.run(["version", "--bibliotheques"])
        XCTAssertEqual(all.status, 0, all.stderr)
        XCTAssertTrue(all.stdout.hasPrefix(long.stdout), all.stdout)
        let allLines = all.stdout.split(separator: "\n").map(String.init)
        let gdal = try XCTUnwrap(allLines.first { $0.hasPrefix("GDAL ") && !$0.hasPrefix("GDAL,") }, all.stdout)
        if let headers = try? shell("/usr/bin/pkg-config", ["--modversion", "gdal"]) {
            XCTAssertEqual(gdal, "GDAL \(headers)")
        }
        for (name, pkg) in [("cairo", "cairo"), ("pango", "pango"), ("librsvg", "librsvg-2.0")] {
            let line = try XCTUnwrap(allLines.first { $0.hasPrefix(name + " ") }, all.stdout)
            if let headers = try? shell("/usr/bin/pkg-config", ["--modversion", pkg]) {
                XCTAssertEqual(line, "\(name) \(headers)")
            }
        }
        // (Debian's xlsxwriter.pc gives the soname's version, 4, not the library's.)
        let xlsx = try XCTUnwrap(allLines.first { $0.hasPrefix("libxlsxwriter ") }, all.stdout)
        XCTAssertNotNil(xlsx.range(of: #"^libxlsxwriter \d+\.\d+\.\d+$"#, options: .regularExpression), xlsx)
    }

    func testDossierWithoutArgumentOutsideTheRepositoryUsesTheInstalledDemoAndWritesHere() throws {
        // An installed tree like `make install PREFIX=…`: PREFIX/bin/gup and PREFIX/share/gup/demo.
        let prefix = try CLI.temporaryFolder()
        let work = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: prefix); try? FileManager.default.removeItem(at: work) }
        let fm = FileManager.default
        try fm.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        let gup = prefix.appendingPathComponent("bin/gup")
        do { try fm.linkItem(at: CLI.executable, to: gup) } catch { try fm.copyItem(at: CLI.executable, to: gup) }
        let demo = prefix.appendingPathComponent("share/gup/demo")
        try fm.createDirectory(at: demo.deletingLastPathComponent(), withIntermediateDirectories: true)
        try fm.copyItem(at: CLI.root.appendingPathComponent("Data/demo"), to: demo)

        let p = Process()
        p.executableURL = gup
        p.arguments = ["dossier", "--date", "30/11/2026"]
        p.currentDirectoryURL = work
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, e)
        XCTAssertTrue(e.contains(demo.appendingPathComponent("dossier.toml").resolvingSymlinksInPath().path), e)
        XCTAssertTrue(e.contains("dossier courant"), e)
        let index = work.appendingPathComponent("dossier-demo/index.html")
        XCTAssertTrue(fm.fileExists(atPath: index.path), o + e)
        XCTAssertTrue(o.contains("dossier-demo/index.html"), o)
        // Nothing written inside the installation.
        let installed = try fm.subpathsOfDirectory(atPath: prefix.path).sorted()
        XCTAssertFalse(installed.contains { $0.contains("dossier-demo") || $0.contains("sortie") }, "\(installed)")
    }

    /// A system tool's output as trimmed text.
    private func shell(_ tool: String, _ args: [String]) throws -> String {
        let d = try SystemTool.output(URL(fileURLWithPath: tool).lastPathComponent, args)
        return String(decoding: d, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
