import Foundation

/// Sane domains for the numbers a user or a data file gives, and the
/// checked Double → Int conversion. A number outside its domain is an error
/// whose French message names the option or key and states the bound, before
/// any work starts (issue 16: `--cellule 1e-13` or `--rayon 1e20` used to trap
/// in `Int(_:)` deep inside the grid code).
public enum NumberDomain {
    /// Lengths in metres (cell sides, radii, meshes): 1 cm to 100 km. Below
    /// 1 cm no survey is that precise; above 100 km the grid covers more than
    /// any quartier, commune or département the tool is meant for.
    public static let metres: ClosedRange<Double> = 0.01...100_000
    /// Areas in m² (overlap and gap thresholds): 0 to 100 km².
    public static let squareMetres: ClosedRange<Double> = 0...100_000_000
    /// Plan scale denominators: 1:100 to 1:1,000,000 (beyond, the page
    /// shows a region, not a quartier).
    public static let scaleDenominators: ClosedRange<Int> = 100...1_000_000
    /// Dwellings of one residence: 0 to 100,000 (the largest French estates
    /// count a few thousand dwellings).
    public static let dwellings: ClosedRange<Double> = 0...100_000

    /// `value` when finite and inside `range`; otherwise an error naming `what`.
    public static func check(_ value: Double, _ what: String, in range: ClosedRange<Double>, unit: String) throws -> Double {
        guard value.isFinite else {
            throw GUPError("\(what) : valeur \(describe(value)) impossible (attendu un nombre fini entre \(show(range.lowerBound)) et \(show(range.upperBound)) \(unit))")
        }
        guard range.contains(value) else {
            throw GUPError("\(what) : valeur \(describe(value)) hors des bornes (attendu entre \(show(range.lowerBound)) et \(show(range.upperBound)) \(unit))")
        }
        return value
    }

    /// Integer variant.
    public static func check(_ value: Int, _ what: String, in range: ClosedRange<Int>, unit: String) throws -> Int {
        guard range.contains(value) else {
            throw GUPError("\(what) : valeur \(value) hors des bornes (attendu entre \(show(Double(range.lowerBound))) et \(show(Double(range.upperBound))) \(unit))")
        }
        return value
    }

    /// A number as the user reads it (`nan`, `inf` spelled out in French).
    public static func describe(_ v: Double) -> String {
        if v.isNaN { return "« nan » (pas un nombre)" }
        if v.isInfinite { return v > 0 ? "infinie" : "moins l'infini" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        return "\(v)".replacingOccurrences(of: ".", with: ",")
    }

    static func show(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 {
            // Thin spaces between thousands, as the README and plans print them.
            let s = String(Int(v))
            var out = ""
            for (k, c) in s.reversed().enumerated() {
                if k > 0, k % 3 == 0, c != "-" { out.append("\u{202F}") }
                out.append(c)
            }
            return String(out.reversed())
        }
        return "\(v)".replacingOccurrences(of: ".", with: ",")
    }
}

extension Int {
    /// `Int(d)` when `d` is finite and representable; nil otherwise (the
    /// plain initialiser traps, which is how `--echelle 1e18` killed the tool).
    public init?(checking d: Double) {
        guard d.isFinite, d > -9.2e18, d < 9.2e18 else { return nil }
        self.init(d)
    }
}

/// Limits on the work a run may start: estimated before it starts and
/// refused beyond them, with the figure and the option that raises the limit
/// (issue 16: `--cellule 0.5` on the 82 ha demo ran 7 minutes and wrote 2 GB;
/// 3,000 stacked parcels made 4.5 million overlap pairs).
public struct WorkLimits: Sendable, Equatable {
    /// Cells of a hotspot grid (each cell costs GEOS predicates: the 3.3
    /// million cells of `--cellule 0.5` on the demo took minutes and gigabytes;
    /// the metro-scale benchmark city needs 61,165).
    public var gridCells: Int
    /// Pairs of parcels of different managers whose envelopes overlap.
    public var overlayPairs: Int

    /// Cells of a density raster (8 bytes each, no GEOS work): 50 million is
    /// 400 MB. Not an option: a larger mesh is the answer.
    public static let rasterCells = 50_000_000

    public init(gridCells: Int = 1_000_000, overlayPairs: Int = 1_000_000) {
        self.gridCells = gridCells
        self.overlayPairs = overlayPairs
    }

    /// The limits in force. Set once by the command line (`--max-cellules`,
    /// `--max-paires`) or the project file (`[limites]`) before any analysis
    /// starts; read by the analyses. A process-wide value because the
    /// analyses that need it sit several calls below the options.
    nonisolated(unsafe) public static var current = WorkLimits()

    /// Throws when a density raster of `columns` × `rows` cells exceeds `rasterCells`.
    public func checkRaster(columns: Double, rows: Double, what: String) throws {
        let n = columns * rows
        guard n.isFinite, n <= Double(Self.rasterCells) else {
            throw GUPError("\(what) : \(n.isFinite ? NumberDomain.show(n.rounded()) : "une infinité de") mailles (\(NumberDomain.show(columns.rounded())) × \(NumberDomain.show(rows.rounded()))), plus que la limite de \(NumberDomain.show(Double(Self.rasterCells))) : prenez une maille ou une cellule plus grande")
        }
    }

    /// Nil when a hotspot grid of `columns` × `rows` cells is within the
    /// limit; otherwise the figure, the limit and how to raise it.
    public func gridExcess(columns: Double, rows: Double) -> String? {
        let n = columns * rows
        guard n.isFinite, n <= Double(gridCells) else {
            return "\(n.isFinite ? NumberDomain.show(n.rounded()) : "une infinité de") cellules (\(NumberDomain.show(columns.rounded())) × \(NumberDomain.show(rows.rounded()))), plus que la limite de \(NumberDomain.show(Double(gridCells))) : choisissez une cellule plus grande, ou relevez la limite (option --max-cellules, clé limites.cellules du projet)"
        }
        return nil
    }

    /// Throws when a grid of `columns` × `rows` cells exceeds the limit.
    public func checkGrid(columns: Double, rows: Double, what: String) throws {
        let n = columns * rows
        guard n.isFinite, n <= Double(gridCells) else {
            throw GUPError("\(what) : \(n.isFinite ? NumberDomain.show(n.rounded()) : "une infinité de") cellules (\(NumberDomain.show(columns.rounded())) × \(NumberDomain.show(rows.rounded()))), plus que la limite de \(NumberDomain.show(Double(gridCells))) : prenez une cellule plus grande, ou relevez la limite (option --max-cellules, clé limites.cellules du projet)")
        }
    }

    /// Throws when `pairs` exceeds the overlay-pair limit.
    public func checkPairs(_ pairs: Int, what: String) throws {
        guard pairs <= overlayPairs else {
            throw GUPError("\(what) : au moins \(NumberDomain.show(Double(pairs))) paires de parcelles superposées à comparer, plus que la limite de \(NumberDomain.show(Double(overlayPairs))) (parcelles empilées en double ?) : corrigez la couche, ou relevez la limite (option --max-paires, clé limites.paires du projet)")
        }
    }
}

/// The processors this process may use, read once. Foundation's
/// `activeProcessorCount` reads the cgroup's CPU quota files on every call:
/// called by each parallel step, it was 0.7 % of the metro dossier's CPU
/// (perf, `_ProcessInfo.coreCount(quota:period:)` under the plans' labels).
public enum Processors {
    public static let active = ProcessInfo.processInfo.activeProcessorCount
}
