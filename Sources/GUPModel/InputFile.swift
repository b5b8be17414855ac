import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Opening and reading the files a user names as inputs: regular files only
/// (a FIFO blocked forever, `/dev/zero` filled the memory), a size limit, and
/// a read that notices a file changing under it (issue 16).
public enum InputFile {
    /// Largest input read (4 GiB: ten times the largest open-data layer a
    /// quartier study uses; beyond, the file is not what the user meant).
    public static let maximumBytes = 4 << 30

    /// Opens `path` for reading, refusing anything but a regular file. The
    /// open is non-blocking so that a FIFO is refused instead of waiting for
    /// a writer. Returns the descriptor (owned by the caller, who closes it)
    /// and the size.
    public static func openRegular(path: String, limit: Int = maximumBytes, register doRegister: Bool = true) throws -> (fd: Int32, size: Int) {
        guard !path.isEmpty else { throw GUPError("chemin de fichier vide") }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw GUPError.input(file: path, "fichier illisible : \(SystemError.french(errno))") }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw GUPError.input(file: path, "fichier illisible : \(SystemError.french(e))")
        }
        let kind: String?
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = nil
        case S_IFDIR: kind = "est un dossier"
        case S_IFIFO: kind = "est un tube nommé (FIFO)"
        case S_IFCHR, S_IFBLK: kind = "est un périphérique"
        case S_IFSOCK: kind = "est une socket"
        default: kind = "n'est pas un fichier ordinaire"
        }
        if let kind {
            close(fd)
            throw GUPError.input(file: path, "\(kind), pas un fichier ordinaire : seuls les fichiers ordinaires sont lus")
        }
        let size = Int(st.st_size)
        guard size <= limit else {
            close(fd)
            throw GUPError.input(file: path, "fichier de \(size / (1 << 20)) Mio, plus que la limite de \(limit / (1 << 20)) Mio")
        }
        // Back to blocking reads (O_NONBLOCK only served the open).
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        if doRegister { register(path: path, device: UInt64(st.st_dev), inode: UInt64(st.st_ino)) }
        return (fd, size)
    }

    /// A file this process read as an input.
    public struct Identity: Hashable, Sendable {
        public var device: UInt64
        public var inode: UInt64
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var _inputs: [Identity: String] = [:]

    /// Every input read so far by this process (device and inode → absolute
    /// path): the output folder refuses to replace any of them, or to be
    /// their folder or one of its parents (issue 16, cases 13 and 14).
    public static var inputs: [Identity: String] {
        lock.lock(); defer { lock.unlock() }
        return _inputs
    }

    static func register(path: String, device: UInt64, inode: UInt64) {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let real = realpath(absolute, nil).map { p -> String in defer { free(p) }; return String(cString: p) } ?? absolute
        lock.lock(); _inputs[Identity(device: device, inode: inode)] = real; lock.unlock()
    }

    /// Reads exactly `size` bytes from `fd` into `buffer`; an error when the
    /// file ends early or grows (it changed while being read).
    static func readAll(fd: Int32, into buffer: UnsafeMutableRawPointer, size: Int, path: String) throws {
        var off = 0
        while off < size {
            // Large reads: one system call per 64 MiB.
            let n = pread(fd, buffer + off, min(size - off, 64 << 20), off_t(off))
            if n < 0 {
                if errno == EINTR { continue }
                throw GUPError.input(file: path, "lecture interrompue : \(SystemError.french(errno))")
            }
            if n == 0 { throw changed(path) }
            off += n
        }
        var probe: UInt8 = 0
        if pread(fd, &probe, 1, off_t(size)) > 0 { throw changed(path) }
    }

    static func changed(_ path: String) -> GUPError {
        GUPError.input(file: path, "le fichier a changé pendant sa lecture (raccourci ou allongé par un autre programme) : relancez une fois qu'il est complet")
    }

    /// A whole small file (project file, CSV table) in memory.
    public static func read(path: String, limit: Int = maximumBytes) throws -> Data {
        try read(path: path, limit: limit, register: true)
    }

    /// A file that is not an input (an earlier output's manifest).
    static func readUnregistered(path: String, limit: Int) throws -> Data {
        try read(path: path, limit: limit, register: false)
    }

    private static func read(path: String, limit: Int, register: Bool) throws -> Data {
        let (fd, size) = try openRegular(path: path, limit: limit, register: register)
        defer { close(fd) }
        var data = Data(count: size)
        try data.withUnsafeMutableBytes { raw in
            if size > 0 { try readAll(fd: fd, into: raw.baseAddress!, size: size, path: path) }
        }
        return data
    }
}

