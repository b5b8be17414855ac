import Foundation
import GUPModel

/// The step of the series: calendar months or ISO 8601 weeks.
public enum VeilleStep: String, Sendable, CaseIterable {
    case month = "mois"
    case week = "semaine"
}

/// The three grades of a situation.
public enum Grade: Int, Sendable, Comparable, CaseIterable {
    case normal = 0, vigilance, alert

    public static func < (a: Grade, b: Grade) -> Bool { a.rawValue < b.rawValue }

    /// « normal », « vigilance », « alerte ».
    public var label: String {
        switch self {
        case .normal: return "normal"
        case .vigilance: return "vigilance"
        case .alert: return "alerte"
        }
    }
}

/// Two thresholds of one indicator. A rising indicator (more is worse)
/// grades « vigilance » from `vigilance` and « alerte » from `alert`
/// (value ≥ threshold); a falling one (less is worse) grades « vigilance »
/// at or below `vigilance` and « alerte » at or below `alert`. A value
/// equal to a threshold takes that threshold's grade.
public struct GradeThresholds: Sendable, Equatable {
    public var vigilance: Double
    public var alert: Double
    public var rising: Bool

    public init(vigilance: Double, alert: Double, rising: Bool) {
        self.vigilance = vigilance
        self.alert = alert
        self.rising = rising
    }

    public func grade(_ v: Double) -> Grade {
        if rising {
            if v >= alert { return .alert }
            if v >= vigilance { return .vigilance }
        } else {
            if v <= alert { return .alert }
            if v <= vigilance { return .vigilance }
        }
        return .normal
    }
}

/// The indicators graded by the veille, with their `[seuils_veille]` keys.
public enum VeilleIndicator: String, Sendable, CaseIterable {
    /// Reports per hectare per month, mean over the window (rising).
    case perHectarePerMonth = "signalements_par_ha_mois"
    /// Share (%) of the theme in the quartier's reports over the window
    /// (rising; themes only).
    case categoryShare = "part_categorie_pct"
    /// Variation (%) between the two periods of the evolution (rising).
    case variation = "variation_pct"
    /// Share (%) of the quartier's outdoor space covered by a cleaning
    /// sector (falling; the quartier as a whole only, in the dossier).
    case cleaningCoverage = "couverture_nettoyage_pct"
    /// Share (%) of reports treated within 30 days over the window
    /// (falling; needs resolution dates).
    case treatedWithin30Days = "part_traitee_30_jours_pct"

    /// French label for tables and charts.
    public var label: String {
        switch self {
        case .perHectarePerMonth: return "signalements par ha et par mois"
        case .categoryShare: return "part du thème (%)"
        case .variation: return "variation entre périodes (%)"
        case .cleaningCoverage: return "couverture de nettoyage (%)"
        case .treatedWithin30Days: return "part traitée sous 30 jours (%)"
        }
    }
}

/// The thresholds of the graded situations (`[seuils_veille]` in
/// dossier.toml, `--seuil` on the command line), with their defaults.
public struct VeilleThresholds: Sendable, Equatable {
    public var thresholds: [VeilleIndicator: GradeThresholds]
    /// Months (or weeks) of the rolling window the monthly indicators are
    /// computed on (1: the month alone).
    public var window: Int
    /// Fewest reports in the window (or in period 1 for the variation) for
    /// a share, a treatment rate or a variation to be graded: below, the
    /// indicator is shown but not graded (a share of 1 report in 1 is 100 %).
    public var minimumReports: Int

    /// Defaults, chosen from the demo and the DansMaRue sample (see README):
    /// 1 and 2 reports/ha/month; theme share 40 and 60 %; variation +10 and
    /// +25 %; cleaning coverage 95 and 85 %; treated within 30 days 80 and
    /// 60 %; window 3 months; at least 10 reports.
    public static let defaults = VeilleThresholds(thresholds: [
        .perHectarePerMonth: GradeThresholds(vigilance: 1, alert: 2, rising: true),
        .categoryShare: GradeThresholds(vigilance: 40, alert: 60, rising: true),
        .variation: GradeThresholds(vigilance: 10, alert: 25, rising: true),
        .cleaningCoverage: GradeThresholds(vigilance: 95, alert: 85, rising: false),
        .treatedWithin30Days: GradeThresholds(vigilance: 80, alert: 60, rising: false),
    ], window: 3, minimumReports: 10)

