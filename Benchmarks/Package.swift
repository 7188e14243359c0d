// swift-tools-version: 6.1
//
// soaplens benchmarks: a separate package (CI never builds it) that depends on the parent
// package by path and measures the wire codec, ZeroMQ ingest and LENS per frame in one plain
// executable, plus PCA and Gaussian-mixture fitting on 400k χ rows against scikit-learn.
// Build and run with `Benchmarks/scripts/run-benchmarks.sh` (see Benchmarks/README.md).
import PackageDescription

let package = Package(
    name: "soaplens-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "soaplens", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "SoapLensBenchmarks",
            dependencies: [
                .product(name: "MDCore", package: "soaplens"),
                .product(name: "MDWire", package: "soaplens"),
                .product(name: "MDTrajectory", package: "soaplens"),
                .product(name: "MDIngest", package: "soaplens"),
                .product(name: "ZeroMQ", package: "soaplens"),
                .product(name: "MDGeometry", package: "soaplens"),
                .product(name: "MDSignal", package: "soaplens"),
                .product(name: "MDDescriptors", package: "soaplens"),
                .product(name: "MDLearning", package: "soaplens"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