/// Text encodings: UTF-8 expected; UTF-16 and Latin-1 files named as such.
public enum TextDecoding {
    /// The offset of the first byte that is not valid UTF-8, nil when all is.
    /// ASCII is skipped eight bytes at a time (a GeoJSON file is almost all
    /// ASCII: the check costs a few per cent of the parse). Large buffers are
    /// checked in parallel pieces: on one core this check was the first 37 ms
    /// of reading 1,000,000 incidents (179 MB), before the parallel parse
    /// (perf timeline of `gup resume`).
    public static func firstInvalidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = b.baseAddress else { return nil }
        let n = b.count
        let cores = Processors.active
        guard n >= 8 << 20, cores > 1 else { return firstInvalidUTF8(base, count: n, from: 0, to: n) }
        let pieces = cores * 4
        let size = (n + pieces - 1) / pieces
        var found = [Int?](repeating: nil, count: pieces)
        found.withUnsafeMutableBufferPointer { out in
            let results = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: pieces) { c in
                let a = min(n, c * size), e = min(n, (c + 1) * size)
                guard a < e else { return }
                // Start on the first sequence that begins at or after `a`:
                // a sequence begun before `a` is checked by the previous
                // piece, which checks every sequence beginning before its end.
                var start = a
                if c > 0 {
                    var s = a
                    while s > a - 3, s > 0, base[s] & 0xC0 == 0x80 { s -= 1 }
                    let lead = base[s]
                    let len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
                    if s < a, s + len > a { start = s + len }
                }
                results[c] = firstInvalidUTF8(base, count: n, from: start, to: e)
            }
        }
        // Pieces are in order: the first one that found a fault holds the
        // first fault (every sequence before it was checked valid).
        return found.lazy.compactMap { $0 }.first
    }

    /// The first invalid sequence among those beginning in `from..<to`
    /// (a sequence may run past `to`, never past `count`).
    static func firstInvalidUTF8(_ base: UnsafePointer<UInt8>, count n: Int, from: Int, to: Int) -> Int? {
        var i = from
        while i < to {
            if i + 8 <= to {
                let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                if w & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
            }
            let c = base[i]
            if c < 0x80 { i += 1; continue }
            let len: Int
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: len = 2
            case 0xE0: len = 3; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: len = 3
            case 0xED: len = 3; hi = 0x9F
            case 0xF0: len = 4; lo = 0x90
            case 0xF1...0xF3: len = 4
            case 0xF4: len = 4; hi = 0x8F
            default: return i
            }
            guard i + len <= n else { return i }
            let c1 = base[i + 1]
            guard c1 >= lo, c1 <= hi else { return i }
            for k in 2..<len where base[i + k] & 0xC0 != 0x80 { return i }
            i += len
        }
        return nil
    }

    /// Names the encoding a non-UTF-8 text probably uses, for the message.
    public static func describeEncoding(_ b: UnsafeBufferPointer<UInt8>, at offset: Int) -> String {
        if b.count >= 2, (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) {
            return "le fichier est en UTF-16 (il commence par la marque d'ordre des octets \(b[0] == 0xFF ? "FF FE" : "FE FF")) : enregistrez-le en UTF-8"
        }
        if b.count >= 2, (b[0] == 0 && b[1] != 0) || (b[0] != 0 && b[1] == 0) {
            return "le fichier semble en UTF-16 (un octet nul sur deux) : enregistrez-le en UTF-8"
        }
        let byte = b[offset]
        if byte >= 0xA0 || (byte >= 0x80 && byte <= 0x9F) {
            return "octet 0x\(String(byte, radix: 16, uppercase: true)) qui n'est pas de l'UTF-8 : le fichier semble en Latin-1 (ISO-8859-1) ou Windows-1252 ; enregistrez-le en UTF-8"
        }
        return "octet 0x\(String(byte, radix: 16, uppercase: true)) qui n'est pas de l'UTF-8 : enregistrez le fichier en UTF-8"
    }

    /// The text of a UTF-8 file (a leading BOM dropped); a French error with
    /// line and column otherwise.
    public static func utf8(_ data: Data, source: String) throws -> String {
        try data.withUnsafeBytes { raw -> String in
            let b = raw.bindMemory(to: UInt8.self)
            if b.count >= 2, (b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) {
                throw GUPError.input(file: source, describeEncoding(b, at: 0))
            }
            if let bad = firstInvalidUTF8(b) {
                var loc = SourceLocator(b)
                let l = loc.location(of: bad)
                throw GUPError("\(source):\(l.line):\(l.column) : \(describeEncoding(b, at: bad))")
            }
            var s = String(decoding: b, as: UTF8.self)
            if s.hasPrefix("\u{FEFF}") { s.removeFirst() }
            return s
        }
    }
}

/// The one place system error codes become French words.
public enum SystemError {
    public static func french(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "fichier ou dossier introuvable"
        case EACCES, EPERM: return "permission refusée"
        case EISDIR: return "est un dossier"
        case ENOTDIR: return "un élément du chemin n'est pas un dossier"
        case ENOSPC: return "disque plein"
        case EROFS: return "système de fichiers en lecture seule"
        case EDQUOT: return "quota disque dépassé"
        case ENAMETOOLONG: return "nom trop long"
        case ELOOP: return "trop de liens symboliques (ou lien symbolique refusé)"
        case EEXIST: return "le fichier existe déjà"
        case EIO: return "erreur d'entrée-sortie du disque"
        case EMFILE, ENFILE: return "trop de fichiers ouverts"
        case ENOMEM: return "mémoire insuffisante"
        case EXDEV: return "déplacement entre deux systèmes de fichiers impossible"
        case ENOTEMPTY: return "dossier non vide"
        case EBUSY: return "fichier ou dossier occupé"
        case ENXIO: return "périphérique ou tube sans correspondant"
        default: return "erreur système n° \(code)"
        }
    }
}
