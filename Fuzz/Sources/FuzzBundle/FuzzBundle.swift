// libFuzzer target for everything Kiln parses from untrusted bytes: the bundle reader (header,
// image table, string table, signature block), the manifest decoder, image decompression and
// checksums, the image checks (PoCL binary, cubin/zebin ELF, PTX, SPIR-V, source includes) and
// the cache-entry parser. Every input goes to all of them.
//
// A thrown KilnError (or a cache entry's refusal) is the right answer to a bad input; a crash, a
// trap, a hang, another kind of error, or an image whose bytes do not match its entry's SHA-256
// and raw size ("wrong bytes") is a bug, and stops the run.
//
// Most mutated bundles fail the header's checksum, so a bundle-shaped input (one that starts with
// KILNBNDL) is read a second time with its header check, file size and manifest SHA-256 made to
// match: that lets the fuzzer reach the table, manifest and images behind a valid header.
#if canImport(Glibc)
import Glibc
#endif
@testable import KilnBundle
import KilnCore
@testable import KilnCache
@testable import KilnRuntime

/// One file per process, rewritten for every input: the readers take paths and descriptors. In
/// /dev/shm (tmpfs) unless KILN_FUZZ_DIR says otherwise: on a disk, an open(2) that stalls for a
/// second on a busy machine reads as a timeout.
let scratch: String = {
    let folder = getenv("KILN_FUZZ_DIR").map { String(cString: $0) } ?? (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp")
    return "\(folder)/kiln-fuzz-\(getpid()).bin"
}()

/// Every target name the checks know, with one of each kind.
let checkTargets: [(ImageFormat, Target)] = [
    (.poclBinary, .cpu), (.cubin, .sm(90)), (.cubin, .sm(80)), (.ptx, .compute(90)), (.ptx, .compute(90, archSpecific: true)),
    (.spirv, .spirv), (.source, .source),
] + (TargetRegistry.standard.target(named: "pvc").map { [(.zebin, $0)] } ?? [])

func write(_ bytes: UnsafeRawBufferPointer) {
    let fd = open(scratch, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { fatalError("cannot write \(scratch): errno \(errno)") }
    var done = 0
    while done < bytes.count {
        let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
        guard n > 0 else { fatalError("cannot write \(scratch): errno \(errno)") }
        done += n
    }
    close(fd)
}

/// A thrown error must be a KilnError; anything else is a bug.
func expectKilnError(_ what: String, _ body: () throws -> Void) {
    do { try body() } catch is KilnError {} catch { fatalError("\(what) threw \(type(of: error)), not a KilnError: \(error)") }
}

func readBundle() {
    expectKilnError("the bundle reader") {
        let reader = try BundleReader(path: scratch)
        if let signer = reader.signer {
            expectKilnError("the signature check") { _ = try reader.requireSignature(trustedBy: TrustedKeys(keys: [signer])) }
        }
        expectKilnError("the manifest") { _ = try reader.manifest() }
        expectKilnError("the summary") { _ = try BundleSummary(reader: reader) }
        let entries = try reader.entries()
        guard entries.count == reader.imageCount else { fatalError("entries() gave \(entries.count) entries of \(reader.imageCount)") }
        for (index, entry) in entries.enumerated() {
            expectKilnError("the entry lookup") {
                guard let found = try reader.entry(module: entry.module, target: entry.target) else {
                    fatalError("entry \(index) (\(entry.module) × \(entry.target)) is listed but not found")
                }
                guard found == entry else { fatalError("entry \(index) is listed as \(entry) but found as \(found)") }
            }
            expectKilnError("the image") {
                let bytes = try reader.image(entry)
                guard UInt64(bytes.count) == entry.rawSize, Digest.sha256(bytes) == entry.sha256 else {
                    fatalError("wrong bytes: image \(index) (\(entry.module) × \(entry.target)) is \(bytes.count) bytes that do not match its entry")
                }
                if let target = TargetRegistry.standard.target(named: entry.target) {
                    expectKilnError("the image check") { try ImageCheck.validate(bytes, format: entry.format, target: target, what: "image") }
                }
            }
        }
    }
}

func readCacheEntry(size: Int) {
    let fd = open(scratch, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { fatalError("cannot open \(scratch): errno \(errno)") }
    defer { close(fd) }
    let key = CacheEntryFile.keyText(fd: fd, size: UInt64(size))
    for expected in [key ?? "", "key"] {
        if case .success(let payload) = CacheEntryFile.read(fd: fd, size: UInt64(size), expectedKeyText: expected) {
            guard key == expected,
                  CacheEntryFile.encode(keyText: expected, payload: payload).count == size else {
                fatalError("wrong bytes: a cache entry read as \(payload.count) bytes for key '\(expected)' that do not round-trip")
            }
        }
    }
}

/// The input with its header check, file size and manifest SHA-256 made to match; nil if it is
/// not bundle-shaped or already matches.
func fixedHeader(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
    guard input.count >= BundleFormat.headerSize, input.starts(with: BundleFormat.magic) else { return nil }
    var bytes = Array(input)
    func get(_ at: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) } }
    func put(_ value: UInt64, _ at: Int) { for i in 0..<8 { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) } }
    typealias Field = BundleHeader.Field
    put(UInt64(bytes.count), Field.fileSize)
    let (offset, size) = (get(Field.manifestOffset), get(Field.manifestSize))
    if offset <= UInt64(bytes.count), size <= UInt64(bytes.count) - offset {
        let digest = Digest.sha256(Array(bytes[Int(offset)..<Int(offset + size)]))
        bytes.replaceSubrange(Field.manifestSHA256, with: digest)
    }
    put(BundleHeader.check(bytes), Field.check)
    return bytes.elementsEqual(input) ? nil : bytes
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    let start = now()
    defer { timed(input, since: start) }
    let bytes = Array(input)
    write(input)
    readBundle()
    readCacheEntry(size: size)
    for (format, target) in checkTargets {
        expectKilnError("ImageCheck \(format) \(target.name)") { try ImageCheck.validate(bytes, format: format, target: target, what: "input") }
    }
    if let fixed = fixedHeader(input) {
        fixed.withUnsafeBytes(write)
        readBundle()
    }
    return 0
}

