import Foundation
import GUPCartography
import XCTest

/// Text widths and word wrap against the rule written out plainly: the
/// advance of each Unicode scalar (ASCII by `TextMetrics.advance`, ’ 0.30,
/// combining marks nothing, other capitals 0.78, the rest 0.64) summed in
/// order, and a wrap that measures each joined candidate line afresh.
final class TextMetricsTests: XCTestCase {
    static func referenceWidth(_ text: String, size: Double) -> Double {
        var w = 0.0
        for u in text.unicodeScalars {
            if u.isASCII { w += TextMetrics.advance(Character(u)); continue }
            if u == "’" { w += 0.30; continue }
            switch u.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .spacingMark: continue
            default: w += u.properties.isUppercase ? 0.78 : 0.64
            }
        }
        return w * size
    }

    static func referenceWrap(_ text: String, size: Double, maxWidth: Double) -> [String] {
        var lines: [String] = []
        var cur = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let cand = cur.isEmpty ? String(word) : cur + " " + word
            if referenceWidth(cand, size: size) <= maxWidth || cur.isEmpty { cur = cand } else { lines.append(cur); cur = String(word) }
        }
        if !cur.isEmpty { lines.append(cur) }
        return lines
    }

    static let samples = [
        "Résidence Les Écureuils", "ÉCOLE ÉLÉMENTAIRE", "Allée de l’Étang", "Quartier Saint-Éloi (îlot 3)",
        "Cité Œillets — bâtiment Ç", "e\u{301}te\u{301} cafe\u{301}", "Ωμέγα Кирилл", "Straße 12 ½ Ärger",
        "Dépôts sauvages : encombrants, gravats, déchets verts et mobilier abandonné sur la voie publique",
        "多言語 テキスト 🚲 vélo", "  espaces   multiples  ", "",
    ]

    func testWidthIsTheSumOfTheScalarsAdvances() {
        for s in Self.samples {
            for size in [1.6, 2.4, 3.4] {
                XCTAssertEqual(TextMetrics.width(s, size: size), Self.referenceWidth(s, size: size), s)
            }
        }
        // Every scalar of the table's range, one at a time.
        for v in UInt32(0x20)..<0x800 {
            guard let u = Unicode.Scalar(v) else { continue }
            let s = "a" + String(u) + "b"
            XCTAssertEqual(TextMetrics.width(s, size: 2), Self.referenceWidth(s, size: 2), String(format: "U+%04X", v))
        }
        XCTAssertEqual(TextMetrics.width("é", size: 1), 0.64)
        XCTAssertEqual(TextMetrics.width("e\u{301}", size: 1), 0.64, "a combining accent adds nothing")
        XCTAssertEqual(TextMetrics.width("É", size: 1), 0.78)
    }

    func testWrapGivesTheLinesOfAFreshMeasureOfEachCandidate() {
        for s in Self.samples {
            for size in [1.8, 2.2, 3.0] {
                for maxWidth in [5.0, 12, 20, 33.3, 60, 200] {
                    XCTAssertEqual(TextMetrics.wrap(s, size: size, maxWidth: maxWidth),
                                   Self.referenceWrap(s, size: size, maxWidth: maxWidth), "\(s) \(size) \(maxWidth)")
                }
            }
        }
        let lines = TextMetrics.wrap("Dépôts sauvages : encombrants, gravats, déchets verts", size: 2, maxWidth: 40)
        XCTAssertGreaterThan(lines.count, 1)
        XCTAssertTrue(lines.allSatisfy { TextMetrics.width($0, size: 2) <= 40 })
    }

    func testWrapsTellsWhetherWrapGivesSeveralLines() {
        let texts = ["Bailleur social (logements)", "Rue", "Voirie  communale   à double  sens", "Établissement public d'aménagement",
                     "", "   ", "Avenue du Maréchal-de-Lattre-de-Tassigny", "a b c d e f g h i j k l m n o p"]
        for t in texts {
            let one = TextMetrics.oneLine(t)
            for width in stride(from: 2.0, through: 120.0, by: 0.7) {
                for size in [1.5, 2.2, 2.464] {
                    XCTAssertEqual(TextMetrics.wraps(one, size: size, maxWidth: width),
                                   TextMetrics.wrap(t, size: size, maxWidth: width).count > 1, "« \(t) » \(size) mm dans \(width) mm")
                }
            }
        }
    }
}
