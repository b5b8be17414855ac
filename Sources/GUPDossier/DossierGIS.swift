import Foundation
import GUPAnalysis
import GUPCartography
import GUPFormats
import GUPModel
import GUPProjection
import GUPTopology

/// The GIS hand-over of the dossier: `dossier.gpkg` (every result layer of
/// the run and the input layers the plans draw, in the working CRS, one
/// table per layer) and `dossier.qgs`, a QGIS project that opens it by a
/// relative path with the plans' symbols.
enum DossierGIS {
    static let geoPackageFile = "dossier.gpkg"
    static let projectFile = "dossier.qgs"
    /// Incidents beyond this many are left out of `dossier.gpkg` (a metro
    /// extract of a million reports would make the hand-over hundreds of
    /// MB); the run says so. The incidents' counts and hotspots stay in.
    static let maxIncidents = 500_000

    /// One layer of the hand-over: its table, its name in QGIS, its group and symbols.
    struct Entry {
        var layer: Layer
        var title: String
        var group: String
        var geometry: QGISProject.Geometry
        var renderer: QGISProject.Renderer
        var visible = true
    }

    /// Writes both files into the dossier; returns their names. `results`:
    /// the run's result layers (`DossierRun.resultLayers`), built once per dossier.
    /// Needs only what the run computed (walks included) and the quartiers'
    /// folder names, not their pages: it is written while they are built.
    static func write(run: DossierRun, results: [Layer], folders: [String], title: String, into out: OutputFolder,
                      reporter: Reporter) throws -> [String] {
        let entries = try self.entries(run: run, results: results, reporter: reporter)
        var types: [String: LayerWriter.GeometryKind] = [:]
        for e in entries {
            switch e.geometry {
            case .point: types[e.layer.name] = .point
            case .line: types[e.layer.name] = .line
            case .polygon: types[e.layer.name] = .area
            }
        }
        try LayerWriter.writeGeoPackage(entries.map(\.layer), to: geoPackageFile, in: out, geometryKinds: types)
        let project = try self.project(entries, rasters: densityLayers(run: run, folders: folders), run: run, title: title)
        try out.write(project.xml(), to: projectFile)
        return [geoPackageFile, projectFile]
    }

    // MARK: layers

