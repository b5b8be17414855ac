import XCTest
import GUPModel
import GUPProjection
@testable import GUPAnalysis

final class WalkingRouteTests: XCTestCase {
    /// Brute force over every permutation: the reference the exact planner must match.
    func bruteForce(start: Position, stops: [Position]) -> Double {
        func dist(_ a: Position, _ b: Position) -> Double { ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() }
        var best = Double.infinity
        func permute(_ rest: [Int], _ path: [Int]) {
            if rest.isEmpty {
                var l = 0.0, prev = start
                for k in path { l += dist(prev, stops[k]); prev = stops[k] }
                best = min(best, l + dist(prev, start))
                return
            }
            for (i, k) in rest.enumerated() {
                var r = rest; r.remove(at: i)
                permute(r, path + [k])
            }
        }
        permute(Array(stops.indices), [])
        return best
    }

    func testExactOnRandomInstancesMatchesBruteForce() {
        var rng = SystemRandomNumberGenerator()
        for n in [1, 2, 3, 5, 8] {
            let stops = (0..<n).map { _ in Position(Double.random(in: 0...500, using: &rng), Double.random(in: 0...500, using: &rng)) }
            let start = Position(250, 250)
            let r = WalkingRoute.plan(start: start, stops: stops)
            XCTAssertTrue(r.exact)
            XCTAssertEqual(r.order.sorted(), Array(0..<n))
            XCTAssertEqual(r.length, bruteForce(start: start, stops: stops), accuracy: 1e-6)
        }
    }

    func testSquareIsWalkedAroundNotAcross() {
        // Corners of a 100 m square, listed crosswise; the loop from one corner is the perimeter.
        let stops = [Position(100, 100), Position(0, 100), Position(100, 0)]
        let r = WalkingRoute.plan(start: Position(0, 0), stops: stops)
        XCTAssertEqual(r.length, 400, accuracy: 1e-9)
        XCTAssertTrue(r.order == [2, 0, 1] || r.order == [1, 0, 2])
    }

    func testLargeInstanceIsHeuristicButVisitsAll() {
        let stops = (0..<30).map { Position(Double($0 % 6) * 50, Double($0 / 6) * 50) }
        let r = WalkingRoute.plan(start: Position(-10, -10), stops: stops)
        XCTAssertFalse(r.exact)
        XCTAssertEqual(r.order.sorted(), Array(0..<30))
        // A 6 × 5 lattice at 50 m needs at least 30 legs of 50 m.
        XCTAssertGreaterThanOrEqual(r.length, 1500)
        XCTAssertLessThan(r.length, 1500 * 1.25)
    }
}

/// Issue 16, case 10: a start point at the other end of the world (a
/// 142,000 km walk) is a typing error in [longitude, latitude].
final class WalkingRouteStartTests: XCTestCase {
    func testAFarStartIsRefusedANearOneAccepted() throws {
        // The demo's Les Pins hotspots are a few hundred metres apart (Lambert-93).
        let stops = [Position(882_100, 6_263_800), Position(882_400, 6_264_100)]
        XCTAssertNoThrow(try WalkingRoute.checkStart(Position(881_500, 6_263_500), stops: stops, what: "parcours.depart"))
        // [43.44, 5.24] typed the wrong way round lands in the Indian Ocean, ~10,000 km away once projected.
        let ocean = try CoordinateTransformer(from: .wgs84, to: .lambert93).transform(Position(43.44, 5.24))
        XCTAssertThrowsError(try WalkingRoute.checkStart(ocean, stops: stops, what: "parcours.depart")) {
            XCTAssertTrue("\($0)".hasPrefix("parcours.depart : le point de départ est à "), "\($0)")
            XCTAssertTrue("\($0)".contains("au plus 10 km"), "\($0)")
        }
        XCTAssertThrowsError(try WalkingRoute.checkStart(Position(.infinity, 0), stops: stops, what: "parcours.depart"))
    }
}
