import Foundation
@testable import GUPModel
import XCTest

/// `JSONText` against Foundation's `JSONSerialization` (pretty, sorted keys,
/// slashes unescaped), the writer `rapport.json` and the manifest used.
final class JSONTextTests: XCTestCase {
    /// The same report-like value, once typed for `JSONText`, once as
    /// Foundation's objects.
    func testSameTextAsFoundationOnAReportLikeValue() throws {
        let name = "Quartier \"Nord\"\\Sud\nligne\ttab\u{1}"
        let commune: String? = nil
        let ours: JSONValue = [
            "titre": "Dossier « Les Pins » / 2026", "commune": .init(commune), "version": 1,
            "seuils": ["lacune_m2": 10.0, "cellule_m": 50, "rayon_m": 150.5, "part_pct": 12.34, "petit": 0.000123, "grand": 1.5e20],
            "quartiers": [
                ["nom": .init(name), "surface_ha": .init(12.0), "negatif": -3.25, "vrai": true, "faux": false,
                 "vide": [], "objet_vide": [:], "liste": ["a", 1, 2.5, nil]],
            ],
            "periode_1": "2025", "periode_2": "2026", "gi_z_max": 2.58, "surface_m2": 70043.99,
            "comptes": .init(["placees": 3, "sans_place": 0]),
        ]
        let foundationValue: [String: Any] = [
            "titre": "Dossier « Les Pins » / 2026", "commune": NSNull(), "version": 1,
            "seuils": ["lacune_m2": 10.0, "cellule_m": 50, "rayon_m": 150.5, "part_pct": 12.34, "petit": 0.000123, "grand": 1.5e20],
            "quartiers": [
                ["nom": name, "surface_ha": 12.0, "negatif": -3.25, "vrai": true, "faux": false,
                 "vide": [Any](), "objet_vide": [String: Any](), "liste": ["a", 1, 2.5, NSNull()]] as [String: Any],
            ],
            "periode_1": "2025", "periode_2": "2026", "gi_z_max": 2.58, "surface_m2": 70043.99,
            "comptes": ["placees": 3, "sans_place": 0],
        ]
        let foundation = String(decoding: try JSONSerialization.data(withJSONObject: foundationValue,
                                                                       options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]),
                                as: UTF8.self)
        XCTAssertEqual(try JSONText.render(ours), foundation)
        // And it reads back as the same value.
        let back = try JSONSerialization.jsonObject(with: Data(try JSONText.render(ours).utf8)) as? [String: Any]
        XCTAssertEqual((back?["seuils"] as? [String: Any])?["rayon_m"] as? Double, 150.5)
        XCTAssertTrue(back?["commune"] is NSNull)
    }

    func testNonFiniteNumbersAreErrors() {
        XCTAssertThrowsError(try JSONText.render(["x": .double(.nan)]))
        XCTAssertThrowsError(try JSONText.render(["x": [.double(.infinity)]]))
        XCTAssertNoThrow(try JSONText.render(["x": .double(1)]))
    }
}
