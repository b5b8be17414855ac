import Foundation
import GUPModel

/// How one date field of the incidents read: how many dates were read,
/// missing or unreadable, with the first unreadable examples.
public struct DateFieldReport: Sendable, Equatable {
    /// The property used, nil when no incident carries any of the names tried.
    public var field: String?
    public var readable: Int = 0
    /// No value (absent, null or empty text).
    public var missing: Int = 0
    /// A value that is not an ISO 8601 date or date-time.
    public var unreadable: Int = 0
    /// First unreadable values: « entité n° 12 : « 31/12/2025 » ».
    public var examples: [String] = []
    /// `JJ/MM/AAAA` dates that would also read as `MM/JJ/AAAA` (read day first).
    public var ambiguous: Int = 0
    /// Dates that only read as `MM/JJ/AAAA` (American order): counted unreadable.
    public var monthFirst: Int = 0
    public var ambiguousExamples: [String] = []

    public init(field: String? = nil) { self.field = field }
}

/// The incidents as columns, ready for counting: positions in the working
/// CRS, category index, report day and resolution day.
public struct IncidentSet: Sendable {
    public var points: [Position]
    /// Distinct categories, sorted.
    public var categories: [String]
    /// Index into `categories`, per incident.
    public var category: [Int32]
    /// Report day per incident, `IncidentSet.noDay` when missing or unreadable.
    public var day: [Int32]
    /// Time of the report per incident, in minutes after midnight as
    /// written (no time-zone shift), -1 when the date has no time or is
    /// missing: only the duplicate merge (`DuplicateMerge`) uses it.
    public var minute: [Int16]
    /// Resolution day per incident, `noDay` when missing or unreadable.
    public var resolutionDay: [Int32]
    /// True when the resolution field holds a value (readable or not): the incident is closed.
    public var closed: [Bool]
    public var categoryField: String?
    /// Incidents with no category (counted under `IncidentSet.noCategory`).
    public var missingCategory: Int
    public var dates: DateFieldReport
    public var resolutionDates: DateFieldReport

    public static let noDay = Int32.min
    public static let noCategory = Labels.noCategory

    public var count: Int { points.count }

    public init(points: [Position], categories: [String], category: [Int32], day: [Int32], minute: [Int16]? = nil,
                resolutionDay: [Int32], closed: [Bool], categoryField: String? = nil, missingCategory: Int = 0,
                dates: DateFieldReport = DateFieldReport(), resolutionDates: DateFieldReport = DateFieldReport()) {
        precondition(minute == nil || minute!.count == day.count)
        self.points = points
        self.categories = categories
        self.category = category
        self.day = day
        self.minute = minute ?? [Int16](repeating: -1, count: day.count)
        self.resolutionDay = resolutionDay
        self.closed = closed
        self.categoryField = categoryField
        self.missingCategory = missingCategory
        self.dates = dates
        self.resolutionDates = resolutionDates
    }

