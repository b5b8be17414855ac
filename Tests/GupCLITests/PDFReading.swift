import Foundation
import XCTest

/// Reads PDFs back for the tests with poppler-utils (`pdfinfo`, `pdffonts`,
/// `pdftotext`, `pdftoppm`).
enum PDFReading {
    static func tool(_ name: String, _ args: [String]) throws -> Data { try SystemTool.output(name, args) }

    /// Page sizes in mm, from `pdfinfo -f 1 -l N` (points × 25.4 / 72).
    static func pageSizes(_ path: String) throws -> [(width: Double, height: Double)] {
        let info = String(decoding: try tool("pdfinfo", [path]), as: UTF8.self)
        let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }!.split(separator: " ").last!)!
        let all = String(decoding: try tool("pdfinfo", ["-f", "1", "-l", "\(pages)", path]), as: UTF8.self)
        return all.split(separator: "\n").filter { $0.hasPrefix("Page ") && $0.contains(" size: ") }.map { l in
            let nums = l.components(separatedBy: "size:")[1].split(separator: " ").compactMap { Double($0) }
            return (nums[0] * 25.4 / 72, nums[1] * 25.4 / 72)
        }
    }

    /// Rows of `pdffonts`: (name, embedded).
    static func fonts(_ path: String) throws -> [(name: String, embedded: Bool)] {
        let lines = String(decoding: try tool("pdffonts", [path]), as: UTF8.self).split(separator: "\n").dropFirst(2)
        return lines.map { l in
            let cols = l.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            // name type… encoding emb sub uni object ID: emb is the 5th from the end.
            return (cols[0], cols[cols.count - 5] == "yes")
        }
    }

    static func text(_ path: String, page: Int) throws -> String {
        String(decoding: try tool("pdftotext", ["-f", "\(page)", "-l", "\(page)", "-layout", path, "-"]), as: UTF8.self)
    }

    /// Page `page` rasterised in gray at 10 pixels per mm (254 dpi): width, height, pixels.
    static func raster(_ path: String, page: Int) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        let d = try tool("pdftoppm", ["-r", "254", "-gray", "-f", "\(page)", "-l", "\(page)", path])
        // Binary PGM: "P5\nW H\n255\n" then the pixels.
        var fields: [String] = [], k = 0, current = ""
        while fields.count < 4 {
            let c = d[d.startIndex + k]; k += 1
            if c == 0x0A || c == 0x20 { if !current.isEmpty { fields.append(current); current = "" } } else { current.append(Character(UnicodeScalar(c))) }
        }
        let w = Int(fields[1])!, h = Int(fields[2])!
        return (w, h, Array(d[(d.startIndex + k)...]))
    }

    /// Centre (mm) of the dark line nearest to `expected` (mm) along a row
    /// (`horizontal`) or a column, searched within ± 2 mm.
    static func line(in r: (width: Int, height: Int, pixels: [UInt8]), horizontal: Bool, at crossMM: Double, near expected: Double) -> Double? {
        let cross = Int(crossMM * 10)
        let lo = max(0, Int((expected - 2) * 10)), hi = min((horizontal ? r.width : r.height) - 1, Int((expected + 2) * 10))
        func px(_ i: Int) -> UInt8 { horizontal ? r.pixels[cross * r.width + i] : r.pixels[i * r.width + cross] }
        var runs: [(Int, Int)] = []
        var start: Int?
        for i in lo...hi {
            if px(i) < 100 { if start == nil { start = i } } else if let s = start { runs.append((s, i - 1)); start = nil }
        }
        if let s = start { runs.append((s, hi)) }
        let centres = runs.map { (Double($0.0 + $0.1) / 2 + 0.5) / 10 }
        return centres.min { abs($0 - expected) < abs($1 - expected) }
    }

    /// Prints an HTML page to PDF with headless Chromium, as a browser's « Imprimer » does.
    static func chromiumPrint(_ html: URL, to pdf: String) throws {
        let home = try CLI.temporaryFolder()   // Chromium's profile, outside the dossier
        defer { try? FileManager.default.removeItem(at: home) }
        _ = try tool("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                                  "--user-data-dir=\(home.path)", "--print-to-pdf=\(pdf)", html.absoluteString])
    }
}
