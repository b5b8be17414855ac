import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The C library's allocator settings a heavy `gup` command runs with:
/// transparent huge pages for the heap (`glibc.malloc.hugetlb=1`) and a
/// 64 MiB top pad (`glibc.malloc.top_pad`), so that reading a million
/// features takes memory in 2 MiB pages instead of faulting it in 4 KiB at
/// a time.
///
/// Why: `gup resume` on 1,000,000 incidents spent 0.33–0.41 s of its 0.66 s
/// in the kernel, clearing and mapping fresh 4 KiB pages (perf:
/// `clear_page_erms`, `exc_page_fault` under `_int_malloc` and `sysmalloc`);
/// with these settings 0.08–0.10 s, and 0.43–0.47 s of wall time. The metro
/// dossier went from 72.5 s to 59.9 s and the three analysis commands from
/// 17.4 s to 13.8 s, peak memory unchanged (1,010 → 1,016 MiB), measured
/// one after the other on the idle 2-core machine (`gup-bench resume`,
/// `gup-bench dossier`). This machine's kernel gives huge pages only to
/// memory that asks for them (`transparent_hugepage/enabled` = madvise),
/// and glibc asks only when told through `GLIBC_TUNABLES`, which it reads
/// at start-up: hence one re-execution of the program with the variable set.
///
/// The settings are not imposed: a `GLIBC_TUNABLES` the user set is kept
/// as it is (no re-execution), `GUP_SANS_REGLAGE_MEMOIRE=1` turns this off,
/// and the variable is removed again once the program runs, so that
/// programs `gup` starts (Python for the QGIS check, the peers of a
/// benchmark) run with their usual allocator.
public enum MallocTuning {
    public static let tunables = "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864"
    /// Set beside `GLIBC_TUNABLES` on re-execution: the variable is ours to remove.
    static let marker = "GUP_REGLAGE_MEMOIRE_APPLIQUE"
    public static let optOut = "GUP_SANS_REGLAGE_MEMOIRE"

    public enum Decision: Equatable { case reexecute, alreadyTuned, leave }

    /// What to do in an environment: re-execute with the settings, remove
    /// our variables (this is the re-executed program), or leave all as is.
    public static func decide(_ environment: [String: String]) -> Decision {
        if environment[marker] != nil { return .alreadyTuned }
        if environment[optOut] != nil || environment["GLIBC_TUNABLES"] != nil { return .leave }
        return .reexecute
    }

    /// Applies the decision for this process. Returns when no
    /// re-execution is needed or when it failed (the program then runs
    /// with the allocator's defaults: slower, same results). Call first
    /// thing in `main`, before any thread starts.
    public static func apply() {
        switch decide(ProcessInfo.processInfo.environment) {
        case .leave:
            return
        case .alreadyTuned:
            unsetenv("GLIBC_TUNABLES")
            unsetenv(marker)
        case .reexecute:
            setenv("GLIBC_TUNABLES", tunables, 1)
            setenv(marker, "1", 1)
            // The same executable with the same arguments (argv[0] kept).
            execv("/proc/self/exe", CommandLine.unsafeArgv)
            // Only reached when exec failed.
            unsetenv("GLIBC_TUNABLES")
            unsetenv(marker)
        }
    }
}
