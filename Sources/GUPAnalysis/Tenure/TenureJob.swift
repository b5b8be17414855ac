import Foundation
import GUPModel
import GUPTopology

// The domanialité job: its options, the labels it writes, its result, and
// `Tenure.run` over the inputs of a run (the computation is in
// Tenure.swift, the files written in TenureOutput.swift).

/// Options of the domanialité (tenure) analysis.
public struct TenureOptions: Sendable {
    /// Perimeter name field; nil tries `FieldNames.perimeterName` in order.
    public var perimeterNameField: String?
    /// Manager field of the parcels; nil tries `FieldNames.manager` in order.
    public var managerField: String?
    /// Owner field; nil tries `FieldNames.owner`. The owner/manager table is
    /// produced only when an owner field distinct from the manager field exists.
    public var ownerField: String?
    /// Category field of the incidents; nil tries `FieldNames.category`.
    public var categoryField: String?
    /// Overlaps smaller than this (m²) are not reported.
    public var overlapThreshold: Double

    public init(perimeterNameField: String? = nil, managerField: String? = nil, ownerField: String? = nil,
                categoryField: String? = nil, overlapThreshold: Double = 1) {
        self.perimeterNameField = perimeterNameField
        self.managerField = managerField
        self.ownerField = ownerField
        self.categoryField = categoryField
        self.overlapThreshold = overlapThreshold
    }
}

/// Labels the analysis writes in place of a manager.
public enum TenureLabel {
    /// Ground of the perimeter no parcel covers (mostly roads).
    public static let nonCadastral = Labels.nonCadastral
    /// A parcel without a manager: still cadastral ground, of unknown holder.
    public static let unknownManager = Labels.unknownManager
    /// An incident without a category.
    public static let noCategory = Labels.noCategory
}

/// The domanialité of one perimeter and its pieces.
public struct TenureResult: @unchecked Sendable {
    /// P ∩ U(g): one per perimeter and manager with a positive area.
    public struct Piece {
        public var perimeter: String
        public var manager: String
        public var area: Double
        /// 100 × area / area(P).
        public var share: Double
        public var shape: GeometryHandle
    }
    /// P ∩ U(a) ∩ U(b), a < b, area ≥ threshold.
    public struct Overlap {
        public var perimeter: String
        public var managerA: String
        public var managerB: String
        public var area: Double
        public var shape: GeometryHandle
    }
    /// P − U.
    public struct NonCadastral {
        public var perimeter: String
        public var area: Double
        public var share: Double
        public var shape: GeometryHandle
    }
    /// Incidents of one category in a perimeter that fell on the ground of `managers`.
    public struct Responsibility: Equatable, Sendable {
        public var perimeter: String
        /// Manager names sorted and joined by ` + `, or `(non cadastré)`.
        public var managers: String
        public var category: String
        public var incidents: Int
    }
    /// Ground of a perimeter whose owner is not its manager.
    public struct OwnerManager: Equatable, Sendable {
        public var perimeter: String
        public var owner: String
        public var manager: String
        public var area: Double
    }
    /// The terminal summary of one perimeter.
    public struct PerimeterSummary: Sendable {
        public var perimeter: String
        public var area: Double
        /// Up to three managers, largest first.
        public var largestManagers: [(manager: String, area: Double, share: Double)]
        public var overlapArea: Double
        public var nonCadastralShare: Double
    }

    /// Sorted by perimeter then manager.
    public var pieces: [Piece]
    /// Sorted by perimeter, manager a, manager b.
    public var overlaps: [Overlap]
    /// In the order of `perimeterNames` (sorted).
    public var nonCadastral: [NonCadastral]
    /// Nil without incidents; sorted by perimeter, managers, category.
    public var responsibilities: [Responsibility]?
    /// Nil when the parcels carry no owner distinct from the manager; sorted.
    public var ownerManager: [OwnerManager]?
    public var summaries: [PerimeterSummary]
    /// Fields used.
    public var perimeterNameField: String?
    public var managerField: String
    public var ownerField: String?
    /// Parcels without a manager: counted as `(gestionnaire inconnu)`.
    public var parcelsWithoutManager: Int
    public var parcelsWithoutManagerFirst: [String]
    /// Incidents counted (inside at least one perimeter) and left outside every perimeter.
    public var incidentsInside: Int
    public var incidentsOutside: Int

    /// The rows of `domanialite.csv`: per perimeter, the managers then `(non cadastré)`, sorted.
    public var tenureRows: [(perimeter: String, manager: String, area: Double, share: Double)] {
        var rows = pieces.map { (perimeter: $0.perimeter, manager: $0.manager, area: $0.area, share: $0.share) }
        rows += nonCadastral.map { (perimeter: $0.perimeter, manager: TenureLabel.nonCadastral, area: $0.area, share: $0.share) }
        rows.sort { ($0.perimeter, $0.manager) < ($1.perimeter, $1.manager) }
        return rows
    }
}

extension Tenure {
    /// The job: the domanialité of every zone of `inputs` (parcels required).
    public static func run(_ inputs: AnalysisInputs, options: TenureOptions, reporter: Reporter = SilentReporter()) throws -> TenureResult {
        guard let parcels = inputs[.parcelles] else { throw GUPError("domanialité : aucune couche de parcelles") }
        return try analyse(zones: inputs.zones, nameField: inputs.zones.nameField, parcels: parcels, incidents: inputs[.incidents],
                           options: options, reporter: reporter)
    }
}
