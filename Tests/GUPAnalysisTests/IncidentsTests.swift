import XCTest
import GUPModel
import GUPTopology
@testable import GUPAnalysis

final class IncidentsTests: XCTestCase {
    func path(_ rel: String) -> String {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/\(rel)").path
    }

    // MARK: dates

    func testISO8601DatesAndDateTimesKeepTheirDatePart() throws {
        // Day numbers from Python: (date(2025,1,1) - date(1970,1,1)).days == 20089.
        XCTAssertEqual(Day.parseISO8601("2025-01-01")?.number, 20089)
        XCTAssertEqual(Day.parseISO8601("1970-01-01")?.number, 0)
        XCTAssertEqual(Day.parseISO8601("1969-12-31")?.number, -1)
        XCTAssertEqual(Day.parseISO8601("2000-03-01")?.number, 11017)
        for s in ["2025-03-14T09:30", "2025-03-14T09:30:00", "2025-03-14T09:30:00Z", "2025-03-14t09:30:00z",
                  "2025-03-14T09:30:00.250Z", "2025-03-14 09:30:00+01:00", "2025-03-14T23:59:59-0500",
                  "2025-03-14T09:30:00+02", " 2025-03-14 ", "2025-03-14T24:00:00", "2025-03-14T09:30:00,5"] {
            XCTAssertEqual(Day.parseISO8601(s)?.description, "2025-03-14", s)
        }
        XCTAssertEqual(Day.parseISO8601("2024-02-29")?.description, "2024-02-29")
        XCTAssertEqual(Day.parseISO8601("2000-02-29")?.description, "2000-02-29")
        for bad in ["2025-02-29", "1900-02-29", "2025-04-31", "2025-13-01", "2025-00-10", "14/03/2025", "2025-3-14",
                    "2025/03/14", "20250314", "2025-03-14T25:00", "2025-03-14T24:30", "2025-03-14T09:60",
                    "2025-03-14T09", "2025-03-14X", "2025-03-14T09:30:00Zoulou", "2025-03-14T09:30+1", "", "hier"] {
            XCTAssertNil(Day.parseISO8601(bad), bad)
        }
        // Round trip over several centuries, against the calendar rules.
        var d = Day(year: 1899, month: 12, day: 31)!
        for _ in 0..<80_000 {
            let next = Day(number: d.number + 1)
            XCTAssertEqual(Day.parseISO8601(next.description), next)
            d = next
        }
        XCTAssertEqual(d.description, "2119-01-12")  // Python: date(1899,12,31) + timedelta(80000)
    }

    func testPeriodsParseAndRefuseReversedOrMalformed() throws {
        let p = try DayRange.parsePeriod("2025-01-01:2025-06-30", option: "--periode-1")
        XCTAssertTrue(p.contains(Day(year: 2025, month: 1, day: 1)!))
        XCTAssertTrue(p.contains(Day(year: 2025, month: 6, day: 30)!))
        XCTAssertFalse(p.contains(Day(year: 2025, month: 7, day: 1)!))
        XCTAssertThrowsError(try DayRange.parsePeriod("2025-06-30:2025-01-01", option: "--periode-1")) {
            XCTAssertTrue("\($0)".contains("--periode-1"))
        }
        XCTAssertThrowsError(try DayRange.parsePeriod("2025-01-01", option: "--periode-2"))
    }

    // MARK: hand-made layers (Fixtures/incidents-dates, see its README)

    struct Hand {
        var zi: ZoneIncidents
        var dwellings: ZoneDwellings
        var reporter: CollectingReporter
    }

    func hand() throws -> Hand {
        let rep = CollectingReporter()
        let z = try Loader.load(path: path("incidents-dates/zones.geojson"), working: .lambert93, expecting: .areal)
        let i = try Loader.load(path: path("incidents-dates/incidents.geojson"), working: .lambert93, expecting: .point)
        let r = try Loader.load(path: path("incidents-dates/residences.geojson"), working: .lambert93, expecting: .areal)
        let zones = try ZoneSet.make(from: z, reporter: rep)
        let set = try IncidentSet.make(from: i, reporter: rep)
        let zi = try ZoneIncidents(zones: zones, incidents: set)
        let dw = try ZoneDwellings.compute(zones: zones, residences: r, reporter: rep)
        return Hand(zi: zi, dwellings: dw, reporter: rep)
    }

