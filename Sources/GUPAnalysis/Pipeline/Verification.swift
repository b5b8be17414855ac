import Foundation
import GUPFormats
import GUPModel
import GUPTopology

/// The outcome of `GeoJSONVerifier.verify` on one file.
public struct VerificationReport: Sendable {
    public var path: String
    /// Set when the file could not be read at all (exit status 2).
    public var unreadable: String?
    /// Structural (RFC 7946) and geometric (GEOS) problems, in file order,
    /// with line:column and JSON pointer.
    public var issues: [GeoJSONIssue]
    public var errorCount: Int
    public var warningCount: Int
    public var featureCount: Int
    /// Features whose geometry GEOS finds invalid.
    public var invalidGeometryCount: Int
    /// Problems without a place in a JSON text (a GeoPackage's layer and
    /// feature, a QGIS project's data source), already worded.
    public var located: [(severity: GeoJSONIssue.Severity, message: String)] = []
    /// What `featureCount` counts, singular and plural.
    public var counted = (one: "entité", many: "entités")

    /// 0 valid (warnings allowed), 1 errors, 2 unreadable.
    public var exitStatus: Int32 { unreadable != nil ? 2 : errorCount > 0 ? 1 : 0 }

    /// « fichier : valide (105 entités, 2 avertissements) ».
    public var summary: String {
        if let unreadable { return "\(path) : illisible (\(unreadable))" }
        let f = "\(featureCount) \(featureCount > 1 ? counted.many : counted.one)"
        let w = warningCount > 0 ? ", \(warningCount) avertissement\(warningCount > 1 ? "s" : "")" : ""
        if errorCount == 0 { return "\(path) : valide (\(f)\(w))" }
        let g = invalidGeometryCount > 0 ? " dont \(invalidGeometryCount) géométrie\(invalidGeometryCount > 1 ? "s" : "") invalide\(invalidGeometryCount > 1 ? "s" : "") (GEOS)" : ""
        return "\(path) : \(errorCount) erreur\(errorCount > 1 ? "s" : "")\(g)\(w) (\(f))"
    }
}

/// `gup verifier`: strict RFC 7946 validation of a GeoJSON file, then
/// geometric validity of each feature through GEOS.
public enum GeoJSONVerifier {
    /// - Parameters:
    ///   - declaredCRS: the CRS of a file that declares none (then its
    ///     coordinates are not checked against lon/lat ranges).
    ///   - maxIssues: issues kept in detail (all are counted).
    public static func verify(path: String, declaredCRS: CRS? = nil, maxIssues: Int = 200) -> VerificationReport {
        var report = VerificationReport(path: path, unreadable: nil, issues: [], errorCount: 0, warningCount: 0,
                                        featureCount: 0, invalidGeometryCount: 0)
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch {
            report.unreadable = (error as? GUPError)?.message.replacingOccurrences(of: "\(path) : ", with: "") ?? "\(error)"
            return report
        }
        return withExtendedLifetime(file) {
            let bytes = file.bytes
            let v = GeoJSONValidator.validate(bytes: bytes, maxIssues: maxIssues, checkLonLat: declaredCRS == nil)
            report.issues = v.issues
            report.errorCount = v.errorCount
            report.warningCount = v.warningCount
            report.featureCount = v.featureCount
            do { try file.checkUnchanged() } catch {
                report.unreadable = "le fichier a changé pendant sa lecture (raccourci ou allongé par un autre programme)"
                return report
            }
            guard v.isValid else { return report }
            // Geometric validity, only on structurally valid files.
            let layer: Layer
            do {
                let raw = UnsafeMutableRawPointer(mutating: UnsafeRawPointer(bytes.baseAddress!))
                layer = try GeoJSONReader.read(data: Data(bytesNoCopy: raw, count: bytes.count, deallocator: .none),
                                               source: path, name: "verif", checkLonLat: false)
            } catch {
                report.errorCount += 1
                report.issues.append(GeoJSONIssue(.error, offset: 0, pointer: "", "\(error)"))
                return report
            }
            var problems = geometryProblems(layer.features)
            for k in problems.indices {
                let f = problems[k].feature
                let (ptr, text) = v.geometryPointer(f)
                let offset = f < v.geometryOffsets.count ? max(0, v.geometryOffsets[f]) : 0
                var issue = GeoJSONIssue(.error, offset: offset, pointer: ptr,
                                         "géométrie invalide (GEOS) : \(problems[k].problem)")
                issue.text = text
                problems[k].issue = issue
            }
            report.invalidGeometryCount = problems.count
            report.errorCount += problems.count
            let room = max(0, maxIssues - report.issues.count)
            report.issues += problems.prefix(room).compactMap(\.issue)
            GeoJSONValidator.locate(&report.issues, in: bytes)
            return report
        }
    }

