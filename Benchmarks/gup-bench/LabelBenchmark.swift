import Foundation
import GUPKit

/// The label engine on a dense plan de masse built in memory: 10 000
/// parcels, 5 000 buildings, 3 000 named road segments and 2 000 named
/// residences (a grid of 50 × 40 blocks). The plan is rendered twice, with
/// and without labels (residence names, street names); the difference is
/// the labelling (poles of inaccessibility, obstacles, placement, numbers
/// and key table). Target: ≤ 1 s.
/// An optional scale (`gup-bench etiquettes 5000`) shows part of the
/// grid at a scale where the names fit; by default the whole grid is in
/// the frame (A3, 1/10 000), where almost no name fits.
///   swift run -c release gup-bench etiquettes [echelle]
func labelBenchmark(_ args: [String]) throws {
    let scale = args.first.flatMap { Int($0) }
    let nx = 50, ny = 40
    let bw = 40.0, bh = 30.0, street = 10.0
    let x0 = 700_000.0, y0 = 6_600_000.0
    func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double) -> Geometry {
        .polygon(Polygon(exterior: [Position(x, y), Position(x + w, y), Position(x + w, y + h), Position(x, y + h), Position(x, y)]))
    }
    let managers = ["Ville", "OPAC Sud", "LOGIREM", "Famille et Provence", "Copropriété", "Métropole"]
    var parcels: [Feature] = [], buildings: [Feature] = [], residences: [Feature] = [], roads: [Feature] = []
    for j in 0..<ny {
        for i in 0..<nx {
            let bx = x0 + Double(i) * (bw + street), by = y0 + Double(j) * (bh + street)
            let b = j * nx + i
            // 5 parcels per block, side by side.
            for k in 0..<5 {
                parcels.append(Feature(index: parcels.count, geometry: rect(bx + Double(k) * bw / 5, by, bw / 5, bh),
                                       properties: ["id": .string("P\(parcels.count)"), "gestionnaire": .string(managers[(b + k) % managers.count])]))
            }
            // 2 or 3 buildings per block (5 000 in all), 1 residence.
            let nb = b % 2 == 0 ? 3 : 2
            for k in 0..<nb {
                buildings.append(Feature(index: buildings.count, geometry: rect(bx + 2 + Double(k) * 12, by + bh - 9, 9, 7), properties: [:]))
            }
            residences.append(Feature(index: residences.count, geometry: rect(bx + 3, by + 3, 22 + Double(b % 7), 12),
                                      properties: ["nom": .string("Résidence \(["Les Pins", "Le Parc", "Les Cigales", "Mistral"][b % 4]) \(b + 1)"),
                                                   "logements": .number(Double(20 + (b * 37) % 180))]))
        }
    }
    // 3 000 road segments: the horizontal streets (41 × 50), then vertical ones.
    func road(_ a: Position, _ z: Position, _ name: String, _ importance: Int) {
        roads.append(Feature(index: roads.count, geometry: .lineString([a, z]),
                             properties: ["nom_voie_g": .string(name), "importance": .string(String(importance))]))
    }
    for j in 0...ny {
        let y = y0 + Double(j) * (bh + street) - street / 2
        for i in 0..<nx where roads.count < 3000 {
            let x = x0 + Double(i) * (bw + street) - street / 2
            road(Position(x, y), Position(x + bw + street, y), "Rue \(j + 1)", j % 10 == 0 ? 3 : 5)
        }
    }
    var i = 0
    while roads.count < 3000 {
        let col = i / ny, row = i % ny
        let x = x0 + Double(col) * (bw + street) - street / 2
        let y = y0 + Double(row) * (bh + street) - street / 2
        road(Position(x, y), Position(x, y + bh + street), "Avenue \(col + 1)", col % 10 == 0 ? 2 : 4)
        i += 1
    }
    let crs = CRS.lambert93
    func layer(_ name: String, _ f: [Feature], shapes: Bool = true) throws -> WorkingLayer {
        try WorkingLayer(derived: name, source: name + ".geojson", crs: crs, features: f,
                         shapes: shapes ? f.map { try GeometryHandle($0.geometry!) } : []).indexed()
    }
    let all = BoundingBox(minX: x0 - street, minY: y0 - street, maxX: x0 + Double(nx) * (bw + street), maxY: y0 + Double(ny) * (bh + street))
    let whole = Feature(index: 0, geometry: rect(all.minX, all.minY, all.width, all.height), properties: ["nom": .string("Quartier d'essai")])
    let perimeters = try layer("perimetres", [whole])
    let tenure = try layer("parcelles", parcels), res = try layer("residences", residences)
    var background = OrientationLayers(roads: try layer("routes", roads), buildings: try layer("bati", buildings))
    try background.resolveFields()

    func render(labels: Bool) throws -> (Double, RenderedPlan) {
        var plan: RenderedPlan!
        var bg = background
        if !labels { bg.roadNameField = nil }
        var fields = PlanFields.resolve(tenure: tenure, residences: res)
        if !labels { fields.residenceName = nil }
        let t = try seconds {
            plan = try Plans.site(perimeters: perimeters, quartier: nil,
                                  layers: .init(tenure: tenure, residences: res, background: bg, fields: fields),
                                  options: PlanOptions(page: Page(format: .a3), scale: scale, date: "bench"))
        }
        return (t, plan)
    }
    _ = try render(labels: true)   // warm-up (GEOS, fonts tables)
    // Medians of 5 runs each: the machine is shared, single runs vary.
    func median(_ labels: Bool) throws -> (Double, RenderedPlan) {
        var runs: [(Double, RenderedPlan)] = []
        for _ in 0..<5 { runs.append(try render(labels: labels)) }
        runs.sort { $0.0 < $1.0 }
        return runs[2]
    }
    let (tWithout, bare) = try median(false)
    let (tWith, plan) = try median(true)
    let labelling = max(0, tWith - tWithout)
    let c = plan.labelCounts
    print("etiquettes : \(parcels.count) parcelles, \(buildings.count) bâtiments, \(roads.count) tronçons de rue, \(residences.count) résidences, A3 au 1/\(plan.scale)")
    print(String(format: "etiquettes : rendu (médiane de 5) avec étiquettes %.2f s, sans %.2f s (%d étiquettes) : étiquetage %.2f s (objectif ≤ 1 s)",
                 tWith, tWithout, bare.labelsPlaced, labelling))
    print("etiquettes : \(c.summary)")
    print(labelling <= 1 ? "etiquettes : objectif ≤ 1 s tenu" : "etiquettes : objectif ≤ 1 s MANQUÉ")
}
