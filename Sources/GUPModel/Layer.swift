/// One feature of a layer: its position in the source file, its optional
/// identifier, its geometry (nil for a GeoJSON `null` geometry) and properties.
public struct Feature: Hashable, Sendable {
    /// Zero-based index of the feature in its source file.
    public var index: Int
    public var id: PropertyValue?
    public var geometry: Geometry?
    public var properties: Properties

    public init(index: Int, id: PropertyValue? = nil, geometry: Geometry?, properties: Properties = Properties()) {
        self.index = index
        self.id = id
        self.geometry = geometry
        self.properties = properties
    }

    /// A short French label for messages: « entité n° 12 (id 91216000AB0037) ».
    public var label: String {
        if let t = id?.text { return "entité n° \(index + 1) (id \(t))" }
        return "entité n° \(index + 1)"
    }

    /// The value of a key among the properties, falling back on the feature
    /// `id` when the key is `id` and no such property exists.
    public func value(forKey key: String) -> PropertyValue? {
        if let v = properties[key] { return v }
        if key == "id" { return id }
        return nil
    }
}

/// A coordinate reference system, identified as PROJ understands it
/// (`EPSG:2154`, `OGC:CRS84`).
public struct CRS: Hashable, Sendable, CustomStringConvertible {
    public var identifier: String
    public init(_ identifier: String) { self.identifier = identifier }

    public static let wgs84 = CRS("OGC:CRS84")   // lon/lat, RFC 7946
    public static let lambert93 = CRS("EPSG:2154")

    /// EPSG code when the identifier is `EPSG:n`.
    public var epsg: Int? {
        let parts = identifier.uppercased().split(separator: ":")
        if parts.count == 2, parts[0] == "EPSG" { return Int(parts[1]) }
        return nil
    }
    /// True for WGS 84 longitude/latitude (CRS84 or EPSG:4326).
    public var isWGS84LonLat: Bool {
        identifier.uppercased() == "OGC:CRS84" || epsg == 4326
    }
    public var description: String { identifier }

    /// Parses the forms found in GeoJSON `crs` members and on the command
    /// line: `EPSG:2154`, `epsg:2154`, `urn:ogc:def:crs:EPSG::2154`,
    /// `urn:ogc:def:crs:OGC:1.3:CRS84`, `CRS84`, `2154`. Nil when unknown.
    public static func parse(_ raw: String) -> CRS? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        let u = s.uppercased()
        if u.hasSuffix("CRS84") { return .wgs84 }
        if let n = Int(s) { return CRS("EPSG:\(n)") }
        if u.hasPrefix("EPSG:"), let n = Int(s.dropFirst(5)) { return CRS("EPSG:\(n)") }
        if u.hasPrefix("URN:OGC:DEF:CRS:EPSG:") {
            if let last = s.split(separator: ":").last, let n = Int(last) { return CRS("EPSG:\(n)") }
        }
        if u.hasPrefix("HTTP"), u.contains("EPSG"), let last = s.split(separator: "/").last, let n = Int(last) {
            return CRS("EPSG:\(n)")
        }
        return nil
    }
}

/// A layer read from a file: features in file order, with their source CRS.
public struct Layer: Sendable {
    /// Display name (the file name without extension, by default).
    public var name: String
    /// Path of the source file, for messages.
    public var source: String
    public var crs: CRS
    public var features: [Feature]

    public init(name: String, source: String, crs: CRS, features: [Feature]) {
        self.name = name
        self.source = source
        self.crs = crs
        self.features = features
    }

    public var count: Int { features.count }

    /// Bounding box of all geometries, nil when there are none.
    public var bounds: BoundingBox? {
        BoundingBox.union(features.lazy.compactMap { $0.geometry?.bounds })
    }
}

/// Field names tried, in order, when the user names none.
public enum FieldNames {
    public static let perimeterName = ["nom", "nom_qp", "NOM_QP", "lib_qp", "name"]
    public static let manager = ["gestionnaire", "proprietaire"]
    public static let owner = ["proprietaire"]
    public static let category = ["categorie", "type", "TYPE", "category"]
    public static let date = ["date", "date_signalement", "DATEDECL"]
    public static let resolutionDate = ["date_resolution", "date_cloture"]
    public static let dwellings = ["logements", "nb_logements"]
    public static let cleaner = ["intervenant"]
    public static let frequency = ["frequence"]
    public static let residenceName = ["nom", "name", "nom_residence"]
    public static let communeName = ["nom", "nom_commune", "NOM_COM", "name"]
}

import Foundation
