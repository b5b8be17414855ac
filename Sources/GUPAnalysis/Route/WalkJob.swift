import Foundation
import GUPModel
import GUPProjection
import GUPTopology

/// The walk of the diagnostic en marchant in one quartier: through its
/// main hot zones, along the streets when a network is given.
public struct Walk: @unchecked Sendable {
    /// The hot zones the walk stops at (the first `stops` by rank), and
    /// their centres (a point on each zone's surface), in rank order.
    public var hotZones: [HotZone]
    public var hotspotCentres: [Position]
    public var route: WalkingRoute
    /// Set when the walk follows the streets.
    public var street: NetworkRoute?
    /// The start and the stops where the walkers stand (snapped on the
    /// streets, else the start and the centres), stops in rank order.
    public var start: Position
    public var stops: [Position]
    /// The loop as drawn (working CRS).
    public var line: [Position]
    /// Walking length of each leg in visiting order (stops + 1 legs).
    public var legs: [Double]

    public var alongStreets: Bool { street != nil }
    /// The stops in visiting order, as the walkers reach them.
    public var visited: [Position] { route.order.map { stops[$0] } }
}

public struct WalkOptions: Sendable {
    /// How many hot zones a walk stops at.
    public var stops: Int
    /// A start the user gave (working CRS); else a point on each quartier's surface.
    public var start: Position?
    public init(stops: Int, start: Position? = nil) { self.stops = stops; self.start = start }
}

public enum Walks {
    /// The job: the walk of each quartier of `hotspots` that has hot zones,
    /// by quartier name, computed on every core. `startWhat` names the
    /// user's start for an error message (« dossier.toml, clé
    /// « parcours.depart », quartier « X » »). Quartiers whose network route
    /// has legs drawn straight are reported.
    public static func run(_ hotspots: HotspotResult, zones: ZoneSet, network: RoadNetwork?, options: WalkOptions,
                           startWhat: @escaping @Sendable (String) -> String,
                           reporter: Reporter = SilentReporter()) throws -> [String: Walk] {
        let entries = hotspots.entries.filter { $0.zone != nil && !$0.hotZones.isEmpty }
        let zoneIndex = Dictionary(zones.names.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let walks = try parallelMap(count: entries.count) { k -> (String, Walk) in
            let e = entries[k]
            let name = e.zone!
            guard let z = zoneIndex[name] else { throw GUPError("parcours : quartier « \(name) » introuvable") }
            return (name, try walk(e.hotZones, quartier: zones.shapes[z], name: name, network: network, options: options,
                                   startWhat: startWhat, reporter: reporter))
        }
        return Dictionary(walks, uniquingKeysWith: { a, _ in a })
    }

    static func walk(_ hot: [HotZone], quartier: GeometryHandle, name: String, network: RoadNetwork?, options: WalkOptions,
                     startWhat: (String) -> String, reporter: Reporter) throws -> Walk {
        let chosen = Array(hot.prefix(options.stops))
        let centres = try chosen.map { try $0.shape.pointOnSurface().pointPosition() }
        let start: Position
        if let s = options.start {
            start = s
            try WalkingRoute.checkStart(start, stops: centres, what: startWhat(name))
        } else {
            start = try quartier.pointOnSurface().pointPosition()
        }
        // Along the streets when a roads layer is given: the start and the
        // stops snapped onto the network (public space), walking distances.
        let street = network.flatMap { NetworkRoute.plan(start: start, stops: centres, network: $0) }
        let route = street.map { WalkingRoute(order: $0.order, length: $0.length, exact: $0.exact) }
            ?? WalkingRoute.plan(start: start, stops: centres)
        if let s = street, s.straightLegs > 0 {
            reporter.warning("quartier « \(name) » : \(s.straightLegs) étape(s) du parcours sans chemin par les rues (réseau non connexe), tracée(s) à vol d'oiseau")
        }
        let startShown = street?.start ?? start
        let stopsShown = street?.stops ?? centres
        let line = street?.line ?? ([start] + route.order.map { centres[$0] } + [start])
        // The legs as walked: along the streets, else straight.
        let walked = [startShown] + route.order.map { stopsShown[$0] } + [startShown]
        let legs = street?.legs ?? zip(walked, walked.dropFirst()).map { hypot($1.x - $0.x, $1.y - $0.y) }
        return Walk(hotZones: chosen, hotspotCentres: centres, route: route, street: street, start: startShown,
                    stops: stopsShown, line: line, legs: legs)
    }
}