    public init(thresholds: [VeilleIndicator: GradeThresholds], window: Int, minimumReports: Int) {
        self.thresholds = thresholds
        self.window = window
        self.minimumReports = minimumReports
    }

    public subscript(_ i: VeilleIndicator) -> GradeThresholds { thresholds[i]! }

    /// Sets one indicator's thresholds, checked: `source` names the file
    /// and key, or the option, in the message.
    public mutating func set(_ key: String, vigilance: Double, alert: Double, source: String) throws {
        guard let i = VeilleIndicator(rawValue: key) else {
            throw GUPError("\(source) : indicateur « \(key) » inconnu (attendu \(VeilleIndicator.allCases.map(\.rawValue).joined(separator: ", ")), fenetre_mois ou effectif_minimum)")
        }
        guard vigilance.isFinite, alert.isFinite else { throw GUPError("\(source) : seuils non finis pour « \(key) »") }
        let rising = Self.defaults[i].rising
        if rising ? vigilance > alert : vigilance < alert {
            throw GUPError("\(source) : pour « \(key) », le seuil de vigilance (\(vigilance)) doit être \(rising ? "inférieur" : "supérieur") ou égal au seuil d'alerte (\(alert)) : \(rising ? "plus" : "moins") la valeur est \(rising ? "haute" : "basse"), plus la situation est grave")
        }
        thresholds[i] = GradeThresholds(vigilance: vigilance, alert: alert, rising: rising)
    }

    /// Parses `NOM=VIGILANCE:ALERTE` (`signalements_par_ha_mois=1.5:3`),
    /// `fenetre_mois=N` or `effectif_minimum=N`.
    public mutating func apply(_ raw: String, option: String) throws {
        let kv = raw.split(separator: "=", maxSplits: 1).map(String.init)
        guard kv.count == 2 else {
            throw GUPError("\(option) : « \(raw) » illisible (attendu NOM=VIGILANCE:ALERTE, par exemple signalements_par_ha_mois=1.5:3, ou fenetre_mois=N, effectif_minimum=N)")
        }
        let key = kv[0].trimmingCharacters(in: .whitespaces), value = kv[1].trimmingCharacters(in: .whitespaces)
        if key == "fenetre_mois" || key == "effectif_minimum" {
            guard let n = Int(value), n >= (key == "fenetre_mois" ? 1 : 0) else {
                throw GUPError("\(option) : « \(key) » attend un nombre entier \(key == "fenetre_mois" ? "≥ 1" : "≥ 0") (reçu « \(value) »)")
            }
            if key == "fenetre_mois" { window = n } else { minimumReports = n }
            return
        }
        let parts = value.split(separator: ":").map { Double($0.replacingOccurrences(of: ",", with: ".")) }
        guard parts.count == 2, let v = parts[0], let a = parts[1] else {
            throw GUPError("\(option) : seuils « \(value) » illisibles pour « \(key) » (attendu VIGILANCE:ALERTE, par exemple 1.5:3)")
        }
        try set(key, vigilance: v, alert: a, source: option)
    }
}

/// Everything `gup veille` and the dossier's dashboard are computed with.
public struct VeilleOptions: Sendable, Equatable {
    public var step: VeilleStep
    /// Days counted; an open end is taken from the incidents' dates.
    public var range: DayRange?
    public var thresholds: VeilleThresholds
    /// The two periods of the evolution (variation indicator, slope chart).
    public var period1: DayRange?
    public var period2: DayRange?

    public init(step: VeilleStep = .month, range: DayRange? = nil, thresholds: VeilleThresholds = .defaults,
                period1: DayRange? = nil, period2: DayRange? = nil) {
        self.step = step
        self.range = range
        self.thresholds = thresholds
        self.period1 = period1
        self.period2 = period2
    }
}
