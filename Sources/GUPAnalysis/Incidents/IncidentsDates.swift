import Foundation
import GUPModel

/// A calendar day, as the number of days since 1970-01-01 (proleptic
/// Gregorian calendar). Incidents are compared by day: the time of a
/// date-time does not count.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var number: Int32
    public init(number: Int32) { self.number = number }

    /// Nil when the date does not exist (2025-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard month >= 1, month <= 12, day >= 1, day <= Day.daysIn(month: month, year: year) else { return nil }
        number = Int32(Day.daysFromCivil(year, month, day))
    }

    public static func < (a: Day, b: Day) -> Bool { a.number < b.number }

    /// `AAAA-MM-JJ`.
    public var description: String {
        let (y, m, d) = Day.civil(fromDays: Int(number))
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// `JJ/MM/AAAA`, as plans and pages print a date.
    public var french: String {
        let (y, m, d) = Day.civil(fromDays: Int(number))
        return String(format: "%02d/%02d/%04d", d, m, y)
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Parses an ISO 8601 calendar date or date-time and keeps its date
    /// part, as written (no time-zone shift):
    /// `2025-03-14`, `2025-03-14T09:30`, `2025-03-14T09:30:00`,
    /// `2025-03-14T09:30:00.250Z`, `2025-03-14 09:30:00+01:00`.
    /// Nil for anything else (`14/03/2025`, `2025-02-30`, `2025-03-14T25:00`).
    public static func parseISO8601(_ text: String) -> Day? {
        if let d = text.utf8.withContiguousStorageIfAvailable({ parse($0) }) { return d }
        var s = text
        return s.withUTF8 { parse($0) }
    }

    /// How a date text was read by `Day.read`.
    public enum Reading: Sendable, Equatable {
        /// ISO 8601 date or date-time.
        case iso(Day)
        /// `JJ/MM/AAAA` with a day above 12: only one reading.
        case dayFirst(Day)
        /// `JJ/MM/AAAA` with day and month both ≤ 12: read day first, as in
        /// France, but `MM/JJ/AAAA` would also be a date.
        case ambiguous(Day)
        /// `MM/JJ/AAAA` only (second number above 12): an American date.
        case monthFirstOnly
        case unreadable

        public var day: Day? {
            switch self {
            case .iso(let d), .dayFirst(let d), .ambiguous(let d): return d
            case .monthFirstOnly, .unreadable: return nil
            }
        }
    }

    /// Reads the dates found in incident exports: ISO 8601 (see
    /// `parseISO8601`) and the French `JJ/MM/AAAA`, `JJ/MM/AAAA HH:MM` and
    /// `JJ/MM/AAAA HH:MM:SS` (also with `-` or `.` between the numbers,
    /// one-digit day or month accepted), and OGR's `AAAA/MM/JJ[ HH:MM:SS]`.
    public static func read(_ text: String) -> Reading { readWithTime(text).reading }

    /// `read`, with the time of day as written (minutes after midnight, -1
    /// for a date without time), as `parseISO8601WithTime` gives it.
    public static func readWithTime(_ text: String) -> (reading: Reading, minute: Int16) {
        if let d = parseISO8601WithTime(text) { return (.iso(d.day), d.minute) }
        if let r = text.utf8.withContiguousStorageIfAvailable({ readDayFirst($0) }) { return r }
        var s = text
        return s.withUTF8 { readDayFirst($0) }
    }

    static func readDayFirst(_ raw: UnsafeBufferPointer<UInt8>) -> (reading: Reading, minute: Int16) {
        let unreadable: (reading: Reading, minute: Int16) = (.unreadable, -1)
        var k = 0, n = raw.count
        while k < n, raw[k] == 0x20 { k += 1 }
        while n > k, raw[n - 1] == 0x20 { n -= 1 }
        func number(maxDigits: Int) -> Int? {
            var v = 0, digits = 0
            while k < n, digits < maxDigits, raw[k] >= 0x30, raw[k] <= 0x39 { v = v * 10 + Int(raw[k] - 0x30); k += 1; digits += 1 }
            return digits == 0 ? nil : v
        }
        let aStart = k
        guard let a = number(maxDigits: 4), k < n else { return unreadable }
        // `AAAA/MM/JJ`: how OGR writes dates (ogr2ogr and QGIS CSV exports).
        let yearFirst = k - aStart == 4
        guard yearFirst || k - aStart <= 2 else { return unreadable }
        let sep = raw[k]
        guard sep == 0x2F || sep == 0x2D || sep == 0x2E else { return unreadable }   // / - .
        k += 1
        guard let b = number(maxDigits: 2), k < n, raw[k] == sep else { return unreadable }
        k += 1
        let cStart = k
        guard let c = number(maxDigits: yearFirst ? 2 : 4), k - cStart == (yearFirst ? 2 : 4) else { return unreadable }
        var minute: Int16 = -1
        if k < n {
            // Time: [ |T]HH:MM[:SS]
            guard raw[k] == 0x20 || raw[k] == 0x54 else { return unreadable }
            k += 1
            guard let h = number(maxDigits: 2), h <= 24, k < n, raw[k] == 0x3A else { return unreadable }
            k += 1
            guard let mi = number(maxDigits: 2), mi <= 59 else { return unreadable }
            if k < n {
                guard raw[k] == 0x3A else { return unreadable }
                k += 1
                guard let sec = number(maxDigits: 2), sec <= 60 else { return unreadable }
                _ = sec
            }
            guard k == n else { return unreadable }
            minute = Int16(h * 60 + mi)
        }
        if yearFirst { return Day(year: a, month: b, day: c).map { (.iso($0), minute) } ?? unreadable }
        let y = c
        if let d = Day(year: y, month: b, day: a) {
            return (a <= 12 && a != b && Day(year: y, month: a, day: b) != nil ? .ambiguous(d) : .dayFirst(d), minute)
        }
        return (Day(year: y, month: a, day: b) != nil ? .monthFirstOnly : .unreadable, -1)
    }

    /// Parses like `parseISO8601` and also gives the time of day as
    /// written (minutes after midnight, no time-zone shift, as the date),
    /// -1 for a date without time.
    public static func parseISO8601WithTime(_ text: String) -> (day: Day, minute: Int16)? {
        if let d = text.utf8.withContiguousStorageIfAvailable({ parseDateTime($0) }) { return d }
        var s = text
        return s.withUTF8 { parseDateTime($0) }
    }

    static func parse(_ raw: UnsafeBufferPointer<UInt8>) -> Day? { parseDateTime(raw)?.day }

    static func parseDateTime(_ raw: UnsafeBufferPointer<UInt8>) -> (day: Day, minute: Int16)? {
        // Trim ASCII spaces.
        var lo = 0, hi = raw.count
        while lo < hi, raw[lo] == 0x20 { lo += 1 }
        while hi > lo, raw[hi - 1] == 0x20 { hi -= 1 }
        let n = hi - lo
        guard n >= 10 else { return nil }
        @inline(__always) func digit(_ k: Int) -> Int? {
            let c = raw[lo + k]
            return c >= 0x30 && c <= 0x39 ? Int(c - 0x30) : nil
        }
        @inline(__always) func number(_ k: Int, _ len: Int) -> Int? {
            var v = 0
            for q in k..<(k + len) { guard let d = digit(q) else { return nil }; v = v * 10 + d }
            return v
        }
        guard let y = number(0, 4), raw[lo + 4] == 0x2D, let m = number(5, 2), raw[lo + 7] == 0x2D,
              let d = number(8, 2), let day = Day(year: y, month: m, day: d) else { return nil }
        if n == 10 { return (day, -1) }
        // Time part: [T| ]HH:MM[:SS[.fff]][Z|±HH[:MM]|±HHMM]
        var k = 10
        guard raw[lo + k] == 0x54 || raw[lo + k] == 0x74 || raw[lo + k] == 0x20 else { return nil }
        k += 1
        guard k + 5 <= n, let hh = number(k, 2), raw[lo + k + 2] == 0x3A, let mm = number(k + 3, 2),
              hh <= 24, mm <= 59 else { return nil }
        k += 5
        var ss = 0
        if k < n, raw[lo + k] == 0x3A {
            guard k + 3 <= n, let s = number(k + 1, 2), s <= 60 else { return nil }
            ss = s
            k += 3
            if k < n, raw[lo + k] == 0x2E || raw[lo + k] == 0x2C {
                k += 1
                let start = k
                while k < n, digit(k) != nil { k += 1 }
                guard k > start else { return nil }
            }
        }
        if hh == 24, mm != 0 || ss != 0 { return nil }
        let minute = Int16(hh * 60 + mm)
        if k == n { return (day, minute) }
        let c = raw[lo + k]
        if c == 0x5A || c == 0x7A { return k + 1 == n ? (day, minute) : nil }   // Z
        guard c == 0x2B || c == 0x2D else { return nil }                // + or -
        k += 1
        guard k + 2 <= n, let oh = number(k, 2), oh <= 23 else { return nil }
        k += 2
        if k == n { return (day, minute) }
        if raw[lo + k] == 0x3A { k += 1 }
        guard k + 2 == n, let om = number(k, 2), om <= 59 else { return nil }
        return (day, minute)
    }
}

/// An inclusive range of days (`--du 2025-01-01 --au 2025-06-30`); either
/// end may be open.
public struct DayRange: Hashable, Sendable, CustomStringConvertible {
    public var from: Day?
    public var to: Day?
    public init(from: Day?, to: Day?) { self.from = from; self.to = to }

    public func contains(_ d: Day) -> Bool {
        if let from, d < from { return false }
        if let to, to < d { return false }
        return true
    }

    /// « du 2025-01-01 au 2025-06-30 ».
    public var description: String {
        switch (from, to) {
        case let (a?, b?): return "du \(a) au \(b)"
        case let (a?, nil): return "à partir du \(a)"
        case let (nil, b?): return "jusqu'au \(b)"
        default: return "toutes dates"
        }
    }

    /// Parses `AAAA-MM-JJ:AAAA-MM-JJ` (a period of `--periode-1`). The
    /// message names the option on error.
    public static func parsePeriod(_ raw: String, option: String) throws -> DayRange {
        let parts = raw.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = Day.parseISO8601(String(parts[0])), let b = Day.parseISO8601(String(parts[1])) else {
            throw GUPError("\(option) : période « \(raw) » illisible (attendu AAAA-MM-JJ:AAAA-MM-JJ, par exemple 2025-01-01:2025-06-30)")
        }
        guard a <= b else {
            throw GUPError("\(option) : la période « \(raw) » finit avant de commencer")
        }
        return DayRange(from: a, to: b)
    }
}
