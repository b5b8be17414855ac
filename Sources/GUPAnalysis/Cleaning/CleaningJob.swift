import Foundation
import GUPModel
import GUPTopology

// The nettoyage job: its options, its result, and `Cleaning.run` over the
// inputs of a run (the computation is in Cleaning.swift, the files written
// in CleaningWriter.swift).

/// Coverage figures of one perimeter (areas in m² of the working CRS).
public struct PerimeterCoverage: Sendable, Equatable {
    public var perimeter: String
    /// Area of E(P).
    public var outdoorArea: Double
    /// Area of E(P) ∩ C.
    public var coveredArea: Double
    /// Total area of the gaps over the threshold.
    public var gapArea: Double
    public var gapCount: Int
    /// Area of the union of the double-coverage polygons over the threshold.
    public var doubleCoverageArea: Double
    /// Area-weighted mean frequency over the space covered by sectors that
    /// carry one; nil when no such sector covers this perimeter.
    public var meanFrequency: Double?

    /// Covered share of the outdoor space, in percent (0 when E(P) is empty).
    public var coverageRate: Double { outdoorArea > 0 ? 100 * coveredArea / outdoorArea : 0 }
}

/// One gap: a connected piece of outdoor space no sector covers.
public struct CoverageGap: @unchecked Sendable {
    public var perimeter: String
    public var area: Double
    /// The polygon, in the working CRS.
    public var shape: GeometryHandle
    /// Incidents inside (nil when no incident layer was given).
    public var incidents: Int?
    /// Most frequent categories of those incidents, most frequent first (at most 3).
    public var mainCategories: [(category: String, count: Int)]
}

/// Space of one perimeter covered by two different cleaners.
public struct DoubleCoverage: @unchecked Sendable {
    public var perimeter: String
    /// The two cleaners, sorted.
    public var cleaners: [String]
    /// Total area of `pieces`.
    public var area: Double
    /// Connected polygons over the threshold, largest first, with their areas.
    public var pieces: [(shape: GeometryHandle, area: Double)]
}

public struct CleaningResult: @unchecked Sendable {
    /// One row per perimeter, sorted by name (then input order).
    public var coverage: [PerimeterCoverage]
    /// All gaps over the threshold, largest first.
    public var gaps: [CoverageGap]
    /// One entry per perimeter and pair of cleaners, sorted by perimeter then cleaners.
    public var doubles: [DoubleCoverage]
    /// Whether any sector carries a frequency.
    public var hasFrequency: Bool
    /// Whether incidents were counted in the gaps.
    public var hasIncidents: Bool
    public var threshold: Double
    /// Working CRS of the shapes.
    public var crs: CRS
    /// Sectors without a cleaner name, grouped under `Cleaning.unknownCleaner`.
    public var sectorsWithoutCleaner: Int
    /// Sector parts after subdivision (for reports).
    public var sectorPieces: Int
}

/// Options of the nettoyage job.
public struct CleaningOptions: Sendable {
    /// Fields the user named (nil: the usual names).
    public var cleanerField: String?
    public var frequencyField: String?
    public var categoryField: String?
    /// Smallest gap or double coverage reported, m².
    public var threshold: Double
    public init(cleanerField: String? = nil, frequencyField: String? = nil, categoryField: String? = nil,
                threshold: Double = Cleaning.defaultThreshold) {
        self.cleanerField = cleanerField; self.frequencyField = frequencyField; self.categoryField = categoryField
        self.threshold = threshold
    }
}

extension Cleaning {
    /// The job: coverage of every zone of `inputs` (sectors required;
    /// residences and incidents used when present).
    public static func run(_ inputs: AnalysisInputs, options: CleaningOptions, reporter: Reporter = SilentReporter()) throws -> CleaningResult {
        guard let sectors = inputs[.secteurs] else { throw GUPError("nettoyage : aucune couche de secteurs") }
        var fields = CleaningFields()
        if let c = try FieldResolver.resolve(.cleaner, explicit: options.cleanerField, in: sectors) { fields.cleaner = [c] }
        if let f = try FieldResolver.resolve(.frequency, explicit: options.frequencyField, in: sectors) { fields.frequency = [f] }
        if let i = inputs[.incidents], let c = try FieldResolver.resolve(.category, explicit: options.categoryField, in: i) {
            fields.category = [c]
        }
        return try analyze(perimeters: inputs.perimeters, sectors: sectors, residences: inputs[.residences],
                           incidents: inputs[.incidents], fields: fields, threshold: options.threshold,
                           zoneNames: inputs.zones.names, reporter: reporter)
    }
}
