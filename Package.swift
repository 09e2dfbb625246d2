// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "enroll",
    products: [
        .executable(name: "enroll", targets: ["enroll"]),
        .library(name: "EnrollCore", targets: ["EnrollCore"]),
        .library(name: "PrintKit", targets: ["PrintKit"]),
        // For bench/guard, the regression guard's own package.
        .library(name: "JSONSchema", targets: ["JSONSchema"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
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
        .systemLibrary(
            name: "CCairo",
            path: "Sources/CCairo",
            pkgConfig: "cairo-pdf",
            providers: [.apt(["libcairo2-dev"])]
        ),
        .systemLibrary(
            name: "CPango",
            path: "Sources/CPango",
            pkgConfig: "pangocairo",
            providers: [.apt(["libpango1.0-dev"])]
        ),
        .systemLibrary(
            name: "CQRencode",
            path: "Sources/CQRencode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .systemLibrary(
            name: "CTurboJPEG",
            path: "Sources/CTurboJPEG",
            pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"])]
        ),

        .systemLibrary(
            name: "COpenSSLCrypto",
            path: "Sources/COpenSSLCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),

        // Linux system calls that glibc declares only under _GNU_SOURCE (renameat2,
        // sync_file_range), compiled in C where that macro can be set.
        .target(name: "CLinuxShims"),

        // The one calendar-date type (year, month, day), shared by the JSON Schema `date`
        // format, the forms' rules and the sample generator.
        .target(name: "CalendarDates"),

        // JSON Schema draft 2020-12: strict JSON reader, compiler, validator.
        .target(name: "JSONSchema", dependencies: ["CalendarDates"]),

        // The libarchive wrapper: the only Swift code that imports CArchive.
        .target(
            name: "ArchiveKit",
            dependencies: ["CArchive", "CLinuxShims", .product(name: "SystemPackage", package: "swift-system")]
        ),

        // PDF printing: the only Swift code that imports CCairo, CPango, CQRencode and CTurboJPEG.
        .target(
            name: "PrintKit",
            dependencies: [
                "CCairo", "CPango", "CQRencode", "CTurboJPEG",
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),

        // SHA-224 from OpenSSL's libcrypto (swift-crypto has none): the only Swift code that
        // imports COpenSSLCrypto.
        .target(name: "DigestKit", dependencies: ["COpenSSLCrypto"]),

        // The age file-encryption format (X25519 recipients) on swift-crypto; no other dependency.
        // CryptoExtras for ChaCha20 without Poly1305: AgeRandomAccessPayload's unauthenticated
        // planning reads, a few bytes of a chunk without opening all of it.
        .target(
            name: "AgeKit",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]),

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
                "AgeKit",
                "CalendarDates",
                "PrintKit",
                "DigestKit",
                "SheetKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),

        // Realistic fake applications for demos, tests and benchmarks (JPEG/PNG encoders, families).
        .target(name: "SampleKit", dependencies: ["EnrollCore", "JSONSchema", "CalendarDates", .product(name: "Crypto", package: "swift-crypto")]),

        // What both web apps share: the schema-driven form renderer, HTML escaping, the embedded
        // assets, CSRF tokens, form-field decoding and bounded multipart upload parsing.
        .target(
            name: "EnrollWeb",
            dependencies: [
                "EnrollCore", "JSONSchema",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),

        // The registrar's station web app (`enroll station serve`): routes, pages, drafts.
        .target(
            name: "StationWeb",
            dependencies: [
                "EnrollWeb", "EnrollCore", "JSONSchema", "AgeKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),

        // The district's review desk web app (`enroll district serve`): accounts, sessions,
        // the queue, one application beside its photos, decisions, the office's admin work.
        .target(
            name: "DistrictWeb",
            dependencies: [
                "EnrollWeb", "EnrollCore", "JSONSchema", "CalendarDates", "AgeKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // The thin command-line front end: parse, call, print.
        .executableTarget(
            name: "enroll",
            dependencies: [
                "EnrollCore",
                "ArchiveKit",
                "AgeKit",
                "JSONSchema",
                "SampleKit",
                "StationWeb",
                "DistrictWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Work a test must measure in a process of its own (the peak memory of reading an
        // archive). Built for the tests only; not a product.
        .executableTarget(name: "enroll-testhelper", dependencies: ["ArchiveKit"]),

        // libFuzzer's LLVMFuzzerRunDriver, declared weak: present only when scripts/fuzz.sh
        // links libFuzzer in.
        .target(name: "CFuzzerDriver"),

        // One libFuzzer target per parser of outside input (scripts/fuzz.sh). Built the
        // ordinary way it has no fuzzing engine and replays inputs once. Not a product.
        .executableTarget(
            name: "enroll-fuzz",
            dependencies: [
                "CFuzzerDriver", "EnrollCore", "JSONSchema", "ArchiveKit", "AgeKit", "XMLKit", "SheetKit",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        .testTarget(
            name: "CalendarDatesTests",
            dependencies: ["CalendarDates"]
        ),
        .testTarget(
            name: "JSONSchemaTests",
            dependencies: ["JSONSchema", "SampleKit"],
            exclude: ["KnownFailures.json"]
        ),
        .testTarget(
            name: "ArchiveKitTests",
            dependencies: ["ArchiveKit", "CArchive", "enroll-testhelper"]
        ),
        .testTarget(
            name: "PrintKitTests",
            dependencies: ["PrintKit", .product(name: "SystemPackage", package: "swift-system")]
        ),
        .testTarget(
            name: "AgeKitTests",
            dependencies: ["AgeKit", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "DigestKitTests",
            dependencies: ["DigestKit"]
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
            dependencies: [
                "EnrollCore", "CalendarDates", "SampleKit", "ArchiveKit", "AgeKit", "JSONSchema", "SheetKit",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"), .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "SampleKitTests",
            dependencies: ["SampleKit", "EnrollCore", "JSONSchema", "CalendarDates"]
        ),
        // What the web apps' HTTP tests share (reading a downloaded PDF back).
        .target(name: "WebTestSupport", path: "Tests/WebTestSupport"),
        .testTarget(
            name: "StationWebTests",
            dependencies: [
                "StationWeb", "EnrollWeb", "EnrollCore", "SampleKit", "JSONSchema", "WebTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "DistrictWebTests",
            dependencies: [
                "DistrictWeb", "EnrollCore", "SampleKit", "SheetKit", "WebTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "EnrollCLITests",
            dependencies: ["EnrollCore", "SheetKit"]
        ),
    ]
)

// Package-wide strictness, in one place.
for target in package.targets where target.type != .system && !["CLinuxShims", "CFuzzerDriver"].contains(target.name) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
