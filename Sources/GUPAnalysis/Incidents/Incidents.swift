import Foundation
import GUPModel
import GUPTopology

/// One row of `densites.csv`.
public struct DensityRow: Sendable, Equatable {
    public var zone: String
    /// A category, or `toutes`.
    public var category: String
    public var incidents: Int
    public var hectares: Double
    public var perHectare: Double
    /// Dwellings of the residences whose point on surface lies in the zone;
    /// nil when no residence layer was given.
    public var dwellings: Double?
    /// Nil when there are no dwellings.
    public var per100Dwellings: Double?
}

/// One row of `evolution.csv`.
public struct EvolutionRow: Sendable, Equatable {
    public var zone: String
    public var category: String
    public var period1: Int
    public var period2: Int
    /// 100 × (p2 − p1) / p1; nil when p1 = 0.
    public var variationPct: Double?
}

/// One row of `traitement.csv`.
public struct TreatmentRow: Sendable, Equatable {
    public var zone: String
    public var category: String
    public var resolved: Int
    public var unresolved: Int
    /// Median delay in days between report and resolution dates, over the
    /// resolved incidents whose both dates are readable and in order; nil when none.
    public var medianDelayDays: Double?
    /// Share (%) of those incidents resolved within 30 days (delay ≤ 30); nil when none.
    public var within30DaysPct: Double?
}

/// The incidents of each zone: which zones contain each incident (interior,
/// as geopandas `within`; an incident counts in every zone containing it).
public struct ZoneIncidents: Sendable {
    public var zones: ZoneSet
    public var incidents: IncidentSet
    public var assignment: PointAssignment

    public static let allCategories = "toutes"

    public init(zones: ZoneSet, incidents: IncidentSet) throws {
        self.zones = zones
        self.incidents = incidents
        assignment = try PointInPolygon.assign(points: incidents.points, to: zones.shapes)
    }

    /// Incidents not in any zone.
    public var outsideAllZones: Int {
        var n = 0
        for k in 0..<assignment.pointCount where assignment.offsets[k] == assignment.offsets[k + 1] { n += 1 }
        return n
    }

    /// Counts per (zone, category) of the incidents that pass `keep`
    /// (indexed `zone * categories + category`), counted on every core.
    public func counts(where keep: ((Int) -> Bool)? = nil) throws -> [Int] {
        let nc = incidents.categories.count
        let size = zones.count * nc
        let cat = incidents.category
        let a = assignment
        let partials = try parallelChunks(count: a.pointCount, minChunk: 16_384) { r -> [Int] in
            var c = [Int](repeating: 0, count: size)
            for k in r {
                let s = Int(a.offsets[k]), e = Int(a.offsets[k + 1])
                if s == e { continue }
                if let keep, !keep(k) { continue }
                let ci = Int(cat[k])
                for q in s..<e { c[Int(a.polygonIndices[q]) * nc + ci] += 1 }
            }
            return c
        }
        var total = [Int](repeating: 0, count: size)
        for p in partials { for k in 0..<size { total[k] += p[k] } }
        return total
    }

    /// A filter keeping the incidents whose readable report day lies in `range`.
    public func inPeriod(_ range: DayRange) -> (Int) -> Bool {
        let day = incidents.day
        return { k in
            let d = day[k]
            return d != IncidentSet.noDay && range.contains(Day(number: d))
        }
    }

    /// Zone indices sorted by name, then category labels sorted with `toutes` last.
    var zoneOrder: [Int] { zones.names.indices.sorted { zones.names[$0] < zones.names[$1] } }
}

/// Per-zone dwellings: the sum of the `logements` (or `nb_logements`) of the
/// residences whose point on surface (GEOS) lies inside the zone.
public struct ZoneDwellings: Sendable {
    public var perZone: [Double]
    /// Residences without a readable dwellings number (counted as 0).
    public var missing: Int
    public var field: String?

