import Foundation
import GUPKit

/// One fuzz input. The first byte picks the sequential or the parallel parse;
/// the rest is the file. Invariants checked (a violation is a crash):
/// - neither the reader nor the validator crashes, hangs or recurses without bound;
/// - a file the strict validator accepts is read by the lenient reader;
/// - the sequential and parallel parses agree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGeoJSON(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let data = Data(bytes: start + 1, count: count - 1)
    let parallel = start[0] & 1 == 1
    GeoJSONReader.parallelThreshold = parallel ? 0 : Int.max
    let read = Result { try GeoJSONReader.read(data: data, source: "fuzz", name: "fuzz") }
    let validation = GeoJSONValidator.validate(data: data)
    if validation.isValid, case .failure(let e) = read {
        fatalError("valid for the validator but refused by the reader: \(e)")
    }
    GeoJSONReader.parallelThreshold = parallel ? Int.max : 0
    let other = Result { try GeoJSONReader.read(data: data, source: "fuzz", name: "fuzz") }
    switch (read, other) {
    case (.success(let a), .success(let b)):
        if a.features != b.features { fatalError("sequential and parallel parses differ") }
    case (.failure(let a), .failure(let b)):
        if "\(a)" != "\(b)" { fatalError("sequential and parallel errors differ: \(a) / \(b)") }
    default:
        fatalError("sequential and parallel parses disagree: \(read) / \(other)")
    }
    return 0
}
