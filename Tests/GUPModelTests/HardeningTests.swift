import XCTest
@testable import GUPModel

/// Issue 16: numbers, reading, writing and escaping against hostile or
/// clumsy inputs. Each test names the case of the issue it covers.
final class NumberDomainTests: XCTestCase {
    func testNonFiniteAndOutOfRangeNumbersNameTheBound() {
        // Case 1 and 11: nan, inf, 1e308, 1e-13.
        for (v, part) in [(Double.nan, "« nan »"), (.infinity, "infinie"), (1e308, "hors des bornes"), (1e-13, "hors des bornes")] {
            XCTAssertThrowsError(try NumberDomain.check(v, "--cellule", in: NumberDomain.metres, unit: "m")) { e in
                let m = "\(e)"
                XCTAssertTrue(m.hasPrefix("--cellule : "), m)
                XCTAssertTrue(m.contains(part), m)
                XCTAssertTrue(m.contains("entre 0,01 et 100\u{202F}000 m"), m)
            }
        }
        XCTAssertEqual(try NumberDomain.check(50, "--cellule", in: NumberDomain.metres, unit: "m"), 50)
        XCTAssertThrowsError(try NumberDomain.check(1_000_000_000_000_000_000, "--echelle", in: NumberDomain.scaleDenominators, unit: "")) {
            XCTAssertTrue("\($0)".contains("entre 100 et 1\u{202F}000\u{202F}000"), "\($0)")
        }
    }

    func testCheckedIntConversion() {
        XCTAssertNil(Int(checking: 1e19))
        XCTAssertNil(Int(checking: .nan))
        XCTAssertNil(Int(checking: -.infinity))
        XCTAssertEqual(Int(checking: 12.9), 12)
    }

    func testHexadecimalAndNonFiniteTextsAreNotNumbers() {
        // Case 10: Swift's Double("0x10") is 16.
        XCTAssertNil(PropertyValue.parseNumber("0x10"))
        XCTAssertNil(PropertyValue.parseNumber("0X1p4"))
        XCTAssertNil(PropertyValue.parseNumber("inf"))
        XCTAssertNil(PropertyValue.parseNumber("nan"))
        XCTAssertEqual(PropertyValue.parseNumber("-12,5"), -12.5)
        XCTAssertEqual(PropertyValue.parseNumber("6 206"), 6206)
        XCTAssertEqual(PropertyValue.parseNumber("1e3"), 1000)
    }

    func testWorkLimitsNameTheFigureAndTheOption() {
        let l = WorkLimits(gridCells: 1000, overlayPairs: 10)
        XCTAssertNoThrow(try l.checkGrid(columns: 10, rows: 100, what: "grille"))
        XCTAssertThrowsError(try l.checkGrid(columns: 1e200, rows: 1e200, what: "grille")) {
            XCTAssertTrue("\($0)".contains("une infinité de cellules"), "\($0)")
        }
        XCTAssertThrowsError(try l.checkRaster(columns: 10_000, rows: 10_000, what: "densité")) {
            XCTAssertTrue("\($0)".contains("100\u{202F}000\u{202F}000 mailles"), "\($0)")
        }
        XCTAssertThrowsError(try l.checkPairs(11, what: "chevauchements")) {
            XCTAssertTrue("\($0)".contains("11 paires"), "\($0)")
            XCTAssertTrue("\($0)".contains("--max-paires"), "\($0)")
        }
    }
}

/// A fresh temporary folder `dir` for each test.
class TemporaryFolderTestCase: XCTestCase {
    var dir = ""
    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "gup-durcissement-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
}

final class InputFileTests: TemporaryFolderTestCase {

