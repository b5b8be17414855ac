import Foundation
import GUPModel
import GUPTopology

/// What the frames of several plans computed for the same shapes, kept
/// for the next plan that draws them the same way: the outline cut to the
/// frame and simplified, and the label's inscribed circle.
///
/// The plans of a dossier draw the same features again and again: the
/// plan de masse, the plan des points chauds and the parcours cut and
/// simplify the same parcels and residences to the same frame (same
/// subject, page and scale); every plan de situation simplifies the whole
/// commune in its inset and looks for the pole of its label. Measured on
/// the 60-quartier metro dossier (thread CPU, GEOS calls included), the
/// inset's commune alone took 0.58 s of simplification and 0.20 s of
/// inscribed circles, the site plans' parcels and residences 0.60 s of
/// cutting and simplifying.
///
/// Entries are keyed by the shape's identity (the memo keeps the shape
/// alive, so the identity is never reused), the frame's extent when the
/// shape was cut to it, and the tolerance: a hit gives back exactly what
/// the computation gave, so the plans are byte for byte the same.
public final class DrawMemo: @unchecked Sendable {
    /// Whether shapes cut to a frame are kept too. A memo shared by all the
    /// plans de situation of a dossier keeps only the shapes drawn whole
    /// (their frames differ: cut pieces would pile up and never serve); one
    /// for the plans of one quartier, which share their frame, keeps both.
    public let keepsClipped: Bool

    public init(keepsClipped: Bool) { self.keepsClipped = keepsClipped }

    struct Key: Hashable {
        var shape: ObjectIdentifier
        /// The frame's extent the shape was cut to (bit patterns); nil: drawn whole.
        var extent: [UInt64]?
        var tolerance: UInt64
        /// The ground the label keeps off (`MapLayer.labelAvoid`), for inscribed circles.
        var avoid: ObjectIdentifier?

        init(shape: GeometryHandle, extent: BoundingBox?, tolerance: Double, avoid: GeometryHandle? = nil) {
            self.shape = ObjectIdentifier(shape)
            self.extent = extent.map { [$0.minX.bitPattern, $0.minY.bitPattern, $0.maxX.bitPattern, $0.maxY.bitPattern] }
            self.tolerance = tolerance.bitPattern
            self.avoid = avoid.map(ObjectIdentifier.init)
        }
    }

    /// A shape as a frame draws it: nil geometry when the cut left nothing.
    struct Drawn {
        var geometry: Geometry?
        /// The cut shape (before simplification): the label's ground.
        var cut: GeometryHandle
    }

    private let lock = NSLock()
    private var drawn: [Key: (keep: GeometryHandle, value: Drawn)] = [:]
    private var circles: [Key: (keep: [GeometryHandle], value: (center: Position, radius: Double))] = [:]
    private var layers: [[ObjectIdentifier]: (keep: [GeometryHandle], value: MapLayer)] = [:]

    /// The outlines and circles kept.
    public var count: Int {
        lock.lock(); defer { lock.unlock() }
        return drawn.count + circles.count + layers.count
    }

    /// Whether a shape cut (`clipped`) or not is worth keeping in this memo.
    func keeps(clipped: Bool) -> Bool { keepsClipped || !clipped }

    func drawn(_ key: Key, _ make: () throws -> Drawn, shape: GeometryHandle) rethrows -> Drawn {
        try memoized(\.drawn, key, keep: shape, make)
    }

    func circle(_ key: Key, _ make: () throws -> (center: Position, radius: Double), keep: [GeometryHandle]) rethrows
        -> (center: Position, radius: Double) {
        try memoized(\.circles, key, keep: keep, make)
    }

    /// The value kept under `key` in `table`, else made (outside the lock:
    /// two threads may both make it; the same value either way) and kept
    /// with what must outlive it.
    private func memoized<K: Hashable, Kept, V>(_ table: ReferenceWritableKeyPath<DrawMemo, [K: (keep: Kept, value: V)]>, _ key: K,
                                                keep: Kept, _ make: () throws -> V) rethrows -> V {
        lock.lock()
        if let v = self[keyPath: table][key] { lock.unlock(); return v.value }
        lock.unlock()
        let v = try make()
        lock.lock(); self[keyPath: table][key] = (keep, v); lock.unlock()
        return v
    }

    /// A layer made from `shapes` alone (the veil outside the communes of a plan de situation).
    func layer(for shapes: [GeometryHandle], _ make: () throws -> MapLayer) rethrows -> MapLayer {
        try memoized(\.layers, shapes.map(ObjectIdentifier.init), keep: shapes, make)
    }
}
