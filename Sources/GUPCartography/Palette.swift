import Foundation

/// ColorBrewer palettes (Cynthia Brewer, colorbrewer2.org, Apache-2.0
/// licensed colour tables), typed from the published tables.
public enum ColorBrewer {
    /// Set2, qualitative, 8 classes (colour-blind safe up to 3).
    public static let set2 = ["#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494", "#b3b3b3"]
    /// Paired, qualitative, 12 classes (colour-blind safe up to 4).
    public static let paired = ["#a6cee3", "#1f78b4", "#b2df8a", "#33a02c", "#fb9a99", "#e31a1c",
                                "#fdbf6f", "#ff7f00", "#cab2d6", "#6a3d9a", "#ffff99", "#b15928"]
    /// Set3, qualitative, 12 classes.
    public static let set3 = ["#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
                              "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f"]
    /// Dark2, qualitative, 8 classes (colour-blind safe up to 3): small symbols.
    public static let dark2 = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]

    /// Blues, sequential, 3 classes (cold spots of the Gi* statistic).
    public static let blues3 = ["#deebf7", "#9ecae1", "#3182bd"]

    /// YlOrRd, sequential, 3 to 9 classes (colour-blind safe at every count).
    public static let ylOrRd: [Int: [String]] = [
        3: ["#ffeda0", "#feb24c", "#f03b20"],
        4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
        5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
        6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
        7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
        8: ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
        9: ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"],
    ]

    /// The qualitative palette for `count` areal classes: colour-blind safe
    /// ones while ColorBrewer has one for that count (Set2 up to 3, Paired up
    /// to 4), then Set2 (8), then Set3 (12); beyond 12 colours repeat.
    public static func qualitative(count: Int) -> [String] {
        if count <= 3 { return Array(set2.prefix(3)) }
        if count <= 4 { return Array(paired.prefix(4)) }
        if count <= 8 { return set2 }
        return set3
    }

    /// The palette of lines and small symbols (cleaners, incident
    /// categories): Dark2, its first 3 colours (colour-blind safe) up to 3.
    public static func symbols(count: Int) -> [String] {
        count <= 3 ? Array(dark2.prefix(3)) : dark2
    }

    /// The sequential palette for `count` classes (3…9; fewer classes take
    /// the 3-class palette's first colours, more are capped at 9).
    public static func sequential(count: Int) -> [String] {
        let n = min(9, max(3, count))
        return Array(ylOrRd[n]!.prefix(max(1, count)))
    }
}

/// A stable name → colour assignment: the names are sorted (French
/// collation-independent: plain Unicode order after trimming) and the k-th
/// name takes the k-th colour of the palette. Build it once from every name
/// of a dossier (the whole parcel layer, or both states of an avant/après
/// plan) and the same manager keeps the same colour on every plan.
public struct ColorAssignment: Sendable, Equatable {
    public let names: [String]
    public let colors: [String]

    public init(names: some Sequence<String>, palette: ((Int) -> [String])? = nil) {
        let sorted = Array(Set(Set(names).map(trimmed)).filter { !$0.isEmpty }).sorted()
        self.names = sorted
        let p = (palette ?? ColorBrewer.qualitative)(sorted.count)
        colors = sorted.indices.map { p[$0 % p.count] }
    }

    /// The colour of `name`, nil when it is not in the list.
    public func color(of name: String) -> String? {
        let n = trimmed(name)
        // names is sorted: binary search.
        var lo = 0, hi = names.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if names[mid] == n { return colors[mid] }
            if names[mid] < n { lo = mid + 1 } else { hi = mid - 1 }
        }
        return nil
    }
}