    struct GeometryProblem {
        var feature: Int
        /// GEOS's reason in French, with its location.
        var problem: String
        var issue: GeoJSONIssue?
    }

    /// GEOS validity of every non-point geometry, on every core; in feature order.
    static func geometryProblems(_ features: [Feature]) -> [GeometryProblem] {
        let n = features.count
        let workers = Processors.active
        let chunk = max(64, n / (workers * 4) + 1)
        let chunks = (n + chunk - 1) / chunk
        var results = [[GeometryProblem]](repeating: [], count: chunks)
        results.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                var found: [GeometryProblem] = []
                for k in (c * chunk)..<min(n, (c + 1) * chunk) {
                    guard let g = features[k].geometry else { continue }
                    if case .point = g { continue }
                    if case .multiPoint = g { continue }
                    do {
                        let h = try GeometryHandle(g)
                        if let p = try h.validityProblem() { found.append(GeometryProblem(feature: k, problem: p.french)) }
                    } catch {
                        found.append(GeometryProblem(feature: k, problem: "refusée par GEOS (\(error))"))
                    }
                }
                out[c] = found
            }
        }
        return results.flatMap { $0 }
    }
}

/// `gup verifier` on the other files the dossier hands over: the GeoPackage
/// (`dossier.gpkg`, read through GDAL) and the QGIS project (`dossier.qgs`).
public enum HandOverVerifier {
    /// Every layer of a GeoPackage: one geometry type per layer (not
    /// « Unknown », not a GeometryCollection), and GEOS validity of every
    /// feature, named by layer and feature number.
    public static func verifyGeoPackage(path: String, maxIssues: Int = 200) -> VerificationReport {
        var r = VerificationReport(path: path, unreadable: nil, issues: [], errorCount: 0, warningCount: 0,
                                   featureCount: 0, invalidGeometryCount: 0)
        do {
            for info in try VectorInspector.layers(path: path) {
                if !info.singleType {
                    r.errorCount += 1
                    r.located.append((.error, "couche « \(info.name) » : type de géométrie « \(info.geometryType) » (un seul type attendu, par exemple MultiPolygon ou Point)"))
                }
                let layer = try VectorReader.read(DataSource(location: path, layer: info.name)).layer
                r.featureCount += layer.features.count
                for p in GeoJSONVerifier.geometryProblems(layer.features) {
                    r.errorCount += 1
                    r.invalidGeometryCount += 1
                    if r.located.count < maxIssues {
                        r.located.append((.error, "couche « \(info.name) », \(layer.features[p.feature].label) : géométrie invalide (GEOS) : \(p.problem)"))
                    }
                }
            }
        } catch {
            r.unreadable = (error as? GUPError)?.message.replacingOccurrences(of: "\(path) : ", with: "") ?? "\(error)"
        }
        return r
    }

    /// An SVG plan or chart: well-formed XML (GDAL's parser) whose root is `<svg>`.
    public static func verifySVG(path: String) -> VerificationReport {
        checked(path, counting: ("élément", "éléments")) {
            let o = try XMLSources.outline(path: path)
            guard o.root.lowercased() == "svg" else {
                throw GUPError("élément racine <\(o.root)> au lieu de <svg> : pas une image SVG")
            }
            return o.elements
        }
    }

    /// A CSV table: a header, then rows of as many columns, quotes closed
    /// (the reader `gup` itself uses for joined tables).
    public static func verifyCSV(path: String) -> VerificationReport {
        checked(path, counting: ("ligne", "lignes")) { try CSVTable.read(path: path).rows.count }
    }

