// swift-tools-version:5.10
// libFuzzer targets (the GeoJSON parser, the project file, the managers
// CSV), kept out of the root package so that `swift build` / `swift test`
// there never see a second `main`. See README.md for the commands.
import PackageDescription

let fuzzer = [SwiftSetting.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "GUPFuzz",
    dependencies: [.package(name: "GUPKit", path: "..")],
    targets: [
        .executableTarget(
            name: "GeoJSONFuzz",
            dependencies: [.product(name: "GUPKit", package: "GUPKit")],
            swiftSettings: fuzzer),
        .executableTarget(
            name: "ProjectFuzz",
            dependencies: [.product(name: "GUPKit", package: "GUPKit")],
            swiftSettings: fuzzer),
        .executableTarget(
            name: "ManagersFuzz",
            dependencies: [.product(name: "GUPKit", package: "GUPKit")],
            swiftSettings: fuzzer),
    ]
)
