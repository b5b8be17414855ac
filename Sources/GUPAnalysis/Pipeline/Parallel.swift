import Foundation
import GUPModel

/// Runs `body` on chunks of `0..<count` on every core and returns the
/// per-chunk results in chunk order (deterministic whatever the scheduling).
/// The first error thrown by any chunk is rethrown.
/// `maxChunk` bounds a chunk's size: for long, uneven items (a dossier's
/// quartiers, 50 to 150 ms each) the last chunks otherwise leave a core idle
/// while the other finishes a chunk of dozens of items.
public func parallelChunks<T>(count: Int, minChunk: Int = 64, maxChunk: Int = .max, _ body: (Range<Int>) throws -> T) throws -> [T] {
    if count == 0 { return [] }
    let cores = Processors.active
    let chunk = max(1, min(maxChunk, max(minChunk, (count + cores * 8 - 1) / (cores * 8))))
    let chunks = (count + chunk - 1) / chunk
    var results = [T?](repeating: nil, count: chunks)
    var firstError: Error?
    let lock = NSLock()
    results.withUnsafeMutableBufferPointer { out in
        let base = out.baseAddress!
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let r = (c * chunk)..<min(count, (c + 1) * chunk)
            do {
                let v = try body(r)
                base[c] = v
            } catch {
                lock.lock(); if firstError == nil { firstError = error }; lock.unlock()
            }
        }
    }
    if let firstError { throw firstError }
    return results.map { $0! }
}

/// Maps `0..<count` in parallel, keeping order.
public func parallelMap<T>(count: Int, minChunk: Int = 1, maxChunk: Int = .max, _ body: (Int) throws -> T) throws -> [T] {
    try parallelChunks(count: count, minChunk: minChunk, maxChunk: maxChunk) { r in try r.map(body) }.flatMap { $0 }
}

/// Work started on its own thread while the caller goes on (the dossier's
/// GIS hand-over beside the quartiers' plans); `wait()` returns its result
/// or rethrows its error. Started once, waited once.
public final class BackgroundJob<T>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<T, Error>?

    public init(_ body: @escaping () throws -> T) {
        let thread = Thread { [self] in
            result = Result { try body() }
            done.signal()
        }
        // GEOS and GDAL recurse on large geometries: the main thread's stack size.
        thread.stackSize = 8 << 20
        thread.start()
    }

    public func wait() throws -> T {
        done.wait()
        return try result!.get()
    }
}