    public static func compute(zones: ZoneSet, residences: WorkingLayer, dwellingsField: String? = nil,
                               reporter: Reporter = SilentReporter()) throws -> ZoneDwellings {
        let names = dwellingsField.map { [$0] } ?? FieldNames.dwellings
        let field = try FieldResolver.resolve(.dwellings, explicit: dwellingsField, in: residences)
        let points = try parallelMap(count: residences.shapes.count, minChunk: 64) { k in
            try residences.shapes[k].pointOnSurface().pointPosition()
        }
        let a = try PointInPolygon.assign(points: points, to: zones.shapes)
        var per = [Double](repeating: 0, count: zones.count)
        var missing = 0
        var firstMissing: [String] = []
        for (k, f) in residences.features.enumerated() {
            // Each residence may use either name (`logements` or `nb_logements`).
            guard let v = f.properties.first(of: names)?.value.number, v.isFinite else {
                missing += 1
                if firstMissing.count < 5 { firstMissing.append(f.label) }
                continue
            }
            // A negative or astronomical count is a data error, not a number to sum.
            guard NumberDomain.dwellings.contains(v) else {
                throw GUPError.input(file: residences.source, feature: f.label,
                                     "nombre de logements \(NumberDomain.describe(v)) impossible (attendu entre 0 et 100 000)")
            }
            for z in a.polygons(containing: k) { per[Int(z)] += v }
        }
        if field == nil {
            reporter.warning("\(residences.source) : aucun champ de logements (\(names.joined(separator: ", "))) : logements comptés 0")
        } else if missing > 0 {
            reporter.warning("\(residences.source) : \(missing) résidence(s) sans nombre de logements lisible (champ \(names.map { "« \($0) »" }.joined(separator: " ou "))), comptée(s) 0 : \(firstMissing.joined(separator: ", "))")
        }
        return ZoneDwellings(perZone: per, missing: missing, field: field)
    }
}

/// Incident analyses per zone: densities, evolution between two periods,
/// treatment delays. Pure functions: values in, rows out, sorted by zone
/// name then category (alphabetical, `toutes` last).
public enum IncidentAnalysis {
    /// `densites.csv`: per zone and category (every category seen in the
    /// incidents, and `toutes`), the incidents (within `period` when given:
    /// incidents whose date is missing or unreadable are then left out),
    /// the zone's area in hectares, incidents per hectare, dwellings and
    /// incidents per 100 dwellings.
    public static func densities(_ zi: ZoneIncidents, dwellings: ZoneDwellings? = nil,
                                 period: DayRange? = nil) throws -> [DensityRow] {
        let counts = try zi.counts(where: period.map { zi.inPeriod($0) })
        let hectares = try parallelMap(count: zi.zones.count) { try zi.zones.shapes[$0].area() / 10_000 }
        let cats = zi.incidents.categories
        var rows: [DensityRow] = []
        rows.reserveCapacity(zi.zones.count * (cats.count + 1))
        for z in zi.zoneOrder {
            let ha = hectares[z]
            let lg = dwellings?.perZone[z]
            func row(_ c: String, _ n: Int) -> DensityRow {
                DensityRow(zone: zi.zones.names[z], category: c, incidents: n, hectares: ha,
                           perHectare: ha > 0 ? Double(n) / ha : 0, dwellings: lg,
                           per100Dwellings: (lg ?? 0) > 0 ? 100 * Double(n) / lg! : nil)
            }
            var total = 0
            for (ci, c) in cats.enumerated() {
                let n = counts[z * cats.count + ci]
                total += n
                rows.append(row(c, n))
            }
            rows.append(row(ZoneIncidents.allCategories, total))
        }
        return rows
    }

