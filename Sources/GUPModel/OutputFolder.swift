import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The output folder the user named, written as one unit (issue 16):
///
/// - checked first: not empty, not `/`, not the folder of an input nor one
///   of its parents (unless `force`, `--sortie-force`);
/// - a run writes into a fresh staging folder beside it (`.NOM.gup-XXXXXX`,
///   made by `mkdtemp`); every file is created there with
///   `O_CREAT | O_EXCL | O_NOFOLLOW` under an unpredictable temporary name,
///   then renamed: no symlink, planted or old, is ever followed;
/// - `commit()` writes the manifest `.gup-manifeste.json` (each file with its
///   size and SHA-256) and puts the staging folder in place with one atomic
///   exchange (`renameat2(RENAME_EXCHANGE)`): a reader, or a run killed at any
///   moment, sees the old complete output or the new one, never a mix.
///   What the earlier output held that its manifest does not list (the user's
///   own files) is carried over; files the earlier manifest lists and this run
///   did not write are removed, never any other.
/// - without `commit()` (an error, a kill), the earlier output stays as it was.
///
/// With `force`, or when the folder is the current directory, or when the
/// file system cannot exchange two folders, files are moved in one by one
/// (each atomically) instead, symlinks inside still refused.
public final class OutputFolder: @unchecked Sendable {
    /// Final location of this folder (a subfolder's own location for `subfolder`).
    public let url: URL
    private let run: Run
    private let prefix: String

    /// One file of a manifest.
    public struct Entry: Sendable, Equatable {
        public var path: String
        public var size: Int
        public var sha256: String
    }

    public static let manifestName = ".gup-manifeste.json"

    public convenience init(path: String, force: Bool = false) throws {
        let run = try Run(path: path, force: force)
        self.init(run: run, prefix: "")
    }

    private init(run: Run, prefix: String) {
        self.run = run
        self.prefix = prefix
        url = prefix.isEmpty ? URL(fileURLWithPath: run.finalPath) : URL(fileURLWithPath: run.finalPath).appendingPathComponent(String(prefix.dropLast()))
    }

    /// A folder inside this one, written in the same run.
    public func subfolder(_ name: String) throws -> OutputFolder {
        let rel = try Self.relative(name)
        return OutputFolder(run: run, prefix: prefix + rel + "/")
    }

    /// Writes `data` to `name` (a file name or a relative path without `..`);
    /// returns where the file will be once the run is committed.
    @discardableResult
    public func write(_ data: Data, to name: String) throws -> URL {
        let rel = prefix + (try Self.relative(name))
        try run.write(data, to: rel)
        return URL(fileURLWithPath: run.finalPath).appendingPathComponent(rel)
    }

    @discardableResult
    public func write(_ text: String, to name: String) throws -> URL {
        try write(Data(text.utf8), to: name)
    }

    /// Writes `name` through `produce`, which writes a whole file at the
    /// path it is given (libxlsxwriter, cairo, GDAL): a fresh temporary path
    /// inside this run's staging folder, then renamed into place there and
    /// listed like any other file. It used to be read back and written again:
    /// for the metro dossier's 93 MB GeoPackage, 0.65 s of the GIS thread
    /// copying pages (perf, `copy_folio_from_iter_atomic`).
    @discardableResult
    public func write(to name: String, using produce: (String) throws -> Void) throws -> URL {
        let rel = prefix + (try Self.relative(name))
        let tmp = run.stagingPath + "/.\(UUID().uuidString).tmp"
        defer { unlink(tmp) }
        try produce(tmp)
        try run.adopt(tmp, as: rel)
        return URL(fileURLWithPath: run.finalPath).appendingPathComponent(rel)
    }

    /// What this run wrote to `name` so far (read from the staging folder
    /// before `commit()`), nil when it wrote nothing there.
    public func contents(of name: String) throws -> Data? {
        let rel = prefix + (try Self.relative(name))
        return FileManager.default.contents(atPath: run.stagingPath + "/" + rel)
    }

    /// The URL of `name` inside the folder; refuses absolute paths and `..`.
    public func resolve(_ name: String) throws -> URL {
        url.appendingPathComponent(try Self.relative(name))
    }

    /// The files written so far, sorted by path (relative to the top folder).
    public var written: [Entry] { run.entries }

    /// Puts the run's files in place (see the type's comment). Idempotent.
    public func commit() throws { try run.commit() }

