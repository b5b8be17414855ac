import CPROJ
import Foundation
import GUPModel

/// An error from PROJ, with PROJ's message.
public struct ProjectionError: Error, CustomStringConvertible, LocalizedError, Sendable {
    public var message: String
    public var description: String { "PROJ : \(message)" }
    public var errorDescription: String? { description }
}

/// A coordinate transformation between two CRSs, with axis order normalised
/// to x = easting/longitude, y = northing/latitude whatever the CRS
/// definitions say. Owns its own PROJ context; calls are serialised by a
/// lock, so one transformer may be shared by several tasks (for full
/// parallel throughput give each task its own with `copy()`).
public final class CoordinateTransformer: @unchecked Sendable {
    public let source: CRS
    public let target: CRS
    private let ctx: OpaquePointer
    private let pj: OpaquePointer
    private let lock = NSLock()

    public init(from source: CRS, to target: CRS) throws {
        self.source = source
        self.target = target
        if source != target {
            try WorkingCRS.checkHorizontal(source)
            try WorkingCRS.checkHorizontal(target)
        }
        guard let c = PROJMessages.context() else { throw ProjectionError(message: "création du contexte impossible") }
        ctx = c
        guard let raw = proj_create_crs_to_crs(c, source.identifier, target.identifier, nil) else {
            let m = Self.message(c)
            proj_context_destroy(c)
            throw ProjectionError(message: "transformation \(source) → \(target) impossible : \(m)")
        }
        defer { proj_destroy(raw) }
        guard let norm = proj_normalize_for_visualization(c, raw) else {
            let m = Self.message(c)
            proj_context_destroy(c)
            throw ProjectionError(message: "normalisation de l'ordre des axes impossible : \(m)")
        }
        pj = norm
    }

    deinit {
        proj_destroy(pj)
        proj_context_destroy(ctx)
    }

    /// A transformer for the same CRSs with its own PROJ context.
    public func copy() throws -> CoordinateTransformer { try CoordinateTransformer(from: source, to: target) }

    /// The calling thread's transformer for these CRSs, created on first use
    /// and kept for the thread's life. Creating one reads PROJ's database
    /// (about a tenth of the dossier's time when every quartier made its own
    /// dozen, measured with perf: sqlite3VdbeExec on top); a thread's own
    /// transformer is never shared with another thread.
    public static func shared(from source: CRS, to target: CRS) throws -> CoordinateTransformer {
        let key = "gupkit.proj.transformer|\(source.identifier)|\(target.identifier)"
        let dict = Thread.current.threadDictionary
        if let t = dict[key] as? CoordinateTransformer { return t }
        let t = try CoordinateTransformer(from: source, to: target)
        dict[key] = t
        return t
    }

    /// The identity is detected so that data already in the target CRS costs nothing.
    public var isIdentity: Bool { source == target }

    private static func message(_ c: OpaquePointer) -> String { PROJMessages.message(c) }

    /// Transforms positions in place, in one PROJ call. Throws when a
    /// position cannot be transformed (non-finite result).
    public func transform(_ positions: inout [Position]) throws {
        if isIdentity || positions.isEmpty { return }
        try positions.withUnsafeMutableBufferPointer { try transform($0) }
    }

    public func transform(_ buf: UnsafeMutableBufferPointer<Position>) throws {
        if isIdentity || buf.isEmpty { return }
        lock.lock()
        defer { lock.unlock() }
        let base = UnsafeMutableRawPointer(buf.baseAddress!).assumingMemoryBound(to: Double.self)
        let stride = MemoryLayout<Position>.stride
        proj_errno_reset(pj)
        _ = proj_trans_generic(pj, PJ_FWD,
                               base, stride, buf.count,
                               base + 1, stride, buf.count,
                               nil, 0, 0, nil, 0, 0)
        for k in 0..<buf.count where !(buf[k].x.isFinite && buf[k].y.isFinite) {
            throw ProjectionError(message: "position n° \(k + 1) impossible à transformer de \(source) vers \(target)")
        }
    }

    public func transform(_ p: Position) throws -> Position {
        var a = [p]
        try transform(&a)
        return a[0]
    }

    /// Transforms every position of a geometry.
    public func transform(_ g: Geometry) throws -> Geometry {
        if isIdentity { return g }
        switch g {
        case .point(let p): return .point(try transform(p))
        case .multiPoint(var ps): try transform(&ps); return .multiPoint(ps)
        case .lineString(var ps): try transform(&ps); return .lineString(ps)
        case .multiLineString(let ls): return .multiLineString(try ls.map { var l = $0; try transform(&l); return l })
        case .polygon(let p): return .polygon(try transform(p))
        case .multiPolygon(let ps): return .multiPolygon(try ps.map(transform))
        case .geometryCollection(let gs): return .geometryCollection(try gs.map(transform))
        }
    }

    public func transform(_ p: Polygon) throws -> Polygon {
        var e = p.exterior
        try transform(&e)
        let holes = try p.holes.map { var h = $0; try transform(&h); return h }
        return Polygon(exterior: e, holes: holes)
    }
}

/// Version of the PROJ library loaded at run time (`proj_info().version`,
/// e.g. `9.1.1`), not the version of the headers gup was compiled against.
public var projVersion: String {
    let info = proj_info()
    return info.version.map { String(cString: $0) } ?? "?"
}
