import Foundation
import GUPKit

/// Plans with their orientation layers, on a synthetic town built in
/// memory (Lambert-93, near Vitrolles): a grid of streets every 100 m cut
/// at every crossing, named and classed like BD TOPO (every 10th street
/// importance 3, every 5th 4, the others 5), a commune, a quartier.
///   swift run -c release gup-bench plans-fond
/// Plan de situation: 20,000 road segments (10 × 10 km), the railway, the
/// commune, inset. Plan de masse: 10,000 parcels, 5,000 buildings and
/// 3,000 road segments. Objective: each rendered in ≤ 2 s (issue 13).
func backgroundBenchmark(_ args: [String]) throws {
    let x0 = 880_000.0, y0 = 6_258_000.0
    func line(_ ps: [Position], _ props: Properties, _ k: Int) -> Feature { Feature(index: k, geometry: .lineString(ps), properties: props) }
    func roads(side: Int, step: Double) -> [Feature] {
        var out: [Feature] = []
        for i in 0...side {
            let imp = i % 10 == 0 ? "3" : (i % 5 == 0 ? "4" : "5")
            for j in 0..<side {
                let a = Double(i) * step, b = Double(j) * step
                out.append(line([Position(x0 + a, y0 + b), Position(x0 + a, y0 + b + step)],
                                Properties([("nom_voie_g", .string("Rue \(i)")), ("importance", .string(imp))]), out.count))
                out.append(line([Position(x0 + b, y0 + a), Position(x0 + b + step, y0 + a)],
                                Properties([("nom_voie_g", .string("Avenue \(i)")), ("importance", .string(imp))]), out.count))
            }
        }
        return out
    }
    func layer(_ name: String, _ features: [Feature], _ e: GeometryExpectation) throws -> WorkingLayer {
        try Loader.prepare(Layer(name: name, source: name + ".geojson", crs: .lambert93, features: features), to: .lambert93,
                           expecting: e).indexed()
    }
    func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double) -> Geometry {
        .polygon(Polygon(exterior: [Position(x, y), Position(x + w, y), Position(x + w, y + h), Position(x, y + h), Position(x, y)]))
    }

    // Plan de situation: 2 × 100 × 100 = 20,000 segments.
    let situationRoads = roads(side: 100, step: 100)
    let quartier = try layer("perimetres", [Feature(index: 0, geometry: rect(x0 + 4_800, y0 + 4_800, 600, 450),
                                                    properties: Properties([("nom", .string("Quartier d'essai"))]))], .areal)
    let commune = try layer("communes", [Feature(index: 0, geometry: rect(x0 + 500, y0 + 500, 9_000, 9_000),
                                                 properties: Properties([("nom", .string("Ville d'essai"))]))], .areal)
    var situationPlan: RenderedPlan!
    var prepared: OrientationLayers!
    let tLoadS = try seconds {
        prepared = OrientationLayers(roads: try layer("routes", situationRoads, .shaped))
        try prepared.resolveFields()
    }
    let tS = try seconds {
        situationPlan = try Plans.situation(perimeters: quartier, quartier: nil, context: commune, background: prepared,
                                            options: PlanOptions(date: "bench"))
    }
    let sS = situationPlan.stats[0]
    print(String(format: "plan de situation : %d tronçons (préparation et index %.2f s) ; rendu %.2f s au 1/%d, %d tronçons dessinés, %d noms de rues, SVG %.1f Mo",
                 situationRoads.count, tLoadS, tS, situationPlan.scale, sS.drawn["routes"] ?? 0,
                 situationPlan.svg.components(separatedBy: "class=\"nom-voie\"").count - 1, Double(situationPlan.svg.utf8.count) / 1e6))
    print(tS <= 2 ? "plan de situation : objectif ≤ 2 s tenu" : "plan de situation : objectif ≤ 2 s MANQUÉ")

    // Plan de masse: 100 × 100 parcels of 20 m, a building in one parcel of
    // two, 2 × 40 × 38 ≈ 3,000 road segments over the same 2 km.
    var parcels: [Feature] = [], buildings: [Feature] = []
    for i in 0..<100 {
        for j in 0..<100 {
            let x = x0 + Double(i) * 20, y = y0 + Double(j) * 20
            parcels.append(Feature(index: parcels.count, geometry: rect(x + 0.5, y + 0.5, 19, 19),
                                   properties: Properties([("id", .string(String(format: "13117000AB%04d", parcels.count % 10_000))),
                                                           ("gestionnaire", .string(["Ville", "OPAC Sud", "LOGIREM", "Copropriété"][(i / 10 + j / 10) % 4]))])))
            if (i + j) % 2 == 0 {
                buildings.append(Feature(index: buildings.count, geometry: rect(x + 4, y + 4, 11, 9), properties: Properties()))
            }
        }
    }
    var siteRoads: [Feature] = []
    for f in roads(side: 40, step: 50) where siteRoads.count < 3_000 { siteRoads.append(f) }
    var site: Plans.SiteLayers!
    let q2 = try layer("perimetres", [Feature(index: 0, geometry: rect(x0 + 600, y0 + 600, 700, 600),
                                              properties: Properties([("nom", .string("Quartier d'essai"))]))], .areal)
    let tLoadM = try seconds {
        var bg = OrientationLayers(roads: try layer("routes", siteRoads, .shaped), buildings: try layer("bati", buildings, .areal))
        try bg.resolveFields()
        site = Plans.SiteLayers(tenure: try layer("parcelles", parcels, .areal), background: bg)
    }
    var masse: RenderedPlan!
    let tM = try seconds {
        masse = try Plans.site(perimeters: q2, quartier: nil, layers: site, options: PlanOptions(date: "bench"))
    }
    let sM = masse.stats[0]
    print(String(format: "plan de masse : %d parcelles, %d bâtiments, %d tronçons (préparation et index %.2f s) ; rendu %.2f s au 1/%d, %d parcelles, %d bâtiments, %d tronçons dessinés, SVG %.1f Mo",
                 parcels.count, buildings.count, siteRoads.count, tLoadM, tM, masse.scale, sM.drawn["domanialite"] ?? 0,
                 sM.drawn["bati"] ?? 0, sM.drawn["routes"] ?? 0, Double(masse.svg.utf8.count) / 1e6))
    print(tM <= 2 ? "plan de masse : objectif ≤ 2 s tenu" : "plan de masse : objectif ≤ 2 s MANQUÉ")
    print(String(format: "  charge de la machine (1 min) : %@", loadAverage()))
}
