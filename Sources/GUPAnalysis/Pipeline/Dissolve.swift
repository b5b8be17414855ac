import Foundation
import GUPModel
import GUPTopology

/// Groups geometries by key and unions each group (in parallel across
/// groups). Returns the groups sorted by key.
public func dissolve(_ shapes: [GeometryHandle], keys: [String]) throws -> [(key: String, shape: GeometryHandle)] {
    precondition(shapes.count == keys.count)
    var groups: [String: [Int]] = [:]
    for (k, key) in keys.enumerated() { groups[key, default: []].append(k) }
    let sortedKeys = groups.keys.sorted()
    let unions = try parallelMap(count: sortedKeys.count) { gi -> GeometryHandle in
        let members = groups[sortedKeys[gi]]!.map { shapes[$0] }
        return members.count == 1 ? members[0] : try GeometryHandle.unaryUnion(members)
    }
    return zip(sortedKeys, unions).map { (key: $0, shape: $1) }
}