    func testDateFieldsAreCountedAndUnreadableOnesReported() throws {
        let h = try hand()
        let s = h.zi.incidents
        XCTAssertEqual(s.categories, ["(sans catégorie)", "depot_sauvage", "encombrants", "epave", "tag"])
        XCTAssertEqual(s.missingCategory, 1)
        // date: readable #1,2,3,6,7,8,9,10,12; missing #5; unreadable #4 (« fin décembre 2025 ») and #11 (a number).
        XCTAssertEqual(s.dates.field, "date")
        XCTAssertEqual(s.dates.readable, 9)
        XCTAssertEqual(s.dates.missing, 1)
        XCTAssertEqual(s.dates.unreadable, 2)
        XCTAssertEqual(s.dates.examples, ["entité n° 4 : « fin décembre 2025 »", "entité n° 11 : « 20250101 »"])
        // #3 is 2025-06-30T23:59:59+02:00: its written date counts, not the UTC one.
        XCTAssertEqual(Day(number: s.day[2]).description, "2025-06-30")
        XCTAssertEqual(s.resolutionDates.field, "date_resolution")
        XCTAssertEqual(s.resolutionDates.readable, 6)
        XCTAssertEqual(s.resolutionDates.missing, 6)
        XCTAssertTrue(h.reporter.warnings.contains { $0.contains("2 date(s) illisible(s)") && $0.contains("fin décembre 2025") })
        XCTAssertTrue(h.reporter.warnings.contains { $0.contains("1 signalement(s) sans date") })
        XCTAssertTrue(h.reporter.warnings.contains { $0.contains("1 signalement(s) sans catégorie") })
        XCTAssertTrue(h.reporter.warnings.contains { $0.contains("Sans nombre") || $0.contains("entité n° 3") })
        // #9 is outside every zone, #10 lies on Nord's boundary (not inside, as `within`).
        XCTAssertEqual(h.zi.outsideAllZones, 2)
    }

    func testDatesAreSkippedOnlyWhenNothingUsesThem() throws {
        let city = try Loader.load(path: path("city-small/incidents.geojson"), working: .lambert93, expecting: .point)
        let rep = CollectingReporter()
        let bare = try IncidentSet.make(from: city, readDates: false, reporter: rep)
        XCTAssertNil(bare.dates.field)
        XCTAssertTrue(bare.day.allSatisfy { $0 == IncidentSet.noDay })
        XCTAssertTrue(rep.warnings.isEmpty, "\(rep.warnings)")
        XCTAssertEqual(bare.category, try IncidentSet.make(from: city).category)
        // With a resolution date the delays need both dates: they are read anyway.
        let hand = try Loader.load(path: path("incidents-dates/incidents.geojson"), working: .lambert93, expecting: .point)
        let withResolution = try IncidentSet.make(from: hand, readDates: false)
        XCTAssertEqual(withResolution.dates.field, "date")
        XCTAssertEqual(withResolution.dates.readable, 9)
    }

    func testDensitiesCountInEveryContainingZoneWithDwellingsByPointOnSurface() throws {
        let h = try hand()
        let rows = try IncidentAnalysis.densities(h.zi, dwellings: h.dwellings)
        func row(_ z: String, _ c: String) -> DensityRow { rows.first { $0.zone == z && $0.category == c }! }
        // Sorted by zone name, categories alphabetical, « toutes » last.
        XCTAssertEqual(rows.map(\.zone).first, "Centre")
        XCTAssertEqual(rows.count, 3 * 6)
        XCTAssertEqual(rows[5].category, "toutes")
        // Nord holds #1..#5 (tag 2, depot 3); Centre holds #2 (tag) and #3 (depot) too.
        XCTAssertEqual(row("Nord", "tag").incidents, 2)
        XCTAssertEqual(row("Nord", "depot_sauvage").incidents, 3)
        XCTAssertEqual(row("Nord", "toutes").incidents, 5)
        XCTAssertEqual(row("Centre", "toutes").incidents, 2)
        XCTAssertEqual(row("Sud", "toutes").incidents, 5)
        XCTAssertEqual(row("Sud", "(sans catégorie)").incidents, 1)
        XCTAssertEqual(row("Sud", "epave").incidents, 1)
        XCTAssertEqual(row("Centre", "toutes").hectares, 0.04, accuracy: 1e-9)
        XCTAssertEqual(row("Centre", "toutes").perHectare, 50, accuracy: 1e-6)
        // The U residence's centroid (50, 44) is in Centre, its point on surface (20, 60) only in Nord.
        XCTAssertEqual(h.dwellings.perZone, [120, 0, 45])
        XCTAssertEqual(h.dwellings.missing, 1)
        XCTAssertEqual(row("Nord", "toutes").per100Dwellings!, 500.0 / 120, accuracy: 1e-9)
        XCTAssertNil(row("Centre", "toutes").per100Dwellings)
        let csv = IncidentsCSV.densities(rows)
        XCTAssertTrue(csv.hasPrefix("zone,categorie,incidents,surface_ha,par_ha,logements,pour_100_logements\r\n"))
        XCTAssertTrue(csv.contains("\r\nCentre,toutes,2,0.04,50.00,0,\r\n"), csv)
        XCTAssertTrue(csv.contains("\r\nNord,toutes,5,1.00,5.00,120,4.17\r\n"), csv)
        // Without residences the dwellings column is empty.
        let bare = IncidentsCSV.densities(try IncidentAnalysis.densities(h.zi))
        XCTAssertTrue(bare.contains("\r\nSud,toutes,5,1.00,5.00,,\r\n"), bare)
    }

