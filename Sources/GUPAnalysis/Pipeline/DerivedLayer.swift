import GUPModel
import GUPTopology

extension WorkingLayer {
    /// A layer made by an analysis (gaps, hot zones, a route) rather than
    /// read from a file, already in the working CRS: every feature is used.
    public init(derived name: String, source: String, crs: CRS, features: [Feature], shapes: [GeometryHandle] = []) {
        precondition(shapes.isEmpty || shapes.count == features.count)
        self.init(name: name, source: source, crs: crs, features: features, shapes: shapes,
                  summary: LoadSummary(layer: name, source: source, sourceCRS: crs.identifier,
                                       read: features.count, used: features.count, repaired: 0, skipped: []))
    }
}
