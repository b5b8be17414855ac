@testable import GUPModel
import XCTest

/// When `gup` re-executes itself with the allocator settings, and when it
/// leaves the environment alone.
final class MallocTuningTests: XCTestCase {
    func testDecision() {
        XCTAssertEqual(MallocTuning.decide([:]), .reexecute)
        XCTAssertEqual(MallocTuning.decide(["PATH": "/usr/bin"]), .reexecute)
        // The user's own settings are kept, and the opt-out is honoured.
        XCTAssertEqual(MallocTuning.decide(["GLIBC_TUNABLES": "glibc.malloc.arena_max=1"]), .leave)
        XCTAssertEqual(MallocTuning.decide(["GUP_SANS_REGLAGE_MEMOIRE": "1"]), .leave)
        // The re-executed program: our variables to remove.
        XCTAssertEqual(MallocTuning.decide(["GLIBC_TUNABLES": MallocTuning.tunables, "GUP_REGLAGE_MEMOIRE_APPLIQUE": "1"]), .alreadyTuned)
    }

    func testTunablesAreOnesThisGlibcKnows() throws {
        // ld.so lists the tunables it reads; an unknown name would be ignored silently.
        let candidates = ["/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1"]
        guard let loader = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw XCTSkip("chargeur dynamique introuvable")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: loader)
        p.arguments = ["--list-tunables"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        for setting in MallocTuning.tunables.split(separator: ":") {
            let name = setting.split(separator: "=")[0]
            XCTAssertTrue(text.contains(name + ":"), "\(name) absent de ld.so --list-tunables")
        }
    }
}
