import CGDAL
import Foundation
import GUPModel

/// Writes result layers through GDAL, where the city's QGIS reads them:
/// every layer of a run into one GeoPackage, or as PostGIS tables. Layers
/// keep their CRS (the working CRS of the run).
public enum LayerWriter {
    /// Writes `layers` (one GeoPackage layer each, named after `Layer.name`)
    /// into `name` inside the output folder, atomically: a temporary
    /// GeoPackage in the same folder, renamed over the target once closed.
    @discardableResult
    public static func writeGeoPackage(_ layers: [Layer], to name: String, in folder: OutputFolder) throws -> URL {
        try GDALSetup.ensure()
        let target = try folder.resolve(name)
        // The folder hands a fresh temporary path inside its run's staging
        // folder (the file lands in the output with the run's other files);
        // GDAL's GeoPackage driver wants the extension, renamed after.
        return try folder.write(to: name) { path in
            let tmp = path + ".gpkg"
            unlink(tmp)
            defer { unlink(tmp) }
            guard let driver = GDALGetDriverByName("GPKG") else { throw GUPError.input(file: target.path, "pilote GeoPackage absent de GDAL") }
            GDALFailure.reset()
            // Ownership: `ds` is ours until GDALClose (which also finishes the file).
            guard let ds = GDALCreate(driver, tmp, 0, 0, 0, GDT_Unknown, nil) else {
                throw GDALFailure.error(target.path, "création du GeoPackage impossible")
            }
            do {
                for l in layers { try write(l, into: ds, options: [], destination: target.path) }
            } catch {
                GDALClose(ds)
                throw error
            }
            GDALFailure.reset()
            GDALClose(ds)
            if CPLGetLastErrorType() == CE_Failure {
                throw GDALFailure.error(target.path, "écriture du GeoPackage interrompue")
            }
            if rename(tmp, path) != 0 {
                throw GUPError("Écriture impossible de \(target.path) : erreur système \(errno)")
            }
        }
    }

    /// Writes `layers` as PostGIS tables named after `Layer.name` (in the
    /// connection's `active_schema`, or `schema.table` names), replacing
    /// tables of the same name. Each table is written in one transaction.
    public static func writePostGIS(_ layers: [Layer], connection: String) throws {
        try GDALSetup.ensure()
        let shown = redactConnection(connection)
        let drivers = GDALStringList()
        drivers.append("PostgreSQL")
        GDALFailure.reset()
        // Ownership: `ds` is ours until GDALClose.
        guard let ds = GDALOpenEx(connection, UInt32(GDAL_OF_VECTOR | GDAL_OF_UPDATE), drivers.const, nil, nil) else {
            throw GDALFailure.error(shown, "connexion à la base impossible pour écrire les résultats")
        }
        defer { GDALClose(ds) }
        for l in layers {
            try write(l, into: ds, options: [("OVERWRITE", "YES"), ("GEOMETRY_NAME", "geom")], destination: "\(shown) (table \(l.name))")
        }
    }

    /// The OGR geometry type of a layer: one type when all features share it
    /// (Polygon and MultiPolygon as MultiPolygon, as QGIS expects), else any.
    static func layerType(_ l: Layer) -> OGRwkbGeometryType {
        var kinds = Set<String>()
        for f in l.features {
            switch f.geometry {
            case .point?: kinds.insert("point")
            case .multiPoint?: kinds.insert("multipoint")
            case .lineString?, .multiLineString?: kinds.insert("line")
            case .polygon?, .multiPolygon?: kinds.insert("area")
            case .geometryCollection?: kinds.insert("collection")
            case nil: break
            }
        }
        guard kinds.count == 1 else { return wkbUnknown }
        switch kinds.first! {
        case "point": return wkbPoint
        case "multipoint": return wkbMultiPoint
        case "line": return wkbMultiLineString
        case "area": return wkbMultiPolygon
        default: return wkbGeometryCollection
        }
    }

    enum FieldKind { case integer, real, text }

    /// Fields in first-seen order; a field is numeric when every non-null value is.
    static func schema(_ l: Layer) -> [(String, FieldKind)] {
        var order: [String] = []
        var kinds: [String: FieldKind] = [:]
        for f in l.features {
            for (k, v) in f.properties {
                if kinds[k] == nil { order.append(k); kinds[k] = .integer }
                switch v {
                case .null: break
                case .number(let d): if d != d.rounded() || abs(d) >= 9e15 { if kinds[k] == .integer { kinds[k] = .real } }
                default: kinds[k] = .text
                }
            }
        }
        return order.map { ($0, kinds[$0]!) }
    }

