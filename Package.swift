// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "enroll",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "enroll", targets: ["enroll"]),
        .library(name: "EnrollCore", targets: ["EnrollCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
    ],
    targets: [
        // C libraries, each behind its own system-library target.
        .systemLibrary(
            name: "CArchive",
            path: "Sources/CArchive",
            pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev", "libzstd-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),

        // JSON Schema draft 2020-12: strict JSON reader, compiler, validator.
        .target(name: "JSONSchema"),

        // The libarchive wrapper: the only Swift code that imports CArchive.
        .target(name: "ArchiveKit", dependencies: ["CArchive"]),

        // The libxml2 wrapper: the only Swift code that imports CLibXML2.
        .target(name: "XMLKit", dependencies: ["CLibXML2"]),

        // Office Open XML spreadsheets (.xlsx): a streaming writer and a hostile-safe reader.
        .target(
            name: "SheetKit",
            dependencies: ["XMLKit", "ArchiveKit", .product(name: "SystemPackage", package: "swift-system")]
        ),

        // The core library: bags, signatures, bundles, forms, archives. Everything testable lives here.
        .target(
            name: "EnrollCore",
            dependencies: [
                "JSONSchema",
                "ArchiveKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Realistic fake applications for demos, tests and benchmarks (JPEG/PNG encoders, families).
        .target(name: "SampleKit", dependencies: ["EnrollCore", "JSONSchema", .product(name: "Crypto", package: "swift-crypto")]),

        // The thin command-line front end: parse, call, print.
        .executableTarget(
            name: "enroll",
            dependencies: [
                "EnrollCore",
                "ArchiveKit",
                "JSONSchema",
                "SampleKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .testTarget(
            name: "JSONSchemaTests",
            dependencies: ["JSONSchema"],
            exclude: ["KnownFailures.json"]
        ),
        .testTarget(
            name: "ArchiveKitTests",
            dependencies: ["ArchiveKit", "CArchive"]
        ),
        .testTarget(
            name: "XMLKitTests",
            dependencies: ["XMLKit"]
        ),
        .testTarget(
            name: "SheetKitTests",
            dependencies: ["SheetKit", "XMLKit", "ArchiveKit"]
        ),
        .testTarget(
            name: "EnrollCoreTests",
            dependencies: ["EnrollCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "SampleKitTests",
            dependencies: ["SampleKit", "EnrollCore", "JSONSchema"]
        ),
        .testTarget(
            name: "EnrollCLITests",
            dependencies: ["EnrollCore"]
        ),
    ]
)

// Package-wide strictness, in one place.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
