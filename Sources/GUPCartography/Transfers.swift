import Foundation
import GUPAnalysis
import GUPModel
import GUPTopology

/// Ground that passed from one manager to another between two states of
/// the tenure (avant / après travaux), inside the quartier.
public struct SurfaceTransfer: Sendable, Equatable {
    public var from: String
    public var to: String
    /// Square metres.
    public var area: Double
}

/// What changed between two states of the tenure.
public struct TenureChange: Sendable {
    /// Transfers per (from, to), largest first.
    public var transfers: [SurfaceTransfer]
    /// Features of each state that lost or gained ground (a changed manager,
    /// a new or a removed parcel), by their position in their layer.
    public var changedBefore: Set<Int>
    public var changedAfter: Set<Int>

    /// « Non renseigné » stands for a parcel without a manager (ground
    /// handed to nobody is a transfer too); pieces under `minimumArea` m²
    /// (slivers of redrawn outlines) are not counted.
    public static func compare(before: WorkingLayer, after: WorkingLayer, field: String?, within quartier: GeometryHandle,
                               minimumArea: Double = 1) throws -> TenureChange {
        let none = "Non renseigné"
        func manager(_ f: Feature) -> String { field.flatMap { FieldResolver.text(f, $0) } ?? none }
        let q = try PreparedGeometry(quartier)
        guard let qb = try quartier.bounds() else { return TenureChange(transfers: [], changedBefore: [], changedAfter: []) }
        let beforeIndex = try SpatialIndex(before.shapes)
        let afterIndex = try SpatialIndex(after.shapes)
        var sums: [String: [String: Double]] = [:]
        var changedBefore = Set<Int>(), changedAfter = Set<Int>()
        // Each after-parcel, inside the quartier, minus the ground the same
        // manager already held before (any parcel of theirs: parcel layers
        // overlap, and a parcel redrawn but kept is no transfer). What is
        // left changed hands: it is split among the before-parcels of other
        // managers in turn (each piece counted once, even where they
        // overlapped), and what none of them held was nobody's.
        for k in try afterIndex.query(qb).sorted() {
            let a = after.shapes[k]
            guard try q.intersects(a) else { continue }
            let to = manager(after.features[k])
            let near = try beforeIndex.query(a).sorted()
            var rest = try a.intersection(quartier)
            let same = near.filter { manager(before.features[$0]) == to }.map { before.shapes[$0] }
            if !same.isEmpty { rest = try rest.difference(try GeometryHandle.unaryUnion(same)) }
            guard try rest.area() >= minimumArea else { continue }
            for j in near where manager(before.features[j]) != to {
                let piece = try rest.intersection(before.shapes[j])
                let area = try piece.area()
                // A sliver of a neighbour stays in `rest` for the parcel that really held it.
                guard area >= minimumArea else { continue }
                rest = try rest.difference(before.shapes[j])
                sums[manager(before.features[j]), default: [:]][to, default: 0] += area
                changedAfter.insert(k); changedBefore.insert(j)
            }
            // Ground no before-parcel held (a new parcel cut from the street).
            let fresh = try rest.area()
            if fresh >= minimumArea {
                sums[none, default: [:]][to, default: 0] += fresh
                changedAfter.insert(k)
            }
        }
        // Before-parcels whose ground no after-parcel holds any more.
        for j in try beforeIndex.query(qb).sorted() {
            let b = before.shapes[j]
            guard try q.intersects(b) else { continue }
            var gone = try b.intersection(quartier)
            let near = try afterIndex.query(b).map { after.shapes[$0] }
            if !near.isEmpty { gone = try gone.difference(try GeometryHandle.unaryUnion(near)) }
            let area = try gone.area()
            if area >= minimumArea {
                sums[manager(before.features[j]), default: [:]][none, default: 0] += area
                changedBefore.insert(j)
            }
        }
        var transfers: [SurfaceTransfer] = []
        for (from, tos) in sums { for (to, area) in tos { transfers.append(SurfaceTransfer(from: from, to: to, area: area)) } }
        transfers.sort { ($0.area, $1.from, $1.to) > ($1.area, $0.from, $0.to) }
        return TenureChange(transfers: transfers, changedBefore: changedBefore, changedAfter: changedAfter)
    }