    /// The process's umask, read from `/proc/self/status` (`umask(2)` can
    /// only read it by setting it, which would race with the threads
    /// creating files); 022 when unknown.
    static let umask: mode_t = {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
              let m = mode_t(line.dropFirst(6).trimmingCharacters(in: .whitespaces), radix: 8) else { return 0o022 }
        return m
    }()

    static func relative(_ name: String) throws -> String {
        let comps = name.split(separator: "/", omittingEmptySubsequences: false)
        guard !name.isEmpty, !name.hasPrefix("/"), !comps.contains(where: { $0.isEmpty || $0 == ".." || $0 == "." }),
              !name.utf8.contains(0) else {
            throw GUPError("Nom de fichier de sortie refusé (hors du dossier de sortie) : \(name)")
        }
        guard comps.allSatisfy({ $0.utf8.count <= 255 }) else {
            throw GUPError("Nom de fichier de sortie trop long (plus de 255 octets) : \(name)")
        }
        return comps.joined(separator: "/")
    }

    /// Writes one file atomically beside an existing output (a plan's SVG):
    /// an unpredictable temporary name opened with `O_EXCL | O_NOFOLLOW`, then
    /// renamed. Refuses to replace an input.
    public static func writeFile(_ data: Data, to path: String) throws {
        guard !path.isEmpty else { throw GUPError("--sortie : chemin vide") }
        let target = URL(fileURLWithPath: path).standardizedFileURL
        let dir = target.deletingLastPathComponent().path
        try makeFolders(dir, shown: dir)
        try refuseInput(target.path)
        var st = stat()
        if lstat(target.path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR {
            throw GUPError("Écriture impossible de \(target.path) : c'est un dossier")
        }
        try Run.writeAtomically(data, dir: dir, name: target.lastPathComponent, shown: target.path)
    }

    /// `writeFile` for a file a C library writes at a path (cairo): produced
    /// at a fresh `mkstemp` name in the target's folder, read back, removed,
    /// then written atomically like `writeFile`.
    public static func writeFile(to path: String, using produce: (String) throws -> Void) throws {
        guard !path.isEmpty else { throw GUPError("--sortie : chemin vide") }
        let target = URL(fileURLWithPath: path).standardizedFileURL
        let dir = target.deletingLastPathComponent().path
        try makeFolders(dir, shown: dir)
        var template = Array("\(dir)/.gup-XXXXXX.tmp".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 4) }
        guard fd >= 0 else { throw GUPError("Écriture impossible de \(target.path) : \(SystemError.french(errno))") }
        close(fd)
        let tmp = String(cString: template)
        defer { unlink(tmp) }
        try produce(tmp)
        guard let data = FileManager.default.contents(atPath: tmp) else {
            throw GUPError("Écriture impossible de \(target.path) : fichier produit illisible")
        }
        try writeFile(data, to: path)
    }

    /// An error when `path` is a file this process read as an input.
    static func refuseInput(_ path: String) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        let id = InputFile.Identity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
        // The input's path must still name that file: an inode number is
        // reused once the file read earlier is deleted.
        var now = stat()
        if let input = InputFile.inputs[id], stat(input, &now) == 0, UInt64(now.st_dev) == id.device, UInt64(now.st_ino) == id.inode {
            throw GUPError("Écriture refusée : \(path) est le fichier d'entrée \(input), qui serait écrasé ; choisissez un autre dossier de sortie")
        }
    }

    /// `mkdir -p`, with the reason in French when it fails.
    static func makeFolders(_ path: String, shown: String) throws {
        var st = stat()
        if stat(path, &st) == 0 {
            if st.st_mode & S_IFMT == S_IFDIR { return }
            throw GUPError("Impossible de créer le dossier de sortie \(shown) : un fichier porte déjà ce nom")
        }
        let parent = (path as NSString).deletingLastPathComponent
        if parent != path, !parent.isEmpty { try makeFolders(parent, shown: shown) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw GUPError("Impossible de créer le dossier de sortie \(shown) : \(SystemError.french(errno))")
        }
    }

    /// The common reasons a write fails, in French.
    static func reason(_ code: Int32) -> String { SystemError.french(code) }
}

/// The state of one run: where it stages, what it wrote.
private final class Run: @unchecked Sendable {
    let finalPath: String
    let shown: String
    let force: Bool
    private(set) var stagingPath: String
    private let lock = NSLock()
    private var written: [String: OutputFolder.Entry] = [:]
    private var committed = false

