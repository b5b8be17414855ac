import Foundation
import GUPModel
import GUPTopology

extension Cleaning {
    /// Union of polygonal shapes that are mostly far apart (building
    /// footprints): shapes whose bounding boxes meet no other box are taken
    /// as they are, only groups of shapes with meeting boxes (closed boxes:
    /// touching counts) go through a GEOS union. Shapes of different groups
    /// are disjoint, so the polygons gathered into one MultiPolygon are
    /// exactly the union, without the overlays a cascaded union would make
    /// between far-apart shapes.
    static func disjointUnion(_ shapes: [GeometryHandle]) throws -> GeometryHandle {
        let boxes = try shapes.map { try $0.bounds() }
        let live = boxes.indices.filter { boxes[$0] != nil }
        guard live.count > 1 else {
            return try live.isEmpty ? GeometryHandle.emptyPolygon() : GeometryHandle.unaryUnion([shapes[live[0]]])
        }
        // Groups of meeting boxes (union-find over a sweep along x).
        var parent = Array(0..<shapes.count)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        let byMinX = live.sorted { boxes[$0]!.minX < boxes[$1]!.minX }
        for (n, i) in byMinX.enumerated() {
            let bi = boxes[i]!
            for j in byMinX[(n + 1)...] {
                let bj = boxes[j]!
                if bj.minX > bi.maxX { break }
                if bi.intersects(bj) {
                    let ri = root(i), rj = root(j)
                    if ri != rj { parent[ri] = rj }
                }
            }
        }
        var groups: [Int: [Int]] = [:]
        var order: [Int] = []
        for i in live {
            let r = root(i)
            if groups[r] == nil { order.append(r) }
            groups[r, default: []].append(i)
        }
        var polygons: [GeometryHandle] = []
        for r in order {
            let members = groups[r]!
            let single = shapes[members[0]]
            if members.count == 1, single.typeName == "Polygon" || single.typeName == "MultiPolygon" {
                polygons += try single.polygonParts()
            } else {
                polygons += try GeometryHandle.unaryUnion(members.map { shapes[$0] }).polygonParts()
            }
        }
        return try GeometryHandle.collection(polygons, type: .multiPolygon)
    }
}
