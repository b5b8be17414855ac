import XCTest
import GUPModel
import GUPTopology
import GUPProjection
@testable import GUPAnalysis

final class VeilleTests: XCTestCase {
    func path(_ rel: String) -> String {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/\(rel)").path
    }

    /// A set of hand-placed reports: (x, y, category index, "AAAA-MM-JJTHH:MM").
    func set(_ reports: [(Double, Double, Int32, String?)], categories: [String] = ["a", "b"]) -> IncidentSet {
        let parsed = reports.map { $0.3.flatMap(Day.parseISO8601WithTime) }
        return IncidentSet(points: reports.map { Position($0.0, $0.1) }, categories: categories,
                           category: reports.map(\.2), day: parsed.map { $0?.day.number ?? IncidentSet.noDay },
                           minute: parsed.map { $0?.minute ?? -1 },
                           resolutionDay: reports.map { _ in IncidentSet.noDay }, closed: reports.map { _ in false })
    }

    // MARK: duplicate merge

    func testMergeComparesWithTheKeptReportNotTheLastMergedOne() throws {
        // A–B 10 m, B–C 10 m, A–C 20 m, with a 15 m rule: B merges into A,
        // C (20 m from A, the kept one) is kept although 10 m from B.
        let s = set([(0, 0, 0, "2025-03-01T10:00"), (10, 0, 0, "2025-03-01T11:00"), (20, 0, 0, "2025-03-01T12:00")])
        let r = try DuplicateMerge.find(s, rule: DuplicateRule(metres: 15, hours: 48))
        XCTAssertEqual(r.mergedInto, [-1, 0, -1])
        XCTAssertEqual(r.rows[0].merged, 1)
        XCTAssertEqual(r.rows[0].kept, 2)
        let (merged, _) = try DuplicateMerge.apply(s, rule: DuplicateRule(metres: 15, hours: 48))
        XCTAssertEqual(merged.points.map(\.x), [0, 20])
        // A 25 m rule takes C too (20 m from A).
        XCTAssertEqual(try DuplicateMerge.find(s, rule: DuplicateRule(metres: 25, hours: 48)).mergedInto, [-1, 0, 0])
    }

    func testMergeLimitsAtDistanceTimeCategoryAndOrder() throws {
        let rule = try DuplicateRule(metres: 15, hours: 24)
        let s = set([
            (0, 0, 0, "2025-03-01T10:00"),     // 0 kept
            (9, 12, 0, "2025-03-02T10:00"),    // 1: exactly 15 m and 24 h after 0: merged (≤)
            (0, 15.01, 0, "2025-03-01T11:00"), // 2: 15.01 m: kept
            (1, 0, 0, "2025-03-02T10:01"),     // 3: 24 h 01 after 0, 1 m: 0 out of window; 2 is 15.03 m: kept
            (1, 0, 1, "2025-03-01T10:30"),     // 4: other category: kept
            (2, 0, 0, nil),                    // 5: no date: kept, never merged
            (2, 0, 0, "2025-02-28T10:00"),     // 6: earlier than 0: kept; 0 is then compared with it (24 h): merged!
        ])
        let r = try DuplicateMerge.find(s, rule: rule)
        // Time order: 6 (02-28 10:00), 0 (03-01 10:00, exactly 24 h after 6, 2 m) → merged into 6; 2 kept; 1 (03-02 10:00):
        // 6 is 48 h before (out), 2 at 15.01 h… 2 is (0,15.01) vs (9,12): 9.49 m, 23 h → merged into 2; 3: 6 out of window, 2 at 15.03 m → kept.
        XCTAssertEqual(r.mergedInto, [6, 2, -1, -1, -1, -1, -1])
        XCTAssertEqual(r.undated, 1)
        XCTAssertEqual(r.rows.map(\.merged), [2, 0])
        // Date without time: 00:00 of that day, so two date-only reports of one day are 0 h apart.
        let d = set([(0, 0, 0, "2025-03-01"), (3, 0, 0, "2025-03-01"), (3, 0, 0, "2025-03-02")])
        XCTAssertEqual(try DuplicateMerge.find(d, rule: DuplicateRule(metres: 5, hours: 0)).mergedInto, [-1, 0, -1])
        XCTAssertEqual(try DuplicateMerge.find(d, rule: DuplicateRule(metres: 5, hours: 24)).mergedInto, [-1, 0, 0])
    }