    init(path: String, force: Bool) throws {
        shown = path
        self.force = force
        let trimmed = path.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw GUPError("Dossier de sortie vide : donnez le nom d'un dossier (par exemple « resultats »)") }
        var absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        // The folder the user named, symlinks in its own path resolved (its
        // contents' symlinks are never followed).
        if let r = realpath(absolute, nil) { absolute = String(cString: r); free(r) }
        guard absolute != "/" else { throw GUPError("Dossier de sortie refusé : « / » (la racine du système)") }
        finalPath = absolute
        // Not the folder of an input, nor one of its parents: a rerun would
        // replace the user's data (issue 16: `--sortie .` replaced 884 parcels).
        if !force {
            for (_, input) in InputFile.inputs {
                let folder = (input as NSString).deletingLastPathComponent
                if folder == absolute || folder.hasPrefix(absolute + "/"), FileManager.default.fileExists(atPath: input) {
                    throw GUPError("Dossier de sortie refusé : \(path) contient le fichier d'entrée \(input) ; choisissez un dossier à part (par exemple « resultats »), ou confirmez avec --sortie-force")
                }
            }
        }
        var st = stat()
        if lstat(absolute, &st) == 0, st.st_mode & S_IFMT != S_IFDIR {
            throw GUPError("Impossible de créer le dossier de sortie \(path) : un fichier porte déjà ce nom")
        }
        let parent = (absolute as NSString).deletingLastPathComponent
        try OutputFolder.makeFolders(parent, shown: path)
        let name = (absolute as NSString).lastPathComponent
        var template = Array("\(parent)/.\(name.prefix(200)).gup-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw GUPError("Impossible de créer le dossier de sortie \(path) : \(SystemError.french(errno))")
        }
        stagingPath = String(cString: template)
        chmod(stagingPath, 0o755)
    }

    deinit {
        // Never committed (an error): the staging folder goes, the earlier output stays.
        if !committed { Self.removeTree(stagingPath) }
    }

    var entries: [OutputFolder.Entry] {
        lock.lock(); defer { lock.unlock() }
        return written.values.sorted { $0.path < $1.path }
    }

    func write(_ data: Data, to rel: String) throws {
        let dir = try stagingDirectory(for: rel)
        // Not flushed one by one: `commit()` flushes the staging folder's
        // file system once before anything is put in place.
        try Self.writeAtomically(data, dir: dir, name: (rel as NSString).lastPathComponent, shown: finalPath + "/" + rel, flush: false)
        let entry = OutputFolder.Entry(path: rel, size: data.count, sha256: try SHA256.hex(data))
        lock.lock(); written[rel] = entry; lock.unlock()
    }

    /// Puts a file a library wrote at `produced` (in the staging folder) at
    /// `rel`, hashed from a map of its pages, as `write` would have written it.
    func adopt(_ produced: String, as rel: String) throws {
        let dir = try stagingDirectory(for: rel)
        let shown = finalPath + "/" + rel
        var st = stat()
        guard lstat(produced, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw GUPError("Écriture impossible de \(shown) : fichier produit illisible")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: produced), options: .alwaysMapped) } catch {
            throw GUPError("Écriture impossible de \(shown) : fichier produit illisible")
        }
        let entry = OutputFolder.Entry(path: rel, size: data.count, sha256: try SHA256.hex(data))
        // The mode `writeAtomically` gives (0644 less the umask), whatever the library chose.
        if chmod(produced, 0o644 & ~OutputFolder.umask) != 0 || rename(produced, dir + "/" + (rel as NSString).lastPathComponent) != 0 {
            throw GUPError("Écriture impossible de \(shown) : \(SystemError.french(errno))")
        }
        lock.lock(); written[rel] = entry; lock.unlock()
    }

    /// The staging folder that receives `rel` (created), once checked that
    /// the run is still open and that `rel` is not one of the inputs.
    private func stagingDirectory(for rel: String) throws -> String {
        lock.lock()
        let done = committed
        lock.unlock()
        guard !done else { throw GUPError("Écriture après la fin de l'écriture du dossier de sortie : \(rel)") }
        try OutputFolder.refuseInput(finalPath + "/" + rel)
        let dirRel = (rel as NSString).deletingLastPathComponent
        var dir = stagingPath
        for c in dirRel.split(separator: "/") {
            dir += "/" + c
            if mkdir(dir, 0o755) != 0 && errno != EEXIST {
                throw GUPError("Impossible de créer le dossier \(finalPath)/\(dirRel) : \(SystemError.french(errno))")
            }
            var st = stat()
            guard lstat(dir, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
                throw GUPError("Écriture impossible de \(finalPath)/\(rel) : \(c) n'est pas un dossier")
            }
        }
        return dir
    }

    /// Temporary file with an unpredictable name, `O_EXCL | O_NOFOLLOW`,
    /// flushed (`fsync`, unless `flush` is false), then renamed over `name` in `dir`.
    static func writeAtomically(_ data: Data, dir: String, name: String, shown: String, flush: Bool = true) throws {
        var rng = SystemRandomNumberGenerator()
        let tmp = "\(dir)/.gup-\(String(rng.next() as UInt64, radix: 36))\(String(rng.next() as UInt64, radix: 36)).tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw GUPError("Écriture impossible de \(shown) : \(SystemError.french(errno))") }
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 { if errno == EINTR { continue }; failure = errno; return }
                off += n
            }
        }
        if flush && failure == 0 && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        // rename(2) replaces a symlink at `name` itself, never its target.
        if failure == 0 && rename(tmp, "\(dir)/\(name)") != 0 { failure = errno }
        if failure != 0 {
            unlink(tmp)
            throw GUPError("Écriture impossible de \(shown) : \(SystemError.french(failure))")
        }
    }

    func commit() throws {
        lock.lock()
        if committed { lock.unlock(); return }
        let files = written.values.sorted { $0.path < $1.path }
        lock.unlock()
        // Every file of the run reaches the disk before the output is put in
        // place: one `syncfs` of the staging folder's file system instead of
        // an `fsync` per file (a metro-scale dossier writes 17,500 files;
        // one fsync each was a journal commit each).
        try syncStaging()
        // The manifest, last file of the staging folder.
        let list: [JSONValue] = files.map { ["fichier": .init($0.path), "octets": .init($0.size), "sha256": .init($0.sha256)] }
        let json = Data(try JSONText.render(["version": 1, "fichiers": .array(list)]).utf8)
        try Self.writeAtomically(json, dir: stagingPath, name: OutputFolder.manifestName, shown: finalPath + "/" + OutputFolder.manifestName)
        let ours = Set(files.map(\.path))
        var st = stat()
        if lstat(finalPath, &st) != 0 {
            // No earlier output: one rename puts the whole run in place.
            if rename(stagingPath, finalPath) == 0 { finish(); return }
        }
        let old = Self.readManifest(finalPath)
        let cwd = FileManager.default.currentDirectoryPath
        if !force, cwd != finalPath, Self.exchangeSupported {
            try carryOver("", old: old, ours: ours)
            if Self.exchange(stagingPath, finalPath) {
                // stagingPath now holds the earlier output's own files only.
                Self.removeTree(stagingPath)
                finish()
                return
            }
        }
        try moveOneByOne(files: files, old: old)
        finish()
    }

    /// Flushes the file system that holds the staging folder (`syncfs(2)`).
    private func syncStaging() throws {
        let fd = open(stagingPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw GUPError("Écriture impossible de \(finalPath) : \(SystemError.french(errno))") }
        defer { close(fd) }
        if gup_syncfs(fd) != 0 { throw GUPError("Écriture impossible de \(finalPath) : \(SystemError.french(errno))") }
    }

    private func finish() {
        lock.lock(); committed = true; lock.unlock()
    }

    /// Moves what the earlier output holds and its manifest does not list
    /// (the user's files) into the staging folder, so that the exchange keeps it.
    private func carryOver(_ rel: String, old: Set<String>, ours: Set<String>) throws {
        let dir = rel.isEmpty ? finalPath : finalPath + "/" + rel
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names {
            let r = rel.isEmpty ? name : rel + "/" + name
            if r == OutputFolder.manifestName { continue }
            var st = stat(), sst = stat()
            guard lstat(dir + "/" + name, &st) == 0 else { continue }
            let staged = stagingPath + "/" + r
            let stagedExists = lstat(staged, &sst) == 0
            if st.st_mode & S_IFMT == S_IFDIR {
                let holdsOld = old.contains { $0.hasPrefix(r + "/") }
                if stagedExists && sst.st_mode & S_IFMT != S_IFDIR {
                    throw GUPError("Dossier de sortie \(shown) : \(r) est un dossier qui n'est pas de gup, et la sortie y écrit un fichier ; déplacez-le")
                }
                if stagedExists || holdsOld {
                    if !stagedExists { mkdir(staged, 0o755) }
                    try carryOver(r, old: old, ours: ours)
                    // A folder only the earlier run had, with nothing of the user's in it, goes.
                    if !stagedExists { rmdir(staged) }
                } else if rename(dir + "/" + name, staged) != 0 {
                    throw GUPError("Dossier de sortie \(shown) : impossible de garder \(r) (\(SystemError.french(errno)))")
                }
            } else {
                // A file the earlier run wrote goes; one this run writes again is replaced.
                if old.contains(r) || stagedExists { continue }
                if rename(dir + "/" + name, staged) != 0 {
                    throw GUPError("Dossier de sortie \(shown) : impossible de garder \(r) (\(SystemError.french(errno)))")
                }
            }
        }
    }

    /// The fallback: each file renamed into the final folder; symlinks in
    /// the way refused; the earlier manifest's files not rewritten removed.
    private func moveOneByOne(files: [OutputFolder.Entry], old: Set<String>) throws {
        try OutputFolder.makeFolders(finalPath, shown: shown)
        for f in files.map(\.path) + [OutputFolder.manifestName] {
            var dir = finalPath
            for c in (f as NSString).deletingLastPathComponent.split(separator: "/") {
                dir += "/" + c
                var st = stat()
                if lstat(dir, &st) == 0 {
                    guard st.st_mode & S_IFMT == S_IFDIR else {
                        throw GUPError("Dossier de sortie \(shown) : \(dir) est un lien symbolique ou un fichier, pas un dossier : écriture refusée (aucun lien n'est suivi)")
                    }
                } else if mkdir(dir, 0o755) != 0 {
                    throw GUPError("Impossible de créer le dossier \(dir) : \(SystemError.french(errno))")
                }
            }
            try OutputFolder.refuseInput(finalPath + "/" + f)
            if rename(stagingPath + "/" + f, finalPath + "/" + f) != 0 {
                throw GUPError("Écriture impossible de \(finalPath)/\(f) : \(SystemError.french(errno))")
            }
        }
        let now = Set(files.map(\.path))
        for f in old.subtracting(now) {
            var st = stat()
            if lstat(finalPath + "/" + f, &st) == 0, st.st_mode & S_IFMT == S_IFREG { unlink(finalPath + "/" + f) }
            // Folders the removal emptied go too (rmdir fails on any other).
            var d = (f as NSString).deletingLastPathComponent
            while !d.isEmpty { if rmdir(finalPath + "/" + d) != 0 { break }; d = (d as NSString).deletingLastPathComponent }
        }
        Self.removeTree(stagingPath)
    }

    /// Paths an earlier manifest lists (empty when there is none or it is unreadable).
    static func readManifest(_ folder: String) -> Set<String> {
        guard let data = try? InputFile.readUnregistered(path: folder + "/" + OutputFolder.manifestName, limit: 64 << 20),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = obj["fichiers"] as? [[String: Any]] else { return [] }
        return Set(list.compactMap { $0["fichier"] as? String }.filter { (try? OutputFolder.relative($0)) == $0 })
    }

    /// `renameat2`, which glibc 2.28+ has but Swift's Glibc module does not
    /// export (it is declared under `_GNU_SOURCE`); looked up once.
    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let renameat2: RenameAt2? = dlsym(nil, "renameat2").map { unsafeBitCast($0, to: RenameAt2.self) }
    static var exchangeSupported: Bool { renameat2 != nil }

    /// Swaps two folders atomically (`RENAME_EXCHANGE`); false when the file system cannot.
    static func exchange(_ a: String, _ b: String) -> Bool {
        guard let f = renameat2 else { return false }
        return f(AT_FDCWD, a, AT_FDCWD, b, 1 << 1) == 0
    }

    /// `rm -r` that never follows a symlink.
    static func removeTree(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if st.st_mode & S_IFMT == S_IFDIR {
            for n in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] { removeTree(path + "/" + n) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

/// glibc's `syncfs(2)` (Linux ≥ 2.6.39), which the Glibc module does not
/// import (it is declared under `_GNU_SOURCE` only).
@_silgen_name("syncfs")
private func gup_syncfs(_ fd: Int32) -> Int32
