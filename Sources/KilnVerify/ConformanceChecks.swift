#if canImport(Glibc)
import Glibc
#endif
import KilnBundle
import KilnCore
import KilnDrivers
import KilnRuntime

/// The checks of the OpenCL C conformance kernels in `Tests/Conformance/`: one kernel per builtin
/// family, each result compared with a reference computed here (float64 where it is arithmetic,
/// exactly where OpenCL defines the bits, within OpenCL's ULP limits for math).
enum ConformanceChecks {
    static let all: [ReferenceCheck] = values + memory + parallel

    /// A buffer of `count` copies of a value no kernel writes: an output the kernel must overwrite.
    static func sentinel<T: KernelScalar & FixedWidthInteger>(_ device: ComputeDevice, _ count: Int, _: T.Type) throws(KilnError) -> DeviceBuffer {
        try device.makeBuffer([T](repeating: T.max - 12_345, count: count))
    }

    static let values: [ReferenceCheck] = [
        ReferenceCheck(module: "vectors", kernel: "vector_ops", parameterTypes: ["const float4*", "float*"], run: { k, d in
            let n = 1024
            let input = randomFloats(4 * n).map { $0 * 2 }
            let out = try poisoned(d, 8 * n)
            try k.launch(grid: Dim3(groups(n, 64)), block: 64, arguments: [try d.makeBuffer(input).argument, out.argument])
            var ref: [Double] = []
            for i in 0..<n {
                let v = input[(4 * i)..<(4 * i + 4)].map(Double.init)
                let (x, y, z, w) = (v[0], v[1], v[2], v[3])
                let c = (y * 3 - z * 2, z * 1 - x * 3, x * 2 - y * 1)
                ref += [w * 1 + x, z * 2 + y, x + 2 * y + 3 * z + 4 * w, 4 + x, z + y, (x * x + y * y + z * z).squareRoot(),
                        c.0 + 2 * c.1 + 3 * c.2, zip(v, [1.0, 2, 3, 4]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()]
            }
            return Compare.absolute(try out.download(), ref)
        }, tolerance: 1e-4),
        ReferenceCheck(module: "conversions", kernel: "conversions", parameterTypes: ["const float*", "int*"], run: { k, d in
            let n = 1024
            let input = (0..<n).map { i -> Float in i % 2 == 0 ? Float.random(in: -3...3) : Float.random(in: -5e6...5e6) }
            let out = try sentinel(d, 6 * n, Int32.self)
            try k.launch(grid: Dim3(groups(n, 64)), block: 64, arguments: [try d.makeBuffer(input).argument, out.argument])
            func saturated<T: FixedWidthInteger>(_ value: Float, _: T.Type) -> Int32 {
                value.isNaN ? 0 : Int32(truncatingIfNeeded: value >= Float(T.max) ? Int64(T.max) : value <= Float(T.min) ? Int64(T.min) : Int64(value))
            }
            let ref = input.flatMap { x -> [Int32] in
                [saturated((x * 1000).rounded(.toNearestOrEven), Int32.self),
                 Int32((x * 100).rounded(.towardZero)),
                 Int32(min(255, max(0, Int64((x * 300).rounded(.down))))),
                 Int32(bitPattern: x.bitPattern),
                 Int32(Int16(clamping: saturated((x * 100_000).rounded(.towardZero), Int32.self))),
                 Int32((x * 4).rounded(.up))]
            }
            return Compare.exact(try out.download(as: Int32.self), ref)
        }, tolerance: 0),
        ReferenceCheck(module: "integer", kernel: "integer_ops", parameterTypes: ["const uint*", "const uint*", "uint*"], run: { k, d in
            let n = 1024
            let a = (0..<n).map { _ in UInt32.random(in: 0...UInt32.max) }, b = (0..<n).map { _ in UInt32.random(in: 0...UInt32.max) }
            let out = try sentinel(d, 8 * n, UInt32.self)
            try k.launch(grid: Dim3(groups(n, 64)), block: 64, arguments: [try d.makeBuffer(a).argument, try d.makeBuffer(b).argument, out.argument])
            let ref = zip(a, b).flatMap { x, y -> [UInt32] in
                let product = (x & 0xFF_FFFF) &* (y & 0xFF_FFFF)
                let shift = y & 31
                let difference = Int64(Int32(bitPattern: x)) - Int64(Int32(bitPattern: y))
                return [product, product &+ x, UInt32((UInt64(x) * UInt64(y)) >> 32),
                        shift == 0 ? x : (x << shift) | (x >> (32 - shift)), UInt32(x.nonzeroBitCount), UInt32(x.leadingZeroBitCount),
                        x.addingReportingOverflow(y).overflow ? UInt32.max : x &+ y, UInt32(truncatingIfNeeded: abs(difference))]
            }
            return Compare.exact(try out.download(as: UInt32.self), ref)
        }, tolerance: 0),
        ReferenceCheck(module: "relational", kernel: "relational", parameterTypes: ["const float4*", "int*"], run: { k, d in
            let n = 1024
            let input = randomFloats(4 * n).enumerated().map { $0.offset % 7 == 0 ? abs($0.element) : $0.element }
            let out = try sentinel(d, 6 * n, Int32.self)
            try k.launch(grid: Dim3(groups(n, 64)), block: 64, arguments: [try d.makeBuffer(input).argument, out.argument])
            let ref = (0..<n).flatMap { i -> [Int32] in
                let v = Array(input[(4 * i)..<(4 * i + 4)])
                let positive = v.map { $0 > 0 }
                let (a, b) = (Int32(bitPattern: v[0].bitPattern), Int32(bitPattern: v[1].bitPattern))
                return [positive.contains(true) ? 1 : 0, positive.allSatisfy { $0 } ? 1 : 0, v[0] > v[1] ? 2 : 1,
                        v[2] < 0 ? 1 : 0, v[3].sign == .minus ? 1 : 0, (a & ~0x0F0F_0F0F) | (b & 0x0F0F_0F0F)]
            }
            return Compare.exact(try out.download(as: Int32.self), ref)
        }, tolerance: 0),
        ReferenceCheck(module: "math", kernel: "math", parameterTypes: ["const float*", "float*"], run: { k, d in
            let n = 1024
            let input = (0..<n).map { _ in Float.random(in: 0.1...4) }
            let out = try poisoned(d, 12 * n)
            try k.launch(grid: Dim3(groups(n, 64)), block: 64, arguments: [try d.makeBuffer(input).argument, out.argument])
            let got: [Float] = try out.download()
            // OpenCL 1.2's full-profile limits, in ULPs of the float result: exp, log, sin, cos, pow,
            // sqrt, rsqrt, tanh, atan2, fma (correctly rounded); native_* are checked to 1e-3.
            let limits: [Double] = [3, 3, 4, 4, 16, 3, 2, 5, 6, 1]
            var worst = 0.0
            for (i, value) in input.enumerated() {
                let x = Double(value)
                let ref = [exp(x), log(x), sin(x), cos(x), pow(x, Double(Float(1.7))), x.squareRoot(), 1 / x.squareRoot(),
                           tanh(x), atan2(x, 1.5), x * x + 1]
                for (j, r) in ref.enumerated() {
                    let o = got[12 * i + j]
                    guard !o.isNaN else { return .infinity }
                    worst = max(worst, abs(Double(o) - r) / Double(Float(r).ulp) / limits[j])
                }
                let natives = [exp(x), sin(x) + log(x)]
                for (j, r) in natives.enumerated() {
                    let o = Double(got[12 * i + 10 + j])
                    worst = max(worst, abs(o - r) / max(abs(r), 1) / 1e-3)
                }
            }
            return worst
        }, tolerance: 1),
        ReferenceCheck(module: "precision", kernel: "single_precision", parameterTypes: ["const float*", "float*"], run: { k, d in
            let n = 1024
            let input = (0..<n).map { _ in Float.random(in: 0...4) }
            let out = try poisoned(d, n)
            try k.launch(grid: Dim3(groups(n, 64)), block: 64, arguments: [try d.makeBuffer(input).argument, out.argument])
            return Compare.relative(try out.download(), input.map { Double($0).squareRoot() * exp(-Double($0)) })
        }, tolerance: 1e-5),
        ReferenceCheck(module: "precision", kernel: "double_precision", parameterTypes: ["const double*", "double*"], run: { k, d in
            let n = 1024
            let input = (0..<n).map { _ in Double.random(in: 0...4) }
            let out = try d.makeBuffer([Double](repeating: .nan, count: n))
            try k.launch(grid: Dim3(groups(n, 64)), block: 64, arguments: [try d.makeBuffer(input).argument, out.argument])
            let got: [Double] = try out.download()
            guard !got.contains(where: \.isNaN) else { return .infinity }
            return zip(got, input.map { $0.squareRoot() * exp(-$0) }).map { abs($0 - $1) }.max() ?? .infinity
        }, tolerance: 1e-12),
        ReferenceCheck(module: "precision", kernel: "half_precision", parameterTypes: ["const half*", "half*"], run: { k, d in
            let n = 1024
            let input = (0..<n).map { _ in Float16(Float.random(in: -8...8)) }
            let out = try d.makeBuffer([Float16](repeating: .nan, count: n))
            try k.launch(grid: Dim3(groups(n, 64)), block: 64, arguments: [try d.makeBuffer(input).argument, out.argument])
            return Compare.exact(try out.download(as: Float16.self), input.map { $0 * 2 + 1 })
        }, tolerance: 0),
        ReferenceCheck(module: "text_forms", kernel: "scaled", parameterTypes: ["float*"], run: { k, d in
            let n = 1000
            let input = randomFloats(n)
            let data = try d.makeBuffer(input)
            try k.launch(grid: Dim3(groups(n, 100)), block: 100, arguments: [data.argument])
            return Compare.exact(try data.download(as: Float.self), input.map { $0 * 6 })
        }, tolerance: 0),
    ]

    static let memory: [ReferenceCheck] = [
        ReferenceCheck(module: "memory", kernel: "vector_memory", parameterTypes: ["const float*", "float*", "half*"], run: { k, d in
            let n = 512
            let input = randomFloats(4 * n + 16)
            let out = try poisoned(d, 6 * n)
            let halves = try d.makeBuffer([Float16](repeating: .nan, count: n))
            try k.launch(grid: Dim3(groups(n, 64)), block: 64, arguments: [try d.makeBuffer(input).argument, out.argument, halves.argument])
            var ref: [Double] = (0..<(4 * n)).map { i in Double(input[1 + i] * 2) }
            for i in 0..<n {
                let sum: Float = input[2 * i + 1] + input[i + 7] + input[i + 15]
                ref.append(Double(sum))
            }
            for i in 0..<n { ref.append(Double(Float(Float16(input[i])))) }
            return Compare.absolute(try out.download(), ref)
        }, tolerance: 0),
    ]

    static let parallel: [ReferenceCheck] = [
        ReferenceCheck(module: "atomics", kernel: "atomics", parameterTypes: ["int*", "const int*", "int*"], run: { k, d in
            let n = 4096
            let values = (0..<n).map { _ in Int32.random(in: -1000...1000) }
            let counters = try d.makeBuffer([0, Int32.min, 0, Int32.max, 0])
            try k.launch(grid: Dim3(n / 256), block: 256,
                         arguments: [counters.argument, try d.makeBuffer(values).argument, .local(bytes: 8)])
            let bits = values.reduce(Int32(0)) { $0 | Int32(bitPattern: UInt32(1) << UInt32($1 & 31)) }
            return Compare.exact(try counters.download(as: Int32.self),
                                 [values.reduce(0, +), values.max()!, Int32(n), values.min()!, bits])
        }, tolerance: 0),
        ReferenceCheck(module: "local_memory", kernel: "block_sum", parameterTypes: ["const float*", "float*", "float*"], run: { k, d in
            let (n, block) = (4096, 256)
            let input = randomFloats(n)
            let out = try poisoned(d, n / block)
            try k.launch(grid: Dim3(n / block), block: Dim3(block),
                         arguments: [try d.makeBuffer(input).argument, out.argument, .local(bytes: block * 4)])
            let ref = (0..<(n / block)).map { g in input[(g * block)..<((g + 1) * block)].reduce(0.0) { $0 + Double($1) } }
            return Compare.absolute(try out.download(), ref)
        }, tolerance: 1e-4),
        ReferenceCheck(module: "local_memory", kernel: "two_locals", parameterTypes: ["const int*", "int*", "int*", "int*"], run: { k, d in
            let (n, block) = (1024, 128)
            let input = (0..<n).map { _ in Int32.random(in: -1000...1000) }
            let out = try sentinel(d, n, Int32.self)
            try k.launch(grid: Dim3(n / block), block: Dim3(block),
                         arguments: [try d.makeBuffer(input).argument, out.argument, .local(bytes: block * 4), .local(bytes: block * 4)])
            let ref = (0..<n).map { i -> Int32 in
                let (group, local) = (i / block, i % block)
                return input[group * block + (local + 1) % block] + 2 * input[i]
            }
            return Compare.exact(try out.download(as: Int32.self), ref)
        }, tolerance: 0),
        ReferenceCheck(module: "subgroups", kernel: "lane_count", parameterTypes: ["int*"], run: { k, d in
            let out = try sentinel(d, 256, Int32.self)
            try k.launch(grid: Dim3(4), block: 64, arguments: [out.argument])
            return Compare.exact(try out.download(as: Int32.self), [Int32](repeating: 64, count: 256))
        }, tolerance: 0),
        ReferenceCheck(module: "subgroups", kernel: "subgroup_sum", parameterTypes: ["const int*", "int*", "int*"], run: { k, d in
            let (n, block) = (256, 64)
            let input = (0..<n).map { _ in Int32.random(in: -1000...1000) }
            let out = try sentinel(d, n, Int32.self), sizes = try sentinel(d, n, Int32.self)
            try k.launch(grid: Dim3(n / block), block: Dim3(block),
                         arguments: [try d.makeBuffer(input).argument, out.argument, sizes.argument])
            let size = Int(try sizes.download(as: Int32.self)[0])
            guard size > 0, block % size == 0 else { return .infinity }
            let ref = (0..<n).map { i in input[(i / size * size)..<(i / size * size + size)].reduce(0, +) }
            return Compare.exact(try out.download(as: Int32.self), ref)
        }, tolerance: 0),
    ]
}