    func testMergeOnTheDansMaRueSampleAgainstBruteForce() throws {
        let l = try Loader.load(path: path("dansmarue/signalements.geojson"), working: .lambert93, expecting: .point)
        let s = try IncidentSet.make(from: l)
        XCTAssertEqual(s.count, 1999)
        XCTAssertEqual(s.dates.readable, 1999)
        let rule = try DuplicateRule(metres: 20, hours: 24)
        let r = try DuplicateMerge.find(s, rule: rule)
        XCTAssertGreaterThan(r.merged, 0, "the real sample has repeated reports")
        // Brute force, in the same order, with the definition of the issue.
        let order = (0..<s.count).sorted {
            (s.day[$0], s.minute[$0], $0) < (s.day[$1], s.minute[$1], $1)
        }
        var kept: [Int] = []
        var expected = [Bool](repeating: true, count: s.count)
        for k in order {
            let t = Int(s.day[k]) * 1440 + Int(max(0, s.minute[k]))
            let hit = kept.contains { q in
                let tq = Int(s.day[q]) * 1440 + Int(max(0, s.minute[q]))
                let dx = s.points[q].x - s.points[k].x, dy = s.points[q].y - s.points[k].y
                return s.category[q] == s.category[k] && t - tq <= 24 * 60 && (dx * dx + dy * dy).squareRoot() <= 20
            }
            if hit { expected[k] = false } else { kept.append(k) }
        }
        XCTAssertEqual(r.mergedInto.map { $0 < 0 }, expected)
        // Every merged report points at a kept one of its category, close enough.
        for (k, into) in r.mergedInto.enumerated() where into >= 0 {
            XCTAssertLessThan(r.mergedInto[Int(into)], 0)
            XCTAssertEqual(s.category[k], s.category[Int(into)])
        }
        XCTAssertEqual(VeilleCSV.duplicates(r).split(separator: "\r\n").last, "toutes,1999,\(r.merged),\(1999 - r.merged)")
    }

    func testRuleParsingErrorsAreFrench() {
        XCTAssertEqual(try DuplicateRule.parse("15:48", option: "--fusion-doublons"), try DuplicateRule(metres: 15, hours: 48))
        XCTAssertEqual(try DuplicateRule.parse("7,5:2.5", option: "x").metres, 7.5)
        for bad in ["15", "15:", "a:b", "0:48", "-3:2", "15:-1", "15:48:2"] {
            XCTAssertThrowsError(try DuplicateRule.parse(bad, option: "--fusion-doublons"), bad) { e in
                XCTAssertTrue((e as? GUPError)?.message.hasPrefix("--fusion-doublons : ") == true, "\(e)")
            }
        }
    }

    // MARK: calendar

    func testISOWeeksAndMonths() {
        func week(_ s: String) -> String { VeilleCalendar.label(of: Day.parseISO8601(s)!, step: .week) }
        XCTAssertEqual(week("2021-01-03"), "2020-W53")   // Sunday of 2020's week 53
        XCTAssertEqual(week("2021-01-04"), "2021-W01")
        XCTAssertEqual(week("2024-12-30"), "2025-W01")   // Monday: 2025's first Thursday is Jan 2
        XCTAssertEqual(week("2025-03-14"), "2025-W11")
        XCTAssertEqual(VeilleCalendar.label(of: Day.parseISO8601("2025-03-14")!, step: .month), "2025-03")
        let c = VeilleCalendar(step: .month, first: Day.parseISO8601("2024-11-15")!, last: Day.parseISO8601("2025-02-01")!)
        XCTAssertEqual(c.labels, ["2024-11", "2024-12", "2025-01", "2025-02"])
        XCTAssertEqual(c.days, [16, 31, 31, 1])
        let w = VeilleCalendar(step: .week, first: Day.parseISO8601("2020-12-28")!, last: Day.parseISO8601("2021-01-10")!)
        XCTAssertEqual(w.labels, ["2020-W53", "2021-W01"])
    }

    // MARK: series

