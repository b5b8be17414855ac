import CGDAL
import Foundation
import GUPModel

/// Reads a vector layer through GDAL/OGR into the same `Layer` the GeoJSON
/// reader produces: features in source order, properties (numbers as
/// numbers, dates as ISO 8601 text), geometry in the source's own
/// coordinates, and the source's CRS.
public enum VectorReader {
    /// A layer read, and whether its source declared a CRS (`.prj`,
    /// GeoPackage SRS, PostGIS SRID). When it declared none, `layer.crs` is
    /// WGS 84 (the convention of CSV exports) and the caller may apply the
    /// user's `--crs-source`.
    public struct Outcome: Sendable {
        public var layer: Layer
        public var crsDeclared: Bool
    }

    /// Column names tried for CSV coordinates and geometries (GDAL's CSV
    /// driver options; matching is case-insensitive).
    static let xNames = "lon,longitude,lng,long,x,coord_x,coordonnee_x,xcoord"
    static let yNames = "lat,latitude,y,coord_y,coordonnee_y,ycoord"
    static let geomNames = "geo_shape,wkt,geom,geometry,geometrie,the_geom,wkt_geom"
    /// Opendatasoft's « lat,lon » point column, used when no geometry was found.
    static let pointColumn = "geo_point_2d"

    /// Registers GDAL's drivers now (done once, on first use otherwise):
    /// for a caller that times its reads, as Python's pyogrio does at import.
    public static func registerDrivers() throws { try GDALSetup.ensure() }

