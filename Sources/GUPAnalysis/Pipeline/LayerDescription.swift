import Foundation
import GUPModel
import GUPProjection
import GUPTopology

/// What `gup resume` says of a layer: how its features were read, used,
/// repaired or skipped, its geometry types, source CRS, extent and area.
public struct LayerDescription: Sendable {
    public var name: String
    public var source: String
    public var sourceCRS: CRS
    public var summary: LoadSummary
    /// Geometry type names (« null » for null geometries) and their counts, sorted by name.
    public var types: [(type: String, count: Int)]
    /// Extent in the working CRS (nil when no feature was used).
    public var extent: BoundingBox?
    /// Total area, m² (areal layers).
    public var area: Double?

    /// The job: prepares `layer` in `working` (areal when any feature is a
    /// polygon) and describes it in one pass over the features; returns the
    /// prepared layer too: `gup resume` keeps its features until the process
    /// exits rather than free a million of them one by one.
    public static func prepareAndDescribe(_ layer: consuming Layer, working: CRS,
                                          reporter: Reporter = SilentReporter()) throws -> (description: LayerDescription, layer: WorkingLayer) {
        // Type counts in a fixed table: no string hashing per feature.
        let names = ["null", "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"]
        var counts = [Int](repeating: 0, count: names.count)
        var areal = false
        for f in layer.features {
            switch f.geometry {
            case nil: counts[0] += 1
            case .point?: counts[1] += 1
            case .multiPoint?: counts[2] += 1
            case .lineString?: counts[3] += 1
            case .multiLineString?: counts[4] += 1
            case .polygon?: counts[5] += 1; areal = true
            case .multiPolygon?: counts[6] += 1; areal = true
            case .geometryCollection(let g)?: counts[7] += 1; if !areal, Geometry.geometryCollection(g).isAreal { areal = true }
            }
        }
        let name = layer.name, source = layer.source, sourceCRS = layer.crs
        // The layer is handed over: prepared in place (see `Loader.prepare`).
        let w = try Loader.prepare(layer, to: working, expecting: areal ? .areal : .any, reporter: reporter)
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for f in w.features {
            switch f.geometry {
            case .point(let p)?:
                minX = min(minX, p.x); maxX = max(maxX, p.x); minY = min(minY, p.y); maxY = max(maxY, p.y)
            case let g?:
                if let b = g.bounds {
                    minX = min(minX, b.minX); maxX = max(maxX, b.maxX); minY = min(minY, b.minY); maxY = max(maxY, b.maxY)
                }
            case nil: break
            }
        }
        let extent = minX <= maxX ? BoundingBox(minX: minX, minY: minY, maxX: maxX, maxY: maxY) : nil
        let area = areal ? try w.shapes.reduce(0.0) { $0 + (try $1.area()) } : nil
        let d = LayerDescription(name: name, source: source, sourceCRS: sourceCRS, summary: w.summary,
                                 types: names.indices.filter { counts[$0] > 0 }.map { (names[$0], counts[$0]) }.sorted { $0.type < $1.type },
                                 extent: extent, area: area)
        return (d, w)
    }
}