/// The slowest input so far, kept for the summary line that run.sh records.
nonisolated(unsafe) var slowest: (nanoseconds: UInt64, bytes: [UInt8]) = (0, [])
nonisolated(unsafe) var inputs: UInt64 = 0

func now() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

func timed(_ input: UnsafeRawBufferPointer, since start: UInt64) {
    inputs += 1
    let elapsed = now() - start
    if elapsed > slowest.nanoseconds { slowest = (elapsed, Array(input)) }
}

/// At exit: one line with the slowest input's time and size, and that input written to
/// $KILN_FUZZ_SLOWEST when it is set (a `%p` in it becomes the process id, so parallel jobs
/// (`-jobs=N`) each keep their own).
func summarise() {
    let line = "kiln-fuzz[\(getpid())]: \(inputs) inputs in this process; slowest input \(Double(slowest.nanoseconds / 1000) / 1000) ms, \(slowest.bytes.count) bytes\n"
    _ = Array(line.utf8).withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    if let setting = getenv("KILN_FUZZ_SLOWEST") {
        let path = String(cString: setting).replacing("%p", with: "\(getpid())")
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd >= 0 { _ = slowest.bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }; close(fd) }
    }
    unlink(scratch)
}

// SwiftPM links an executable's entry point as `<target>_main`; hand it to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>,
               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@_cdecl("FuzzBundle_main")
public func fuzzBundleMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc, arguments = argv
    atexit { summarise() }
    return runDriver(&count, &arguments, fuzz)
}