    public static func read(_ source: DataSource, name: String? = nil) throws -> Outcome {
        try GDALSetup.ensure()
        let display = source.description
        var openPath = source.location
        let options = GDALStringList()
        let drivers = GDALStringList()
        var textEncoding = TextEncoding.utf8
        var kind = FileKind.binary
        if source.isConnection {
            drivers.append("PostgreSQL")
        } else {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source.location, isDirectory: &isDir) else {
                throw GUPError.input(file: source.location, "fichier introuvable")
            }
            kind = isDir.boolValue ? .binary : try FileKind.sniff(path: source.location)
            switch kind {
            case .zip:
                let ext = URL(fileURLWithPath: source.location).pathExtension.lowercased()
                if !["xlsx", "ods"].contains(ext) {
                    // A zipped Shapefile (or several): read inside the archive.
                    openPath = "/vsizip/" + URL(fileURLWithPath: source.location).standardizedFileURL.path
                }
            case .text:
                textEncoding = TextEncoding.detect(path: source.location)
                for (k, v) in [("X_POSSIBLE_NAMES", xNames), ("Y_POSSIBLE_NAMES", yNames),
                               ("GEOM_POSSIBLE_NAMES", geomNames), ("KEEP_GEOM_COLUMNS", "NO")] {
                    options.set(k, v)
                }
                drivers.append("CSV")
                // GDAL's CSV driver only claims `.csv` files unless told.
                if URL(fileURLWithPath: source.location).pathExtension.lowercased() != "csv" {
                    openPath = "CSV:" + source.location
                }
            default: break
            }
            if kind == .zip || kind == .shapefile || kind == .dbf || isDir.boolValue,
               let enc = ShapefileEncoding.decide(openPath: openPath, layer: source.layer) {
                options.set("ENCODING", enc)
            }
        }
        GDALFailure.reset()
        // Ownership: `ds` is ours until GDALClose in the defer below.
        guard let ds = GDALOpenEx(openPath, UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY), drivers.const, options.const, nil) else {
            if source.isConnection {
                throw GDALFailure.error(display, "connexion à la base impossible ; vérifiez dbname, host (dossier du socket), user")
            }
            throw GUPError.input(file: source.location, unreadableMessage(kind: kind, path: source.location))
        }
        defer { GDALClose(ds) }
        let driver = GDALGetDriverShortName(GDALGetDatasetDriver(ds)).map { String(cString: $0) } ?? ""
        // Ownership: a layer from ExecuteSQL is released with ReleaseResultSet;
        // others belong to the dataset.
        var sqlLayer: OGRLayerH?
        defer { if let sqlLayer { GDALDatasetReleaseResultSet(ds, sqlLayer) } }
        let layer: OGRLayerH
        if let q = source.query {
            GDALFailure.reset()
            guard let l = GDALDatasetExecuteSQL(ds, q, nil, nil) else {
                throw GDALFailure.error(display, "requête « \(q) » refusée")
            }
            sqlLayer = l
            layer = l
        } else {
            layer = try chooseLayer(ds, source: source)
        }
        let layerName = String(cString: OGR_L_GetName(layer))
        let defaultName: String
        if source.isConnection || source.layer != nil || source.query != nil {
            defaultName = source.layer ?? layerName
        } else {
            defaultName = URL(fileURLWithPath: source.location).deletingPathExtension().lastPathComponent
        }
        let (crs, declared) = try crsOf(OGR_L_GetSpatialRef(layer), source: display)
        let keyedByFID = ["GPKG", "PostgreSQL", "SQLite", "FlatGeobuf"].contains(driver)
        // One sequential pass: on this project's shared 2-core machine, reading a
        // GeoPackage in fid slices on both cores (a dataset handle per slice)
        // measured slower than one pass (gup-bench lecture-gdal: 0.96–1.16 s
        // against 0.62–0.81 s for the 156,399 metro parcels).
        let features = try readFeatures(layer, encoding: textEncoding, keyedByFID: keyedByFID, csv: driver == "CSV", source: display)
        return Outcome(layer: Layer(name: name ?? defaultName, source: display, crs: crs, features: features),
                       crsDeclared: declared)
    }

    /// The message for a file no reader could open: what it looks like, what to do.
    static func unreadableMessage(kind: FileKind, path: String) -> String {
        var s = "format non reconnu : le fichier ressemble à \(kind.french)"
        if let m = GDALFailure.lastMessage() { s += " (message de GDAL : « \(m) »)" }
        switch kind {
        case .text:
            s += " ; un CSV doit avoir une ligne d'en-tête et des colonnes lon/lat, x/y, WKT, geo_point_2d ou geo_shape"
        case .zip:
            s += " ; l'archive doit contenir un Shapefile (.shp, .shx, .dbf, .prj)"
        case .dbf:
            s += " ; donnez le fichier .shp, avec .shx et .prj à côté"
        default: break
        }
        s += ". Formats lus : \(SupportedFormats.layers). Sinon convertissez-le, par exemple : ogr2ogr -f GPKG sortie.gpkg \"\(path)\""
        return s
    }

    /// The layer to read: the one named, or the only one; several and none
    /// named is an error listing them.
    static func chooseLayer(_ ds: GDALDatasetH, source: DataSource) throws -> OGRLayerH {
        let n = GDALDatasetGetLayerCount(ds)
        var names: [String] = []
        for k in 0..<n {
            if let l = GDALDatasetGetLayer(ds, k) { names.append(String(cString: OGR_L_GetName(l))) }
        }
        if let wanted = source.layer {
            if let l = GDALDatasetGetLayerByName(ds, wanted) { return l }
            throw GUPError.input(file: redactConnection(source.location), "couche « \(wanted) » absente (couches : \(names.isEmpty ? "aucune" : names.joined(separator: ", ")))")
        }
        guard n > 0, let first = GDALDatasetGetLayer(ds, 0) else {
            throw GUPError.input(file: redactConnection(source.location), "aucune couche vectorielle")
        }
        if n > 1 {
            let how = source.isConnection
                ? "ajoutez tables=schema.table à la connexion, ou couche = \"schema.table\" dans dossier.toml"
                : "choisissez-en une : \(source.location):\(names[0]) sur la ligne de commande, ou couche = \"\(names[0])\" dans dossier.toml"
            throw GUPError.input(file: redactConnection(source.location), "\(n) couches (\(names.joined(separator: ", "))) ; \(how)")
        }
        return first
    }

    /// The CRS of a layer as an identifier PROJ accepts: `EPSG:n` when the
    /// definition matches an EPSG entry (a `.prj` in ESRI WKT carries no
    /// code: OSRFindMatches finds it), else the definition as WKT2.
    static func crsOf(_ srs: OGRSpatialReferenceH?, source: String) throws -> (CRS, Bool) {
        guard let srs else { return (.wgs84, false) }
        if let c = epsgIdentifier(srs) { return (c == "EPSG:4326" ? .wgs84 : CRS(c), true) }
        // Ownership: `matches` is ours (OSRFreeSRSArray); the SRS in it too.
        var count: Int32 = 0
        var confidences: UnsafeMutablePointer<Int32>?
        if let matches = OSRFindMatches(srs, nil, &count, &confidences) {
            defer { OSRFreeSRSArray(matches); VSIFree(confidences) }
            if count > 0, let conf = confidences, conf[0] >= 90, let m = matches[0], let c = epsgIdentifier(m) {
                return (c == "EPSG:4326" ? .wgs84 : CRS(c), true)
            }
        }
        var wkt: UnsafeMutablePointer<CChar>?
        let opts = GDALStringList([("FORMAT", "WKT2_2019")])
        guard OSRExportToWktEx(srs, &wkt, opts.const) == OGRERR_NONE, let w = wkt else {
            throw GDALFailure.error(source, "système de coordonnées illisible")
        }
        defer { VSIFree(w) }
        return (CRS(String(cString: w)), true)
    }

    static func epsgIdentifier(_ srs: OGRSpatialReferenceH) -> String? {
        guard let a = OSRGetAuthorityName(srs, nil), String(cString: a).uppercased() == "EPSG",
              let c = OSRGetAuthorityCode(srs, nil) else { return nil }
        return "EPSG:\(String(cString: c))"
    }

    /// What each field is, decided once per layer.
    struct Field {
        var name: String
        var type: OGRFieldType
    }

    /// Reads the features of `layer` (those its attribute filter lets through).
    static func readFeatures(_ layer: OGRLayerH, encoding: TextEncoding, keyedByFID: Bool, csv: Bool, source: String) throws -> [Feature] {
        let defn = OGR_L_GetLayerDefn(layer)
        let nf = OGR_FD_GetFieldCount(defn)
        var fields: [Field] = []
        for i in 0..<nf {
            let fd = OGR_FD_GetFieldDefn(defn, i)
            fields.append(Field(name: encoding.decode(OGR_Fld_GetNameRef(fd)), type: OGR_Fld_GetType(fd)))
        }
        let pointField = fields.firstIndex { $0.name.lowercased() == pointColumn }
        // GDAL's CSV driver reads X/Y with atof, so « 2,3411 » (a French
        // spreadsheet's decimal comma) becomes 2: such values are read again here.
        func column(_ names: String) -> Int? {
            let wanted = names.split(separator: ",").map(String.init)
            return fields.firstIndex { wanted.contains($0.name.lowercased()) && $0.type == OFTString }
        }
        let xyFields = !csv ? nil : column(xNames).flatMap { x in column(yNames).map { (x, $0) } }
        var features: [Feature] = []
        if OGR_L_TestCapability(layer, OLCFastFeatureCount) != 0 {
            features.reserveCapacity(Int(OGR_L_GetFeatureCount(layer, 0)))
        }
        OGR_L_ResetReading(layer)
        GDALFailure.reset()
        var index = 0
        // Ownership: each feature from GetNextFeature is ours until OGR_F_Destroy.
        while let f = OGR_L_GetNextFeature(layer) {
            defer { OGR_F_Destroy(f); index += 1 }
            var props = [(key: String, value: PropertyValue)]()
            props.reserveCapacity(fields.count)
            for (i, fd) in fields.enumerated() {
                props.append((key: fd.name, value: value(f, Int32(i), fd.type, encoding)))
            }
            var geometry = OGR_F_GetGeometryRef(f).flatMap(convert)
            if geometry == nil, let k = pointField, case .string(let t) = props[k].value {
                geometry = latLonPoint(t)
            }
            if let (xi, yi) = xyFields, case .string(let xt) = props[xi].value, case .string(let yt) = props[yi].value,
               geometry == nil || xt.contains(",") || yt.contains(",") {
                if let x = PropertyValue.parseNumber(xt), let y = PropertyValue.parseNumber(yt) {
                    geometry = .point(Position(x, y))
                }
            }
            let id: PropertyValue? = keyedByFID ? .number(Double(OGR_F_GetFID(f))) : nil
            features.append(Feature(index: index, id: id, geometry: geometry, properties: Properties(props)))
        }
        if CPLGetLastErrorType() == CE_Failure {
            throw GDALFailure.error(source, "lecture interrompue après \(index) entité(s)")
        }
        return features
    }

    /// A field value: numbers as numbers, dates as ISO 8601 text, the rest as text.
    static func value(_ f: OGRFeatureH, _ i: Int32, _ type: OGRFieldType, _ encoding: TextEncoding) -> PropertyValue {
        guard OGR_F_IsFieldSetAndNotNull(f, i) != 0 else { return .null }
        switch type {
        case OFTInteger, OFTInteger64:
            return .number(Double(OGR_F_GetFieldAsInteger64(f, i)))
        case OFTReal:
            return .number(OGR_F_GetFieldAsDouble(f, i))
        case OFTDate, OFTDateTime:
            var y: Int32 = 0, m: Int32 = 0, d: Int32 = 0, h: Int32 = 0, mi: Int32 = 0, tz: Int32 = 0
            var s: Float = 0
            guard OGR_F_GetFieldAsDateTimeEx(f, i, &y, &m, &d, &h, &mi, &s, &tz) != 0 else { return .null }
            var text = String(format: "%04d-%02d-%02d", y, m, d)
            if type == OFTDateTime {
                text += String(format: "T%02d:%02d:%02d", h, mi, Int(s))
                // OGR's TZFlag: 100 = UTC, 100 ± n = offset of n quarter hours.
                if tz == 100 { text += "Z" } else if tz > 1 {
                    let q = Int(tz) - 100
                    text += String(format: "%@%02d:%02d", q < 0 ? "-" : "+", abs(q) / 4, abs(q) % 4 * 15)
                }
            }
            return .string(text)
        default:
            return .string(encoding.decode(OGR_F_GetFieldAsString(f, i)))
        }
    }

    /// « 48.85,2.34 » (Opendatasoft: latitude first) as a lon/lat point.
    static func latLonPoint(_ t: String) -> Geometry? {
        let parts = t.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let lat = Double(parts[0]), let lon = Double(parts[1]) else { return nil }
        return .point(Position(lon, lat))
    }

    /// An OGR geometry as a model geometry (2D); nil for empty ones. Curves
    /// are linearised by OGR (default step).
    static func convert(_ g: OGRGeometryH) -> Geometry? {
        if OGR_G_IsEmpty(g) != 0 { return nil }
        let t = OGR_GT_Flatten(OGR_G_GetGeometryType(g))
        func children() -> [OGRGeometryH] {
            (0..<OGR_G_GetGeometryCount(g)).compactMap { OGR_G_GetGeometryRef(g, $0) }
        }
        switch t {
        case wkbPoint:
            return .point(Position(OGR_G_GetX(g, 0), OGR_G_GetY(g, 0)))
        case wkbLineString, wkbLinearRing:
            return .lineString(positions(g))
        case wkbPolygon:
            return polygon(g).map { .polygon($0) }
        case wkbMultiPoint:
            return .multiPoint(children().filter { OGR_G_IsEmpty($0) == 0 }.map { Position(OGR_G_GetX($0, 0), OGR_G_GetY($0, 0)) })
        case wkbMultiLineString:
            return .multiLineString(children().map(positions))
        case wkbMultiPolygon:
            return .multiPolygon(children().compactMap(polygon))
        case wkbGeometryCollection:
            return .geometryCollection(children().compactMap(convert))
        default:
            // Curves, surfaces, TINs: OGR's linear approximation.
            // Ownership: `lin` is ours until OGR_G_DestroyGeometry.
            guard let lin = OGR_G_GetLinearGeometry(g, 0, nil) else { return nil }
            defer { OGR_G_DestroyGeometry(lin) }
            let lt = OGR_GT_Flatten(OGR_G_GetGeometryType(lin))
            if lt == wkbPolyhedralSurface || lt == wkbTIN {
                // Ownership: ForceTo consumes its argument and returns a new geometry.
                guard let mp = OGR_G_ForceTo(OGR_G_Clone(lin), wkbMultiPolygon, nil) else { return nil }
                defer { OGR_G_DestroyGeometry(mp) }
                return convert(mp)
            }
            return OGR_GT_Flatten(OGR_G_GetGeometryType(lin)) == t ? nil : convert(lin)
        }
    }

    static func positions(_ g: OGRGeometryH) -> [Position] {
        let n = Int(OGR_G_GetPointCount(g))
        guard n > 0 else { return [] }
        var out = [Position](repeating: Position(0, 0), count: n)
        out.withUnsafeMutableBytes { raw in
            let stride = Int32(MemoryLayout<Position>.stride)
            _ = OGR_G_GetPoints(g, raw.baseAddress!, stride, raw.baseAddress! + 8, stride, nil, 0)
        }
        return out
    }

    static func polygon(_ g: OGRGeometryH) -> Polygon? {
        let n = OGR_G_GetGeometryCount(g)
        guard n > 0, let ext = OGR_G_GetGeometryRef(g, 0) else { return nil }
        let exterior = positions(ext)
        guard !exterior.isEmpty else { return nil }
        let holes = (1..<max(1, n)).compactMap { OGR_G_GetGeometryRef(g, $0) }.map(positions).filter { !$0.isEmpty }
        return Polygon(exterior: exterior, holes: holes)
    }
}