    func testSpecialFilesAreRefusedAtOnce() throws {
        // Case 3: a FIFO blocked forever; /dev/zero filled the memory.
        let fifo = dir + "/couche.geojson"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        let t0 = Date()
        XCTAssertThrowsError(try GeoJSONReader.read(path: fifo)) {
            XCTAssertTrue("\($0)".contains("tube nommé (FIFO)"), "\($0)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(t0), 5)
        for (path, word) in [("/dev/zero", "périphérique"), ("/dev/urandom", "périphérique"), (dir, "dossier")] {
            XCTAssertThrowsError(try GeoJSONReader.read(path: path)) { XCTAssertTrue("\($0)".contains(word), "\($0)") }
            XCTAssertThrowsError(try CSVTable.read(path: path)) { XCTAssertTrue("\($0)".contains(word), "\($0)") }
        }
        XCTAssertThrowsError(try GeoJSONReader.read(path: dir + "/absent.geojson")) {
            XCTAssertTrue("\($0)".contains("fichier ou dossier introuvable"), "\($0)")
        }
    }

    func testSizeLimit() throws {
        let p = dir + "/grand.csv"
        FileManager.default.createFile(atPath: p, contents: Data(count: 3 << 20))
        XCTAssertThrowsError(try InputFile.read(path: p, limit: 1 << 20)) {
            XCTAssertTrue("\($0)".contains("fichier de 3 Mio, plus que la limite de 1 Mio"), "\($0)")
        }
    }

    func testAFileShortenedWhileReadIsAnErrorNotACrash() throws {
        // Case 2: the memory map gave SIGBUS. Shortened between the size
        // check and the read:
        let p = dir + "/c.geojson"
        FileManager.default.createFile(atPath: p, contents: Data(repeating: 0x20, count: 1 << 20))
        let (fd, size) = try InputFile.openRegular(path: p)
        defer { close(fd) }
        XCTAssertEqual(truncate(p, 1000), 0)
        let buf = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buf.deallocate() }
        XCTAssertThrowsError(try InputFile.readAll(fd: fd, into: buf, size: size, path: p)) {
            XCTAssertTrue("\($0)".contains("a changé pendant sa lecture"), "\($0)")
        }
        // And lengthened:
        XCTAssertEqual(truncate(p, off_t(size + 10)), 0)
        XCTAssertThrowsError(try InputFile.readAll(fd: fd, into: buf, size: size, path: p))
    }

    func testAMappedFileShortenedUnderTheReaderIsAnErrorNotABusError() throws {
        // Case 2, exactly: the pages past the new end are touched after the cut.
        let p = dir + "/coupe.geojson"
        FileManager.default.createFile(atPath: p, contents: Data(repeating: 0x20, count: 1 << 20))
        let file = try MappedFile(path: p)
        XCTAssertNoThrow(try file.checkUnchanged())
        XCTAssertEqual(truncate(p, 0), 0)
        var sum = 0
        for k in stride(from: 0, to: file.bytes.count, by: 4096) { sum += Int(file.bytes[k]) }   // SIGBUS before the guard
        XCTAssertEqual(sum, 0, "the lost pages read as zeros")
        XCTAssertThrowsError(try file.checkUnchanged()) {
            XCTAssertEqual("\($0)", "\(p) : le fichier a changé pendant sa lecture (raccourci ou allongé par un autre programme) : relancez une fois qu'il est complet")
        }
        // A fault outside any guarded map still reaches the usual handler: not tested here (it ends the process).
    }

    func testAFileTruncatedOverAndOverDuringReadsNeverCrashes() throws {
        // The real race: another thread cuts the file while it is read.
        let p = dir + "/course.geojson"
        var text = #"{"type":"FeatureCollection","features":["#
        for k in 0..<40_000 { text += (k > 0 ? "," : "") + #"{"type":"Feature","properties":{"n":\#(k)},"geometry":{"type":"Point","coordinates":[5.1,45.2]}}"# }
        text += "]}"
        let full = Data(text.utf8)
        FileManager.default.createFile(atPath: p, contents: full)
        final class Flag: @unchecked Sendable { let lock = NSLock(); var running = true }
        let flag = Flag()
        let cutter = Thread {
            while true {
                flag.lock.lock(); let r = flag.running; flag.lock.unlock()
                if !r { break }
                _ = truncate(p, 100)
                _ = truncate(p, off_t(full.count))
            }
        }
        cutter.start()
        var errors = 0
        for _ in 0..<30 {
            do { _ = try GeoJSONReader.read(path: p) } catch let e as GUPError {
                errors += 1
                XCTAssertTrue(e.message.hasPrefix(p), e.message)
            }
        }
        flag.lock.lock(); flag.running = false; flag.lock.unlock()
        XCTAssertGreaterThan(errors, 0, "the cutter never caught a read")
    }

    func testLatin1AndUTF16AreNamedWithLineAndColumn() throws {
        // Case 12: « Quartier S\u{FFFD}vign\u{FFFD} » was written.
        let latin1 = dir + "/latin1.geojson"
        var bytes = Array(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"nom":"Quartier S"#.utf8)
        bytes += [0xE9] + Array("vign".utf8) + [0xE9] + Array(#""},"geometry":{"type":"Point","coordinates":[5,45]}}]}"#.utf8)
        FileManager.default.createFile(atPath: latin1, contents: Data(bytes))
        XCTAssertThrowsError(try GeoJSONReader.read(path: latin1)) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(latin1):1:90 : "), "\(e)")
            XCTAssertTrue("\(e)".contains("Latin-1"), "\(e)")
        }
        let utf16 = dir + "/utf16.geojson"
        FileManager.default.createFile(atPath: utf16, contents: #"{"type":"FeatureCollection","features":[]}"#.data(using: .utf16)!)
        XCTAssertThrowsError(try GeoJSONReader.read(path: utf16)) { XCTAssertTrue("\($0)".contains("UTF-16"), "\($0)") }
        // A managers table saved by a French Excel is Windows-1252, read as such
        // (issue 12), never as « S\u{FFFD} »; a UTF-16 one is named.
        let csv = dir + "/g.csv"
        FileManager.default.createFile(atPath: csv, contents: Data([0x69, 0x64, 0x0A, 0x53, 0xE9, 0x0A]))
        XCTAssertEqual(try CSVTable.read(path: csv).rows, [["Sé"]])
        let csv16 = dir + "/g16.csv"
        FileManager.default.createFile(atPath: csv16, contents: "id\nSé\n".data(using: .utf16)!)
        XCTAssertThrowsError(try CSVTable.read(path: csv16)) { XCTAssertTrue("\($0)".contains("UTF-16"), "\($0)") }
    }
}

final class SpreadsheetSafetyTests: XCTestCase {
    func testFormulaCellsGetAnApostropheNumbersDoNot() throws {
        // Case 16.
        let w = CSVWriter()
        let text = w.render(header: ["gestionnaire", "valeur", "n"], rows: [
            [.text(#"=HYPERLINK("http://x","x")"#), .decimal(-12.5, places: 1), .integer(-3)],
            [.text("+33 1 23"), .text("-12,5"), .text("@SUM(A1)")],
            [.text("\tcaché"), .text("-A1+B1"), .text("Cloche\u{07}\u{1B}[31m\u{0}")],
        ])
        let t = try CSVTable.parse(text, source: "t.csv")
        XCTAssertEqual(t.rows[0], [#"'=HYPERLINK("http://x","x")"#, "-12.5", "-3"])
        XCTAssertEqual(t.rows[1], ["'+33 1 23", "-12,5", "'@SUM(A1)"])
        XCTAssertEqual(t.rows[2], ["' caché", "'-A1+B1", "Cloche\u{FFFD}\u{FFFD}[31m\u{FFFD}"])
        XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\r" && $0 != "\n" })
        // A non-finite figure is an empty cell, never « inf ».
        XCTAssertEqual(w.render(header: ["x"], rows: [[.decimal(.infinity, places: 2)]]), "x\r\n\r\n")
    }

    func testACombiningMarkAfterAQuoteDoesNotHideIt() throws {
        // Fuzz/ManagersFuzz: « "\u{73E}-12," » written quoted, read back as three columns.
        let w = CSVWriter()
        let text = w.render(header: ["a", "b"], rows: [[.text("\u{73E}-12,x"), .text("y")]])
        XCTAssertEqual(try CSVTable.parse(text, source: "t.csv").rows, [["\u{73E}-12,x", "y"]])
        let input = "id;g\u{0}\n l^;-q1l{,\u{0}ai\u{0}leur\n\u{73E}-12,\u{0};\u{0}\u{0}\"\u{0}\u{0}\u{4}l-0w2,\u{0}\u{E}"
        let t = try CSVTable.parse(input, source: "g.csv")
        let again = try CSVTable.parse(w.render(header: ["a", "b"], rows: t.rows.map { $0.map { .text($0) } }), source: "back.csv")
        XCTAssertEqual(again.rows.count, 2)
        XCTAssertEqual(again.rows.map(\.count), [2, 2])
        // And on the writer's side: a quote fused with a combining mark still gets the cell quoted.
        let fused = w.render(header: ["a"], rows: [[.text("2\"\u{611}n")], [.text("\"\u{611}x")]])
        XCTAssertEqual(try CSVTable.parse(fused, source: "t.csv").rows, [["2\"\u{611}n"], ["\"\u{611}x"]])
    }

    func testTerminalTextHasNoEscapeSequences() {
        XCTAssertEqual(ControlCharacters.forTerminal("a\u{1B}[2Jb\nc\u{07}"), "a\u{FFFD}[2Jb\nc\u{FFFD}")
    }

    func testSHA256AgainstFIPSVectors() throws {
        XCTAssertEqual(try SHA256.hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(try SHA256.hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(try SHA256.hex(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(try SHA256.hex(Data(repeating: 0x61, count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

final class OutputFolderSafetyTests: TemporaryFolderTestCase {

    func files(_ path: String) -> [String] {
        (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).sorted()
    }

    func testNoOutputPathResolvesOutsideThroughASymlink() throws {
        // Case 15: `sortie/les-pins → elsewhere` made 22 files land elsewhere.
        let out = dir + "/sortie", elsewhere = dir + "/ailleurs"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out + "/les-pins", withDestinationPath: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: out + "/index.html", withDestinationPath: elsewhere + "/victime.html")
        FileManager.default.createFile(atPath: elsewhere + "/victime.html", contents: Data("à garder".utf8))
        let folder = try OutputFolder(path: out)
        try folder.subfolder("les-pins").write("a", to: "plan.svg")
        try folder.write("<html>", to: "index.html")
        try folder.commit()
        XCTAssertEqual(files(elsewhere), ["victime.html"])
        XCTAssertEqual(try String(contentsOfFile: elsewhere + "/victime.html", encoding: .utf8), "à garder")
        var st = stat()
        XCTAssertEqual(lstat(out + "/les-pins", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFDIR)
        XCTAssertEqual(try String(contentsOfFile: out + "/les-pins/plan.svg", encoding: .utf8), "a")

        // The one-by-one mode (--sortie-force) refuses the symlinked folder.
        try FileManager.default.createDirectory(atPath: dir + "/autre", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/autre/les-pins", withDestinationPath: elsewhere)
        let forced = try OutputFolder(path: dir + "/autre", force: true)
        try forced.subfolder("les-pins").write("b", to: "plan.svg")
        XCTAssertThrowsError(try forced.commit()) { XCTAssertTrue("\($0)".contains("aucun lien n'est suivi"), "\($0)") }
        XCTAssertEqual(files(elsewhere), ["victime.html"])
    }

    func testTemporaryNamesAreUnpredictableAndNotFollowed() throws {
        let folder = try OutputFolder(path: dir + "/s")
        try folder.write("x", to: "a.csv")
        try folder.commit()
        // No predictable `.a.csv.PID.tmp` left, nothing but the file and the manifest.
        XCTAssertEqual(files(dir + "/s"), [".gup-manifeste.json", "a.csv"])
        let siblings = try FileManager.default.contentsOfDirectory(atPath: dir)
        XCTAssertEqual(siblings, ["s"], "staging folder left behind")
    }

    /// A file a library writes at the path it is handed (GDAL, cairo,
    /// libxlsxwriter) is moved into place, not copied: it lands in its
    /// subfolder with the mode of every output, listed with its size and
    /// digest; no temporary file is left; a producer that fails leaves nothing.
    func testAProducedFileIsMovedIntoPlaceAndListed() throws {
        let out = dir + "/p"
        let folder = try OutputFolder(path: out)
        let bytes = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        var producedInode: ino_t = 0
        try folder.subfolder("les-pins").write(to: "plan.pdf") { path in
            XCTAssertTrue(path.hasSuffix(".tmp"), path)
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: bytes, attributes: [.posixPermissions: 0o600]))
            var st = stat()
            XCTAssertEqual(stat(path, &st), 0)
            producedInode = st.st_ino
        }
        XCTAssertThrowsError(try folder.write(to: "raté.xlsx") { path in
            FileManager.default.createFile(atPath: path, contents: Data("à moitié".utf8))
            throw GUPError("échec du producteur")
        })
        try folder.commit()
        XCTAssertEqual(files(out), [".gup-manifeste.json", "les-pins", "les-pins/plan.pdf"])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/les-pins/plan.pdf")), bytes)
        var st = stat()
        XCTAssertEqual(stat(out + "/les-pins/plan.pdf", &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o644 & ~OutputFolder.umask)
        XCTAssertEqual(st.st_ino, producedInode, "moved, not copied")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/.gup-manifeste.json"))) as! [String: Any]
        let listed = (manifest["fichiers"] as! [[String: Any]]).map { "\($0["fichier"]!) \($0["octets"]!) \($0["sha256"]!)" }
        XCTAssertEqual(listed, ["les-pins/plan.pdf 300000 \(try SHA256.hex(bytes))"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["p"], "staging folder left behind")
    }

    func testAnInputIsNeverOverwrittenNorItsFolderUsed() throws {
        // Case 13 and 14.
        let input = dir + "/domanialite.geojson"
        FileManager.default.createFile(atPath: input, contents: Data(#"{"type":"FeatureCollection","features":[]}"#.utf8))
        _ = try GeoJSONReader.read(path: input)
        XCTAssertThrowsError(try OutputFolder(path: dir)) { XCTAssertTrue("\($0)".contains("--sortie-force"), "\($0)") }
        XCTAssertThrowsError(try OutputFolder(path: dir + "/..")) { XCTAssertTrue("\($0)".contains("contient le fichier d'entrée"), "\($0)") }
        XCTAssertThrowsError(try OutputFolder(path: "/")) { XCTAssertTrue("\($0)".contains("« / »"), "\($0)") }
        XCTAssertThrowsError(try OutputFolder(path: "")) { XCTAssertTrue("\($0)".contains("vide"), "\($0)") }
        let forced = try OutputFolder(path: dir, force: true)
        XCTAssertThrowsError(try forced.write("{}", to: "domanialite.geojson")) {
            XCTAssertTrue("\($0)".contains("est le fichier d'entrée"), "\($0)")
        }
        // A hard link to the input is the same file.
        let other = dir + "-lien"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: other) }
        XCTAssertEqual(link(input, other + "/x.geojson"), 0)
        XCTAssertThrowsError(try OutputFolder.writeFile(Data("<svg/>".utf8), to: other + "/x.geojson"))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: input)).count, 42)
    }

    func testRerunRemovesOnlyWhatTheEarlierManifestListed() throws {
        // Case 17.
        let out = dir + "/d"
        let first = try OutputFolder(path: out)
        try first.subfolder("les-pins").write("1", to: "evolution.csv")
        try first.subfolder("les-hermes").write("1", to: "index.html")
        try first.write("1", to: "index.html")
        try first.commit()
        // The user's own files, beside and inside.
        FileManager.default.createFile(atPath: out + "/notes.txt", contents: Data("mes notes".utf8))
        FileManager.default.createFile(atPath: out + "/les-pins/photo.jpg", contents: Data("jpg".utf8))
        let second = try OutputFolder(path: out)
        try second.subfolder("les-pins").write("2", to: "index.html")
        try second.write("2", to: "index.html")
        XCTAssertEqual(try String(contentsOfFile: out + "/index.html", encoding: .utf8), "1", "written before the commit")
        try second.commit()
        XCTAssertEqual(files(out), [".gup-manifeste.json", "index.html", "les-pins", "les-pins/index.html", "les-pins/photo.jpg", "notes.txt"])
        XCTAssertEqual(try String(contentsOfFile: out + "/index.html", encoding: .utf8), "2")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/.gup-manifeste.json"))) as! [String: Any]
        let listed = (manifest["fichiers"] as! [[String: Any]]).map { "\($0["fichier"]!) \($0["octets"]!) \($0["sha256"]!)" }
        XCTAssertEqual(listed, ["index.html 1 \(try SHA256.hex(Data("2".utf8)))", "les-pins/index.html 1 \(try SHA256.hex(Data("2".utf8)))"])
        // Without a manifest, nothing earlier is removed.
        try FileManager.default.removeItem(atPath: out + "/.gup-manifeste.json")
        let third = try OutputFolder(path: out)
        try third.write("3", to: "autre.csv")
        try third.commit()
        XCTAssertEqual(files(out), [".gup-manifeste.json", "autre.csv", "index.html", "les-pins", "les-pins/index.html", "les-pins/photo.jpg", "notes.txt"])
    }

    func testAFailedRunLeavesTheEarlierOutputUntouched() throws {
        let out = dir + "/d"
        let first = try OutputFolder(path: out)
        try first.write("1", to: "a.csv")
        try first.commit()
        do {
            let second = try OutputFolder(path: out)
            try second.write("2", to: "a.csv")
            // No commit: an error stopped the run.
        }
        XCTAssertEqual(try String(contentsOfFile: out + "/a.csv", encoding: .utf8), "1")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["d"])
    }
}