    /// The report of a check that counts what `body` returns; what it throws
    /// is the file's one error, worded without the file's name (the summary names it).
    static func checked(_ path: String, counting: (one: String, many: String), _ body: () throws -> Int) -> VerificationReport {
        var r = VerificationReport(path: path, unreadable: nil, issues: [], errorCount: 0, warningCount: 0,
                                   featureCount: 0, invalidGeometryCount: 0)
        r.counted = counting
        do {
            r.featureCount = try body()
        } catch {
            r.errorCount += 1
            r.located.append((.error, (error as? GUPError)?.message.replacingOccurrences(of: "\(path) : ", with: "") ?? "\(error)"))
        }
        return r
    }

    /// A JSON document that is not GeoJSON (`rapport.json`, the output
    /// manifest): well-formed JSON.
    public static func verifyJSON(path: String) -> VerificationReport {
        checked(path, counting: ("membre", "membres")) {
            guard let data = FileManager.default.contents(atPath: path) else { throw GUPError("fichier illisible") }
            guard let o = try? JSONSerialization.jsonObject(with: data) else { throw GUPError("JSON invalide") }
            return (o as? [String: Any])?.count ?? (o as? [Any])?.count ?? 1
        }
    }

    /// A `.json` file: GeoJSON when it is one; a JSON document whose root
    /// has no `type` member (the GeoJSON check's only complaint) is plain
    /// JSON, checked as such. One GeoJSON parse for a GeoJSON file, however large.
    public static func verifyJSONOrGeoJSON(path: String, declaredCRS: CRS?, maxIssues: Int) -> VerificationReport {
        let r = GeoJSONVerifier.verify(path: path, declaredCRS: declaredCRS, maxIssues: maxIssues)
        let onlyNoType = r.errorCount == 1 && r.issues.count == 1
            && r.issues[0].pointer.isEmpty && r.issues[0].message == GeoJSONValidator.missingType
        return onlyNoType ? verifyJSON(path: path) : r
    }

    /// A QGIS project: well-formed XML, and every data source it names a
    /// path relative to the project (the folder can be moved) that exists;
    /// a GeoPackage layer (`|layername=x`) must be in that GeoPackage.
    public static func verifyQGISProject(path: String) -> VerificationReport {
        var r = VerificationReport(path: path, unreadable: nil, issues: [], errorCount: 0, warningCount: 0,
                                   featureCount: 0, invalidGeometryCount: 0)
        let sources: [String]
        do { sources = try XMLSources.qgisDataSources(path: path) } catch {
            r.unreadable = (error as? GUPError)?.message.replacingOccurrences(of: "\(path) : ", with: "") ?? "\(error)"
            return r
        }
        r.counted = ("source de données", "sources de données")
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var layersOf: [String: Set<String>] = [:]
        for source in Set(sources).sorted() {
            r.featureCount += 1
            let parts = source.components(separatedBy: "|")
            let file = parts[0]
            if file.hasPrefix("/") {
                r.errorCount += 1
                r.located.append((.error, "source « \(source) » : chemin absolu (le projet ne s'ouvrirait plus une fois le dossier déplacé)"))
                continue
            }
            let target = folder.appendingPathComponent(file).standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: target) else {
                r.errorCount += 1
                r.located.append((.error, "source « \(source) » : fichier « \(file) » absent à côté du projet"))
                continue
            }
            if let layer = parts.dropFirst().first(where: { $0.hasPrefix("layername=") })?.dropFirst("layername=".count) {
                if layersOf[target] == nil {
                    layersOf[target] = Set((try? VectorInspector.layers(path: target))?.map(\.name) ?? [])
                }
                if !layersOf[target]!.contains(String(layer)) {
                    r.errorCount += 1
                    r.located.append((.error, "source « \(source) » : couche « \(layer) » absente de « \(file) »"))
                }
            }
        }
        if sources.isEmpty {
            r.errorCount += 1
            r.located.append((.error, "aucune couche (ni <datasource> ni <layer-tree-layer>) : pas un projet QGIS"))
        }
        return r
    }
}