    static func write(_ l: Layer, into ds: GDALDatasetH, options: [(String, String)], destination: String) throws {
        // Ownership: `srs` is ours (released below); CreateLayer keeps its own reference.
        let srs = OSRNewSpatialReference(nil)
        defer { OSRRelease(srs) }
        guard OSRSetFromUserInput(srs, l.crs.identifier) == OGRERR_NONE else {
            throw GDALFailure.error(destination, "système de coordonnées \(l.crs.identifier) inconnu de GDAL")
        }
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER)
        let type = layerType(l)
        let opts = GDALStringList(options)
        GDALFailure.reset()
        guard let layer = GDALDatasetCreateLayer(ds, l.name, srs, type, opts.list) else {
            throw GDALFailure.error(destination, "création de la couche « \(l.name) » impossible")
        }
        let fields = schema(l)
        for (name, kind) in fields {
            // Ownership: the field definition is ours; CreateField copies it.
            let fd = OGR_Fld_Create(name, kind == .integer ? OFTInteger64 : kind == .real ? OFTReal : OFTString)
            defer { OGR_Fld_Destroy(fd) }
            guard OGR_L_CreateField(layer, fd, 1) == OGRERR_NONE else {
                throw GDALFailure.error(destination, "champ « \(name) » de la couche « \(l.name) » refusé")
            }
        }
        let defn = OGR_L_GetLayerDefn(layer)
        // One transaction per layer where the driver has them (GeoPackage, PostgreSQL).
        let inTransaction = GDALDatasetStartTransaction(ds, 0) == OGRERR_NONE
        for f in l.features {
            // Ownership: `of` is ours until OGR_F_Destroy; its geometry is handed over by SetGeometryDirectly.
            let of = OGR_F_Create(defn)
            defer { OGR_F_Destroy(of) }
            for (k, (name, kind)) in fields.enumerated() {
                let i = Int32(k)   // fields were created in this order
                switch f.properties[name] {
                case nil, .null?: OGR_F_SetFieldNull(of, i)
                case .number(let d)?:
                    if kind == .integer { OGR_F_SetFieldInteger64(of, i, GIntBig(d)) } else { OGR_F_SetFieldDouble(of, i, d) }
                case .bool(let b)?:
                    if kind == .text { OGR_F_SetFieldString(of, i, b ? "true" : "false") } else { OGR_F_SetFieldInteger64(of, i, b ? 1 : 0) }
                case let v?:
                    OGR_F_SetFieldString(of, i, v.text ?? "")
                }
            }
            if var g = f.geometry {
                if type == wkbMultiPolygon, case .polygon(let p) = g { g = .multiPolygon([p]) }
                if type == wkbMultiLineString, case .lineString(let ps) = g { g = .multiLineString([ps]) }
                OGR_F_SetGeometryDirectly(of, make(g))
            }
            guard OGR_L_CreateFeature(layer, of) == OGRERR_NONE else {
                if inTransaction { _ = GDALDatasetRollbackTransaction(ds) }
                throw GDALFailure.error(destination, "couche « \(l.name) », \(f.label) : écriture refusée")
            }
        }
        guard !inTransaction || GDALDatasetCommitTransaction(ds) == OGRERR_NONE else {
            throw GDALFailure.error(destination, "couche « \(l.name) » : validation de l'écriture refusée")
        }
    }

    /// A new OGR geometry (owned by the caller) for a model geometry.
    static func make(_ g: Geometry) -> OGRGeometryH {
        func line(_ ps: [Position], _ type: OGRwkbGeometryType) -> OGRGeometryH {
            let h = OGR_G_CreateGeometry(type)!
            let n = Int32(ps.count)
            var ps = ps
            ps.withUnsafeMutableBytes { raw in
                let stride = Int32(MemoryLayout<Position>.stride)
                OGR_G_SetPoints(h, n, raw.baseAddress!, stride, raw.baseAddress! + 8, stride, nil, 0)
            }
            return h
        }
        func polygon(_ p: Polygon) -> OGRGeometryH {
            let h = OGR_G_CreateGeometry(wkbPolygon)!
            // Ownership: each ring is handed to the polygon.
            for r in p.rings where !r.isEmpty { OGR_G_AddGeometryDirectly(h, line(r, wkbLinearRing)) }
            return h
        }
        func collection(_ type: OGRwkbGeometryType, _ parts: [OGRGeometryH]) -> OGRGeometryH {
            let h = OGR_G_CreateGeometry(type)!
            for p in parts { OGR_G_AddGeometryDirectly(h, p) }
            return h
        }
        switch g {
        case .point(let p):
            let h = OGR_G_CreateGeometry(wkbPoint)!
            OGR_G_SetPoint_2D(h, 0, p.x, p.y)
            return h
        case .multiPoint(let ps): return collection(wkbMultiPoint, ps.map { make(.point($0)) })
        case .lineString(let ps): return line(ps, wkbLineString)
        case .multiLineString(let ls): return collection(wkbMultiLineString, ls.map { line($0, wkbLineString) })
        case .polygon(let p): return polygon(p)
        case .multiPolygon(let ps): return collection(wkbMultiPolygon, ps.map(polygon))
        case .geometryCollection(let gs): return collection(wkbGeometryCollection, gs.map(make))
        }
    }
}