    func testPeriodFilterLeavesOutUnreadableAndMissingDates() throws {
        let h = try hand()
        let p = DayRange(from: Day(year: 2025, month: 1, day: 1), to: Day(year: 2025, month: 6, day: 30))
        let rows = try IncidentAnalysis.densities(h.zi, period: p)
        func n(_ z: String, _ c: String) -> Int { rows.first { $0.zone == z && $0.category == c }!.incidents }
        // In the period: #1, #2, #3 (Nord; #2, #3 also Centre), #12 (Sud). #4, #5, #11 have no readable date.
        XCTAssertEqual(n("Nord", "toutes"), 3)
        XCTAssertEqual(n("Nord", "depot_sauvage"), 1)
        XCTAssertEqual(n("Centre", "toutes"), 2)
        XCTAssertEqual(n("Sud", "toutes"), 1)
        XCTAssertEqual(n("Sud", "(sans catégorie)"), 1)
        // Open-ended: from 2026-01-01 on, only #6, #7, #8 (Sud).
        let later = try IncidentAnalysis.densities(h.zi, period: DayRange(from: Day(year: 2026, month: 1, day: 1), to: nil))
        XCTAssertEqual(later.filter { $0.category == "toutes" }.map(\.incidents), [0, 0, 3])
    }

    func testEvolutionBetweenTwoPeriods() throws {
        let h = try hand()
        let rows = try IncidentAnalysis.evolution(h.zi, period1: try DayRange.parsePeriod("2025-01-01:2025-12-31", option: "p1"),
                                                  period2: try DayRange.parsePeriod("2026-01-01:2026-12-31", option: "p2"))
        func r(_ z: String, _ c: String) -> EvolutionRow { rows.first { $0.zone == z && $0.category == c }! }
        // Nord: 2025 has #1, #2 (tag), #3 (depot); 2026 none (#4's date is unreadable).
        XCTAssertEqual(r("Nord", "toutes").period1, 3)
        XCTAssertEqual(r("Nord", "toutes").period2, 0)
        XCTAssertEqual(r("Nord", "toutes").variationPct!, -100, accuracy: 1e-9)
        // Sud: 2025 has #12; 2026 has #6 (tag), #7, #8 (encombrants).
        XCTAssertEqual(r("Sud", "toutes").variationPct!, 200, accuracy: 1e-9)
        XCTAssertNil(r("Sud", "encombrants").variationPct)
        XCTAssertEqual(r("Sud", "encombrants").period2, 2)
        let csv = IncidentsCSV.evolution(rows)
        XCTAssertTrue(csv.hasPrefix("zone,categorie,periode_1,periode_2,variation_pct\r\n"))
        XCTAssertTrue(csv.contains("\r\nSud,encombrants,0,2,\r\n"))
        XCTAssertTrue(csv.contains("\r\nSud,toutes,1,3,200.00\r\n"))
    }

