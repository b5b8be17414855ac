import Foundation
import GUPModel

/// The periods of a series: every month (or ISO week) from the first to
/// the last day of the span, with a table from day to period.
public struct VeilleCalendar: Sendable, Equatable {
    public var step: VeilleStep
    /// `AAAA-MM` or `AAAA-Www`, in order.
    public var labels: [String]
    /// First and last day counted (the span, clipped to `--du/--au`).
    public var first: Day
    public var last: Day
    /// Period index of each day of `first…last`.
    let periodOfDay: [Int32]
    /// Days of each period within the span (a first or last month may be partial).
    public var days: [Int]

    public var count: Int { labels.count }

    public init(step: VeilleStep, first: Day, last: Day) {
        precondition(first <= last)
        self.step = step
        self.first = first
        self.last = last
        var labels: [String] = []
        var table: [Int32] = []
        var days: [Int] = []
        table.reserveCapacity(Int(last.number - first.number) + 1)
        var current = ""
        for d in first.number...last.number {
            let label = Self.label(of: Day(number: d), step: step)
            if label != current {
                labels.append(label)
                days.append(0)
                current = label
            }
            table.append(Int32(labels.count - 1))
            days[days.count - 1] += 1
        }
        self.labels = labels
        periodOfDay = table
        self.days = days
    }

    /// The period index of a day, nil outside the span.
    @inline(__always) public func period(of day: Int32) -> Int? {
        guard day >= first.number, day <= last.number else { return nil }
        return Int(periodOfDay[Int(day - first.number)])
    }

    /// `2025-03` for a month; the ISO 8601 week `2025-W09` (weeks start on
    /// Monday; week 1 holds the year's first Thursday).
    public static func label(of day: Day, step: VeilleStep) -> String {
        switch step {
        case .month:
            let (y, m, _) = Day.civil(fromDays: Int(day.number))
            return String(format: "%04d-%02d", y, m)
        case .week:
            let d = Int(day.number)
            // 1970-01-01 was a Thursday: weekday 0 = Monday.
            let weekday = ((d + 3) % 7 + 7) % 7
            let thursday = d - weekday + 3
            let (y, _, _) = Day.civil(fromDays: thursday)
            let jan1 = Day.daysFromCivil(y, 1, 1)
            return String(format: "%04d-W%02d", y, (thursday - jan1) / 7 + 1)
        }
    }
}

/// Monthly (or weekly) counts per zone × category, the zones and
/// categories of `densites` (the same `ZoneIncidents`), with « toutes ».
public struct VeilleSeries: Sendable {
    /// Zone names sorted (the order of every output).
    public var zones: [String]
    /// Categories sorted; index `categories.count` is « toutes ».
    public var categories: [String]
    public var calendar: VeilleCalendar
    /// `counts[(z * (categories.count + 1) + c) * calendar.count + p]`.
    public var counts: [Int32]
    public var hectares: [Double]
    /// Dwellings per zone (nil without residences).
    public var dwellings: [Double]?
    /// Per month treatment (when the incidents carry a resolution date).
    public var treatment: VeilleTreatment?
    /// Incidents in a zone but not counted: no readable date.
    public var undated: Int
    /// Incidents in a zone, dated outside the span.
    public var outsideSpan: Int

    public var columns: Int { categories.count + 1 }
    @inline(__always) public func index(zone z: Int, category c: Int, period p: Int) -> Int {
        (z * columns + c) * calendar.count + p
    }
    public func count(zone z: Int, category c: Int, period p: Int) -> Int { Int(counts[index(zone: z, category: c, period: p)]) }
}

/// Treatment per zone × category × period (same indexing as the counts):
/// resolved, not resolved, and the delays of the resolved reports whose two
/// dates are readable and in order.
public struct VeilleTreatment: Sendable {
    public var resolved: [Int32]
    public var unresolved: [Int32]
    /// Delays counted (dates readable and in order).
    public var delays: [Int32]
    /// Of those, delays ≤ 30 days.
    public var within30: [Int32]
    /// Median delay in days, nil when no delay.
    public var medianDelay: [Double?]

    public func within30Pct(_ i: Int) -> Double? { delays[i] > 0 ? 100 * Double(within30[i]) / Double(delays[i]) : nil }
}

