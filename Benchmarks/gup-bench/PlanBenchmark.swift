import Foundation
import GUPKit

/// A plan de masse over a synthetic city: load (read + project + repair),
/// then render (clip, simplify, labels, SVG) with every parcel and incident.
///   python3 ../shared/tools/city.py /tmp/city7-bench --blocks 30 --incidents 100000
///   swift run -c release gup-bench plan-masse /tmp/city7-bench [quartier] [echelle]
func planMasseBenchmark(_ args: [String]) throws {
    let dir = args.first ?? "/tmp/city7-bench"
    let working = CRS.lambert93
    func load(_ name: String, _ e: GeometryExpectation) throws -> WorkingLayer {
        try Loader.load(path: "\(dir)/\(name).geojson", working: working, expecting: e)
    }
    var layers: (WorkingLayer, WorkingLayer, WorkingLayer, WorkingLayer)!
    let tLoad = try seconds {
        layers = (try load("perimetres", .areal), try load("parcelles", .areal), try load("residences", .areal),
                  try load("incidents", .point))
    }
    let (p, parcels, residences, incidents) = layers
    // The whole city in one frame, so that every parcel and incident is drawn.
    let all = BoundingBox.union(parcels.features.compactMap { $0.geometry?.bounds })!
    var plan: RenderedPlan!
    let quartier = args.count > 1 ? args[1] : nil
    let scale = args.count > 2 ? Int(args[2]) : nil
    let tRender = try seconds {
        if let quartier {
            plan = try Plans.site(perimeters: p, quartier: .name(quartier),
                                  layers: .init(tenure: parcels, residences: residences, incidents: incidents),
                                  options: PlanOptions(page: Page(format: .a3), scale: scale, date: "bench"))
        } else {
            // A synthetic perimeter covering the city: everything is in the frame.
            var whole = p
            let ring = [Position(all.minX, all.minY), Position(all.maxX, all.minY), Position(all.maxX, all.maxY),
                        Position(all.minX, all.maxY), Position(all.minX, all.minY)]
            whole.features = [Feature(index: 0, geometry: .polygon(Polygon(exterior: ring)), properties: ["nom": .string("Ville entière")])]
            whole.shapes = [try GeometryHandle(whole.features[0].geometry!)]
            plan = try Plans.site(perimeters: whole, quartier: nil,
                                  layers: .init(tenure: parcels, residences: residences, incidents: incidents),
                                  options: PlanOptions(page: Page(format: .a3), scale: scale, date: "bench"))
        }
    }
    let s = plan.stats[0]
    print(String(format: "plan-masse : %d parcelles, %d signalements, %d résidences (chargement %.2f s)",
                 parcels.count, incidents.count, residences.count, tLoad))
    print(String(format: "plan-masse : rendu en %.2f s au 1/%d — %d parcelles et %d signalements dessinés, %d étiquettes (%d écartées), SVG %.1f Mo",
                 tRender, plan.scale, s.drawn["domanialite"] ?? 0, s.drawn["incidents"] ?? 0,
                 s.labelsPlaced, s.labelsDropped, Double(plan.svg.utf8.count) / 1e6))
    print(tRender < 2 ? "plan-masse : objectif < 2 s tenu" : "plan-masse : objectif < 2 s MANQUÉ")
}
