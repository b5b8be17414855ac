import Foundation

/// An error whose message is meant for the user, in French, naming the file,
/// the feature and what is wrong.
public struct GUPError: Error, CustomStringConvertible, LocalizedError, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    public var errorDescription: String? { message }

    /// « FICHIER, entité n° 3 : message »
    public static func input(file: String, feature: String? = nil, _ what: String) -> GUPError {
        if let feature { return GUPError("\(file), \(feature) : \(what)") }
        return GUPError("\(file) : \(what)")
    }
}

/// Receives progress and warnings from the library, which never prints.
public protocol Reporter: Sendable {
    /// A notable event (a repaired geometry count, a skipped feature…), in French.
    func warning(_ message: String)
    /// An informative line, in French.
    func info(_ message: String)
    /// Progress of a long step: `done` out of `total`.
    func progress(_ step: String, done: Int, total: Int)
}

extension Reporter {
    public func info(_ message: String) {}
    public func progress(_ step: String, done: Int, total: Int) {}
}

/// A reporter that keeps every message, for tests and for `rapport.json`.
public final class CollectingReporter: Reporter, @unchecked Sendable {
    private let lock = NSLock()
    private var _warnings: [String] = []
    private var _infos: [String] = []
    public init() {}
    public func warning(_ message: String) { lock.lock(); _warnings.append(message); lock.unlock() }
    public func info(_ message: String) { lock.lock(); _infos.append(message); lock.unlock() }
    public var warnings: [String] { lock.lock(); defer { lock.unlock() }; return _warnings }
    public var infos: [String] { lock.lock(); defer { lock.unlock() }; return _infos }
}

/// A reporter that says nothing.
public struct SilentReporter: Reporter {
    public init() {}
    public func warning(_ message: String) {}
}