    /// Reads category, report date and resolution date from a point layer.
    /// Field names: the given ones, else the first of `FieldNames.category`,
    /// `.date`, `.resolutionDate` that any incident carries. Dates are
    /// ISO 8601 dates or date-times (the date part counts); unreadable ones
    /// are counted, their first examples kept, and reported.
    ///
    /// `readDates: false` skips the dates when nothing will use them (no
    /// period, no comparison): they are then neither read nor reported,
    /// unless the incidents carry a resolution date (the treatment delays
    /// need both dates).
    public static func make(from layer: WorkingLayer, categoryField: String? = nil, dateField: String? = nil,
                            resolutionField: String? = nil, readDates: Bool = true,
                            reporter: Reporter = SilentReporter()) throws -> IncidentSet {
        let features = layer.features
        let cField = try FieldResolver.resolve(.category, explicit: categoryField, in: layer)
        let rField = try FieldResolver.resolve(.resolutionDate, explicit: resolutionField, in: layer)
        let datesUsed = readDates || rField != nil
        let dField = datesUsed ? try FieldResolver.resolve(.date, explicit: dateField, in: layer) : nil

        struct Chunk {
            var range: Range<Int>
            var names: [String] = []
            var index: [String: Int32] = [:]
            var missingCategory = 0
            var dates = DateFieldReport()
            var resolutions = DateFieldReport()
        }
        func readDate(_ v: PropertyValue?, _ f: Feature, _ rep: inout DateFieldReport) -> (Int32, Bool, Int16) {
            guard let v, case .string(let t) = v else {
                if let v, v != .null {
                    rep.unreadable += 1
                    if rep.examples.count < 5 { rep.examples.append("\(f.label) : « \(v.text ?? "") »") }
                    return (noDay, true, -1)
                }
                rep.missing += 1
                return (noDay, false, -1)
            }
            let (reading, minute) = Day.readWithTime(t)
            if let d = reading.day {
                rep.readable += 1
                if case .ambiguous = reading {
                    rep.ambiguous += 1
                    if rep.ambiguousExamples.count < 3 { rep.ambiguousExamples.append("\(f.label) : « \(t) »") }
                }
                return (d.number, true, minute)
            }
            if FieldResolver.trimmed(t) == nil { rep.missing += 1; return (noDay, false, -1) }
            if reading == .monthFirstOnly { rep.monthFirst += 1 }
            rep.unreadable += 1
            if rep.examples.count < 5 { rep.examples.append("\(f.label) : « \(t) »") }
            return (noDay, true, -1)
        }
        let n = features.count
        // Columns written in place by the chunks (disjoint ranges); categories
        // first as chunk-local indices, renumbered once the names are known.
        var category = [Int32](repeating: 0, count: n)
        var day = [Int32](repeating: noDay, count: n)
        var minute = [Int16](repeating: -1, count: n)
        var resolution = [Int32](repeating: noDay, count: n)
        var closed = [Bool](repeating: false, count: n)
        let chunks = try category.withUnsafeMutableBufferPointer { catOut in
            try day.withUnsafeMutableBufferPointer { dayOut in
                try minute.withUnsafeMutableBufferPointer { minOut in
                try resolution.withUnsafeMutableBufferPointer { resOut in
                    try closed.withUnsafeMutableBufferPointer { closedOut in
                        try parallelChunks(count: n, minChunk: 4096) { r -> Chunk in
                            var c = Chunk(range: r)
                            for k in r {
                                let f = features[k]
                                var name = IncidentSet.noCategory
                                if let cField, let t = f.properties[cField]?.text.flatMap(FieldResolver.trimmed) {
                                    name = t
                                } else {
                                    c.missingCategory += 1
                                }
                                // Few categories: a linear scan of small strings beats hashing.
                                if c.names.count <= 32, let i = c.names.firstIndex(of: name) { catOut[k] = Int32(i) }
                                else if c.names.count > 32, let i = c.index[name] { catOut[k] = i } else {
                                    let i = Int32(c.names.count)
                                    c.names.append(name); c.index[name] = i; catOut[k] = i
                                }
                                if let dField {
                                    let (d, _, m) = readDate(f.properties[dField], f, &c.dates)
                                    dayOut[k] = d
                                    minOut[k] = m
                                } else if datesUsed {
                                    c.dates.missing += 1
                                }
                                if let rField {
                                    let (d, isClosed, _) = readDate(f.properties[rField], f, &c.resolutions)
                                    resOut[k] = d
                                    closedOut[k] = isClosed
                                }
                            }
                            return c
                        }
                    }
                }
                }
            }
        }
        let names = Array(Set(chunks.flatMap(\.names))).sorted()
        let global = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Int32($0)) })
        var missingCategory = 0
        var dates = DateFieldReport(field: dField), resolutions = DateFieldReport(field: rField)
        func merge(_ a: inout DateFieldReport, _ b: DateFieldReport) {
            a.readable += b.readable; a.missing += b.missing; a.unreadable += b.unreadable
            a.ambiguous += b.ambiguous; a.monthFirst += b.monthFirst
            a.examples.append(contentsOf: b.examples.prefix(max(0, 5 - a.examples.count)))
            a.ambiguousExamples.append(contentsOf: b.ambiguousExamples.prefix(max(0, 3 - a.ambiguousExamples.count)))
        }
        for c in chunks {
            let remap = c.names.map { global[$0]! }
            for k in c.range { category[k] = remap[Int(category[k])] }
            missingCategory += c.missingCategory
            merge(&dates, c.dates)
            merge(&resolutions, c.resolutions)
        }
        let set = IncidentSet(points: layer.points, categories: names, category: category, day: day, minute: minute,
                              resolutionDay: resolution, closed: closed, categoryField: cField,
                              missingCategory: missingCategory, dates: dates, resolutionDates: resolutions)
        set.report(source: layer.source, datesUsed: datesUsed, to: reporter)
        return set
    }

    /// A period asked for needs dates: none readable is an error, not a
    /// table of zeros. `what` names the period (« --periode-1 »…).
    public func requireDates(source: String, for what: String) throws {
        guard dates.readable == 0, count > 0 else { return }
        guard let field = dates.field else {
            throw GUPError.input(file: source, "\(what) demandée mais aucun champ de date (\(FieldNames.date.joined(separator: ", "))) ; nommez-le (--champ-date, ou champ_date dans dossier.toml)")
        }
        let ex = dates.examples.isEmpty ? "" : " ; par exemple \(dates.examples.joined(separator: " ; "))"
        throw GUPError.input(file: source, "\(what) demandée mais aucune date lisible dans le champ « \(field) » (\(dates.unreadable) illisible(s), \(dates.missing) vide(s) ; attendu AAAA-MM-JJ, date-heure ISO 8601, JJ/MM/AAAA ou JJ/MM/AAAA HH:MM)\(ex)")
    }

    /// Reports missing categories and dates, and unreadable dates with examples.
    public func report(source: String, datesUsed: Bool = true, to reporter: Reporter) {
        if categoryField == nil {
            reporter.warning("\(source) : aucun champ de catégorie (\(FieldNames.category.joined(separator: ", "))) : tous les signalements sont « \(Self.noCategory) »")
        } else if missingCategory > 0 {
            reporter.warning("\(source) : \(missingCategory) signalement(s) sans catégorie, comptés dans « \(Self.noCategory) »")
        }
        if !datesUsed {
            // Dates not read: nothing to say about them.
        } else if dates.field == nil {
            reporter.warning("\(source) : aucun champ de date (\(FieldNames.date.joined(separator: ", "))) : les filtres de période ne retiennent aucun signalement")
        } else {
            if dates.missing > 0 {
                reporter.warning("\(source) : \(dates.missing) signalement(s) sans date (champ « \(dates.field!) ») : comptés sans filtre de période, exclus des périodes")
            }
            if dates.unreadable > 0 {
                reporter.warning("\(source) : \(dates.unreadable) date(s) illisible(s) sur \(dates.readable + dates.unreadable) (champ « \(dates.field!) », attendu AAAA-MM-JJ, date-heure ISO 8601, JJ/MM/AAAA ou JJ/MM/AAAA HH:MM), comptées sans filtre de période, exclues des périodes ; par exemple \(dates.examples.joined(separator: " ; "))")
            }
            if dates.monthFirst > 0, dates.ambiguous > 0 {
                reporter.warning("\(source) : champ « \(dates.field!) » ambigu : \(dates.monthFirst) date(s) ne se lisent que MM/JJ/AAAA (ordre américain) et \(dates.ambiguous) autre(s) se lisent dans les deux ordres ; elles ont été lues JJ/MM/AAAA, par exemple \(dates.ambiguousExamples.joined(separator: " ; ")) : convertissez la colonne en AAAA-MM-JJ")
            }
        }
        if let f = resolutionDates.field, resolutionDates.unreadable > 0 {
            reporter.warning("\(source) : \(resolutionDates.unreadable) date(s) de résolution illisible(s) (champ « \(f) ») : signalements comptés résolus, sans délai ; par exemple \(resolutionDates.examples.joined(separator: " ; "))")
        }
    }
}
