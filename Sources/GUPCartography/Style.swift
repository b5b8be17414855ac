import Foundation
import GUPModel
import GUPTopology

/// Hatching drawn with an SVG pattern: parallel lines.
public struct Hatch: Equatable, Sendable {
    public var color: String
    /// Distance between lines, mm.
    public var spacing: Double
    /// Angle of the lines, degrees (45 = rising to the right).
    public var angle: Double
    /// Line width, mm.
    public var lineWidth: Double
    public init(color: String, spacing: Double = 1.6, angle: Double = 45, lineWidth: Double = 0.3) {
        self.color = color; self.spacing = spacing; self.angle = angle; self.lineWidth = lineWidth
    }
}

/// The shape of a point symbol.
public enum SymbolShape: String, Sendable {
    case circle, square, triangle, diamond
}

public struct PointSymbol: Equatable, Sendable {
    public var shape: SymbolShape
    /// Diameter (or side), mm.
    public var size: Double
    public init(shape: SymbolShape = .circle, size: Double = 1.2) { self.shape = shape; self.size = size }
}

/// How features are drawn. Lengths in millimetres of paper.
public struct Style: Equatable, Sendable {
    public var fill: String?
    public var fillOpacity: Double
    public var stroke: String?
    public var strokeWidth: Double
    /// Dash pattern (mm), nil for a solid line.
    public var dash: [Double]?
    public var opacity: Double
    public var hatch: Hatch?
    public var symbol: PointSymbol
    /// Colour of a line's casing: the line drawn first this colour and
    /// `casingWidth` mm wider, then over it in `stroke` (roads, railways).
    public var casing: String? = nil
    public var casingWidth: Double = 0.3

    public init(fill: String? = nil, fillOpacity: Double = 1, stroke: String? = nil, strokeWidth: Double = 0.2,
                dash: [Double]? = nil, opacity: Double = 1, hatch: Hatch? = nil, symbol: PointSymbol = PointSymbol(),
                casing: String? = nil, casingWidth: Double = 0.3) {
        self.fill = fill; self.fillOpacity = fillOpacity; self.stroke = stroke; self.strokeWidth = strokeWidth
        self.dash = dash; self.opacity = opacity; self.hatch = hatch; self.symbol = symbol
        self.casing = casing; self.casingWidth = casingWidth
    }
}

/// One class of a classified layer: the value it stands for, its legend
/// label and its style.
public struct LegendClass: Equatable, Sendable {
    public var key: String
    public var label: String
    public var style: Style
    public init(key: String, label: String, style: Style) { self.key = key; self.label = label; self.style = style }
}

/// Labels of a layer: the text lines of a feature (nil: no label), the font
/// size (mm), the tier and the priority within it (higher placed first, see
/// `LabelTier`), how they sit on their features and, for `numbered`
/// layers, the text of a feature's entry in the key table when only a
/// number fits (default: its lines joined).
public struct LabelSpec: @unchecked Sendable {
    public var text: (Feature) -> [String]?
    public var size: Double
    public var bold: Bool
    public var color: String
    public var priority: (Feature) -> Double
    public var tier: Double
    public var placement: LabelPlacement?
    public var numbered: Bool
    public init(size: Double = 2.4, bold: Bool = false, color: String = "#222222", tier: Double = LabelTier.other,
                placement: LabelPlacement? = nil, numbered: Bool = false,
                priority: @escaping (Feature) -> Double = { _ in 0 }, text: @escaping (Feature) -> [String]?) {
        self.text = text; self.size = size; self.bold = bold; self.color = color; self.priority = priority
        self.tier = tier; self.placement = placement; self.numbered = numbered
    }
}

/// A raster drawn in classes (a density surface).
public struct RasterLayer: Sendable {
    public var grid: RasterGrid
    /// Upper bounds of the classes, increasing; a value v > 0 falls in the
    /// first class whose bound is ≥ v (values ≤ 0 are not drawn).
    public var breaks: [Double]
    public var colors: [String]
    public var opacity: Double
    /// Values at or below this are not drawn (the faint tail of a kernel
    /// would otherwise tint the whole map).
    public var floor: Double = 0
    /// How the classes were made (« quantiles communs à tous les quartiers du dossier »), nil: equal intervals.
    public var basis: String? = nil

    /// Equal-interval classes from 5 % of the grid's maximum (below: not
    /// drawn) to the maximum, ColorBrewer YlOrRd.
    public init(grid: RasterGrid, classes: Int = 5, opacity: Double = 0.75) {
        self.grid = grid
        let maxV = grid.values.max() ?? 0
        let n = max(1, classes)
        let low = maxV * 0.05
        floor = low
        breaks = (1...n).map { low + (maxV - low) * Double($0) / Double(n) }
        colors = ColorBrewer.sequential(count: n)
        self.opacity = opacity
    }

    public init(grid: RasterGrid, breaks: [Double], colors: [String], opacity: Double = 0.75) {
        precondition(breaks.count == colors.count)
        self.grid = grid; self.breaks = breaks; self.colors = colors; self.opacity = opacity
    }

