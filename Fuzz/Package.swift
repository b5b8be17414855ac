// swift-tools-version:5.10
// libFuzzer target for the GeoJSON parser, kept out of the root package so
// that `swift build` / `swift test` there never see a second `main`.
// See README.md for the command.
import PackageDescription

let package = Package(
    name: "GUPFuzz",
    dependencies: [.package(name: "GUPKit", path: "..")],
    targets: [
        .executableTarget(
            name: "GeoJSONFuzz",
            dependencies: [.product(name: "GUPKit", package: "GUPKit")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ]
)
