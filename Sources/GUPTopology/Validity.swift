import CGEOS
import GUPModel

/// Why a geometry is invalid, and where.
public struct ValidityProblem: Sendable, Equatable {
    /// GEOS's reason, e.g. `Self-intersection`, `Ring Self-intersection`.
    public var reason: String
    public var location: Position?

    /// The reason in French, with its location.
    public var french: String {
        let r: String
        switch reason {
        case "Self-intersection": r = "auto-intersection"
        case "Ring Self-intersection": r = "auto-intersection d'anneau"
        case "Too few points in geometry component": r = "trop peu de points dans une composante"
        case "Hole lies outside shell": r = "trou hors de l'anneau extérieur"
        case "Nested holes", "Holes are nested": r = "trous imbriqués"
        case "Topology Validation Error": r = "erreur de topologie"
        case "Interior is disconnected": r = "intérieur non connexe"
        case "Nested shells": r = "polygones imbriqués"
        case "Duplicate Rings": r = "anneaux en double"
        case "Invalid Coordinate": r = "coordonnée invalide"
        case "Ring is not closed": r = "anneau non fermé"
        // A reason this table does not know: GEOS's English is not shown.
        default: r = "géométrie invalide (GEOS : « \(reason) »)"
        }
        if let p = location { return "\(r) en (\(p.x), \(p.y))" }
        return r
    }
}

extension GeometryHandle {
    public func isValid() throws -> Bool {
        let ctx = GEOSContext.current
        let r = GEOSisValid_r(ctx.handle, ptr)
        if r == 2 { throw ctx.error("validité") }
        return r == 1
    }

    /// Nil when valid; otherwise GEOS's reason and the location of the first problem.
    public func validityProblem() throws -> ValidityProblem? {
        let ctx = GEOSContext.current
        var reason: UnsafeMutablePointer<CChar>?
        var loc: OpaquePointer?
        let r = GEOSisValidDetail_r(ctx.handle, ptr, 0, &reason, &loc)
        if r == 2 { throw ctx.error("validité") }
        defer {
            if let reason { GEOSFree_r(ctx.handle, reason) }
            if let loc { GEOSGeom_destroy_r(ctx.handle, loc) }
        }
        if r == 1 { return nil }
        var p: Position?
        if let loc {
            var x = 0.0, y = 0.0
            if GEOSGeomGetX_r(ctx.handle, loc, &x) != 0, GEOSGeomGetY_r(ctx.handle, loc, &y) != 0 { p = Position(x, y) }
        }
        return ValidityProblem(reason: reason.map { String(cString: $0) } ?? "invalide", location: p)
    }
}
