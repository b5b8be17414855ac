import CGEOS
import Foundation

/// An error raised by GEOS, carrying GEOS's own message.
public struct TopologyError: Error, CustomStringConvertible, LocalizedError, Sendable {
    public var operation: String
    public var message: String
    public var description: String { "GEOS (\(operation)) : \(Self.french(message))" }

    /// GEOS's exception names in French, its own text kept after them.
    static func french(_ m: String) -> String {
        let names = [("TopologyException", "incohérence topologique"), ("IllegalArgumentException", "argument invalide"),
                     ("ParseException", "lecture impossible"), ("UnsupportedOperationException", "opération non prise en charge"),
                     ("AssertionFailedException", "assertion non vérifiée")]
        for (en, fr) in names where m.hasPrefix(en) {
            return "\(fr) (\(m))"
        }
        return m
    }
    public var errorDescription: String? { description }
}

/// A GEOS context (`GEOS_init_r` / `GEOS_finish_r`) with its error handler.
/// One context per thread: `GEOSContext.current` hands out the calling
/// thread's, so analyses can run on every core without sharing a context.
final class GEOSContext {
    let handle: GEOSContextHandle_t
    var lastError = ""

    private init() {
        handle = GEOS_init_r()
        GEOSContext_setErrorMessageHandler_r(handle, { message, userdata in
            guard let userdata, let message else { return }
            let ctx = Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue()
            ctx.lastError = String(cString: message)
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit { GEOS_finish_r(handle) }

    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k) { raw in
            if let raw { Unmanaged<GEOSContext>.fromOpaque(raw).release() }
        }
        return k
    }()

    /// The calling thread's context, created on first use and finished
    /// when the thread ends.
    static var current: GEOSContext {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<GEOSContext>.fromOpaque(raw).takeUnretainedValue()
        }
        let ctx = GEOSContext()
        pthread_setspecific(key, Unmanaged.passRetained(ctx).toOpaque())
        return ctx
    }

    /// Turns a GEOS sentinel into a thrown error with GEOS's message.
    func error(_ operation: String) -> TopologyError {
        let m = lastError.isEmpty ? "échec sans message" : lastError
        lastError = ""
        return TopologyError(operation: operation, message: m)
    }
}

/// Version of the GEOS library loaded at run time (`GEOSversion()`, e.g.
/// `3.11.1-CAPI-1.17.1`), not the version of the headers gup was compiled against.
public var geosVersion: String { String(cString: GEOSversion()) }
