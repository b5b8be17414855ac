import Foundation
import GUPModel

/// One indicator of a situation: its value and grade (nil grade: shown,
/// not graded — no value, or too few reports, see `minimumReports`).
public struct IndicatorGrade: Sendable, Equatable {
    public var indicator: VeilleIndicator
    public var value: Double?
    public var grade: Grade?
}

/// The grade of one quartier × theme (`categorie` « toutes » for the
/// quartier as a whole): the worst grade of its indicators at the end of
/// the span, and the grade of each period of the series.
public struct SituationGrade: Sendable, Equatable {
    public var zone: String
    public var category: String
    public var grade: Grade
    public var indicators: [IndicatorGrade]
    /// Grade of the rolling indicators (per ha, share, treatment) at each
    /// period of the calendar.
    public var perPeriod: [Grade]
}

/// A period whose grade differs from the previous period's.
public struct GradeChange: Sendable, Equatable {
    public var zone: String
    public var category: String
    public var period: String
    public var from: Grade
    public var to: Grade
}

public struct VeilleGrades: Sendable {
    /// Zone-major (series order), categories then « toutes ».
    public private(set) var situations: [SituationGrade]
    public var changes: [GradeChange]
    public var categories: [String]
    /// Where each zone's and category's situation is in `situations`. Why:
    /// the dossier's charts and tables looked a situation up by scanning
    /// all of them (625 zones × 8 columns), for each quartier (perf, under
    /// `DossierVeille.quartier`).
    private var position: [String: [String: Int]] = [:]

    public init(situations: [SituationGrade], changes: [GradeChange], categories: [String]) {
        self.situations = situations
        self.changes = changes
        self.categories = categories
        for (k, s) in situations.enumerated() where position[s.zone]?[s.category] == nil {
            position[s.zone, default: [:]][s.category] = k
        }
    }

    /// The first situation of `zone` for `category` (nil when none).
    public func situation(zone: String, category: String) -> SituationGrade? {
        position[zone]?[category].map { situations[$0] }
    }
}

/// The two periods' counts per zone × column (series order), for the
/// variation indicator and the slope chart.
public struct VeilleEvolution: Sendable {
    public var period1: DayRange
    public var period2: DayRange
    /// `[z * columns + c]`, « toutes » at c = categories.count.
    public var counts1: [Int]
    public var counts2: [Int]

    public func variationPct(_ i: Int) -> Double? {
        counts1[i] > 0 ? 100 * Double(counts2[i] - counts1[i]) / Double(counts1[i]) : nil
    }
}

extension VeilleAnalysis {
    /// Counts of the two periods per zone × category of `series`.
    public static func evolution(_ zi: ZoneIncidents, series: VeilleSeries, period1: DayRange, period2: DayRange) throws -> VeilleEvolution {
        let nc = zi.incidents.categories.count, cols = nc + 1
        let order = zi.zoneOrder
        func table(_ r: DayRange) throws -> [Int] {
            let c = try zi.counts(where: zi.inPeriod(r))
            var out = [Int](repeating: 0, count: order.count * cols)
            for (rank, z) in order.enumerated() {
                for ci in 0..<nc {
                    out[rank * cols + ci] = c[z * nc + ci]
                    out[rank * cols + nc] += c[z * nc + ci]
                }
            }
            return out
        }
        return VeilleEvolution(period1: period1, period2: period2, counts1: try table(period1), counts2: try table(period2))
    }

    /// Mean reports per hectare and per month over `window` periods ending
    /// at `p` (weeks scaled to months: × 30.4375 / 7).
    public static func perHectarePerMonth(_ s: VeilleSeries, zone z: Int, column c: Int, period p: Int, window: Int) -> Double? {
        let ha = s.hectares[z]
        guard ha > 0 else { return nil }
        let q0 = max(0, p - window + 1)
        var sum = 0
        for q in q0...p { sum += s.count(zone: z, category: c, period: q) }
        let mean = Double(sum) / Double(p - q0 + 1)
        return (s.calendar.step == .week ? mean * 30.4375 / 7 : mean) / ha
    }

    /// Grades every zone × theme of the series. `coverage`: cleaning
    /// coverage (%) per zone in series order, graded on « toutes » only.
    public static func grades(_ s: VeilleSeries, thresholds t: VeilleThresholds,
                              evolution: VeilleEvolution? = nil, coverage: [Double?]? = nil) -> VeilleGrades {
        let nc = s.categories.count, cols = nc + 1, np = s.calendar.count
        let w = max(1, t.window)
        var situations: [SituationGrade] = []
        var changes: [GradeChange] = []
        situations.reserveCapacity(s.zones.count * cols)
        func graded(_ i: VeilleIndicator, _ v: Double?, enough: Bool = true) -> IndicatorGrade {
            IndicatorGrade(indicator: i, value: v, grade: v.flatMap { enough ? t[i].grade($0) : nil })
        }
        for z in s.zones.indices {
            for c in 0..<cols {
                // Rolling indicators at period p.
                func rolling(_ p: Int) -> [IndicatorGrade] {
                    var out = [graded(.perHectarePerMonth, perHectarePerMonth(s, zone: z, column: c, period: p, window: w))]
                    let q0 = max(0, p - w + 1)
                    if c < nc {
                        var n = 0, all = 0
                        for q in q0...p { n += s.count(zone: z, category: c, period: q); all += s.count(zone: z, category: nc, period: q) }
                        out.append(graded(.categoryShare, all > 0 ? 100 * Double(n) / Double(all) : nil, enough: all >= t.minimumReports))
                    }
                    if let tr = s.treatment {
                        var d = 0, ok = 0
                        for q in q0...p { let i = s.index(zone: z, category: c, period: q); d += Int(tr.delays[i]); ok += Int(tr.within30[i]) }
                        out.append(graded(.treatedWithin30Days, d > 0 ? 100 * Double(ok) / Double(d) : nil, enough: d >= t.minimumReports))
                    }
                    return out
                }
                func worst(_ list: [IndicatorGrade]) -> Grade { list.compactMap(\.grade).max() ?? .normal }
                var perPeriod: [Grade] = []
                perPeriod.reserveCapacity(np)
                for p in 0..<np { perPeriod.append(worst(rolling(p))) }
                var indicators = np > 0 ? rolling(np - 1) : []
                if let e = evolution {
                    let i = z * cols + c
                    indicators.append(graded(.variation, e.variationPct(i), enough: e.counts1[i] >= t.minimumReports))
                }
                if c == nc, let cov = coverage?[z] {
                    indicators.append(graded(.cleaningCoverage, cov))
                }
                let category = c < nc ? s.categories[c] : ZoneIncidents.allCategories
                for p in 1..<max(1, np) where perPeriod[p] != perPeriod[p - 1] {
                    changes.append(GradeChange(zone: s.zones[z], category: category, period: s.calendar.labels[p],
                                               from: perPeriod[p - 1], to: perPeriod[p]))
                }
                situations.append(SituationGrade(zone: s.zones[z], category: category, grade: worst(indicators),
                                                 indicators: indicators, perPeriod: perPeriod))
            }
        }
        return VeilleGrades(situations: situations, changes: changes, categories: s.categories)
    }
}
