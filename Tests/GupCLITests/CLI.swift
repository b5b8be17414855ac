import Foundation
import XCTest

/// Runs the built `gup` executable (it sits beside the test bundle).
struct CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var executable: URL {
        var dir = Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("gup").path) {
            dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug")
        }
        return dir.appendingPathComponent("gup")
    }

    /// The package root (where Data/ lives).
    static var root: URL {
        var u = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { u.deleteLastPathComponent() }
        return u
    }

    @discardableResult
    static func run(_ args: [String], in dir: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        // Extra variables are added to this process's environment.
        try run(executable: executable, args, in: dir,
                environment: environment.isEmpty ? nil : ProcessInfo.processInfo.environment.merging(environment) { $1 })
    }

    /// Runs any program, its output and error streams collected; `environment` replaces this process's.
    static func run(executable: URL, _ args: [String], in dir: URL? = nil, environment: [String: String]? = nil) throws -> Result {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        p.currentDirectoryURL = dir ?? root
        if let environment { p.environment = environment }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let u = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gup-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// The demo's data folder (`Data/demo`).
    static var demo: String { root.appendingPathComponent("Data/demo").path }

    /// A fresh temporary folder holding `dossier.toml` made by `toml` from
    /// the folder's path; returns both. The caller removes the folder.
    static func project(_ toml: (_ dir: URL) -> String) throws -> (dir: URL, file: URL) {
        let dir = try temporaryFolder()
        let file = dir.appendingPathComponent("dossier.toml")
        try toml(dir).write(to: file, atomically: true, encoding: .utf8)
        return (dir, file)
    }

    private final class Marker {}
}

/// Runs a system tool (`/usr/bin/NAME`) and returns its standard output; throws on a non-zero exit.
enum SystemTool {
    static func output(_ name: String, _ args: [String]) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/\(name)")
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let d = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw NSError(domain: "\(name) \(args)", code: Int(p.terminationStatus)) }
        return d
    }
}

/// Output geometry checks shared by the dossier and command tests.
enum OutputChecks {
    /// Every `.geojson` file under `folder`, relative paths sorted.
    static func geoJSONFiles(under folder: URL) -> [String] {
        let e = FileManager.default.enumerator(atPath: folder.path)
        var out: [String] = []
        while let f = e?.nextObject() as? String { if f.hasSuffix(".geojson") { out.append(f) } }
        return out.sorted()
    }

    /// Runs `gup verifier` on every GeoJSON under `folder` (RFC 7946 and GEOS
    /// validity of every feature), fails on any error; and checks that each
    /// file holds one geometry type: MultiPolygon for areal layers, Point
    /// or LineString otherwise. Returns the type of each file.
    @discardableResult
    static func verifyAll(under folder: URL, file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        let files = geoJSONFiles(under: folder)
        XCTAssertFalse(files.isEmpty, "aucun GeoJSON sous \(folder.path)", file: file, line: line)
        let r = try CLI.run(["verifier", "--sans-avertissements"] + files.map { folder.appendingPathComponent($0).path })
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr, file: file, line: line)
        var types: [String: String] = [:]
        for f in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(f))
            let root = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
            let features = try XCTUnwrap(root["features"] as? [[String: Any]])
            let kinds = Set(features.compactMap { ($0["geometry"] as? [String: Any])?["type"] as? String })
            XCTAssertLessThanOrEqual(kinds.count, 1, "\(f) : types mêlés \(kinds.sorted())", file: file, line: line)
            if let k = kinds.first {
                XCTAssertTrue(["MultiPolygon", "Point", "LineString"].contains(k), "\(f) : \(k)", file: file, line: line)
                types[f] = k
            }
        }
        return types
    }
}

/// `scripts/verifier-qgis.py` run by Debian's Python with QGIS's bindings,
/// headless. QGIS missing is a failure that says how to install it (CI
/// installs it through scripts/install-deps.sh), never a silent skip.
enum QGISCheck {
    static func run(project: URL, crs: String, image: URL? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> CLI.Result {
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            XCTFail("\(python) absent : installez python3-qgis (bash scripts/install-deps.sh)", file: file, line: line)
            return CLI.Result(status: -1, stdout: "", stderr: "")
        }
        var env = ProcessInfo.processInfo.environment
        env["QT_QPA_PLATFORM"] = "offscreen"
        env["XDG_RUNTIME_DIR"] = NSTemporaryDirectory()
        let r = try CLI.run(executable: URL(fileURLWithPath: python),
                            [CLI.root.appendingPathComponent("scripts/verifier-qgis.py").path, project.path, "--crs", crs]
                                + (image.map { ["--image", $0.path] } ?? []),
                            environment: env)
        if r.status == 2 {
            XCTFail("QGIS absent pour \(python) : installez python3-qgis (bash scripts/install-deps.sh). \(r.stdout)", file: file, line: line)
        }
        return r
    }
}
