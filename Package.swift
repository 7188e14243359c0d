// swift-tools-version: 6.1
//
// soaplens — a streaming SOAP & LENS analysis daemon for molecular dynamics.
//
// Dependency arrows point one way:
//   C shims (CZMQ, CHDF5, CLinAlg, CZlib; CTargetFeatures: compile-target flags, header only)
//     ← thin wrappers (ZeroMQ, HDF5Kit)
//   MDCore (frames, cells; pure Swift)
//     ← MDWire (frame wire protocol v1; pure, no sockets)
//     ← MDTrajectory (file readers: LAMMPS dump, extxyz, H5MD)
//     ← MDIMD (the IMD client for LAMMPS `fix imd`: TCP, v2/v3, frames in tag order)
//     ← MDIngest (ZeroMQ subscriber / publisher, the IMD bridge, validation, counters)
//     ← MDDaemon (services wiring ingest, replay and reports)
//     ← soaplens (the executable: argument parsing only)
//   MDConfiguration (the system TOML: values and validation; alert rule values from MDAlerts)
//   MDAlerts (the rare-event rules over analysed frames; pure logic, no I/O)
// Numerical targets (geometry, descriptors, signal, learning) import no sockets and no HDF5.
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "soaplens",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "soaplens", targets: ["soaplens"]),
        // Libraries for the separate Benchmarks/ package (and other tools built on soaplens).
        .library(name: "MDCore", targets: ["MDCore"]),
        .library(name: "MDWire", targets: ["MDWire"]),
        .library(name: "MDTrajectory", targets: ["MDTrajectory"]),
        .library(name: "MDIngest", targets: ["MDIngest"]),
        .library(name: "ZeroMQ", targets: ["ZeroMQ"]),
        .library(name: "MDGeometry", targets: ["MDGeometry"]),
        .library(name: "MDSignal", targets: ["MDSignal"]),
        .library(name: "MDDescriptors", targets: ["MDDescriptors"]),
        .library(name: "MDLearning", targets: ["MDLearning"]),
        .library(name: "MDAlerts", targets: ["MDAlerts"]),
        .library(name: "MDIMD", targets: ["MDIMD"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // MARK: C shims (system libraries; no pkgConfig, see docs/native-libraries.md)
        .systemLibrary(name: "CZMQ", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CHDF5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CLinAlg", providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Header only: what the compile target offers (FMA), for the SIMD kernels.
        .systemLibrary(name: "CTargetFeatures"),

        // MARK: thin Swift wrappers over the C libraries
        .target(name: "ZeroMQ", dependencies: ["CZMQ"], swiftSettings: strictSettings),
        .target(name: "HDF5Kit", dependencies: ["CHDF5"], swiftSettings: strictSettings),

        // MARK: the data model and the wire protocol (pure)
        .target(name: "MDCore", swiftSettings: strictSettings),
        .target(name: "MDWire", dependencies: ["MDCore"], swiftSettings: strictSettings),

        // MARK: numerics (no sockets, no HDF5)
        .target(name: "MDGeometry", dependencies: ["MDCore"], swiftSettings: strictSettings),
        .target(name: "MDSignal", swiftSettings: strictSettings),
        .target(name: "MDDescriptors", dependencies: ["MDCore", "MDGeometry", "CTargetFeatures"], swiftSettings: strictSettings),
        // PCA, clustering, transitions, merging (BLAS/LAPACK through CLinAlg).
        .target(name: "MDLearning", dependencies: ["CLinAlg"], swiftSettings: strictSettings),
        // Rare-event alert rules over the analysed frames (pure: no sockets, no HDF5).
        .target(name: "MDAlerts", swiftSettings: strictSettings),

        // MARK: the system configuration (TOML; values only, no analysis)
        .target(
            name: "MDConfiguration",
            dependencies: ["MDCore", "MDAlerts", .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: strictSettings
        ),

        // MARK: I/O (no analysis)
        .target(name: "MDTrajectory", dependencies: ["MDCore", "HDF5Kit", "CZlib"], swiftSettings: strictSettings),
        .target(name: "MDArchive", dependencies: ["MDCore", "HDF5Kit"], swiftSettings: strictSettings),
        // The IMD client (LAMMPS `fix imd`, v2 and v3): plain TCP, no analysis.
        .target(name: "MDIMD", dependencies: ["MDCore"], swiftSettings: strictSettings),
        .target(name: "MDIngest", dependencies: ["MDCore", "MDWire", "MDIMD", "ZeroMQ", "CZMQ"], swiftSettings: strictSettings),

        // MARK: the daemon and the executable
        .target(
            name: "MDDaemon",
            dependencies: [
                "MDCore", "MDWire", "MDIngest", "MDTrajectory", "MDGeometry", "MDSignal", "MDDescriptors", "MDArchive",
                "MDLearning", "MDConfiguration", "MDAlerts",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "soaplens",
            dependencies: [
                "MDCore", "MDTrajectory", "MDIngest", "MDDaemon", "MDDescriptors", "MDConfiguration",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),

        // MARK: tests (mirror the targets)
        // What several test targets share (the seeded generator of randomised tests).
        .target(name: "TestSupport", dependencies: ["MDIMD"], path: "Tests/TestSupport", swiftSettings: strictSettings),
        .testTarget(name: "CShimsTests", dependencies: ["CZMQ", "CHDF5", "CLinAlg", "CZlib"]),
        .testTarget(name: "MDCoreTests", dependencies: ["MDCore"]),
        .testTarget(name: "MDGeometryTests", dependencies: ["TestSupport", "MDCore", "MDGeometry", "MDTrajectory"]),
        .testTarget(name: "MDSignalTests", dependencies: ["TestSupport", "MDSignal"]),
        .testTarget(name: "MDDescriptorsTests", dependencies: ["TestSupport", "MDCore", "MDGeometry", "MDDescriptors", "MDSignal", "MDTrajectory"]),
        .testTarget(name: "MDLearningTests", dependencies: ["MDLearning"]),
        .testTarget(name: "MDAlertsTests", dependencies: ["MDAlerts"]),
        .testTarget(name: "MDConfigurationTests", dependencies: ["MDConfiguration", "MDCore"]),
        .testTarget(name: "MDArchiveTests", dependencies: ["MDCore", "MDArchive", "HDF5Kit"]),
        .testTarget(name: "MDWireTests", dependencies: ["TestSupport", "MDCore", "MDWire"]),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "HDF5KitTests", dependencies: ["HDF5Kit"]),
        .testTarget(name: "MDTrajectoryTests", dependencies: ["MDCore", "MDTrajectory", "HDF5Kit"]),
        .testTarget(name: "MDIngestTests", dependencies: ["TestSupport", "MDCore", "MDWire", "MDIngest", "MDIMD", "ZeroMQ"]),
        .testTarget(name: "MDIMDTests", dependencies: ["TestSupport", "MDCore", "MDIMD"]),
        .testTarget(
            name: "MDDaemonTests",
            dependencies: [
                "MDCore", "MDWire", "MDIngest", "MDTrajectory", "MDDaemon", "ZeroMQ", "HDF5Kit", "MDSignal", "MDArchive",
                "MDLearning", "MDConfiguration", "MDAlerts",
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