    func testMonthlySeriesMatchAnIndependentCountOnTheDansMaRueSample() throws {
        let zl = try Loader.load(path: path("dansmarue/carres.geojson"), working: .lambert93, expecting: .areal)
        let il = try Loader.load(path: path("dansmarue/signalements.geojson"), working: .lambert93, expecting: .point)
        let zones = try ZoneSet.make(from: zl)
        let zi = try ZoneIncidents(zones: zones, incidents: try IncidentSet.make(from: il))
        let s = try XCTUnwrap(VeilleAnalysis.series(zi, options: VeilleOptions()))
        // Independent count: GEOS contains one point at a time, month = the first 7 characters of the date text.
        var expected: [String: Int] = [:]
        var months = Set<String>()
        for (k, f) in il.features.enumerated() {
            let month = String(f.properties["date"]!.text!.prefix(7))
            let cat = f.properties["categorie"]!.text!
            let p = try GeometryHandle(x: il.points[k].x, y: il.points[k].y)
            for z in 0..<zones.count where try zones.shapes[z].contains(p) {
                expected["\(zones.names[z])|\(cat)|\(month)", default: 0] += 1
                expected["\(zones.names[z])|toutes|\(month)", default: 0] += 1
                months.insert(month)
            }
        }
        XCTAssertEqual(s.calendar.labels, months.sorted())
        XCTAssertEqual(s.calendar.labels, ["2020-10", "2020-11", "2020-12", "2021-01", "2021-02"])
        let csv = try CSVTable.parse(VeilleCSV.series(s), source: "series.csv")
        XCTAssertEqual(csv.header, ["zone", "categorie", "periode", "incidents", "par_ha", "pour_100_logements"])
        // Every zone × (categories + toutes) × month, zeros included.
        XCTAssertEqual(csv.rows.count, 16 * 11 * 5)
        var seen = 0, total = 0
        for r in csv.rows {
            let n = Int(r[3])!
            XCTAssertEqual(n, expected["\(r[0])|\(r[1])|\(r[2])"] ?? 0, "\(r[0]) \(r[1]) \(r[2])")
            if n > 0 { seen += 1 }
            if r[1] == "toutes" { total += n }
            // par_ha: the count over the square's area (2.5 km × 2.5 km = 625 ha in Lambert-93).
            XCTAssertEqual(Double(r[4])!, Double(n) / 625, accuracy: 0.006)
            XCTAssertEqual(r[5], "")
        }
        XCTAssertEqual(seen, expected.count)
        XCTAssertEqual(total, 1999 - zi.outsideAllZones)
        // The last category row of a zone is « toutes ».
        XCTAssertEqual(csv.rows[10 * 5][1], "toutes")
        // Same zones and categories as densites.csv.
        let d = try IncidentAnalysis.densities(zi)
        XCTAssertEqual(Set(d.map(\.zone)), Set(s.zones))
        XCTAssertEqual(Set(d.map(\.category)), Set(s.categories + ["toutes"]))
        for row in d {
            let c = row.category == "toutes" ? s.categories.count : s.categories.firstIndex(of: row.category)!
            let z = s.zones.firstIndex(of: row.zone)!
            XCTAssertEqual((0..<5).reduce(0) { $0 + s.count(zone: z, category: c, period: $1) }, row.incidents)
        }
    }

    func testSpanFromOptionsClipsAndCountsOutside() throws {
        let zl = try Loader.load(path: path("dansmarue/carres.geojson"), working: .lambert93, expecting: .areal)
        let il = try Loader.load(path: path("dansmarue/signalements.geojson"), working: .lambert93, expecting: .point)
        let zi = try ZoneIncidents(zones: try ZoneSet.make(from: zl), incidents: try IncidentSet.make(from: il))
        let range = DayRange(from: Day.parseISO8601("2020-12-01"), to: Day.parseISO8601("2021-03-31"))
        let s = try XCTUnwrap(VeilleAnalysis.series(zi, options: VeilleOptions(range: range)))
        XCTAssertEqual(s.calendar.labels, ["2020-12", "2021-01", "2021-02", "2021-03"])
        let counted = (0..<s.zones.count).reduce(0) { acc, z in acc + (0..<4).reduce(0) { $0 + s.count(zone: z, category: s.categories.count, period: $1) } }
        XCTAssertEqual(counted + s.outsideSpan, 1999 - zi.outsideAllZones)
        XCTAssertEqual(s.count(zone: 0, category: s.categories.count, period: 3), 0)
    }

