import CGDAL
import Foundation
import GUPModel

/// What a dataset holds, without reading its features: the layers of a
/// GeoPackage with their declared geometry type and feature count (`gup
/// verifier` on `dossier.gpkg`).
public enum VectorInspector {
    public struct LayerInfo: Sendable, Equatable {
        public var name: String
        /// OGR's name of the declared type: « Multi Polygon », « Point », « Unknown (any) »…
        public var geometryType: String
        /// True for one geometry type (not « Unknown », not a GeometryCollection).
        public var singleType: Bool
        public var featureCount: Int
    }

    public static func layers(path: String) throws -> [LayerInfo] {
        try GDALSetup.ensure()
        GDALFailure.reset()
        // Ownership: `ds` is ours until GDALClose.
        guard let ds = GDALOpenEx(path, UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY), nil, nil, nil) else {
            throw GDALFailure.error(path, "GeoPackage illisible")
        }
        defer { GDALClose(ds) }
        var out: [LayerInfo] = []
        for k in 0..<GDALDatasetGetLayerCount(ds) {
            guard let l = GDALDatasetGetLayer(ds, k) else { continue }   // borrowed from the dataset
            let type = OGR_L_GetGeomType(l)
            let flat = OGR_GT_Flatten(type)
            out.append(LayerInfo(name: String(cString: OGR_L_GetName(l)),
                                 geometryType: String(cString: OGRGeometryTypeToName(type)),
                                 singleType: flat != wkbUnknown && flat != wkbGeometryCollection,
                                 featureCount: Int(OGR_L_GetFeatureCount(l, 1))))
        }
        return out
    }
}

/// An XML document parsed by GDAL's XML parser (CPL minixml), for the
/// QGIS project files gup writes and checks.
public enum XMLSources {
    /// The data sources a QGIS project names: the text of each
    /// `<datasource>` element and the `source` attribute of each
    /// `<layer-tree-layer>`, in document order, entities decoded.
    public static func qgisDataSources(path: String) throws -> [String] {
        try withTree(path: path) { root in
            var found: [String] = []
            forEachElement(root) { node, name in
                if name == "datasource" {
                    var c = node.pointee.psChild
                    while let t = c {
                        if t.pointee.eType == CXT_Text, let s = t.pointee.pszValue { found.append(String(cString: s)) }
                        c = t.pointee.psNext
                    }
                } else if name == "layer-tree-layer", let s = CPLGetXMLValue(node, "source", nil) {
                    found.append(String(cString: s))
                }
            }
            return found
        }
    }

    /// The root element's name of a well-formed XML file (an SVG plan or
    /// chart) and how many elements it holds, through GDAL's XML parser.
    public static func outline(path: String) throws -> (root: String, elements: Int) {
        try withTree(path: path) { tree in
            var root: String?
            var count = 0
            forEachElement(tree) { _, name in
                // GDAL keeps the declaration (`?xml`) and doctype (`!DOCTYPE`) as nodes.
                guard !name.hasPrefix("?"), !name.hasPrefix("!") else { return }
                count += 1
                if root == nil { root = name }
            }
            guard let root else { throw GUPError.input(file: path, "aucun élément XML") }
            return (root, count)
        }
    }

    /// `body` on the parsed tree of the XML file at `path` (GDAL's parser);
    /// a file that is not UTF-8 text or not well-formed XML is an error naming it.
    static func withTree<T>(path: String, _ body: (UnsafeMutablePointer<CPLXMLNode>) throws -> T) throws -> T {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw GUPError.input(file: path, "fichier illisible (ou pas en UTF-8)")
        }
        try GDALSetup.ensure()
        GDALFailure.reset()
        // Ownership: the tree is ours until CPLDestroyXMLNode.
        guard let tree = CPLParseXMLString(text) else {
            throw GDALFailure.error(path, "XML mal formé")
        }
        defer { CPLDestroyXMLNode(tree) }
        return try body(tree)
    }

    /// Every element of the tree from `node` on (its siblings and their
    /// descendants), in document order, with its name.
    static func forEachElement(_ node: UnsafeMutablePointer<CPLXMLNode>?, _ body: (UnsafeMutablePointer<CPLXMLNode>, String) -> Void) {
        var n = node
        while let cur = n {
            if cur.pointee.eType == CXT_Element, let v = cur.pointee.pszValue {
                body(cur, String(cString: v))
                forEachElement(cur.pointee.psChild, body)
            }
            n = cur.pointee.psNext
        }
    }
}
