"""Ceilings through PyTorch on the GPU machine (bench/gpu/bench.sh): device-to-device copy
bandwidth (Tensor.copy_, which is cudaMemcpyAsync DtoD) and cuBLAS SGEMM (torch.matmul on float32
with TF32 off: true single precision, as Kiln's kernels). CUDA events, warm-up first, median.
Usage: python3 bench/gpu/torch_ref.py OUT.json"""
import json, statistics, sys
import torch

def median_ms(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record(); fn(); e.record(); e.synchronize()
        times.append(s.elapsed_time(e))
    return statistics.median(times), min(times), max(times)

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
torch.set_float32_matmul_precision("highest")
dev = torch.device("cuda")
out = {"torch": torch.__version__, "cudaRuntime": torch.version.cuda, "device": torch.cuda.get_device_name(0),
       "cublasVersion": getattr(torch._C, "_cuda_getCompiledVersion", lambda: None)()}

copies = []
for n in (1 << 27, 1 << 28):  # 512 MiB and 1 GiB of float32
    src = torch.rand(n, device=dev) - 0.5
    dst = torch.full((n,), float("nan"), device=dev)
    dst.copy_(src); torch.cuda.synchronize()
    assert torch.equal(dst, src), "copy check failed"
    med, lo, hi = median_ms(lambda: dst.copy_(src), 10, 50)
    copies.append({"floats": n, "bytesPerCopy": 8 * n, "medianMs": med, "minMs": lo, "maxMs": hi, "GBps": 8 * n / med / 1e6})
    del src, dst
out["copy"] = copies

m = n = k = 4096
a = torch.rand(m, k, device=dev) * 2 - 1
b = torch.rand(k, n, device=dev) * 2 - 1
c = a @ b
ref = a.double() @ b.double()
err = (torch.linalg.norm(c.double() - ref) / torch.linalg.norm(ref)).item()
assert err < 1e-5, f"sgemm rel.err {err}"
med, lo, hi = median_ms(lambda: torch.matmul(a, b, out=c), 5, 30)
out["sgemm"] = {"M": m, "N": n, "K": k, "tf32": False, "relErrVsFloat64": err, "medianMs": med, "minMs": lo, "maxMs": hi,
                "GFLOPs": 2 * m * n * k / med / 1e6}
json.dump(out, open(sys.argv[1], "w"), indent=1)
print(json.dumps(out, indent=1))