    /// The table printed on the plan.
    public var table: PlanTable {
        let total = transfers.reduce(0) { $0 + $1.area }
        return PlanTable(title: "Surfaces transférées (m²)", columns: ["De", "À", "m²"],
                         rows: transfers.map { t in
                             PlanTable.Row(cells: [t.from, t.to, SVG.frenchInteger(Int(t.area.rounded()))],
                                           data: [("de", t.from), ("vers", t.to), ("surface-m2", CSVWriter.fixed(t.area, places: 2))])
                         },
                         total: transfers.isEmpty ? "Aucun changement de gestionnaire"
                                                  : "Total : \(SVG.frenchInteger(Int(total.rounded()))) m²")
    }

    /// The CSV file of the transfers: `de;vers;surface_m2`, two decimals.
    public static let csvHeader = ["gestionnaire_avant", "gestionnaire_apres", "surface_m2"]
    public static func csv(_ transfers: [SurfaceTransfer], writer: CSVWriter = CSVWriter()) -> String {
        writer.render(header: csvHeader, rows: transfers.map { [.text($0.from), .text($0.to), .decimal($0.area, places: 2)] })
    }
}

/// A small table drawn on a plan.
public struct PlanTable: Sendable {
    public struct Row: Sendable {
        public var cells: [String]
        /// `data-` attributes of the row (machine-readable values).
        public var data: [(String, String)]
    }
    public var title: String
    public var columns: [String]
    public var rows: [Row]
    /// Last line (a total).
    public var total: String?
}

enum PlanTableRenderer {
    /// The table in `box`: title, header, rows (the last ones summed up in
    /// « … et n autres » when the box is full), the total.
    static func draw(_ t: PlanTable, in box: PageRect, into b: inout SVGBuffer) {
        let fs = 2.2, row = 3.1
        let widths: [Double] = t.columns.count == 3 ? [0.37, 0.37, 0.26] : t.columns.map { _ in 1 / Double(t.columns.count) }
        b.append("<g id=\"tableau\" class=\"tableau-transferts\">\n")
        Furniture.text(t.title, x: box.x, y: box.y + 3.2, size: 3.0, bold: true, into: &b)
        var y = box.y + 3.2 + 1.5
        func cells(_ c: [String], bold: Bool) {
            var x = box.x
            for (k, s) in c.enumerated() {
                let w = box.width * widths[min(k, widths.count - 1)]
                let last = k == c.count - 1
                Furniture.text(Furniture.fit(s, size: fs, maxWidth: w - 1), x: last ? x + w : x, y: y + row * 0.75, size: fs,
                               anchor: last ? "end" : "start", bold: bold, into: &b)
                x += w
            }
        }
        cells(t.columns, bold: true)
        y += row
        b.append("<line x1=\"\(SVG.number(box.x))\" y1=\"\(SVG.number(y))\" x2=\"\(SVG.number(box.maxX))\" y2=\"\(SVG.number(y))\" stroke=\"#000000\" stroke-width=\"0.2\"/>\n")
        let room = max(0, Int((box.maxY - y - (t.total == nil ? 0 : row)) / row))
        let shown = t.rows.count <= room ? t.rows.count : max(0, room - 1)
        for r in t.rows.prefix(shown) {
            b.append("<g class=\"ligne-tableau\"")
            for (k, v) in r.data { b.attribute("data-" + k, v) }
            b.append(">\n")
            cells(r.cells, bold: false)
            b.append("</g>\n")
            y += row
        }
        if shown < t.rows.count {
            // The rows not shown keep their data for readers of the SVG.
            for r in t.rows.dropFirst(shown) {
                b.append("<g class=\"ligne-tableau\" data-masquee=\"oui\"")
                for (k, v) in r.data { b.attribute("data-" + k, v) }
                b.append("/>\n")
            }
            Furniture.text("… et \(t.rows.count - shown) autre(s) transfert(s) (voir le CSV)", x: box.x, y: y + row * 0.75, size: fs,
                           color: "#333333", into: &b)
            y += row
        }
        if let total = t.total {
            Furniture.text(total, x: box.x, y: y + row * 0.8, size: fs, bold: true, cls: "total-tableau", into: &b)
        }
        b.append("</g>\n")
    }
}
