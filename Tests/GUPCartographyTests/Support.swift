import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GUPAnalysis
import GUPCartography
import GUPModel
import XCTest

/// Fixture loading and SVG inspection shared by the tests.
enum Fixture {
    static func path(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil)!.path
    }

    /// The demo layers in Lambert-93.
    static func demo(_ name: String, _ e: GeometryExpectation = .areal) throws -> WorkingLayer {
        try Loader.load(path: path("demo/\(name).geojson"), working: .lambert93, expecting: e)
    }

    static func real(_ name: String) throws -> WorkingLayer {
        try Loader.load(path: path("real/\(name).geojson"), working: .lambert93, expecting: .areal)
    }
}

/// A parsed SVG and helpers to walk it.
struct ParsedSVG {
    let doc: XMLDocument
    let root: XMLElement

    /// Parses the document as written (it must be well-formed XML), then
    /// a copy without the default namespace, which FoundationXML's
    /// attribute lookup by plain name does not see through.
    init(_ svg: String) throws {
        let strict = try XMLDocument(xmlString: svg, options: [])
        precondition(strict.rootElement()?.name == "svg")
        doc = try XMLDocument(xmlString: svg.replacingOccurrences(of: " xmlns=\"http://www.w3.org/2000/svg\"", with: ""), options: [])
        root = doc.rootElement()!
    }

    func all(_ el: XMLElement? = nil) -> [XMLElement] {
        var out: [XMLElement] = []
        func walk(_ e: XMLElement) {
            out.append(e)
            for c in e.children ?? [] { if let ce = c as? XMLElement { walk(ce) } }
        }
        walk(el ?? root)
        return out
    }

    func element(id: String) -> XMLElement? {
        all().first { $0.attribute(forName: "id")?.stringValue == id }
    }

    static func attr(_ e: XMLElement, _ name: String) -> String? { e.attribute(forName: name)?.stringValue }
    static func num(_ e: XMLElement, _ name: String) -> Double? { attr(e, name).flatMap(Double.init) }

    /// Numbers of an attribute such as `data-emprise="a b c d"`.
    static func numbers(_ e: XMLElement, _ name: String) -> [Double] {
        (attr(e, name) ?? "").split(separator: " ").compactMap { Double($0) }
    }

    /// Vertices of path data written as `M x yL x y x y…Z`.
    static func pathPoints(_ d: String) -> [[Position]] {
        var rings: [[Position]] = []
        var cur: [Position] = []
        var nums: [Double] = []
        var token = ""
        func flushToken() { if !token.isEmpty { nums.append(Double(token)!); token = "" } }
        func flushPairs() {
            flushToken()
            var k = 0
            while k + 1 < nums.count { cur.append(Position(nums[k], nums[k + 1])); k += 2 }
            nums.removeAll()
        }
        for ch in d {
            switch ch {
            case "M":
                flushPairs(); if !cur.isEmpty { rings.append(cur); cur = [] }
            case "L", " ":
                flushToken()
            case "Z":
                flushPairs(); rings.append(cur); cur = []
            default:
                token.append(ch)
            }
        }
        flushPairs()
        if !cur.isEmpty { rings.append(cur) }
        return rings
    }
}
