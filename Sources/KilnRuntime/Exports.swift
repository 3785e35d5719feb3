// The types an app holds come from the layers below the runtime: devices, programs and launch
// dimensions from KilnDrivers (`CUDADriver`, `CUDADevice`, `OpenCLRuntime`, `OpenCLDevice`, `Dim3`),
// the cache configuration and remote store from KilnCache (`CacheConfiguration`, `RemoteCache`).
// `import KilnRuntime` keeps giving them all.
@_exported import KilnCache
@_exported import KilnDrivers