    // MARK: grades

    func testThresholdsAtAndAroundEachValue() {
        let up = GradeThresholds(vigilance: 1, alert: 2, rising: true)
        XCTAssertEqual([0.99, 1, 1.01, 1.99, 2, 2.01].map(up.grade), [.normal, .vigilance, .vigilance, .vigilance, .alert, .alert])
        let down = GradeThresholds(vigilance: 80, alert: 60, rising: false)
        XCTAssertEqual([80.01, 80, 79.99, 60.01, 60, 59.99].map(down.grade), [.normal, .vigilance, .vigilance, .vigilance, .alert, .alert])
        for i in VeilleIndicator.allCases {
            let t = VeilleThresholds.defaults[i]
            XCTAssertEqual(t.grade(t.vigilance), .vigilance, i.rawValue)
            XCTAssertEqual(t.grade(t.alert), .alert, i.rawValue)
            let eps = t.rising ? -0.001 : 0.001
            XCTAssertEqual(t.grade(t.vigilance + eps), .normal, i.rawValue)
            XCTAssertEqual(t.grade(t.alert + eps), .vigilance, i.rawValue)
        }
    }

    func testThresholdOverridesAreChecked() throws {
        var t = VeilleThresholds.defaults
        try t.apply("signalements_par_ha_mois=1.5:3", option: "--seuil")
        XCTAssertEqual(t[.perHectarePerMonth], GradeThresholds(vigilance: 1.5, alert: 3, rising: true))
        try t.apply("part_traitee_30_jours_pct=90:70", option: "--seuil")
        XCTAssertEqual(t[.treatedWithin30Days].rising, false)
        try t.apply("fenetre_mois=1", option: "--seuil")
        XCTAssertEqual(t.window, 1)
        for bad in ["signalements_par_ha_mois=3:1.5", "part_traitee_30_jours_pct=70:90", "inconnu=1:2", "fenetre_mois=0",
                    "signalements_par_ha_mois", "signalements_par_ha_mois=1"] {
            XCTAssertThrowsError(try t.apply(bad, option: "--seuil"), bad)
        }
    }

    /// One zone of 10 ha, categories a and b, hand-made monthly counts.
    func handMade(_ a: [Int32], _ b: [Int32], hectares: Double = 10) -> VeilleSeries {
        let cal = VeilleCalendar(step: .month, first: Day(year: 2025, month: 1, day: 1)!, last: Day(year: 2025, month: a.count, day: 28)!)
        let toutes = zip(a, b).map { $0 + $1 }
        return VeilleSeries(zones: ["Z"], categories: ["a", "b"], calendar: cal, counts: a + b + toutes,
                            hectares: [hectares], dwellings: nil, treatment: nil, undated: 0, outsideSpan: 0)
    }

