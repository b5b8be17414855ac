import Foundation
import GUPCartography
import GUPModel

/// A QGIS project file (`.qgs`, plain XML), written by the project's own
/// small writer: layers from files beside the project (relative paths),
/// grouped, each with the symbols of the plans translated from their
/// `Style`. Only what QGIS needs to open and draw the layers is written;
/// QGIS fills the rest with its defaults when it reads the project.
///
/// The elements and property names follow what QGIS 3.22 (Debian 12's)
/// writes itself: `<projectCrs>`, `<layer-tree-group>`, `<projectlayers>`
/// with one `<maplayer>` each, `renderer-v2` (`singleSymbol`,
/// `categorizedSymbol`), symbol layers `SimpleFill`, `SimpleLine`,
/// `LinePatternFill`, `SimpleMarker` with their options in millimetres,
/// and raster `singlebandpseudocolor` with a discrete colour ramp; the test
/// `testDossierQGISProjectLoadsInQGIS` loads the result with QGIS itself.
struct QGISProject {
    enum Geometry: String { case point = "Point", line = "Line", polygon = "Polygon" }

    /// One class of a categorized layer: features whose `field` equals
    /// `value` (`nil`: every other value) take `style`.
    struct Category {
        var value: String?
        var label: String
        var style: Style
    }

    enum Renderer {
        case single(Style)
        case categorized(field: String, categories: [Category])
    }

    enum Content {
        case vector(geometry: Geometry, renderer: Renderer)
        /// A one-band raster drawn in classes: a cell takes the colour of
        /// the first class whose upper bound is ≥ its value; at or below
        /// `floor` it is not drawn.
        case raster(floor: Double, classes: [(upper: Double, color: String, label: String)], opacity: Double)
    }

    /// A layer id QGIS keeps. QGIS 3.22 takes the `<id>` of a layer only
    /// when it is longer than 10 characters (it expects a name and a
    /// timestamp) and gives a random one otherwise, which the layer tree,
    /// still naming the short id, then no longer finds (`perimetres` and
    /// `parcelles` fell out of the tree that way).
    static func layerID(_ name: String) -> String { "gup_couche_" + name }

    struct Layer {
        /// Unique, from `layerID`.
        var id: String
        var name: String
        /// Relative to the project file: `./dossier.gpkg|layername=x`, `./quartier/densite_noyau.asc`.
        var source: String
        var content: Content
        var visible = true
    }

    struct Group {
        var name: String
        var layers: [Layer]
    }

    var title: String
    /// The project CRS: its authority code (`EPSG:2154`) and WKT 2.
    var crsAuthority: String
    var crsWKT: String
    /// The initial view, in the project CRS.
    var extent: BoundingBox
    /// Top of the list first (drawn last, on top), as QGIS's layer panel shows them.
    var groups: [Group]