    func testTreatmentDelaysMedianAndThirtyDayShare() throws {
        let h = try hand()
        let (rows, anomalies) = try IncidentAnalysis.treatment(h.zi)
        func r(_ z: String, _ c: String) -> TreatmentRow { rows.first { $0.zone == z && $0.category == c }! }
        // Nord: resolved #1 (5 days), #2 (45 days), #4 (unreadable report date: resolved, no delay); open #3, #5.
        XCTAssertEqual(r("Nord", "toutes").resolved, 3)
        XCTAssertEqual(r("Nord", "toutes").unresolved, 2)
        XCTAssertEqual(r("Nord", "toutes").medianDelayDays!, 25, accuracy: 1e-9)
        XCTAssertEqual(r("Nord", "toutes").within30DaysPct!, 50, accuracy: 1e-9)
        XCTAssertNil(r("Nord", "depot_sauvage").medianDelayDays)
        // Sud: #6 resolved before being reported (left out of delays), #7 exactly 30 days, #8 31 days.
        XCTAssertEqual(anomalies.negativeDelays, 1)
        XCTAssertEqual(anomalies.examples, [5])
        XCTAssertEqual(r("Sud", "encombrants").medianDelayDays!, 30.5, accuracy: 1e-9)
        XCTAssertEqual(r("Sud", "encombrants").within30DaysPct!, 50, accuracy: 1e-9)
        XCTAssertEqual(r("Sud", "tag").resolved, 1)
        XCTAssertNil(r("Sud", "tag").medianDelayDays)
        XCTAssertEqual(r("Sud", "toutes").resolved, 3)
        XCTAssertEqual(r("Sud", "toutes").unresolved, 2)
        XCTAssertEqual(r("Centre", "toutes").within30DaysPct!, 0, accuracy: 1e-9)
        let csv = IncidentsCSV.treatment(rows)
        XCTAssertTrue(csv.hasPrefix("zone,categorie,resolus,non_resolus,delai_median_jours,part_sous_30_jours_pct\r\n"))
        XCTAssertTrue(csv.contains("\r\nNord,toutes,3,2,25.00,50.00\r\n"), csv)
        XCTAssertTrue(csv.contains("\r\nSud,tag,1,0,,\r\n"), csv)
    }

    func testDuplicateAndMissingZoneNamesAreMadeUniqueAndReported() throws {
        let zones = try [GeometryHandle(wkt: "POLYGON((0 0,1 0,1 1,0 1,0 0))"), GeometryHandle(wkt: "POLYGON((2 0,3 0,3 1,2 1,2 0))"),
                         GeometryHandle(wkt: "POLYGON((4 0,5 0,5 1,4 1,4 0))")]
        let features = [Feature(index: 0, geometry: nil, properties: ["nom": .string("A")]),
                        Feature(index: 1, geometry: nil, properties: ["nom": .string("A")]),
                        Feature(index: 2, geometry: nil, properties: [:])]
        let layer = WorkingLayer(name: "z", source: "z.geojson", crs: .lambert93, features: features, shapes: zones,
                                 summary: LoadSummary(layer: "z", source: "z.geojson", sourceCRS: "EPSG:2154", read: 3, used: 3, repaired: 0, skipped: []))
        let rep = CollectingReporter()
        let z = try ZoneSet.make(from: layer, reporter: rep)
        XCTAssertEqual(z.names, ["A (entité n° 1)", "A (entité n° 2)", "entité n° 3"])
        XCTAssertEqual(rep.warnings.count, 3)
    }

    // MARK: synthetic city against the reference implementation

    func testSyntheticCityDensitiesMatchGeopandas() throws {
        let z = try Loader.load(path: path("city-small/perimetres.geojson"), working: .lambert93, expecting: .areal)
        let i = try Loader.load(path: path("city-small/incidents.geojson"), working: .lambert93, expecting: .point)
        let r = try Loader.load(path: path("incidents-city/residences.geojson"), working: .lambert93, expecting: .areal)
        let zones = try ZoneSet.make(from: z)
        XCTAssertEqual(zones.names.sorted(), ["La Petite Garrigue", "Le Liourat", "Les Hermes", "Les Pins"])
        let zi = try ZoneIncidents(zones: zones, incidents: try IncidentSet.make(from: i))
        let rows = try IncidentAnalysis.densities(zi, dwellings: try ZoneDwellings.compute(zones: zones, residences: r))
        let expected = try CSVTable.read(path: path("incidents-city/expected/densites.csv"))
        XCTAssertEqual(rows.count, expected.rows.count)
        let col = { (n: String) in expected.column(named: n)! }
        var total = 0
        for e in expected.rows {
            let got = try XCTUnwrap(rows.first { $0.zone == e[col("zone")] && $0.category == e[col("categorie")] }, "\(e)")
            XCTAssertEqual(got.incidents, Int(e[col("incidents")]), "\(e)")
            XCTAssertEqual(got.dwellings, Double(e[col("logements")]), "\(e)")
            XCTAssertEqual(got.hectares, Double(e[col("surface_ha")])!, accuracy: Double(e[col("surface_ha")])! * 0.005)
            XCTAssertEqual(got.perHectare, Double(e[col("par_ha")])!, accuracy: Double(e[col("par_ha")])! * 0.005)
            XCTAssertEqual(got.per100Dwellings!, Double(e[col("pour_100_logements")])!, accuracy: Double(e[col("pour_100_logements")])! * 0.005)
            total += got.incidents
        }
        XCTAssertGreaterThan(total, 2000)  // « toutes » rows double the 1522 inside a perimeter
    }
}

