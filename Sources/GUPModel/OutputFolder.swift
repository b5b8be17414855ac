import Foundation

/// The output folder the user named. Every file is written atomically
/// (temporary file in the same folder, then rename) and only inside it.
public struct OutputFolder: Sendable {
    public let url: URL

    /// Creates the folder if needed.
    public init(path: String) throws {
        url = URL(fileURLWithPath: path).standardizedFileURL
        try Self.makeFolder(url.path, for: path)
    }

    /// `mkdir -p`, with the reason in French when it fails.
    private static func makeFolder(_ path: String, for shown: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            if isDir.boolValue { return }
            throw GUPError("Impossible de créer le dossier de sortie \(shown) : un fichier porte déjà ce nom")
        }
        let parent = (path as NSString).deletingLastPathComponent
        if parent != path, !parent.isEmpty { try makeFolder(parent, for: shown) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw GUPError("Impossible de créer le dossier de sortie \(shown) : \(reason(errno))")
        }
    }

    /// The common reasons a write fails, in French.
    static func reason(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: return "permission refusée"
        case ENOSPC: return "disque plein"
        case EROFS: return "système de fichiers en lecture seule"
        case ENOENT: return "dossier introuvable"
        case ENOTDIR: return "un élément du chemin n'est pas un dossier"
        case EDQUOT: return "quota disque dépassé"
        case ENAMETOOLONG: return "nom trop long"
        default: return "erreur système \(code)"
        }
    }

    /// Writes `data` to `name` (a plain file name or a relative path without `..`).
    @discardableResult
    public func write(_ data: Data, to name: String) throws -> URL {
        let target = try resolve(name)
        let dir = target.deletingLastPathComponent()
        try Self.makeFolder(dir.path, for: dir.path)
        let tmp = dir.appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
        // Temporary file in the same folder, flushed, then renamed over the target.
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw GUPError("Écriture impossible de \(target.path) : \(Self.reason(errno))") }
        var failure: Int32 = 0
        data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 { if errno == EINTR { continue }; failure = errno; return }
                off += n
            }
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        if close(fd) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(tmp, target.path) != 0 { failure = errno }
        if failure != 0 {
            unlink(tmp)
            throw GUPError("Écriture impossible de \(target.path) : \(Self.reason(failure))")
        }
        return target
    }

    /// Writes `name` through `produce`, which writes a whole file at the
    /// path it is given (a C library's writer): a temporary path in the same
    /// folder, renamed over the target once `produce` returns.
    @discardableResult
    public func write(to name: String, using produce: (String) throws -> Void) throws -> URL {
        let target = try resolve(name)
        let dir = target.deletingLastPathComponent()
        try Self.makeFolder(dir.path, for: dir.path)
        let tmp = dir.appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
        do {
            try produce(tmp)
        } catch {
            unlink(tmp)
            throw error
        }
        if rename(tmp, target.path) != 0 {
            let e = errno
            unlink(tmp)
            throw GUPError("Écriture impossible de \(target.path) : \(Self.reason(e))")
        }
        return target
    }

    @discardableResult
    public func write(_ text: String, to name: String) throws -> URL {
        try write(Data(text.utf8), to: name)
    }

    /// The URL of `name` inside the folder; refuses absolute paths and `..`.
    public func resolve(_ name: String) throws -> URL {
        let comps = name.split(separator: "/")
        guard !name.hasPrefix("/"), !comps.isEmpty, !comps.contains(where: { $0 == ".." || $0 == "." }) else {
            throw GUPError("Nom de fichier de sortie refusé (hors du dossier de sortie) : \(name)")
        }
        return url.appendingPathComponent(name)
    }
}
