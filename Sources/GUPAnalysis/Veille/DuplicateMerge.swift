import Foundation
import GUPModel

/// The rule of the duplicate merge: reports of the same category within
/// `metres` and `hours` of an earlier kept report count once
/// (`--fusion-doublons 15:48`).
public struct DuplicateRule: Sendable, Equatable, CustomStringConvertible {
    public var metres: Double
    public var hours: Double

    public init(metres: Double, hours: Double) throws {
        guard metres.isFinite, metres > 0 else {
            throw GUPError("fusion des doublons : distance « \(metres) » refusée (attendu un nombre de mètres positif)")
        }
        guard hours.isFinite, hours >= 0 else {
            throw GUPError("fusion des doublons : durée « \(hours) » refusée (attendu un nombre d'heures positif ou nul)")
        }
        self.metres = metres
        self.hours = hours
    }

    /// Parses `DISTANCE_M:HEURES` (`15:48`, `20:2.5`); `option` names the
    /// option or key in the message.
    public static func parse(_ raw: String, option: String) throws -> DuplicateRule {
        let parts = raw.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let m = Double(parts[0].replacingOccurrences(of: ",", with: ".")),
              let h = Double(parts[1].replacingOccurrences(of: ",", with: ".")) else {
            throw GUPError("\(option) : « \(raw) » illisible (attendu DISTANCE_M:HEURES, par exemple 15:48 pour 15 mètres et 48 heures)")
        }
        do { return try DuplicateRule(metres: m, hours: h) } catch let e as GUPError {
            throw GUPError("\(option) : \(e.message)")
        }
    }

    /// « 15 m et 48 h ».
    public var description: String {
        "\(CSVWriter.fixed(metres, places: metres == metres.rounded() ? 0 : 2)) m et \(CSVWriter.fixed(hours, places: hours == hours.rounded() ? 0 : 2)) h"
    }
}

/// What the merge did, per category.
public struct DuplicateMergeReport: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var category: String
        public var reports: Int
        public var merged: Int
        public var kept: Int { reports - merged }
    }
    public var rule: DuplicateRule
    /// Every category of the set, sorted (as `IncidentSet.categories`).
    public var rows: [Row]
    /// Reports without a readable date: never merged (nothing to compare).
    public var undated: Int
    /// Per report of the input set: the index of the kept report it was
    /// merged into, -1 for a kept report.
    public var mergedInto: [Int32]

    public var merged: Int { rows.reduce(0) { $0 + $1.merged } }
    public var reports: Int { rows.reduce(0) { $0 + $1.reports } }
}

/// Counts repeated reports once: the same object reported several times
/// within a few metres and hours.
///
/// Reports are taken per category in time order (report date and time as
/// written; ties in input order). A report is merged when a report of the
/// same category already KEPT lies within `rule.metres` (Euclidean distance
/// in the working CRS, ≤) and `rule.hours` before it (≤); otherwise it is
/// kept. There is no chaining: a report is compared with the kept reports,
/// never with merged ones, so A–B 10 m, B–C 10 m, A–C 20 m under a 15 m
/// rule keeps A and C and merges B. A date without time counts as 00:00 of
/// that day (two date-only reports of one day are 0 h apart). Reports
/// without a readable date, or without a finite position, are kept.
///
/// Kept reports are hashed on a grid of cells of `rule.metres`, so each
/// report looks at the 3 × 3 cells around it, and only at the kept reports
/// of the time window (each cell's kept reports are linked newest first,
/// read until the window's start): O(n log n) for the sort, then about
/// constant work per report. Categories run in parallel.
public enum DuplicateMerge {
    public static func apply(_ set: IncidentSet, rule: DuplicateRule) throws -> (set: IncidentSet, report: DuplicateMergeReport) {
        let report = try find(set, rule: rule)
        let keep = report.mergedInto.map { $0 < 0 }
        return (set.filtered(keep), report)
    }

