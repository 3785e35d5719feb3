import ArgumentParser
import KilnCompiler
import KilnRuntime

/// The build cache options that `kiln build` and `kiln merge` share.
struct BuildCacheOptions: ParsableArguments {
    @Option(name: .long, help: "The build cache folder (default: KILN_CACHE_DIR/build, else XDG_CACHE_HOME/kiln/build).")
    var buildCache: String?

    @Flag(name: .long, help: "Compile and compress everything, without reading or writing the build cache.")
    var noCache = false

    /// The build cache these options choose, reading through to the remote cache that
    /// KILN_REMOTE_CACHE (or `remoteCache`, from a --config file) names, bounded by
    /// KILN_CACHE_MAX_BYTES as the JIT cache is; nil with `--no-cache`.
    ///
    /// - Throws: `KilnError.invalidArgument` when no default folder can be found, or
    ///   KILN_CACHE_MAX_BYTES or the remote cache's settings are malformed.
    func cache(environment: [String: String], remoteCache url: String? = nil) throws -> BuildCache? {
        guard !noCache else { return nil }
        return BuildCache(directory: try buildCache ?? BuildCache.defaultDirectory(environment: environment),
                          maximumBytes: try CacheConfiguration(environment: environment).maximumBytes,
                          remote: try RemoteCache.fromEnvironment(environment, url: url))
    }

    /// Waits for the cache's uploads to its remote cache, at most KILN_REMOTE_CACHE_TIMEOUT
    /// seconds, and warns (once) when they did not all finish: the output is complete either way.
    func finishUploads(of cache: BuildCache?) {
        guard let remote = cache?.remote, !remote.finishUploads(timeout: Double(remote.configuration.totalTimeout)) else { return }
        StandardError.write("kiln: warning: uploads to the remote cache did not finish within \(remote.configuration.totalTimeout) s (KILN_REMOTE_CACHE_TIMEOUT); the bundle is complete, and the images not uploaded stay in the local build cache only\n")
    }
}