    /// `evolution.csv`: incidents of each zone and category in two periods
    /// (inclusive dates) and the variation in %, nil when period 1 has none.
    /// Incidents without a readable date belong to neither period.
    public static func evolution(_ zi: ZoneIncidents, period1: DayRange, period2: DayRange) throws -> [EvolutionRow] {
        let c1 = try zi.counts(where: zi.inPeriod(period1))
        let c2 = try zi.counts(where: zi.inPeriod(period2))
        let cats = zi.incidents.categories
        var rows: [EvolutionRow] = []
        for z in zi.zoneOrder {
            func row(_ c: String, _ a: Int, _ b: Int) -> EvolutionRow {
                EvolutionRow(zone: zi.zones.names[z], category: c, period1: a, period2: b,
                             variationPct: a > 0 ? 100 * Double(b - a) / Double(a) : nil)
            }
            var t1 = 0, t2 = 0
            for (ci, c) in cats.enumerated() {
                let a = c1[z * cats.count + ci], b = c2[z * cats.count + ci]
                t1 += a; t2 += b
                rows.append(row(c, a, b))
            }
            rows.append(row(ZoneIncidents.allCategories, t1, t2))
        }
        return rows
    }

    /// Incidents whose resolution date comes before their report date:
    /// count and first examples (they are left out of the delays).
    public struct TreatmentAnomalies: Sendable, Equatable {
        public var negativeDelays = 0
        public var examples: [Int] = []
    }

    /// `traitement.csv`: per zone and category, incidents resolved (the
    /// resolution field holds a value) and not resolved, the median delay
    /// in days and the share resolved within 30 days (the indicator of the
    /// conventions d'utilité sociale), over the incidents within `period`
    /// when given (by report date).
    public static func treatment(_ zi: ZoneIncidents, period: DayRange? = nil) throws -> (rows: [TreatmentRow], anomalies: TreatmentAnomalies) {
        let inc = zi.incidents
        let keep = period.map { zi.inPeriod($0) }
        let cats = inc.categories
        let nc = cats.count
        // Delays of each (zone, category), with the counts.
        var resolved = [Int](repeating: 0, count: zi.zones.count * nc)
        var unresolved = resolved
        var delays = [[Int32]](repeating: [], count: zi.zones.count * nc)
        var anomalies = TreatmentAnomalies()
        let a = zi.assignment
        for k in 0..<a.pointCount {
            let s = Int(a.offsets[k]), e = Int(a.offsets[k + 1])
            if s == e { continue }
            if let keep, !keep(k) { continue }
            var delay: Int32?
            if inc.closed[k], inc.day[k] != IncidentSet.noDay, inc.resolutionDay[k] != IncidentSet.noDay {
                let d = inc.resolutionDay[k] - inc.day[k]
                if d >= 0 { delay = d } else {
                    anomalies.negativeDelays += 1
                    if anomalies.examples.count < 5 { anomalies.examples.append(k) }
                }
            }
            let ci = Int(inc.category[k])
            for q in s..<e {
                let cell = Int(a.polygonIndices[q]) * nc + ci
                if inc.closed[k] { resolved[cell] += 1 } else { unresolved[cell] += 1 }
                if let delay { delays[cell].append(delay) }
            }
        }
        var rows: [TreatmentRow] = []
        for z in zi.zoneOrder {
            func row(_ c: String, _ r: Int, _ u: Int, _ ds: [Int32]) -> TreatmentRow {
                TreatmentRow(zone: zi.zones.names[z], category: c, resolved: r, unresolved: u,
                             medianDelayDays: median(ds),
                             within30DaysPct: ds.isEmpty ? nil : 100 * Double(ds.filter { $0 <= 30 }.count) / Double(ds.count))
            }
            var tr = 0, tu = 0, td: [Int32] = []
            for (ci, c) in cats.enumerated() {
                let cell = z * nc + ci
                tr += resolved[cell]; tu += unresolved[cell]; td += delays[cell]
                rows.append(row(c, resolved[cell], unresolved[cell], delays[cell]))
            }
            rows.append(row(ZoneIncidents.allCategories, tr, tu, td))
        }
        return (rows, anomalies)
    }

    /// Median of whole days (mean of the two middle values for an even count).
    static func median(_ values: [Int32]) -> Double? {
        if values.isEmpty { return nil }
        let s = values.sorted()
        let m = s.count / 2
        return s.count % 2 == 1 ? Double(s[m]) : (Double(s[m - 1]) + Double(s[m])) / 2
    }
}