    /// The merge decisions without building the filtered set.
    public static func find(_ set: IncidentSet, rule: DuplicateRule) throws -> DuplicateMergeReport {
        let n = set.count
        let nc = set.categories.count
        // Minutes since 1970-01-01 00:00, as written.
        var byCategory = [[Int32]](repeating: [], count: nc)
        var undated = 0
        for k in 0..<n {
            if set.day[k] == IncidentSet.noDay { undated += 1; continue }
            let p = set.points[k]
            if !p.x.isFinite || !p.y.isFinite { continue }
            byCategory[Int(set.category[k])].append(Int32(k))
        }
        let day = set.day, minute = set.minute, points = set.points
        @inline(__always) func time(_ k: Int) -> Int64 { Int64(day[k]) * 1440 + Int64(max(0, minute[k])) }
        let window = Int64((rule.hours * 60).rounded(.down))
        let d = rule.metres, d2 = d * d
        let results: [[(Int32, Int32)]] = try parallelMap(count: nc) { c in
            // Time order, then input order.
            var order = byCategory[c].map { (time(Int($0)), $0) }
            order.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            // Kept reports per cell: an open-addressing table cell → newest
            // kept report, each kept report linking to the previous one of
            // its cell (`previous`), so a cell reads newest first and stops
            // at the window's start. (A Dictionary of arrays took 2.4 s on a
            // million reports, this 1.0 s: gup-bench veille on /tmp/metro.)
            var capacity = 16
            while capacity < order.count * 2 { capacity <<= 1 }
            let mask = capacity - 1
            var keys = [Int64](repeating: Int64.min, count: capacity)
            var heads = [Int32](repeating: -1, count: capacity)
            var link = [Int32](repeating: -1, count: order.count)
            var keptTime = [Int64](repeating: 0, count: order.count)
            var keptPoint = [Position](repeating: Position(0, 0), count: order.count)
            var keptId = [Int32](repeating: 0, count: order.count)
            var keptCount: Int32 = 0
            var merges: [(Int32, Int32)] = []
            @inline(__always) func slot(_ key: Int64) -> Int {
                var h = Int(truncatingIfNeeded: UInt64(bitPattern: key) &* 0x9E37_79B9_7F4A_7C15 >> 20) & mask
                while keys[h] != key && keys[h] != Int64.min { h = (h + 1) & mask }
                return h
            }
            @inline(__always) func cellKey(_ cx: Int64, _ cy: Int64) -> Int64 { (cx << 32) &+ (cy & 0xFFFF_FFFF) }
            for (t, k) in order {
                let p = points[Int(k)]
                let cx = Int64((p.x / d).rounded(.down)), cy = Int64((p.y / d).rounded(.down))
                var best: Int32 = -1
                var bestTime = Int64.min
                for dx in -1...1 {
                    for dy in -1...1 {
                        let h = slot(cellKey(cx + Int64(dx), cy + Int64(dy)))
                        var q = heads[h]
                        while q >= 0 {
                            let tk = keptTime[Int(q)]
                            if t - tk > window { break }
                            let o = keptPoint[Int(q)]
                            let ex = o.x - p.x, ey = o.y - p.y
                            let kept = keptId[Int(q)]
                            // The latest matching kept report (then the first in input order).
                            if ex * ex + ey * ey <= d2, tk > bestTime || (tk == bestTime && kept < best) {
                                best = kept; bestTime = tk
                            }
                            q = link[Int(q)]
                        }
                    }
                }
                if best >= 0 {
                    merges.append((k, best))
                } else {
                    let key = cellKey(cx, cy)
                    let h = slot(key)
                    keys[h] = key
                    let q = keptCount
                    keptTime[Int(q)] = t; keptPoint[Int(q)] = p; keptId[Int(q)] = k
                    link[Int(q)] = heads[h]
                    heads[h] = q
                    keptCount += 1
                }
            }
            return merges
        }
        var mergedInto = [Int32](repeating: -1, count: n)
        var rows = set.categories.map { DuplicateMergeReport.Row(category: $0, reports: 0, merged: 0) }
        for k in 0..<n { rows[Int(set.category[k])].reports += 1 }
        for (c, list) in results.enumerated() {
            rows[c].merged = list.count
            for (k, into) in list { mergedInto[Int(k)] = into }
        }
        return DuplicateMergeReport(rule: rule, rows: rows, undated: undated, mergedInto: mergedInto)
    }
}

extension IncidentSet {
    /// The incidents whose `keep` flag is true, every column filtered alike;
    /// the categories (and their indices) and the field reports are kept.
    public func filtered(_ keep: [Bool]) -> IncidentSet {
        precondition(keep.count == count)
        var s = self
        func f<T>(_ a: [T]) -> [T] {
            var out: [T] = []
            out.reserveCapacity(a.count)
            for k in a.indices where keep[k] { out.append(a[k]) }
            return out
        }
        s.points = f(points)
        s.category = f(category)
        s.day = f(day)
        s.minute = f(minute)
        s.resolutionDay = f(resolutionDay)
        s.closed = f(closed)
        return s
    }
}

extension AnalysisInputs {
    /// Replaces the incidents by the merged set, so every job run on these
    /// inputs afterwards (densities, hotspots, veille…) counts each
    /// repeated report once. The inputs must have been loaded with
    /// `readDates` (the merge compares report dates and times).
    /// The incidents layer is filtered alike (analyses reading its
    /// features, as the domanialité's responsibilities and the plans, see the
    /// same reports).
    public mutating func mergeDuplicates(_ rule: DuplicateRule) throws -> DuplicateMergeReport? {
        guard let set = incidentSet else { return nil }
        let report = try DuplicateMerge.find(set, rule: rule)
        let keep = report.mergedInto.map { $0 < 0 }
        incidentSet = set.filtered(keep)
        if var layer = layers[.incidents], layer.features.count == keep.count {
            layer.features = layer.features.indices.filter { keep[$0] }.map { layer.features[$0] }
            if layer.shapes.count == keep.count { layer.shapes = layer.shapes.indices.filter { keep[$0] }.map { layer.shapes[$0] } }
            layers[.incidents] = layer
        }
        return report
    }
}
