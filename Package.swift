// swift-tools-version: 6.2
import PackageDescription

// The exported C API carries DPDK 22.11's version nodes and nothing Swift-mangled.
let versionScript = "\(Context.packageDirectory)/Sources/SwiftEAL/swifteal.map"

// Fuzz builds (`make fuzz`, Tests/fuzz) set SWIFTEAL_FUZZ: see the end of this file.
let fuzzing = Context.environment["SWIFTEAL_FUZZ"] != nil

// The library itself implements experimental and internal symbols.
let cDefines: [CSetting] = [.define("_GNU_SOURCE"), .define("ALLOW_EXPERIMENTAL_API"), .define("ALLOW_INTERNAL_API")]

let package = Package(
    name: "SwiftEAL",
    products: [
        .library(name: "swifteal", type: .dynamic, targets: ["SwiftEAL"]),
    ],
    targets: [
        .systemLibrary(name: "CNuma", path: "Sources/CNuma"),
        // Public headers (include/ -> ../../include) and the C that Swift cannot express.
        .target(
            name: "CSwiftEAL",
            cSettings: cDefines
        ),
        // C-layout structs that live in shared memory or cross the C boundary internally.
        .target(
            name: "CEALShared",
            dependencies: ["CSwiftEAL"],
            cSettings: cDefines
        ),
        .target(
            name: "SwiftEAL",
            dependencies: ["CSwiftEAL", "CEALShared", "CNuma"],
            exclude: ["swifteal.map"],
            cSettings: cDefines,
            swiftSettings: [
                .swiftLanguageMode(.v6),
                .enableExperimentalFeature("CImplementation"),
                .unsafeFlags(["-Xcc", "-D_GNU_SOURCE", "-Xcc", "-DALLOW_EXPERIMENTAL_API", "-Xcc", "-DALLOW_INTERNAL_API"]),
            ],
            // Release only, and not in a fuzz build: the script's `local: *` also reaches
            // every executable that links this target (the test runner, the fuzzers), where
            // it hid the sanitizers' interceptors (aligned_alloc, strndup, ...).
            linkerSettings: [.linkedLibrary("numa")]
                + (fuzzing ? [] : [.unsafeFlags(["-Xlinker", "--version-script=\(versionScript)"], .when(configuration: .release))])
        ),
        .testTarget(
            name: "SwiftEALTests",
            dependencies: ["SwiftEAL", "CSwiftEAL", "CEALShared"],
            swiftSettings: [.swiftLanguageMode(.v6), .unsafeFlags(["-Xcc", "-D_GNU_SOURCE", "-Xcc", "-DALLOW_EXPERIMENTAL_API", "-Xcc", "-DALLOW_INTERNAL_API"])]
        ),
    ]
)

// Fuzz targets (Tests/fuzz/<name>, run by `make fuzz`, see Tests/fuzz/run.sh): libFuzzer
// executables built with -sanitize=fuzzer,address over the library's own objects, which
// they reach through @testable import (internal entry points such as the option parser).
// Declared only when SWIFTEAL_FUZZ is set, so the ordinary build and `swift test` never
// see them.
if fuzzing {
    let flags: [SwiftSetting] = [
        .swiftLanguageMode(.v5),
        .unsafeFlags(["-Xcc", "-D_GNU_SOURCE", "-Xcc", "-DALLOW_EXPERIMENTAL_API", "-Xcc", "-DALLOW_INTERNAL_API"]),
    ]
    package.targets.append(.target(
        name: "FuzzSupport",
        dependencies: ["SwiftEAL", "CSwiftEAL"],
        path: "Tests/fuzz/Support",
        swiftSettings: flags
    ))
    for name in ["options", "parsers", "fbarray", "malloc", "mp"] {
        package.targets.append(.executableTarget(
            name: "fuzz_\(name)",
            dependencies: ["FuzzSupport", "SwiftEAL", "CSwiftEAL", "CEALShared"],
            path: "Tests/fuzz/\(name)",
            exclude: ["corpus"],
            swiftSettings: flags,
            // gold warns that it cannot export the sanitizer runtime's symbols, then fails
            // on the debug info; lld links them
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])]
        ))
    }
}