/// Decides a Shapefile's text encoding when nothing declares it.
///
/// GDAL honours a `.cpg` file and the dBASE language byte (LDID); with
/// neither it assumes ISO-8859-1, which turns the UTF-8 of IGN's BD TOPO v2
/// exports into « Route Ã  1 chaussÃ©e ». Then the `.dbf` records are read:
/// valid UTF-8 with accented letters means UTF-8; anything else is read as
/// Windows-1252 (a superset of Latin-1 that also has « œ », « € », « ’ »).
enum ShapefileEncoding {
    /// The `ENCODING` open option to pass, nil to let GDAL decide.
    static func decide(openPath: String, layer: String?) -> String? {
        guard let dbf = dbfPath(openPath: openPath, layer: layer) else { return nil }
        let stem = String(dbf.dropLast(4))
        if exists(stem + ".cpg") || exists(stem + ".CPG") { return nil }
        guard let bytes = readAll(dbf), bytes.count > 32 else { return nil }
        if bytes[29] != 0 { return nil }   // LDID set: GDAL maps it
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        guard headerLength < bytes.count else { return nil }
        let (valid, nonASCII) = bytes[headerLength...].withUnsafeBytes { TextEncoding.inspect($0) }
        if !nonASCII { return nil }
        return valid ? "UTF-8" : "CP1252"
    }

