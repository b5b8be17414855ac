import Foundation
import GUPKit

/// One fuzz input: the text of a project file `dossier.toml`, read by
/// `ProjectFile.parse` (TOMLKit / toml++ underneath, then every key check).
/// A temporary folder holds `p.geojson` and `g.csv`, so that inputs naming
/// them get past the file checks to the numbers, periods and tables.
/// Invariants (a violation is a crash): no crash, hang or unbounded memory;
/// an accepted file has numbers inside their domains; a refusal is a French
/// message naming the project file.
let folder: String = {
    let d = NSTemporaryDirectory() + "gup-fuzz-toml-\(getpid())"
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: d + "/p.geojson", contents: Data(#"{"type":"FeatureCollection","features":[]}"#.utf8))
    FileManager.default.createFile(atPath: d + "/g.csv", contents: Data("id,gestionnaire\n1,Ville\n".utf8))
    return d
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProject(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: start, count: count)
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    let path = folder + "/dossier.toml"
    do {
        let p = try ProjectFile.parse(text, path: path)
        for (v, range) in [(p.cellSize, NumberDomain.metres), (p.kernelRadius, NumberDomain.metres),
                           (p.overlapThreshold, NumberDomain.squareMetres), (p.gapThreshold, NumberDomain.squareMetres)] {
            if !range.contains(v) { fatalError("accepted a number outside its domain: \(v)") }
        }
        if !(1...30).contains(p.routeStops) { fatalError("accepted \(p.routeStops) stops") }
    } catch let e as GUPError {
        if !e.message.hasPrefix(path) { fatalError("message without the file: \(e.message)") }
    } catch {
        fatalError("not a GUPError: \(error)")
    }
    return 0
}
