import XCTest
@testable import GUPDossier

final class HTMLTests: XCTestCase {
    func testUserTextCannotInjectMarkup() throws {
        var h = HTMLDocument(title: "<script>alert(1)</script>")
        h.heading(1, "Quartier <Résidence & \"Cie\">")
        h.table(header: ["nom"], rows: [["<b>gras</b> & 'co'"]])
        h.link("x\" onclick=\"y", href: "a\"b.html")
        let html = h.render()
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertFalse(html.contains("<b>gras"))
        XCTAssertTrue(html.contains("Quartier &lt;Résidence &amp; &quot;Cie&quot;&gt;"))
        XCTAssertTrue(html.contains("href=\"a&quot;b.html\""))
        XCTAssertFalse(html.contains("onclick=\"y"))
        // The document parses as XML-ish markup with balanced tables.
        XCTAssertEqual(html.components(separatedBy: "<table>").count, html.components(separatedBy: "</table>").count)
    }

    func testFrenchNumberFormatting() {
        XCTAssertEqual(FR.number(12345.678, 2), "12\u{202F}345,68")
        XCTAssertEqual(FR.number(-1234, 0), "-1\u{202F}234")
        XCTAssertEqual(FR.pct(81.66), "81,7 %")
        XCTAssertEqual(FR.ha(256_400), "25,64 ha")
    }
}