    func testGradesOnHandMadeSeriesAtEachThreshold() throws {
        var t = VeilleThresholds.defaults
        t.window = 1
        // a per ha per month: 0.9, 1.0, 1.9, 2.0 → normal, vigilance (at), vigilance, alerte (at).
        // b is 0 then: share of a 100 % → alerte once ≥ 10 reports (effectif_minimum), not graded at 9.
        let s = handMade([9, 10, 19, 20], [0, 0, 0, 0])
        let g = VeilleAnalysis.grades(s, thresholds: t)
        let a = try XCTUnwrap(g.situation(zone: "Z", category: "a"))
        XCTAssertEqual(a.perPeriod, [.normal, .alert, .alert, .alert])   // share of 100 % from 10 reports
        XCTAssertEqual(a.indicators[0].value!, 2.0, accuracy: 1e-12)
        XCTAssertEqual(a.indicators[0].grade, .alert)
        t.thresholds[.categoryShare] = GradeThresholds(vigilance: 101, alert: 102, rising: true)
        let g2 = VeilleAnalysis.grades(s, thresholds: t)
        XCTAssertEqual(g2.situation(zone: "Z", category: "a")!.perPeriod, [.normal, .vigilance, .vigilance, .alert])
        XCTAssertEqual(g2.changes.filter { $0.category == "a" }.map(\.period), ["2025-02", "2025-04"])
        XCTAssertEqual(g2.changes.first { $0.category == "a" }.map { [$0.from, $0.to] }, [.normal, .vigilance])
        // « toutes » = a here, graded on the reports per ha alone.
        XCTAssertEqual(g2.situation(zone: "Z", category: "toutes")!.perPeriod, [.normal, .vigilance, .vigilance, .alert])
        // Share (1000 ha: the reports per ha stay normal): a = 6, b = 4 (60 % → alerte at the threshold),
        // a = 4 of 10 (40 % → vigilance), 39 of 100 → normal; 3 of 9 → not graded.
        t = VeilleThresholds.defaults
        t.window = 1
        let share = VeilleAnalysis.grades(handMade([6, 4, 39, 3], [4, 6, 61, 6], hectares: 1000), thresholds: t)
        let sa = share.situation(zone: "Z", category: "a")!
        XCTAssertEqual(sa.perPeriod, [.alert, .vigilance, .normal, .normal])
        XCTAssertEqual(sa.indicators[1].indicator, .categoryShare)
        XCTAssertEqual(sa.indicators[1].value!, 100.0 / 3, accuracy: 1e-9)
        XCTAssertNil(sa.indicators[1].grade, "9 reports < effectif_minimum")
        XCTAssertEqual(share.situation(zone: "Z", category: "b")!.perPeriod, [.vigilance, .alert, .alert, .normal])
        XCTAssertEqual(share.situation(zone: "Z", category: "toutes")!.perPeriod, [.normal, .normal, .normal, .normal])
    }

    func testWindowVariationAndCoverage() throws {
        // Window of 3 months: mean of 0, 30, 30 = 20/10 ha = 2 → alerte at the last month; 1 alone would say 3.
        let s = handMade([0, 30, 30], [0, 0, 0])
        var t = VeilleThresholds.defaults
        t.thresholds[.categoryShare] = GradeThresholds(vigilance: 101, alert: 102, rising: true)
        let g = VeilleAnalysis.grades(s, thresholds: t)
        XCTAssertEqual(g.situation(zone: "Z", category: "a")!.indicators[0].value!, 2, accuracy: 1e-12)
        XCTAssertEqual(g.situation(zone: "Z", category: "a")!.perPeriod, [.normal, .vigilance, .alert])  // 0, 1.5, 2
        // Variation: 10 → 11 (+10 %: vigilance at the threshold), 9 → 100 not graded (< 10 in period 1).
        let e = VeilleEvolution(period1: DayRange(from: nil, to: nil), period2: DayRange(from: nil, to: nil),
                                counts1: [10, 9, 19], counts2: [11, 100, 111])
        let g2 = VeilleAnalysis.grades(handMade([0, 0, 0], [0, 0, 0]), thresholds: .defaults, evolution: e, coverage: [85])
        let va = g2.situation(zone: "Z", category: "a")!.indicators.first { $0.indicator == .variation }!
        XCTAssertEqual(va.value!, 10, accuracy: 1e-12)
        XCTAssertEqual(va.grade, .vigilance)
        XCTAssertNil(g2.situation(zone: "Z", category: "b")!.indicators.first { $0.indicator == .variation }!.grade)
        let all = g2.situation(zone: "Z", category: "toutes")!
        XCTAssertEqual(all.indicators.first { $0.indicator == .cleaningCoverage }!.grade, .alert)   // 85 % at the alert threshold
        XCTAssertEqual(all.grade, .alert)
        XCTAssertNil(g2.situation(zone: "Z", category: "a")!.indicators.first { $0.indicator == .cleaningCoverage })
    }
}

extension VeilleTests {
    /// The demo's deliberate repeats (ids 5001–5012, scripts/demo-repeats.py):
    /// each of the ten single repeats and the chain's B merge into their
    /// source; the chain's C (20 m from A, 10 m from B) is kept.
    func testDemoRepeatsAreMergedAndTheChainEndKept() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let l = try Loader.load(path: root.appendingPathComponent("Data/demo/incidents.geojson").path, working: .lambert93, expecting: .point)
        let s = try IncidentSet.make(from: l)
        let id = l.features.map { Int($0.properties["id"]!.number!) }
        let r = try DuplicateMerge.find(s, rule: DuplicateRule(metres: 15, hours: 48))
        let index = Dictionary(uniqueKeysWithValues: id.enumerated().map { ($1, $0) })
        for k in 5001...5010 {
            let into = r.mergedInto[index[k]!]
            XCTAssertGreaterThanOrEqual(into, 0, "\(k)")
            XCTAssertLessThanOrEqual(id[Int(max(0, into))], 5000)
        }
        XCTAssertEqual(r.mergedInto[index[5011]!], Int32(index[100]!))
        XCTAssertEqual(r.mergedInto[index[5012]!], -1)
    }
}

