import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// Reads an XLSX back for the tests: `/usr/bin/unzip -p` for the parts,
/// Foundation's XMLParser for the XML.
struct WorkbookReading {
    struct Cell { var ref: String; var type: String?; var style: String?; var value: String? }

    let path: String

    func part(_ name: String) throws -> Data {
        let d = try SystemTool.output("unzip", ["-p", path, name])
        guard !d.isEmpty else { throw NSError(domain: "unzip \(name) : vide", code: 1) }
        return d
    }

    /// Elements with their attributes, and the text of each, in document order.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String], text: String)] = []
        var stack: [Int] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
            elements.append((name, attributes, ""))
            stack.append(elements.count - 1)
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let k = stack.last { elements[k].text += string }
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }
    }

    func elements(_ partName: String) throws -> [(name: String, attributes: [String: String], text: String)] {
        let parser = XMLParser(data: try part(partName))
        let c = Collector()
        parser.delegate = c
        guard parser.parse() else { throw parser.parserError ?? NSError(domain: "xml", code: 1) }
        return c.elements
    }

    func sheetNames() throws -> [String] {
        try elements("xl/workbook.xml").filter { $0.name == "sheet" }.compactMap { $0.attributes["name"] }
    }

    func sharedStrings() throws -> [String] {
        try elements("xl/sharedStrings.xml").filter { $0.name == "t" }.map(\.text)
    }

    /// Rows of cells of sheet `n` (1-based), shared strings resolved into `value`.
    func rows(sheet n: Int) throws -> [[Cell]] {
        let strings = try sharedStrings()
        var rows: [[Cell]] = []
        var current: Cell?
        for e in try elements("xl/worksheets/sheet\(n).xml") {
            switch e.name {
            case "row":
                if let c = current { rows[rows.count - 1].append(c) }
                current = nil
                rows.append([])
            case "c":
                if let c = current { rows[rows.count - 1].append(c) }
                current = Cell(ref: e.attributes["r"] ?? "", type: e.attributes["t"], style: e.attributes["s"], value: nil)
            case "v":
                let isShared = current?.type == "s"
                current?.value = isShared ? strings[Int(e.text)!] : e.text
            default: break
            }
        }
        if let c = current { rows[rows.count - 1].append(c) }
        return rows
    }
}
