/// NVRTC, CUDA's run-time compiler, as a program sees it: whether it is installed here.
public enum NVRTC {
    /// Whether NVRTC loads here (`KILN_NVRTC`, the CUDA toolkit, a pip install), so CUDA source can
    /// be compiled at run time; loads it on first use.
    public static var isInstalled: Bool { (try? NVRTCLibrary.shared()) != nil }
}
