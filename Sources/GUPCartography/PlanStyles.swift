import Foundation

/// The styles of the layers of the plans de masse, in one place: the SVG
/// plans draw with them, and the QGIS project of the dossier (`dossier.qgs`)
/// translates the same values into QGIS symbols, so a layer looks the same
/// on paper and in QGIS. Lengths in millimetres of paper.
public enum PlanStyles {
    /// The quartier's perimeter: black dash-dot outline.
    public static let perimeter = Style(stroke: "#000000", strokeWidth: 0.8, dash: [4, 1.2, 1, 1.2])
    /// Ground no parcel covers (streets, public space).
    public static let nonCadastral = Style(fill: "#ece6d8")
    /// A parcel whose manager is unknown.
    public static let tenureOther = Style(fill: "#e0e0e0", stroke: "#ffffff", strokeWidth: 0.15)
    /// A parcel of a manager coloured `color` (from `Plans.managerColors`).
    public static func tenure(_ color: String) -> Style { Style(fill: color, stroke: "#ffffff", strokeWidth: 0.15) }
    public static let residences = Style(fill: "#bdbdbd", stroke: "#525252", strokeWidth: 0.25)
    /// A cleaning sector of unknown cleaner, and of a cleaner coloured `color`.
    public static let sectorOther = Style(stroke: "#4d4d4d", strokeWidth: 0.5, dash: [2, 1])
    public static func sector(_ color: String) -> Style { Style(stroke: color, strokeWidth: 0.55, dash: [2, 1]) }
    /// The cleaners' colours (ColorBrewer Dark2: lines).
    public static func cleanerColors(_ names: some Sequence<String>) -> ColorAssignment {
        ColorAssignment(names: names, palette: ColorBrewer.symbols)
    }
    /// Cleaning gaps: black hatching (red is kept for the hotspots, issue 14;
    /// black reads on every manager colour).
    public static let gaps = Style(stroke: "#1a1a1a", strokeWidth: 0.3, hatch: Hatch(color: "#1a1a1a", spacing: 1.4, angle: 45, lineWidth: 0.25))
    /// Overlapping claims of two managers (the tenure analysis's
    /// `chevauchements`; the plans colour the ground by manager, the GIS
    /// hand-over shows the overlaps over it): purple hatching the other way.
    public static let overlaps = Style(stroke: ColorBrewer.paired[9], strokeWidth: 0.3,
                                       hatch: Hatch(color: ColorBrewer.paired[9], spacing: 1.4, angle: -45, lineWidth: 0.3))
    /// Double cleaning coverage (two cleaners paid for the same ground): outlined, Dark2's purple.
    public static let doubleCoverage = Style(stroke: ColorBrewer.dark2[2], strokeWidth: 0.4,
                                             hatch: Hatch(color: ColorBrewer.dark2[2], spacing: 1.4, angle: 0, lineWidth: 0.2))
    /// The hot zones to visit: thick dark red outline over a white casing
    /// (it reads on the heat layer's reds too).
    public static let hotspots = Style(stroke: "#b10026", strokeWidth: 0.9, casing: "#ffffff", casingWidth: 0.7)
    /// The walking route: solid along the streets, dashed as the crow flies.
    public static func route(alongStreets: Bool) -> Style {
        Style(stroke: routeColor, strokeWidth: 0.8, dash: alongStreets ? nil : [3, 1.2])
    }
    /// The route's stops: white discs ringed in the route's colour (the plan
    /// draws them as small areas sized on paper, QGIS as markers of that size).
    public static let routeStop = Style(fill: "#ffffff", stroke: routeColor, strokeWidth: 0.6)
    public static let routeStopPoint = Style(fill: "#ffffff", stroke: routeColor, strokeWidth: 0.6, symbol: PointSymbol(shape: .circle, size: 4.4))
    static let routeColor = "#08306b"
    /// The Gi* classes of the hotspot grid cells (`classe`, ±1 to ±3 for
    /// p < 0.10, 0.05, 0.01): hot spots in YlOrRd, cold spots in Blues,
    /// darker when surer; class 0 is not drawn.
    public static let giClasses: [(classe: Int, label: String, style: Style)] = {
        let hot = ColorBrewer.sequential(count: 3), cold = ColorBrewer.blues3
        let level = ["90 %", "95 %", "99 %"]
        return (1...3).reversed().map { k in (k, "Point chaud (confiance \(level[k - 1]))", Style(fill: hot[k - 1], fillOpacity: 0.7)) }
            + (1...3).map { k in (-k, "Point froid (confiance \(level[k - 1]))", Style(fill: cold[k - 1], fillOpacity: 0.7)) }
    }()
    /// An incident of unknown category, and of a category coloured `color`.
    public static let incidentOther = Style(fill: "#666666", symbol: PointSymbol(shape: .circle, size: 0.9))
    /// The k-th category takes `ColorAssignment.incidentShape(k)`: a shape as
    /// well as a (dark) colour, told apart without colour vision.
    public static func incident(_ color: String, shape: SymbolShape = .circle) -> Style {
        Style(fill: color, stroke: "#ffffff", strokeWidth: 0.15, symbol: PointSymbol(shape: shape, size: 1.3))
    }
}