/// Dates as exports write them: ISO, and the French day-first forms.
final class DateReadingTests: XCTestCase {
    func testFrenchAndISODates() {
        for s in ["2025-03-14", "2025-03-14T09:30", "2025-03-14 09:30:00", "2025-03-14T09:30:00+01:00", "2025-03-14T08:30:00Z",
                  "14/03/2025", "14/03/2025 09:30", "14/03/2025 09:30:15", "14-03-2025", "14.03.2025",
                  "2025/03/14", "2025/03/14 09:30:00"] {
            XCTAssertEqual(Day.read(s).day?.description, "2025-03-14", s)
        }
        XCTAssertEqual(Day.read("1/3/2025"), .ambiguous(Day(year: 2025, month: 3, day: 1)!))
        XCTAssertEqual(Day.read("03/04/2025"), .ambiguous(Day(year: 2025, month: 4, day: 3)!))
        XCTAssertEqual(Day.read("13/04/2025"), .dayFirst(Day(year: 2025, month: 4, day: 13)!))
        XCTAssertEqual(Day.read("05/05/2025"), .dayFirst(Day(year: 2025, month: 5, day: 5)!), "same either way: not ambiguous")
        XCTAssertEqual(Day.read("04/13/2025"), .monthFirstOnly)
        for bad in ["31/02/2025", "14/03/25", "14/03/2025 25:00", "14/03/2025 9h30", "14/03-2025", "hier", "20250314", "2025/14/03", "202/03/14"] {
            XCTAssertNil(Day.read(bad).day, bad)
        }
    }

    /// A period asked for while no date of the layer reads is an error, not a table of zeros.
    func testPeriodWithoutReadableDateIsAnError() throws {
        func layer(_ dates: [String]) -> WorkingLayer {
            let fs = dates.enumerated().map { k, d in
                Feature(index: k, geometry: .point(Position(700_000 + Double(k), 6_600_000)), properties: ["date": .string(d), "categorie": .string("tag")])
            }
            return WorkingLayer(name: "incidents", source: "incidents.csv", crs: .lambert93, features: fs, shapes: [],
                                summary: LoadSummary(layer: "incidents", source: "incidents.csv", sourceCRS: "EPSG:2154", read: fs.count, used: fs.count, repaired: 0, skipped: []))
        }
        let bad = try IncidentSet.make(from: layer(["mars 2025", "avril 2025"]))
        XCTAssertThrowsError(try bad.requireDates(source: "incidents.csv", for: "--periode-1/--periode-2")) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("incidents.csv") && m.contains("aucune date lisible") && m.contains("mars 2025"), m)
        }
        let rep = CollectingReporter()
        let us = try IncidentSet.make(from: layer(["04/13/2025", "03/04/2025", "14/03/2025"]), reporter: rep)
        XCTAssertNoThrow(try us.requireDates(source: "incidents.csv", for: "--du/--au"))
        XCTAssertEqual(us.dates.readable, 2)
        XCTAssertEqual(us.dates.ambiguous, 1)
        XCTAssertTrue(rep.warnings.contains { $0.contains("ambigu") && $0.contains("03/04/2025") }, "\(rep.warnings)")
    }

    /// The French Excel CSV of the issue: JJ/MM/AAAA dates read, a period counts them.
    func testExcelCSVDatesReadThroughTheLoader() throws {
        let path = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/incidents-excel/incidents-excel.csv").path
        let w = try Loader.load(path: path, working: .lambert93, expecting: .point)
        let set = try IncidentSet.make(from: w, categoryField: "catégorie")
        XCTAssertEqual(set.dates.readable, 40)
        XCTAssertEqual(set.dates.unreadable, 0)
        XCTAssertEqual(set.day.map { Day(number: $0).description }.min(), "2020-10-31")
        XCTAssertNoThrow(try set.requireDates(source: w.source, for: "--du/--au"))
    }
}
