// swift-tools-version: 6.2
import PackageDescription

// The exported C API carries DPDK 22.11's version nodes and nothing Swift-mangled.
let versionScript = "\(Context.packageDirectory)/Sources/SwiftEAL/swifteal.map"

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
            linkerSettings: [
                .linkedLibrary("numa"),
                // Release only: the script's `local: *` also reaches every executable that
                // links this target (the test runner), where it hid the sanitizers'
                // interceptors (aligned_alloc, strndup, ...) and TSan/ASan then freed
                // glibc's blocks as their own. `make build` and the C suite are release.
                .unsafeFlags(["-Xlinker", "--version-script=\(versionScript)"], .when(configuration: .release)),
            ]
        ),
        .testTarget(
            name: "SwiftEALTests",
            dependencies: ["SwiftEAL", "CSwiftEAL", "CEALShared"],
            swiftSettings: [.swiftLanguageMode(.v6), .unsafeFlags(["-Xcc", "-D_GNU_SOURCE", "-Xcc", "-DALLOW_EXPERIMENTAL_API", "-Xcc", "-DALLOW_INTERNAL_API"])]
        ),
    ]
)