    /// Class index of a value, nil for values not drawn.
    public func classIndex(_ v: Double) -> Int? {
        guard v > 0, v > floor, v.isFinite else { return nil }
        for (k, b) in breaks.enumerated() where v <= b { return k }
        return breaks.count - 1
    }

    /// « 9,2 – 44,1 signalements par hectare »: the class's bounds, French decimals.
    public func label(_ k: Int) -> String {
        let lo = k == 0 ? floor : breaks[k - 1]
        return "\(SVG.frenchDecimal(lo, digits: lo < 1 ? 2 : 1)) – \(SVG.frenchDecimal(breaks[k], digits: breaks[k] < 1 ? 2 : 1)) \(grid.unit)"
    }
}

/// A layer of a plan: features in the working CRS with their style, an
/// optional classification (by the value of a property) and labels.
public struct MapLayer: @unchecked Sendable {
    /// Group id suffix: `couche-<name>`.
    public var name: String
    /// Legend title (French).
    public var title: String
    public var features: [Feature]
    /// GEOS geometries aligned with `features` (areal layers); built when empty.
    public var shapes: [GeometryHandle]
    /// Style of unclassified features.
    public var style: Style
    /// The property holding the class of a feature (nil: one class).
    public var classField: String?
    /// Classes in legend order; features whose value is none of them take
    /// `style` and the legend label `otherLabel`.
    public var classes: [LegendClass]
    public var otherLabel: String
    /// Properties written as `data-` attributes on each feature.
    public var dataKeys: [String]
    public var labels: LabelSpec?
    /// Ground the labels of this layer keep clear of (their polygon minus
    /// it is used to find the pole of inaccessibility): a commune's name
    /// stays off the quartiers drawn over it.
    public var labelAvoid: GeometryHandle?
    public var inLegend: Bool
    public var raster: RasterLayer?
    /// An STRtree over the features' envelopes (shared, built once per
    /// layer): the frame then visits only the features near its extent —
    /// the dossier draws 4 plans per quartier over the same city-wide layers.
    public var index: SpatialIndex?
    /// The class of a feature computed from its properties (road classes
    /// from BD TOPO `importance` or OSM `highway`); `classField` then only
    /// names the source field. Nil: the class is the field's text.
    public var classifier: (@Sendable (Feature) -> String?)? = nil
    /// Street names drawn along the lines (see `StreetNames`).
    public var streetNames: StreetNameSpec? = nil
    /// Direction arrows every so many millimetres along the lines (the walking route).
    public var arrowEvery: Double? = nil
    /// Drawn as lines in the legend.
    public var linear = false
    /// What the drawn features are to the labels (nil: the lines of a
    /// linear layer, the outlines of a layer stroked 0.2 mm or more in a
    /// colour other than white, the symbols of a point layer).
    public var labelObstacle: LabelObstacle? = nil
    /// The shapes were made for this plan alone (a veil, the ground
    /// rectangle): no other plan draws them, so `DrawMemo` does not keep them.
    public var madeForThisPlan = false

    public init(name: String, title: String, features: [Feature], shapes: [GeometryHandle] = [], style: Style,
                classField: String? = nil, classes: [LegendClass] = [], otherLabel: String = "Non renseigné",
                dataKeys: [String] = [], labels: LabelSpec? = nil, inLegend: Bool = true) {
        self.name = name; self.title = title; self.features = features; self.shapes = shapes; self.style = style
        self.classField = classField; self.classes = classes; self.otherLabel = otherLabel
        self.dataKeys = dataKeys; self.labels = labels; self.inLegend = inLegend
    }

    /// A raster layer.
    public init(name: String, title: String, raster: RasterLayer) {
        self.init(name: name, title: title, features: [], style: Style())
        self.raster = raster
    }

    /// The class key of a feature: its `classField` text, nil when absent.
    public func classKey(of f: Feature) -> String? {
        guard let classField else { return nil }
        if let classifier { return classifier(f) }
        guard let t = f.value(forKey: classField)?.text else { return nil }
        return trimmed(t)
    }
}

/// Identifying properties of a feature worth keeping as `data-` attributes:
/// `id`, codes, names, and the given extra keys, in property order.
public func identifyingKeys(of layerFeatures: [Feature], extra: [String] = []) -> [String] {
    var keys: [String] = []
    var seen = Set<String>()
    for f in layerFeatures.prefix(50) {
        for k in f.properties.keys {
            let l = k.lowercased()
            if l == "id" || l.hasPrefix("code") || l.hasPrefix("nom") || l.hasPrefix("lib") || extra.contains(k) {
                if seen.insert(k).inserted { keys.append(k) }
            }
        }
    }
    for e in extra where !seen.contains(e) { keys.append(e); seen.insert(e) }
    if !seen.contains("id"), layerFeatures.contains(where: { $0.id != nil }) { keys.insert("id", at: 0) }
    return keys
}

/// The text without surrounding spaces; the common case (none) costs no copy.
@inline(__always) func trimmed(_ s: String) -> String {
    guard let a = s.unicodeScalars.first, let z = s.unicodeScalars.last else { return s }
    if a.properties.isWhitespace || z.properties.isWhitespace { return s.trimmingCharacters(in: .whitespaces) }
    return s
}
