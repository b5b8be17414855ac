@testable import GUPModel
import XCTest

/// The parallel UTF-8 check against the one-piece scan it replaced, on
/// buffers large enough to be cut in pieces, with multi-byte sequences and
/// faults placed across every piece boundary.
final class UTF8CheckTests: XCTestCase {
    /// 9 MiB of JSON-like ASCII with « é », « € » and « 𝄞 » sprinkled in.
    private func buffer() -> [UInt8] {
        var b: [UInt8] = []
        b.reserveCapacity(9 << 20)
        let pieces: [[UInt8]] = [Array("{\"nom\":\"Les Pins\",\"x\":5.21},".utf8), Array("é".utf8), Array("€".utf8), Array("𝄞".utf8)]
        var k = 0
        while b.count < 9 << 20 { b.append(contentsOf: pieces[k % 7 < 4 ? 0 : (k % 3) + 1]); k += 1 }
        return b
    }

    private func sequential(_ b: [UInt8]) -> Int? {
        b.withUnsafeBufferPointer { TextDecoding.firstInvalidUTF8($0.baseAddress!, count: b.count, from: 0, to: b.count) }
    }

    private func parallel(_ b: [UInt8]) -> Int? {
        b.withUnsafeBufferPointer { TextDecoding.firstInvalidUTF8($0) }
    }

    func testValidBufferWithSequencesAcrossPieceBoundaries() {
        var b = buffer()
        // Put a 4-byte sequence straddling each possible piece boundary.
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let pieces = max(2, cores) * 4, size = (b.count + pieces - 1) / pieces
        for c in 1..<pieces {
            for shift in 1...3 { let at = c * size - shift; b.replaceSubrange(at..<at + 4, with: Array("𝄞".utf8)) }
        }
        // The replacements may have cut earlier sequences: the reference decides.
        XCTAssertEqual(parallel(b), sequential(b))
        let clean = buffer()
        XCTAssertNil(parallel(clean))
        XCTAssertNil(sequential(clean))
    }

    func testFirstFaultFoundWhereverItIs() {
        let base = buffer()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let pieces = max(2, cores) * 4, size = (base.count + pieces - 1) / pieces
        var positions = [5, base.count - 1, base.count / 2]
        for c in 1..<pieces { positions += [c * size - 2, c * size - 1, c * size, c * size + 1] }
        for at in positions {
            // Each invalid whatever surrounds it: a truncated sequence ends on ASCII.
            for fault: [UInt8] in [[0xFF], [0x41, 0x80], [0xC3, 0x41], [0xE2, 0x82, 0x41], [0xF0, 0x9D, 0x84, 0x41], [0xC0, 0xAF]] {
                var b = base
                let at = min(at, b.count - fault.count)
                b.replaceSubrange(at..<at + fault.count, with: fault)
                let expected = sequential(b)
                XCTAssertNotNil(expected, "faute \(fault) en \(at)")
                XCTAssertEqual(parallel(b), expected, "faute \(fault) en \(at)")
            }
        }
        // Two faults: the first is reported.
        var b = base
        b[size * 3 + 7] = 0xFF
        b[size + 11] = 0xFE
        XCTAssertEqual(parallel(b), sequential(b))
        XCTAssertLessThanOrEqual(sequential(b)!, size + 11)
        XCTAssertGreaterThan(sequential(b)!, size + 11 - 4)
    }
}
