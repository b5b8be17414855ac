import Foundation
import XCTest
@testable import GUPModel

/// Inputs kept from the libFuzzer runs (Fuzz/README.md), replayed with the
/// fuzz target's invariants. The first byte of each input picks the parse
/// order; the rest is the file. No run has crashed so far: any input that
/// does goes into `Fixtures/fuzz/` too.
final class FuzzRegressionTests: XCTestCase {
    func testFuzzCorpusInvariants() throws {
        let dir = fixtures.appendingPathComponent("fuzz")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertGreaterThanOrEqual(files.count, 40)
        let saved = GeoJSONReader.parallelThreshold
        defer { GeoJSONReader.parallelThreshold = saved }
        var accepted = 0
        for name in files {
            let raw = try Data(contentsOf: dir.appendingPathComponent(name))
            guard raw.count > 0 else { continue }
            let data = raw.dropFirst()
            GeoJSONReader.parallelThreshold = Int.max
            let sequential = Result { try GeoJSONReader.read(data: Data(data), source: "fuzz", name: "fuzz") }
            GeoJSONReader.parallelThreshold = 0
            let parallel = Result { try GeoJSONReader.read(data: Data(data), source: "fuzz", name: "fuzz") }
            let v = GeoJSONValidator.validate(data: Data(data))
            switch (sequential, parallel) {
            case (.success(let a), .success(let b)):
                XCTAssertEqual(a.features, b.features, name)
                accepted += 1
            case (.failure(let a), .failure(let b)):
                XCTAssertEqual("\(a)", "\(b)", name)
                XCTAssertFalse(v.isValid, "\(name): valide pour le vérificateur mais refusé : \(a)")
            default:
                XCTFail("\(name): lectures séquentielle et parallèle en désaccord")
            }
        }
        XCTAssertGreaterThan(accepted, 0)
    }
}
