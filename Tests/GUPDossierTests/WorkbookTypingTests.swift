import XCTest
import GUPWorkbook
@testable import GUPDossier

/// The workbook's cells typed from the CSV texts: the byte-level fast path
/// (`plainNumber`) gives what the general path gives, wherever it answers.
final class WorkbookTypingTests: XCTestCase {
    /// The general path as `typed` had it before the fast path.
    private func general(_ raw: String) -> SheetCell? {
        let s = raw.replacingOccurrences(of: ",", with: ".")
        guard let d = Double(s), d.isFinite, !s.contains("e"), !s.contains("E") else { return nil }
        if let dot = s.firstIndex(of: ".") { return .decimal(d, places: s.distance(from: dot, to: s.endIndex) - 1) }
        if let i = Int(s) { return .integer(i) }
        return .decimal(d, places: 0)
    }

    func testFastPathAgreesWithTheGeneralPath() {
        var texts = ["12", "-12", "+5", "3.50", "0.000", "1e3", "12,5", "abc", "1.2.3", ".5", "5.", "-", "+", "007",
                     "99999999999999999999", "-0.00", "1 000", "12.5 ", " 12", "0x10", "inf", "nan", "--1", "1-", "4.35"]
        var g = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let v = Double.random(in: -1e7...1e7, using: &g)
            texts.append(String(format: "%.\(Int.random(in: 0...6, using: &g))f", v))
        }
        var fast = 0
        for t in texts {
            guard let cell = DossierDocuments.plainNumber(t) else { continue }
            fast += 1
            XCTAssertEqual(cell, general(t), t)
        }
        // The numbers CSVWriter writes all take the fast path.
        XCTAssertGreaterThan(fast, 2_000)
        XCTAssertNil(DossierDocuments.plainNumber("12,5"))
        XCTAssertNil(DossierDocuments.plainNumber("1e3"))
        // And `typed` types a column of them as before.
        let rows = [["A", "12"], ["B", "3.50"], ["C", ""]]
        XCTAssertEqual(DossierDocuments.typed(rows, header: ["perimetre", "surface_m2"]).map { $0[1] },
                       [.integer(12), .decimal(3.5, places: 2), .empty])
    }
}
