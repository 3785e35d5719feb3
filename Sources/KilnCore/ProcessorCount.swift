#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many processors are online: how many jobs at once use the machine.
public var onlineProcessorCount: Int {
    max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}