    static func dbfPath(openPath: String, layer: String?) -> String? {
        let lower = openPath.lowercased()
        if lower.hasSuffix(".shp") || lower.hasSuffix(".shx") || lower.hasSuffix(".dbf") {
            let stem = String(openPath.dropLast(4))
            return [stem + ".dbf", stem + ".DBF"].first(where: exists)
        }
        // A folder or a zip: the chosen layer's .dbf, or the only one.
        guard let list = VSIReadDirRecursive(openPath) else { return nil }
        defer { CSLDestroy(list) }
        var dbfs: [String] = []
        var k = 0
        while let p = list[k] {
            let name = String(cString: p)
            if name.lowercased().hasSuffix(".dbf") { dbfs.append(name) }
            k += 1
        }
        if let layer, let m = dbfs.first(where: { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent == layer }) {
            return openPath + "/" + m
        }
        return dbfs.count == 1 ? openPath + "/" + dbfs[0] : nil
    }

    static func exists(_ path: String) -> Bool {
        // (VSIStatBufL is opaque to Swift: opening is the portable test.)
        guard let fp = VSIFOpenL(path, "rb") else { return false }
        VSIFCloseL(fp)
        return true
    }

    /// Reads a whole file through GDAL's virtual file system (zip members too).
    static func readAll(_ path: String) -> [UInt8]? {
        // Ownership: the VSI file handle is ours until VSIFCloseL.
        guard let fp = VSIFOpenL(path, "rb") else { return nil }
        defer { VSIFCloseL(fp) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { VSIFReadL($0.baseAddress, 1, $0.count, fp) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}
