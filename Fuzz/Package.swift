// swift-tools-version: 6.1
//
// A libFuzzer target over the scenario loader (YAML and the CSV tables it references), kept in
// its own package so that the normal build never links an executable without `main`.
//
//   swift build --package-path Fuzz -c debug --sanitize=fuzzer --sanitize=address
//   scripts/fuzz 60        # build, seed the corpus, run 60 seconds (CI runs this)
import PackageDescription

// A path dependency's identity is its directory's name, which differs between clones.
let rootIdentity: String = {
    var dir = Context.packageDirectory
    while dir.hasSuffix("/") { dir.removeLast() }
    let parent = dir.split(separator: "/").dropLast().last.map(String.init) ?? "minsim"
    return parent.lowercased()
}()

let package = Package(
    name: "minsim-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "FuzzLoader",
            dependencies: [.product(name: "MinsimScenario", package: rootIdentity)],
            path: "Sources/FuzzLoader"
        )
    ],
    swiftLanguageModes: [.v6]
)
