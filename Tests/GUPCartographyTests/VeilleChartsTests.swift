import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import GUPAnalysis
import GUPCartography
import GUPModel
import XCTest

final class VeilleChartsTests: XCTestCase {
    /// Two zones (10 and 40 ha, 200 and 0 dwellings), categories a and b,
    /// 6 months of hand-made counts.
    func series() -> VeilleSeries {
        let cal = VeilleCalendar(step: .month, first: Day(year: 2025, month: 1, day: 1)!, last: Day(year: 2025, month: 6, day: 30)!)
        let za: [Int32] = [3, 0, 7, 12, 5, 1], zb: [Int32] = [0, 2, 2, 9, 0, 4]
        let wa: [Int32] = [30, 25, 0, 17, 8, 11], wb: [Int32] = [1, 1, 1, 1, 1, 1]
        let counts = za + zb + zip(za, zb).map { $0 + $1 } + wa + wb + zip(wa, wb).map { $0 + $1 }
        return VeilleSeries(zones: ["Les Pins", "Le Liourat & Cie"], categories: ["depot_sauvage", "tag"], calendar: cal,
                            counts: counts, hectares: [10, 40], dwellings: [200, 0], treatment: nil, undated: 0, outsideSpan: 0)
    }

    /// y (or x) of each graduation value, and the check that they are linear in the value.
    func scale(_ svg: ParsedSVG, axis: String, in el: XMLElement? = nil) throws -> (origin: Double, perUnit: Double, values: [Double]) {
        let ticks = svg.all(el).filter { $0.name == "line" && ParsedSVG.attr($0, "class") == "graduation" }
        let pairs = ticks.map { (ParsedSVG.num($0, "data-valeur")!, ParsedSVG.num($0, axis)!) }
        XCTAssertGreaterThanOrEqual(pairs.count, 2)
        let (v0, p0) = pairs.first!, (v1, p1) = pairs.last!
        XCTAssertEqual(v0, 0)
        let perUnit = (p1 - p0) / (v1 - v0)
        for (v, p) in pairs { XCTAssertEqual(p, p0 + v * perUnit, accuracy: 0.011, "graduation \(v)") }
        // Each graduation's label says its value, in French.
        let labels = svg.all(el).filter { $0.name == "text" && ParsedSVG.attr($0, "class") == "graduation" }
        XCTAssertEqual(labels.map { $0.stringValue!.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ",", with: ".") },
                       pairs.map { Chart_data($0.0) })
        return (p0, perUnit, pairs.map(\.0))
    }

    func Chart_data(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }

    func testSmallMultiplesOneBarPerMonthAndCategoryOnTheAxisScale() throws {
        let s = series()
        let svg = try ParsedSVG(VeilleCharts.smallMultiples(s, zone: 0, source: "essai"))
        let bars = svg.all().filter { ParsedSVG.attr($0, "class") == "barre" }
        XCTAssertEqual(bars.count, 3 * 6)
        let panels = svg.all().filter { ParsedSVG.attr($0, "class") == "panneau" }
        XCTAssertEqual(panels.map { ParsedSVG.attr($0, "data-categorie")! }, ["depot_sauvage", "tag", "toutes"])
        for panel in panels {
            let c = ["depot_sauvage", "tag", "toutes"].firstIndex(of: ParsedSVG.attr(panel, "data-categorie")!)!
            let (origin, perUnit, values) = try scale(svg, axis: "y1", in: panel)
            let pbars = svg.all(panel).filter { ParsedSVG.attr($0, "class") == "barre" }
            XCTAssertEqual(pbars.map { ParsedSVG.attr($0, "data-periode")! }, s.calendar.labels)
            XCTAssertGreaterThanOrEqual(values.last!, 12)   // the zone's maximum, shared by every panel
            for (p, b) in pbars.enumerated() {
                let v = Double(ParsedSVG.attr(b, "data-valeur")!)!
                XCTAssertEqual(Int(v), s.count(zone: 0, category: c, period: p))
                let y = ParsedSVG.num(b, "y")!, h = ParsedSVG.num(b, "height")!
                XCTAssertEqual(y + h, origin, accuracy: 0.011)
                XCTAssertEqual(-h, v * perUnit, accuracy: 0.011)
            }
        }
        // Category colours as on the plans (Dark2, first three for ≤ 3 categories).
        let colors = ColorAssignment.incidentCategories(["depot_sauvage", "tag"])
        XCTAssertEqual(ParsedSVG.attr(bars[0], "fill"), colors.color(of: "depot_sauvage"))
        XCTAssertEqual(ParsedSVG.attr(bars[6], "fill"), colors.color(of: "tag"))
        let text = svg.all().filter { $0.name == "text" }.compactMap(\.stringValue).joined(separator: "\n")
        XCTAssertTrue(text.contains("Source : essai"))
        XCTAssertTrue(text.contains("signalements par mois"))
        XCTAssertTrue(text.contains("janv. 25"))
        XCTAssertFalse(VeilleCharts.smallMultiples(s, zone: 0, source: "essai").contains("<script"))
    }

    func testComparisonBarsAndTheDossierAverage() throws {
        let s = series()
        let g = VeilleAnalysis.grades(s, thresholds: .defaults)
        let svg = try ParsedSVG(VeilleCharts.comparison(s, indicator: .perHectare, grades: g, source: "essai"))
        let (origin, perUnit, _) = try scale(svg, axis: "x1")
        let bars = svg.all().filter { ParsedSVG.attr($0, "class") == "barre" }
        XCTAssertEqual(bars.count, 2)
        // Mean per month over 6 months: Les Pins 45 / 6 / 10 ha = 0.75; Le Liourat 97 / 6 / 40 ha.
        let expected = ["Les Pins": 45.0 / 6 / 10, "Le Liourat & Cie": 97.0 / 6 / 40]
        for b in bars {
            let v = Double(ParsedSVG.attr(b, "data-valeur")!)!
            XCTAssertEqual(v, expected[ParsedSVG.attr(b, "data-zone")!]!, accuracy: 1e-4)
            XCTAssertEqual(ParsedSVG.num(b, "x")!, origin, accuracy: 0.011)
            XCTAssertEqual(ParsedSVG.num(b, "width")!, v * perUnit, accuracy: 0.011)
            XCTAssertEqual(ParsedSVG.attr(b, "data-niveau"), g.situation(zone: ParsedSVG.attr(b, "data-zone")!, category: "toutes")!.grade.label)
        }
        // Highest first.
        XCTAssertEqual(bars.map { ParsedSVG.attr($0, "data-zone")! }, ["Les Pins", "Le Liourat & Cie"])
        let avg = try XCTUnwrap(svg.all().first { ParsedSVG.attr($0, "class") == "moyenne" })
        XCTAssertEqual(Double(ParsedSVG.attr(avg, "data-valeur")!)!, (45.0 + 97) / 6 / 50, accuracy: 1e-4)
        XCTAssertEqual(ParsedSVG.num(avg, "x1")!, origin + (45.0 + 97) / 6 / 50 * perUnit, accuracy: 0.011)
        // Per 100 dwellings: the zone without dwellings has no bar.
        let d = try ParsedSVG(VeilleCharts.comparison(s, indicator: .per100Dwellings, source: "essai"))
        let dbars = d.all().filter { ParsedSVG.attr($0, "class") == "barre" }
        XCTAssertEqual(dbars.map { ParsedSVG.attr($0, "data-zone")! }, ["Les Pins"])
        XCTAssertEqual(Double(ParsedSVG.attr(dbars[0], "data-valeur")!)!, 45.0 / 6 / 2, accuracy: 1e-4)
    }

    func testTwoPeriodsSlopeChart() throws {
        let s = series()
        let e = VeilleEvolution(period1: DayRange(from: Day(year: 2025, month: 1, day: 1), to: Day(year: 2025, month: 3, day: 31)),
                                period2: DayRange(from: Day(year: 2025, month: 4, day: 1), to: Day(year: 2025, month: 6, day: 30)),
                                counts1: [10, 4, 14, 55, 3, 58], counts2: [18, 13, 31, 36, 3, 39])
        let svg = try ParsedSVG(VeilleCharts.periods(s, e, source: "essai"))
        let (origin, perUnit, _) = try scale(svg, axis: "y1")
        let points = svg.all().filter { ParsedSVG.attr($0, "class") == "point" }
        XCTAssertEqual(points.count, 4)
        let want = ["Les Pins|periode_1": 14.0, "Les Pins|periode_2": 31, "Le Liourat & Cie|periode_1": 58, "Le Liourat & Cie|periode_2": 39]
        for p in points {
            let key = "\(ParsedSVG.attr(p, "data-zone")!)|\(ParsedSVG.attr(p, "data-periode")!)"
            let v = Double(ParsedSVG.attr(p, "data-valeur")!)!
            XCTAssertEqual(v, want[key], key)
            XCTAssertEqual(ParsedSVG.num(p, "cy")!, origin + v * perUnit, accuracy: 0.011)
        }
        let text = svg.all().filter { $0.name == "text" }.compactMap(\.stringValue).joined(separator: "\n")
        XCTAssertTrue(text.contains("Les Pins (+121 %)"), text)
        XCTAssertTrue(text.contains("du 2025-01-01 au 2025-03-31"))
    }
}
