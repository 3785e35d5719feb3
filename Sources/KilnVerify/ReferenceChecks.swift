#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KilnBundle
import KilnCore
import KilnDrivers
import KilnRuntime

/// The checks of the kernels in `Kernels/`, by module.
public enum ReferenceChecks {
    /// Every check Kiln has, including one per kernel of `gemm_variants`.
    public static let all: [ReferenceCheck] = elementwise + reductions + rows + matrices + gemmVariants + ConformanceChecks.all

    static let elementwise: [ReferenceCheck] = [
        ReferenceCheck(module: "saxpy", kernel: "saxpy", parameterTypes: ["float", "const float*", "float*", "int"], run: { k, d in
            let n = 100_003, a: Float = 1.75
            let x = randomFloats(n), y = randomFloats(n)
            let bx = try d.makeBuffer(x), by = try d.makeBuffer(y)
            try k.launch(grid: Dim3(groups(n, 256)), block: 256, arguments: [.float32(a), bx.argument, by.argument, .int32(Int32(n))])
            return Compare.relative(try by.download(), zip(x, y).map { Double(a) * Double($0) + Double($1) })
        }, tolerance: 1e-6),
        ReferenceCheck(module: "add", kernel: "add", parameterTypes: ["const float*", "const float*", "float*", "int"], run: { k, d in
            let n = 100_003
            let a = randomFloats(n), b = randomFloats(n)
            let out = try poisoned(d, n)
            try k.launch(grid: Dim3(groups(n, 256)), block: 256,
                         arguments: [try d.makeBuffer(a).argument, try d.makeBuffer(b).argument, out.argument, .int32(Int32(n))])
            return Compare.relative(try out.download(), zip(a, b).map { Double($0) + Double($1) })
        }, tolerance: 1e-7),
        ReferenceCheck(module: "gelu", kernel: "gelu", parameterTypes: ["const float*", "float*", "int"], run: { k, d in
            let n = 100_003
            let x = randomFloats(n).map { $0 * 4 }
            let out = try poisoned(d, n)
            try k.launch(grid: Dim3(groups(n, 256)), block: 256, arguments: [try d.makeBuffer(x).argument, out.argument, .int32(Int32(n))])
            let ref = x.map { v -> Double in
                let x = Double(v)
                return 0.5 * x * (1 + tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))
            }
            return Compare.absolute(try out.download(), ref)
        }, tolerance: 1e-5),
    ]

    static let reductions: [ReferenceCheck] = [
        ReferenceCheck(module: "reduce_sum", kernel: "reduce_sum", parameterTypes: ["const float*", "float*", "uint"], run: { k, d in
            guard let (x, parts) = try partialReduction(k, d) else { return .infinity }
            let scale = x.reduce(0.0) { $0 + abs(Double($1)) }
            return abs(parts.reduce(0.0) { $0 + Double($1) } - x.reduce(0.0) { $0 + Double($1) }) / scale
        }, tolerance: 1e-5),
        ReferenceCheck(module: "reduce_max", kernel: "reduce_max", parameterTypes: ["const float*", "float*", "uint"], run: { k, d in
            guard let (x, parts) = try partialReduction(k, d) else { return .infinity }
            return Compare.exact([parts.max()!], [x.max()!])
        }, tolerance: 0),
        ReferenceCheck(module: "histogram", kernel: "histogram", parameterTypes: ["const uchar*", "int", "int*"], run: { k, d in
            let n = 1 << 18
            let bytes = (0..<n).map { _ in UInt8.random(in: 0...255) }
            let bins = try d.makeBuffer([Int32](repeating: 0, count: 256))
            try k.launch(grid: Dim3(64), block: 256, arguments: [try d.makeBuffer(bytes).argument, .int32(Int32(n)), bins.argument])
            var ref = [Int32](repeating: 0, count: 256)
            for b in bytes { ref[Int(b)] += 1 }
            return Compare.exact(try bins.download(as: Int32.self), ref)
        }, tolerance: 0),
    ]

    static let rows: [ReferenceCheck] = [
        ReferenceCheck(module: "softmax", kernel: "softmax", parameterTypes: ["const float*", "float*", "int"], run: { k, d in
            let (rows, cols) = (67, 1000)
            let x = randomFloats(rows * cols).map { $0 * 8 }
            let out = try poisoned(d, rows * cols)
            try k.launch(grid: Dim3(rows), block: 256, arguments: [try d.makeBuffer(x).argument, out.argument, .int32(Int32(cols))])
            var ref = [Double](repeating: 0, count: rows * cols)
            for r in 0..<rows {
                let row = x[r * cols..<(r + 1) * cols].map(Double.init)
                let m = row.max()!
                let e = row.map { exp($0 - m) }
                let s = e.reduce(0, +)
                for c in 0..<cols { ref[r * cols + c] = e[c] / s }
            }
            return Compare.relative(try out.download(), ref)
        }, tolerance: 1e-5),
        ReferenceCheck(module: "layernorm", kernel: "layernorm",
                       parameterTypes: ["const float*", "const float*", "const float*", "float*", "int", "float"], run: { k, d in
            let (rows, cols) = (67, 1000)
            let eps: Float = 1e-5
            let x = randomFloats(rows * cols).map { $0 * 3 + 1 }, gamma = randomFloats(cols), beta = randomFloats(cols)
            let out = try poisoned(d, rows * cols)
            try k.launch(grid: Dim3(rows), block: 256, arguments: [
                try d.makeBuffer(x).argument, try d.makeBuffer(gamma).argument, try d.makeBuffer(beta).argument,
                out.argument, .int32(Int32(cols)), .float32(eps)])
            var ref = [Double](repeating: 0, count: rows * cols)
            for r in 0..<rows {
                let row = x[r * cols..<(r + 1) * cols].map(Double.init)
                let mean = row.reduce(0, +) / Double(cols)
                let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(cols)
                let inv = 1 / (variance + Double(eps)).squareRoot()
                for c in 0..<cols { ref[r * cols + c] = (row[c] - mean) * inv * Double(gamma[c]) + Double(beta[c]) }
            }
            return Compare.relative(try out.download(), ref)
        }, tolerance: 1e-5),
    ]

    static let matrices: [ReferenceCheck] = [
        ReferenceCheck(module: "transpose", kernel: "transpose", parameterTypes: ["float*", "const float*", "int", "int"], run: { k, d in
            let (w, h) = (333, 517)
            let x = randomFloats(w * h)
            let out = try poisoned(d, w * h)
            try k.launch(grid: Dim3(groups(w, 16), groups(h, 16)), block: Dim3(16, 16),
                         arguments: [out.argument, try d.makeBuffer(x).argument, .int32(Int32(w)), .int32(Int32(h))])
            var ref = [Double](repeating: 0, count: w * h)
            for r in 0..<h { for c in 0..<w { ref[c * h + r] = Double(x[r * w + c]) } }
            return Compare.relative(try out.download(), ref)
        }, tolerance: 0),
        ReferenceCheck(module: "gemm", kernel: "gemm", parameterTypes: ["const float*", "const float*", "float*", "int", "int", "int"], run: { k, d in
            let (m, n, kk) = (130, 70, 90)
            let a = randomFloats(m * kk), b = randomFloats(kk * n)
            let c = try poisoned(d, m * n)
            try k.launch(grid: Dim3(groups(n, 16), groups(m, 16)), block: Dim3(16, 16), arguments: [
                try d.makeBuffer(a).argument, try d.makeBuffer(b).argument, c.argument,
                .int32(Int32(m)), .int32(Int32(n)), .int32(Int32(kk))])
            return Compare.relative(try c.download(), matmul(a, b, m, n, kk))
        }, tolerance: 1e-5),
    ]

    /// One check per kernel of the generated `gemm_variants` module (scripts/generate_gemm_variants.py).
    static let gemmVariants: [ReferenceCheck] = {
        var checks: [ReferenceCheck] = []
        let shapes = [(8, 1), (8, 2), (8, 4), (16, 1), (16, 2), (16, 4), (16, 8), (32, 2), (32, 4), (32, 8)]
        for (ts, wpt) in shapes {
            for unroll in [1, 2, 4, 8] {
                for epilogue in ["plain", "alpha", "axpby", "relu"] {
                    let name = "gemm_t\(ts)_w\(wpt)_u\(unroll)_\(epilogue)"
                    checks.append(ReferenceCheck(
                        module: "gemm_variants", kernel: name,
                        parameterTypes: ["const float*", "const float*", "float*", "int", "int", "int", "float", "float"],
                        run: { k, d in
                            let (m, n, kk) = (45, 37, 29)
                            let (alpha, beta): (Float, Float) = (1.5, -0.5)
                            let a = randomFloats(m * kk), b = randomFloats(kk * n), cIn = randomFloats(m * n)
                            // axpby reads C; the others must write every element of a poisoned C.
                            let c = epilogue == "axpby" ? try d.makeBuffer(cIn) : try poisoned(d, m * n)
                            try k.launch(grid: Dim3(groups(n, ts), groups(m, ts)), block: Dim3(ts, ts / wpt), arguments: [
                                try d.makeBuffer(a).argument, try d.makeBuffer(b).argument, c.argument,
                                .int32(Int32(m)), .int32(Int32(n)), .int32(Int32(kk)), .float32(alpha), .float32(beta)])
                            let product = matmul(a, b, m, n, kk)
                            let ref: [Double] = product.indices.map { i in
                                switch epilogue {
                                case "alpha": Double(alpha) * product[i]
                                case "axpby": Double(alpha) * product[i] + Double(beta) * Double(cIn[i])
                                case "relu": max(Double(alpha) * product[i], 0)
                                default: product[i]
                                }
                            }
                            return Compare.relative(try c.download(), ref)
                        }, tolerance: 1e-5))
                }
            }
        }
        return checks
    }()

    /// Runs a reduction kernel (`reduce_sum`, `reduce_max`: input, per-group output, count) over
    /// 2¹⁸ random values in 64 work-groups of 256; returns the inputs and each group's result, or
    /// nil when a group's result was left unwritten (still NaN).
    static func partialReduction(_ k: DeviceKernel, _ d: ComputeDevice) throws(KilnError) -> (input: [Float], partials: [Float])? {
        let n = 1 << 18, g = 64
        let x = randomFloats(n)
        let partial = try poisoned(d, g)
        try k.launch(grid: Dim3(g), block: 256, arguments: [try d.makeBuffer(x).argument, partial.argument, .uint32(UInt32(n))])
        let parts: [Float] = try partial.download()
        return parts.contains(where: \.isNaN) ? nil : (x, parts)
    }

    static func matmul(_ a: [Float], _ b: [Float], _ m: Int, _ n: Int, _ k: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for q in 0..<k { sum += Double(a[i * k + q]) * Double(b[q * n + j]) }
                c[i * n + j] = sum
            }
        }
        return c
    }
}
