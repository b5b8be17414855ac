import Foundation
import GUPKit

/// gup-bench sha256 [--mo N]: CPU time (user + system, getrusage) of the
/// output manifest's SHA-256 (GUPModel's `SHA256.hex`, OpenSSL's
/// `EVP_Digest`) over N MB (default 200) of pseudo-random bytes, hashed as
/// one piece and as pieces of 2.5 KB (the median file of a 60-quartier
/// metro dossier: 1,690 files, 114 MB, the largest 56 MB), which adds the
/// cost of each call. Prints one of the digests so the work is not dropped.
func sha256Benchmark(_ args: [String]) throws {
    var megabytes = 200
    if let k = args.firstIndex(of: "--mo") {
        guard k + 1 < args.count, let n = Int(args[k + 1]), n > 0 else {
            throw GUPError("usage : gup-bench sha256 [--mo N] — --mo attend un nombre entier positif")
        }
        megabytes = n
    }
    var data = Data(count: megabytes * 1_000_000)
    data.withUnsafeMutableBytes { raw in
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for k in stride(from: 0, to: raw.count - 7, by: 8) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            raw.storeBytes(of: x, toByteOffset: k, as: UInt64.self)
        }
    }
    print("sha256 : \(megabytes) Mo, charge \(loadAverage())")
    var t0 = cpuSeconds(RUSAGE_SELF)
    let whole = try SHA256.hex(data)
    var cpu = cpuSeconds(RUSAGE_SELF) - t0
    print(String(format: "  un bloc de %d Mo            processeur %6.3f s (%6.0f Mo/s)  %@", megabytes, cpu, Double(megabytes) / cpu, whole))
    let piece = 2_500
    var last = ""
    t0 = cpuSeconds(RUSAGE_SELF)
    var off = 0
    while off < data.count {
        last = try SHA256.hex(data.subdata(in: off..<min(off + piece, data.count)))
        off += piece
    }
    cpu = cpuSeconds(RUSAGE_SELF) - t0
    print(String(format: "  %d fichiers de %d octets   processeur %6.3f s (%6.0f Mo/s, %5.2f µs par fichier)  %@",
                 data.count / piece, piece, cpu, Double(megabytes) / cpu, cpu * 1e6 / Double(data.count / piece), last))
}
