import Foundation

/// The output folder the user named. Every file is written atomically
/// (temporary file in the same folder, then rename) and only inside it.
public struct OutputFolder: Sendable {
    public let url: URL

    /// Creates the folder if needed.
    public init(path: String) throws {
        url = URL(fileURLWithPath: path).standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw GUPError("Impossible de créer le dossier de sortie \(path) : \(error.localizedDescription)")
        }
    }

    /// Writes `data` to `name` (a plain file name or a relative path without `..`).
    @discardableResult
    public func write(_ data: Data, to name: String) throws -> URL {
        let target = try resolve(name)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let tmp = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try data.write(to: tmp)
            if rename(tmp.path, target.path) != 0 {
                throw GUPError("renommage impossible (errno \(errno))")
            }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw GUPError("Écriture impossible de \(target.path) : \(error.localizedDescription)")
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