extension VeilleTests {
    /// Treatment per month on hand-made reports in one 100 m square zone.
    func testMonthlyTreatmentAndItsGrade() throws {
        let square = try GeometryHandle(rectangle: BoundingBox(minX: 0, minY: 0, maxX: 100, maxY: 100))
        let zones = ZoneSet(names: ["Q"], shapes: [square])
        func d(_ s: String) -> Int32 { Day.parseISO8601(s)!.number }
        // (report day, resolution day or nil); all category 0, inside the square.
        let rows: [(String, String?)] = [
            ("2025-01-05", "2025-01-10"),   // 5 days
            ("2025-01-20", "2025-03-01"),   // 40 days
            ("2025-01-25", nil),            // open
            ("2025-02-01", "2025-02-01"),   // 0 days
            ("2025-02-10", "2025-02-03"),   // before its report: resolved, no delay
            ("2025-03-15", "2025-04-14"),   // 30 days: within 30
        ]
        let set = IncidentSet(points: rows.indices.map { Position(10 + Double($0), 50) }, categories: ["a"],
                              category: rows.map { _ in 0 }, day: rows.map { d($0.0) },
                              resolutionDay: rows.map { $0.1.map(d) ?? IncidentSet.noDay }, closed: rows.map { $0.1 != nil },
                              resolutionDates: DateFieldReport(field: "date_resolution"))
        let zi = try ZoneIncidents(zones: zones, incidents: set)
        let s = try XCTUnwrap(VeilleAnalysis.series(zi, options: VeilleOptions()))
        let t = try XCTUnwrap(s.treatment)
        XCTAssertEqual(s.calendar.labels, ["2025-01", "2025-02", "2025-03"])
        func at(_ p: Int) -> Int { s.index(zone: 0, category: 0, period: p) }
        XCTAssertEqual((0..<3).map { t.resolved[at($0)] }, [2, 2, 1])
        XCTAssertEqual((0..<3).map { t.unresolved[at($0)] }, [1, 0, 0])
        XCTAssertEqual((0..<3).map { t.medianDelay[at($0)] }, [22.5, 0, 30])
        XCTAssertEqual((0..<3).map { t.within30Pct(at($0)) }, [50, 100, 100])
        // « toutes » equals the single category here.
        XCTAssertEqual(t.resolved[s.index(zone: 0, category: 1, period: 0)], 2)
        let csv = VeilleCSV.treatment(s, t).split(separator: "\r\n")
        XCTAssertEqual(csv[0], "zone,categorie,periode,resolus,non_resolus,delai_median_jours,part_sous_30_jours_pct")
        XCTAssertEqual(csv[1], "Q,a,2025-01,2,1,22.50,50.00")
        // Graded with a window of 3 and no minimum: 4 delays, 3 within 30 days = 75 % → vigilance (≤ 80, > 60).
        var th = VeilleThresholds.defaults
        th.minimumReports = 0
        th.thresholds[.categoryShare] = GradeThresholds(vigilance: 101, alert: 102, rising: true)
        th.thresholds[.perHectarePerMonth] = GradeThresholds(vigilance: 100, alert: 200, rising: true)
        let g = VeilleAnalysis.grades(s, thresholds: th).situation(zone: "Q", category: "a")!
        let ind = g.indicators.first { $0.indicator == .treatedWithin30Days }!
        XCTAssertEqual(ind.value!, 75, accuracy: 1e-9)
        XCTAssertEqual(ind.grade, .vigilance)
        XCTAssertEqual(g.perPeriod, [.alert, .vigilance, .vigilance])   // 50 %, 2/3 = 66.7 %, 75 %
    }
}
