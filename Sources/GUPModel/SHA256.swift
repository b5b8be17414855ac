import CCrypto
import Foundation

/// SHA-256 of the files an output folder's manifest lists, by OpenSSL's
/// libcrypto (`EVP_Digest` with `EVP_sha256()`, OpenSSL 3.0's one-shot API).
///
/// Why OpenSSL: the hand-written FIPS 180-4 loop it replaces was about 10 %
/// of the per-quartier stage's CPU on a 60-quartier metro dossier (perf);
/// libcrypto uses the processor's SHA extensions (SHA-NI, else AVX2).
/// Hashing 200 MB: see the commit message and README « Dependencies and why ».
/// libcrypto is already mapped at start-up without this module (PROJ → libcurl
/// → libssh2 → libcrypto), so linking it costs `gup --version` nothing.
public enum SHA256 {
    /// The digest as 64 lower-case hexadecimal digits.
    public static func hex(_ data: Data) throws -> String {
        let d = try digest(data)
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 64)
        for (i, b) in d.enumerated() {
            out[2 * i] = digits[Int(b >> 4)]
            out[2 * i + 1] = digits[Int(b & 0x0f)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The 32 bytes of the digest. Throws only when OpenSSL has no SHA-256
    /// (an `OPENSSL_CONF` that asks for a provider it cannot load, say).
    public static func digest(_ data: Data) throws -> [UInt8] {
        var md = [UInt8](repeating: 0, count: 32)
        var size: UInt32 = 0
        let ok = data.withUnsafeBytes { raw in
            md.withUnsafeMutableBufferPointer { EVP_Digest(raw.baseAddress, raw.count, $0.baseAddress, &size, EVP_sha256(), nil) }
        }
        guard ok == 1, size == 32 else {
            // OpenSSL's error queue is per thread: its first entry says why.
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(ERR_get_error(), &text, text.count)
            ERR_clear_error()
            let reason = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw GUPError("Empreinte SHA-256 impossible : OpenSSL (libcrypto) ne la calcule pas (\(reason)) ; vérifiez la configuration d'OpenSSL (variable OPENSSL_CONF)")
        }
        return md
    }
}
