import ArgumentParser
import KilnCompiler

/// The build cache options that `kiln build` and `kiln merge` share.
struct BuildCacheOptions: ParsableArguments {
    @Option(name: .long, help: "The build cache folder (default: KILN_CACHE_DIR/build, else XDG_CACHE_HOME/kiln/build).")
    var buildCache: String?

    @Flag(name: .long, help: "Compile and compress everything, without reading or writing the build cache.")
    var noCache = false

    /// The build cache these options choose, or nil with `--no-cache`.
    ///
    /// - Throws: `KilnError.invalidArgument` when no default folder can be found.
    func cache(environment: [String: String]) throws -> BuildCache? {
        noCache ? nil : BuildCache(directory: try buildCache ?? BuildCache.defaultDirectory(environment: environment))
    }
}