    func xml() -> String {
        var x = XMLText()
        x.line(#"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"#)
        x.open("qgis", ["version": "3.22.16", "projectname": title])
        x.leaf("homePath", ["path": ""])
        x.text("title", title)
        x.open("projectCrs")
        spatialRefSys(&x)
        x.close()
        x.open("layer-tree-group")
        for g in groups {
            x.open("layer-tree-group", ["name": g.name, "checked": "Qt::Checked", "expanded": "1"])
            for l in g.layers {
                x.leaf("layer-tree-layer", ["id": l.id, "name": l.name, "source": l.source, "providerKey": provider(l),
                                            "checked": l.visible ? "Qt::Checked" : "Qt::Unchecked", "expanded": "1"])
            }
            x.close()
        }
        x.close()
        x.open("mapcanvas", ["name": "theMapCanvas", "annotationsVisible": "1"])
        x.text("units", "meters")
        extentElement(&x)
        x.text("rotation", "0")
        x.open("destinationsrs")
        spatialRefSys(&x)
        x.close()
        x.close()
        x.open("projectlayers")
        for l in groups.flatMap(\.layers) { mapLayer(l, into: &x) }
        x.close()
        // The view a project opens on (QGIS ≥ 3.18 reads it here, in any program that loads the project).
        x.open("ProjectViewSettings", ["UseProjectScales": "0", "rotation": "0"])
        x.open("DefaultViewExtent", ["xmin": String(format: "%.3f", extent.minX), "ymin": String(format: "%.3f", extent.minY),
                                     "xmax": String(format: "%.3f", extent.maxX), "ymax": String(format: "%.3f", extent.maxY)])
        spatialRefSys(&x)
        x.close()
        x.close()
        // Relative paths: the folder can be moved or sent as a whole.
        x.open("properties")
        x.open("Paths")
        x.text("Absolute", "false", ["type": "bool"])
        x.close()
        // QGIS reads <projectCrs> only when this says projections are on.
        x.open("SpatialRefSys")
        x.text("ProjectionsEnabled", "1", ["type": "int"])
        x.close()
        x.close()
        x.close()
        return x.string
    }

    private func provider(_ l: Layer) -> String {
        if case .raster = l.content { return "gdal" }
        return "ogr"
    }

    private func spatialRefSys(_ x: inout XMLText) {
        x.open("spatialrefsys")
        x.text("wkt", crsWKT)
        x.text("authid", crsAuthority)
        x.close()
    }

    private func extentElement(_ x: inout XMLText) {
        x.open("extent")
        x.text("xmin", String(format: "%.3f", extent.minX))
        x.text("ymin", String(format: "%.3f", extent.minY))
        x.text("xmax", String(format: "%.3f", extent.maxX))
        x.text("ymax", String(format: "%.3f", extent.maxY))
        x.close()
    }

    private func mapLayer(_ l: Layer, into x: inout XMLText) {
        switch l.content {
        case let .vector(geometry, renderer):
            x.open("maplayer", ["type": "vector", "geometry": geometry.rawValue])
            header(l, into: &x)
            x.text("provider", "ogr", ["encoding": "UTF-8"])
            self.renderer(renderer, geometry: geometry, into: &x)
            x.text("layerOpacity", "1")
            x.close()
        case let .raster(floor, classes, opacity):
            x.open("maplayer", ["type": "raster"])
            header(l, into: &x)
            x.text("provider", "gdal")
            x.open("pipe")
            x.open("rasterrenderer", ["type": "singlebandpseudocolor", "band": "1", "opacity": Self.number(opacity), "alphaBand": "-1"])
            x.open("rastershader")
            x.open("colorrampshader", ["colorRampType": "DISCRETE", "classificationMode": "1", "clip": "0"])
            x.leaf("item", ["value": Self.number(floor), "color": "#ffffff", "alpha": "0", "label": ""])
            for c in classes {
                x.leaf("item", ["value": Self.number(c.upper), "color": c.color, "alpha": "255", "label": c.label])
            }
            x.close()
            x.close()
            x.close()
            x.close()
            x.close()
        }
    }

    private func header(_ l: Layer, into x: inout XMLText) {
        x.text("id", l.id)
        x.text("datasource", l.source)
        x.text("layername", l.name)
        x.open("srs")
        spatialRefSys(&x)
        x.close()
    }

    private func renderer(_ r: Renderer, geometry: Geometry, into x: inout XMLText) {
        switch r {
        case .single(let s):
            x.open("renderer-v2", ["type": "singleSymbol", "symbollevels": "0", "forceraster": "0", "enableorderby": "0"])
            x.open("symbols")
            symbol(s, name: "0", geometry: geometry, into: &x)
            x.close()
            x.close()
        case let .categorized(field, categories):
            x.open("renderer-v2", ["type": "categorizedSymbol", "attr": field, "symbollevels": "0", "forceraster": "0", "enableorderby": "0"])
            x.open("categories")
            for (k, c) in categories.enumerated() {
                // An empty value is QGIS's « all other values » category.
                x.leaf("category", ["symbol": "\(k)", "value": c.value ?? "", "label": c.label, "render": "true"])
            }
            x.close()
            x.open("symbols")
            for (k, c) in categories.enumerated() { symbol(c.style, name: "\(k)", geometry: geometry, into: &x) }
            x.close()
            x.close()
        }
    }

    /// A style as a QGIS symbol: for areas a fill (`SimpleFill`), hatching
    /// (`LinePatternFill` drawing lines of `lineWidth`) and an outline
    /// (`SimpleLine`, dashed like the plan); for lines a `SimpleLine`; for
    /// points a `SimpleMarker`.
    private func symbol(_ s: Style, name: String, geometry: Geometry, into x: inout XMLText) {
        switch geometry {
        case .polygon:
            x.open("symbol", ["type": "fill", "name": name, "alpha": Self.number(s.opacity), "clip_to_extent": "1", "force_rhr": "0"])
            if let fill = s.fill {
                symbolLayer("SimpleFill", ["color": Self.rgba(fill, s.fillOpacity), "style": "solid", "outline_style": "no",
                                           "outline_width": "0", "outline_width_unit": "MM"], into: &x)
            }
            if let h = s.hatch {
                symbolLayer("LinePatternFill", ["angle": Self.number(h.angle), "distance": Self.number(h.spacing), "distance_unit": "MM",
                                                "color": Self.rgba(h.color, 1), "line_width": Self.number(h.lineWidth),
                                                "line_width_unit": "MM"], into: &x) { x in
                    x.open("symbol", ["type": "line", "name": "@\(name)@\(s.fill == nil ? 0 : 1)", "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"])
                    symbolLayer("SimpleLine", line(color: h.color, width: h.lineWidth, dash: nil), into: &x)
                    x.close()
                }
            }
            if let stroke = s.stroke {
                symbolLayer("SimpleLine", line(color: stroke, width: s.strokeWidth, dash: s.dash), into: &x)
            }
            x.close()
        case .line:
            x.open("symbol", ["type": "line", "name": name, "alpha": Self.number(s.opacity), "clip_to_extent": "1", "force_rhr": "0"])
            symbolLayer("SimpleLine", line(color: s.stroke ?? "#000000", width: s.strokeWidth, dash: s.dash), into: &x)
            x.close()
        case .point:
            x.open("symbol", ["type": "marker", "name": name, "alpha": Self.number(s.opacity), "clip_to_extent": "1", "force_rhr": "0"])
            let shape: String
            switch s.symbol.shape {
            case .circle: shape = "circle"
            case .square: shape = "square"
            case .triangle: shape = "triangle"
            case .diamond: shape = "diamond"
            }
            symbolLayer("SimpleMarker", ["name": shape, "size": Self.number(s.symbol.size), "size_unit": "MM",
                                         "color": Self.rgba(s.fill ?? "#000000", s.fillOpacity),
                                         "outline_color": Self.rgba(s.stroke ?? "#000000", 1),
                                         "outline_style": s.stroke == nil ? "no" : "solid",
                                         "outline_width": Self.number(s.stroke == nil ? 0 : s.strokeWidth), "outline_width_unit": "MM",
                                         "scale_method": "diameter"], into: &x)
            x.close()
        }
    }

    private func line(color: String, width: Double, dash: [Double]?) -> [String: String] {
        var p = ["line_color": Self.rgba(color, 1), "line_width": Self.number(width), "line_width_unit": "MM",
                 "line_style": "solid", "joinstyle": "round", "capstyle": "flat"]
        if let dash, !dash.isEmpty {
            p["use_custom_dash"] = "1"
            p["customdash"] = dash.map(Self.number).joined(separator: ";")
            p["customdash_unit"] = "MM"
        } else {
            p["use_custom_dash"] = "0"
        }
        return p
    }

    private func symbolLayer(_ cls: String, _ options: [String: String], into x: inout XMLText,
                             children: ((inout XMLText) -> Void)? = nil) {
        x.open("layer", ["class": cls, "enabled": "1", "locked": "0", "pass": "0"])
        x.open("Option", ["type": "Map"])
        for k in options.keys.sorted() { x.leaf("Option", ["name": k, "type": "QString", "value": options[k]!]) }
        x.close()
        children?(&x)
        x.close()
    }

    /// `#rrggbb` and an opacity as QGIS's `r,g,b,a`.
    static func rgba(_ hex: String, _ opacity: Double) -> String {
        var h = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        if h.count == 3 { h = h.map { "\($0)\($0)" }.joined() }
        let v = UInt32(h, radix: 16) ?? 0
        let a = Int((max(0, min(1, opacity)) * 255).rounded())
        return "\((v >> 16) & 0xff),\((v >> 8) & 0xff),\(v & 0xff),\(a)"
    }

    /// A number as XML holds it: decimal point, no exponent, no trailing zeros.
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        var s = String(format: "%.6f", d)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}

/// Indented XML, attributes in a stable order (sorted), values escaped.
struct XMLText {
    private var out = ""
    private var stack: [String] = []
    var string: String { out }

    private var indent: String { String(repeating: "  ", count: stack.count) }

    private func attributes(_ a: [String: String]) -> String {
        a.keys.sorted().map { " \($0)=\"\(SVG.escape(a[$0]!))\"" }.joined()
    }

    mutating func line(_ s: String) { out += s + "\n" }
    mutating func open(_ tag: String, _ a: [String: String] = [:]) {
        out += "\(indent)<\(tag)\(attributes(a))>\n"
        stack.append(tag)
    }
    mutating func close() {
        let tag = stack.removeLast()
        out += "\(indent)</\(tag)>\n"
    }
    mutating func leaf(_ tag: String, _ a: [String: String] = [:]) { out += "\(indent)<\(tag)\(attributes(a))/>\n" }
    mutating func text(_ tag: String, _ value: String, _ a: [String: String] = [:]) {
        out += "\(indent)<\(tag)\(attributes(a))>\(SVG.escape(value))</\(tag)>\n"
    }
}
