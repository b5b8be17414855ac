import GUPModel

/// Ring comparisons shared by the analyses and the written geometry.
enum Rings {
    /// The ring without its consecutive repeated points and without its
    /// closing point.
    static func open(_ ring: [Position]) -> [Position] {
        var r: [Position] = []
        r.reserveCapacity(ring.count)
        for p in ring where r.last != p { r.append(p) }
        if r.count > 1, r.first == r.last { r.removeLast() }
        return r
    }

    /// Whether two open rings have the same vertices, each within
    /// `tolerance` in x and y, in the same cyclic order either way round
    /// (any start, either direction).
    static func same(_ h: [Position], _ r: [Position], tolerance: Double) -> Bool {
        let n = h.count
        guard n >= 3, r.count == n else { return false }
        func near(_ a: Position, _ b: Position) -> Bool { abs(a.x - b.x) <= tolerance && abs(a.y - b.y) <= tolerance }
        for start in 0..<n where near(r[start], h[0]) {
            if (0..<n).allSatisfy({ near(r[(start + $0) % n], h[$0]) }) { return true }
            if (0..<n).allSatisfy({ near(r[(start - $0 + n) % n], h[$0]) }) { return true }
        }
        return false
    }
}
