import Foundation
import XCTest

/// The output manifest's SHA-256, computed by OpenSSL's libcrypto (GUPModel's
/// `SHA256`), against coreutils' `sha256sum` of the files the real program wrote.
final class ManifestCLITests: XCTestCase {
    var tmp: URL!

    override func setUpWithError() throws { tmp = try CLI.temporaryFolder() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: tmp) }

    /// gup points-chauds on the demo: five files, from 452 bytes to 134 kB.
    private func hotspots(_ out: String, environment: [String: String] = [:]) throws -> CLI.Result {
        try CLI.run(["points-chauds", "--zones", "Data/demo/perimetres.geojson", "--incidents", "Data/demo/incidents.geojson", "--sortie", out],
                    environment: environment)
    }

    func testManifestListsEachFileWithTheSizeAndHashOfSha256sum() throws {
        let out = tmp.path + "/points-chauds"
        let r = try hotspots(out)
        XCTAssertEqual(r.status, 0, r.stderr)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/.gup-manifeste.json"))) as! [String: Any]
        let files = try XCTUnwrap(manifest["fichiers"] as? [[String: Any]])
        // Every file of the folder but the manifest, and files of several 64-byte blocks.
        let onDisk = (FileManager.default.enumerator(atPath: out)?.allObjects as? [String] ?? [])
            .filter { !$0.hasSuffix(".gup-manifeste.json") && !FileManager.default.isDirectory(out + "/" + $0) }
        XCTAssertEqual(Set(files.map { $0["fichier"] as! String }), Set(onDisk))
        XCTAssertTrue(files.contains { ($0["octets"] as! Int) > 100_000 }, "\(files)")
        // sha256sum prints « HASH  PATH » per file.
        let paths = files.map { out + "/" + ($0["fichier"] as! String) }
        var sums: [String: String] = [:]
        for line in String(decoding: try SystemTool.output("sha256sum", paths), as: UTF8.self).split(separator: "\n") {
            sums[String(line.dropFirst(66))] = String(line.prefix(64))
        }
        XCTAssertEqual(sums.count, files.count)
        for f in files {
            let path = out + "/" + (f["fichier"] as! String)
            XCTAssertEqual(f["sha256"] as? String, sums[path], path)
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
            XCTAssertEqual(f["octets"] as? Int, size, path)
        }
    }

    func testOpenSSLWithoutSHA256IsAFrenchErrorAndNothingWritten() throws {
        // An OpenSSL configuration that asks for FIPS algorithms without the
        // FIPS provider: EVP_Digest finds no SHA-256 and fails.
        let conf = tmp.appendingPathComponent("openssl.cnf")
        try Data("""
        openssl_conf = openssl_init
        [openssl_init]
        alg_section = algs
        [algs]
        default_properties = fips=yes

        """.utf8).write(to: conf)
        let out = tmp.path + "/points-chauds"
        let r = try hotspots(out, environment: ["OPENSSL_CONF": conf.path])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("Empreinte SHA-256 impossible : OpenSSL (libcrypto) ne la calcule pas ("), r.stderr)
        XCTAssertTrue(r.stderr.contains("OPENSSL_CONF"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "un dossier de sortie sans manifeste juste")
    }
}

private extension FileManager {
    func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }
}