public enum VeilleAnalysis {
    /// The series of `zi` (incidents already merged if the caller wanted):
    /// each incident with a readable report date in the span counts in its
    /// period, in each zone that contains it, under its category and
    /// « toutes ». The span is `options.range`, an open end taken from the
    /// earliest or latest dated incident in a zone. Nil when no incident in
    /// a zone has a readable date and the range is not closed.
    public static func series(_ zi: ZoneIncidents, dwellings: ZoneDwellings? = nil,
                              options: VeilleOptions) throws -> VeilleSeries? {
        let inc = zi.incidents
        let a = zi.assignment
        // The span: dated incidents in a zone.
        var lo = Int32.max, hi = Int32.min
        if options.range?.from == nil || options.range?.to == nil {
            for k in 0..<a.pointCount where a.offsets[k] != a.offsets[k + 1] {
                let d = inc.day[k]
                if d == IncidentSet.noDay { continue }
                lo = min(lo, d); hi = max(hi, d)
            }
        }
        let first = options.range?.from ?? (lo <= hi ? Day(number: lo) : nil)
        let last = options.range?.to ?? (lo <= hi ? Day(number: hi) : nil)
        guard let first, let last, first <= last else { return nil }
        let cal = VeilleCalendar(step: options.step, first: first, last: last)
        let order = zi.zoneOrder
        var rank = [Int](repeating: 0, count: order.count)
        for (r, z) in order.enumerated() { rank[z] = r }
        let nc = inc.categories.count, cols = nc + 1, np = cal.count
        let size = order.count * cols * np
        let day = inc.day, cat = inc.category
        struct Partial { var counts: [Int32]; var undated = 0; var outside = 0 }
        let partials = try parallelChunks(count: a.pointCount, minChunk: 32_768) { r -> Partial in
            var c = Partial(counts: [Int32](repeating: 0, count: size))
            c.counts.withUnsafeMutableBufferPointer { out in
                for k in r {
                    let s = Int(a.offsets[k]), e = Int(a.offsets[k + 1])
                    if s == e { continue }
                    let d = day[k]
                    if d == IncidentSet.noDay { c.undated += 1; continue }
                    guard let p = cal.period(of: d) else { c.outside += 1; continue }
                    let ci = Int(cat[k])
                    for q in s..<e {
                        let base = rank[Int(a.polygonIndices[q])] * cols
                        out[(base + ci) * np + p] += 1
                        out[(base + nc) * np + p] += 1
                    }
                }
            }
            return c
        }
        var counts = [Int32](repeating: 0, count: size)
        var undated = 0, outside = 0
        for p in partials {
            for k in 0..<size { counts[k] += p.counts[k] }
            undated += p.undated; outside += p.outside
        }
        let hectares = try parallelMap(count: order.count) { try zi.zones.shapes[order[$0]].area() / 10_000 }
        var series = VeilleSeries(zones: order.map { zi.zones.names[$0] }, categories: inc.categories, calendar: cal,
                                  counts: counts, hectares: hectares, dwellings: dwellings.map { d in order.map { d.perZone[$0] } },
                                  treatment: nil, undated: undated, outsideSpan: outside)
        if inc.resolutionDates.field != nil {
            series.treatment = treatment(zi, calendar: cal, rank: rank, columns: cols)
        }
        return series
    }

    /// Treatment per zone × category × period, by report date.
    static func treatment(_ zi: ZoneIncidents, calendar cal: VeilleCalendar, rank: [Int], columns cols: Int) -> VeilleTreatment {
        let inc = zi.incidents, a = zi.assignment
        let nc = cols - 1, np = cal.count
        let size = rank.count * cols * np
        var resolved = [Int32](repeating: 0, count: size), unresolved = resolved, delays = resolved, within30 = resolved
        var lists = [[Int32]](repeating: [], count: size)
        for k in 0..<a.pointCount {
            let s = Int(a.offsets[k]), e = Int(a.offsets[k + 1])
            if s == e { continue }
            let d = inc.day[k]
            guard d != IncidentSet.noDay, let p = cal.period(of: d) else { continue }
            var delay: Int32?
            if inc.closed[k], inc.resolutionDay[k] != IncidentSet.noDay, inc.resolutionDay[k] >= d {
                delay = inc.resolutionDay[k] - d
            }
            for q in s..<e {
                let base = rank[Int(a.polygonIndices[q])] * cols
                for c in [Int(inc.category[k]), nc] {
                    let i = (base + c) * np + p
                    if inc.closed[k] { resolved[i] += 1 } else { unresolved[i] += 1 }
                    if let delay {
                        delays[i] += 1
                        if delay <= 30 { within30[i] += 1 }
                        lists[i].append(delay)
                    }
                }
            }
        }
        return VeilleTreatment(resolved: resolved, unresolved: unresolved, delays: delays, within30: within30,
                               medianDelay: lists.map { IncidentAnalysis.median($0) })
    }
}
