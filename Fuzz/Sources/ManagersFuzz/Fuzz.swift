import Foundation
import GUPKit

/// One fuzz input: a managers table (CSV joined to parcels by `--cle`).
/// The bytes go through the UTF-8 check and `CSVTable.parse`, then the join
/// on a small parcel layer, and every cell is written back by `CSVWriter`.
/// Invariants (a violation is a crash): no crash or hang; a table read has
/// rows no longer than its header; what `CSVWriter` writes reads back to
/// the same number of rows, with no cell starting with a formula character.
let parcels: Layer = {
    let json = #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"1"},"geometry":{"type":"Point","coordinates":[5,45]}},{"type":"Feature","properties":{"id":"2"},"geometry":{"type":"Point","coordinates":[5.1,45]}}]}"#
    return try! GeoJSONReader.read(data: Data(json.utf8), source: "parcelles", name: "parcelles")
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManagers(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    let table: CSVTable
    do {
        let text = try TextDecoding.utf8(data, source: "g.csv")
        table = try CSVTable.parse(text, source: "g.csv")
    } catch let e as GUPError {
        if !e.message.hasPrefix("g.csv") { fatalError("message without the file: \(e.message)") }
        return 0
    } catch {
        fatalError("not a GUPError: \(error)")
    }
    if let key = table.header.first {
        do { _ = try parcels.joining(table, key: key) } catch is GUPError {} catch { fatalError("not a GUPError: \(error)") }
    }
    guard !table.header.isEmpty, !table.rows.isEmpty else { return 0 }
    let rows = table.rows.map { $0.map { CSVWriter.Cell.text($0) } }
    let written = CSVWriter().render(header: table.header.map { "c" + String($0.count) }, rows: rows)
    do {
        let back = try CSVTable.parse(written, source: "back.csv")
        if back.rows.count != rows.count { fatalError("\(rows.count) rows written, \(back.rows.count) read back") }
        for r in back.rows { for c in r where c.first.map({ "=+-@\t\r".contains($0) }) == true && !CSVWriter.isPlainNumber(c) { fatalError("formula cell written: \(c)") } }
    } catch {
        fatalError("CSVWriter output refused by CSVTable: \(error)")
    }
    return 0
}