    static func entries(run: DossierRun, results: [Layer], reporter: Reporter) throws -> [Entry] {
        let working = run.inputs.working
        let fields = run.planFields
        var e: [Entry] = []
        func result(_ layers: [Layer], _ name: String) -> Layer? { layers.first { $0.name == name } }

        // Quartiers.
        var perimeters = try areal(run.inputs.perimeters, name: "perimetres")
        for k in perimeters.features.indices { perimeters.features[k].properties["quartier"] = .string(run.inputs.zones.names[k]) }
        e.append(Entry(layer: perimeters, title: "Périmètres des quartiers", group: "Quartiers", geometry: .polygon,
                       renderer: .single(PlanStyles.perimeter)))

        // Diagnostic en marchant: the walks of the quartiers.
        var loops: [Feature] = [], stops: [Feature] = []
        for z in run.selected {
            let name = run.inputs.zones.names[z]
            guard let w = run.walks?[name] else { continue }
            loops.append(Feature(index: loops.count, geometry: .lineString(w.line),
                                 properties: ["quartier": .string(name), "longueur_m": .number(w.route.length.rounded()),
                                              "par_les_rues": .bool(w.alongStreets)]))
            stops.append(Feature(index: stops.count, geometry: .point(w.start), properties: ["quartier": .string(name), "numero": .string("D")]))
            for (n, p) in w.visited.enumerated() {
                stops.append(Feature(index: stops.count, geometry: .point(p), properties: ["quartier": .string(name), "numero": .string("\(n + 1)")]))
            }
        }
        if !loops.isEmpty {
            e.append(Entry(layer: Layer(name: "parcours_arrets", source: "parcours_arrets", crs: working, features: stops),
                           title: "Arrêts du parcours", group: "Diagnostic en marchant", geometry: .point,
                           renderer: .single(PlanStyles.routeStopPoint)))
            e.append(Entry(layer: Layer(name: "parcours", source: "parcours", crs: working, features: loops),
                           title: "Parcours à pied", group: "Diagnostic en marchant", geometry: .line,
                           renderer: .single(PlanStyles.route(alongStreets: true))))
        }

        // Signalements et points chauds.
        let hotspotGroup = "Signalements et points chauds"
        if run.hotspots != nil {
            if let zones = result(results, "zones_chaudes") {
                e.append(Entry(layer: zones, title: "Zones chaudes à visiter", group: hotspotGroup, geometry: .polygon,
                               renderer: .single(PlanStyles.hotspots)))
            }
            if let incidents = run.inputs[.incidents] {
                if incidents.count <= maxIncidents {
                    let field = fields.category
                    let layer = Layer(name: "signalements", source: "signalements", crs: working, features: incidents.features)
                    var renderer = QGISProject.Renderer.single(PlanStyles.incidentOther)
                    if let field {
                        let colors = ColorAssignment.incidentCategories(incidents.features.compactMap { $0.value(forKey: field)?.text })
                        renderer = .categorized(field: field, categories: colors.names.indices.map { k in
                            .init(value: colors.names[k], label: IncidentCategories.label(colors.names[k]),
                                  style: PlanStyles.incident(colors.colors[k], shape: ColorAssignment.incidentShape(k)))
                        } + [.init(value: nil, label: "Catégorie non renseignée", style: PlanStyles.incidentOther)])
                    }
                    // Hidden on opening, as on the plans de masse (which draw the hot zones, not every report).
                    e.append(Entry(layer: layer, title: "Signalements (catégorie)", group: hotspotGroup, geometry: .point, renderer: renderer,
                                   visible: false))
                } else {
                    reporter.info("\(geoPackageFile) : les \(incidents.count) signalements n'y sont pas copiés (plus de \(maxIncidents)) ; leurs comptes et points chauds y sont")
                }
            }
            if let cells = result(results, "points_chauds") {
                e.append(Entry(layer: cells, title: "Points chauds (Gi*, mailles)", group: hotspotGroup, geometry: .polygon,
                               renderer: .categorized(field: "classe", categories: PlanStyles.giClasses.map {
                                   .init(value: "\($0.classe)", label: $0.label, style: $0.style)
                               }),   // class 0 (not significant) is not drawn, as a category without symbol layer would be refused
                               visible: false))
            }
        }

        // Résidences.
        if let r = run.inputs[.residences] {
            e.append(Entry(layer: try areal(r, name: "residences"), title: "Résidences", group: "Résidences", geometry: .polygon,
                           renderer: .single(PlanStyles.residences)))
        }

        // Nettoyage.
        if run.cleaning != nil {
            if let gaps = result(results, "lacunes") {
                e.append(Entry(layer: gaps, title: "Lacunes de nettoyage", group: "Nettoyage", geometry: .polygon,
                               renderer: .single(PlanStyles.gaps)))
            }
            if let doubles = result(results, "doublons") {
                e.append(Entry(layer: doubles, title: "Doubles couvertures", group: "Nettoyage", geometry: .polygon,
                               renderer: .single(PlanStyles.doubleCoverage)))
            }
        }
        if let s = run.inputs[.secteurs] {
            var renderer = QGISProject.Renderer.single(PlanStyles.sectorOther)
            if let field = fields.cleaner {
                let colors = PlanStyles.cleanerColors(s.features.compactMap { $0.value(forKey: field)?.text })
                renderer = .categorized(field: field, categories: zip(colors.names, colors.colors).map {
                    .init(value: $0, label: $0, style: PlanStyles.sector($1))
                } + [.init(value: nil, label: "Intervenant non renseigné", style: PlanStyles.sectorOther)])
            }
            e.append(Entry(layer: try areal(s, name: "secteurs_nettoyage"), title: "Secteurs de nettoyage (intervenant)",
                           group: "Nettoyage", geometry: .polygon, renderer: renderer))
        }

        // Domanialité: the colours of the plans (one assignment for the whole dossier).
        if run.tenure != nil {
            if let overlaps = result(results, "chevauchements") {
                e.append(Entry(layer: overlaps, title: "Chevauchements de gestionnaires", group: "Domanialité", geometry: .polygon,
                               renderer: .single(PlanStyles.overlaps)))
            }
            if let pieces = result(results, "domanialite") {
                e.append(Entry(layer: pieces, title: "Domanialité dans les quartiers (gestionnaire)", group: "Domanialité",
                               geometry: .polygon, renderer: managerRenderer(field: "gestionnaire", colors: run.colors)))
            }
            if let ground = result(results, "non_cadastre") {
                e.append(Entry(layer: ground, title: "Sol non cadastré (voirie, domaine public)", group: "Domanialité",
                               geometry: .polygon, renderer: .single(PlanStyles.nonCadastral)))
            }
        }
        if let p = run.inputs[.parcelles] {
            let field = run.tenure?.managerField ?? fields.manager
            e.append(Entry(layer: try areal(p, name: "parcelles"), title: "Parcelles (gestionnaire)", group: "Domanialité",
                           geometry: .polygon,
                           renderer: field.map { managerRenderer(field: $0, colors: run.colors) } ?? .single(PlanStyles.tenureOther)))
        }
        return e
    }

    /// The managers' categories: the dossier's colour assignment, the one
    /// every plan uses; ground of no known manager (the analysis's label
    /// for it, and any other value) in the plans' grey.
    static func managerRenderer(field: String, colors: ColorAssignment?) -> QGISProject.Renderer {
        let c = colors ?? ColorAssignment(names: [])
        var categories: [QGISProject.Category] = zip(c.names, c.colors).map { .init(value: $0, label: $0, style: PlanStyles.tenure($1)) }
        if !c.names.contains(Labels.unknownManager) {
            categories.append(.init(value: Labels.unknownManager, label: "Gestionnaire inconnu", style: PlanStyles.tenureOther))
        }
        return .categorized(field: field, categories: categories + [.init(value: nil, label: "Gestionnaire non renseigné", style: PlanStyles.tenureOther)])
    }

    /// An areal input layer as written: each feature's repaired geometry
    /// (the loader keeps it beside its GEOS shape) as a MultiPolygon, with
    /// its properties; anything else polygonal goes through its shape's parts.
    static func areal(_ w: WorkingLayer, name: String) throws -> Layer {
        var features: [Feature] = []
        features.reserveCapacity(w.count)
        for (k, f) in w.features.enumerated() {
            var g = f
            switch f.geometry {
            case .polygon(let p)?: g.geometry = .multiPolygon([p])
            case .multiPolygon?: break
            default:
                if k < w.shapes.count {
                    g.geometry = .multiPolygon(try w.shapes[k].polygonParts().compactMap {
                        if case .polygon(let p) = try $0.geometry() { return p }
                        return nil
                    })
                }
            }
            g.index = k
            features.append(g)
        }
        return Layer(name: name, source: w.source, crs: w.crs, features: features)
    }

    /// The kernel density grid of each quartier (`QUARTIER/densite_noyau.asc`),
    /// in the classes of the plan des points chauds.
    static func densityLayers(run: DossierRun, folders: [String]) -> [QGISProject.Layer] {
        zip(run.selected, folders).compactMap { z, folder in
            // Each quartier with a hotspot entry writes its grid (`HotspotsOutput.write`, densityGrid).
            let name = run.inputs.zones.names[z]
            guard let grid = run.hotspots?.entry(zone: name)?.density else { return nil }
            let r = RasterLayer(grid: grid)
            return QGISProject.Layer(id: QGISProject.layerID("densite_\(folder)"), name: "Densité des signalements — \(name)",
                                     source: "./\(folder)/\(HotspotsOutput.densityFile)",
                                     content: .raster(floor: r.floor, classes: r.breaks.indices.map { (r.breaks[$0], r.colors[$0], r.label($0)) },
                                                      opacity: r.opacity),
                                     visible: false)
        }
    }

    static func project(_ entries: [Entry], rasters: [QGISProject.Layer], run: DossierRun, title: String) throws -> QGISProject {
        var groups: [QGISProject.Group] = []
        for e in entries {
            let layer = QGISProject.Layer(id: QGISProject.layerID(e.layer.name), name: e.title, source: "./\(geoPackageFile)|layername=\(e.layer.name)",
                                          content: .vector(geometry: e.geometry, renderer: e.renderer), visible: e.visible)
            if let k = groups.firstIndex(where: { $0.name == e.group }) { groups[k].layers.append(layer) } else {
                groups.append(QGISProject.Group(name: e.group, layers: [layer]))
            }
        }
        if !rasters.isEmpty {
            let k = groups.firstIndex { $0.name == "Signalements et points chauds" } ?? groups.count
            if k == groups.count { groups.append(QGISProject.Group(name: "Signalements et points chauds", layers: [])) }
            groups[k].layers += rasters
        }
        // The initial view: the selected quartiers, with a tenth around.
        var box: BoundingBox?
        for z in run.selected {
            guard let b = try run.inputs.perimeters.shapes[z].bounds() else { continue }
            if box == nil { box = b } else { box!.extend(b) }
        }
        var extent = box ?? BoundingBox(minX: 0, minY: 0, maxX: 1, maxY: 1)
        let pad = max(extent.maxX - extent.minX, extent.maxY - extent.minY) * 0.1
        extent = BoundingBox(minX: extent.minX - pad, minY: extent.minY - pad, maxX: extent.maxX + pad, maxY: extent.maxY + pad)
        return QGISProject(title: title, crsAuthority: run.inputs.working.identifier,
                           crsWKT: try WorkingCRS.wkt2(of: run.inputs.working), extent: extent, groups: groups)
    }
}
