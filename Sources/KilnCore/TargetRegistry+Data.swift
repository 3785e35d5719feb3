// The data behind TargetRegistry.standard. docs/TARGETS.md is generated from it
// (`kiln targets --markdown`), and a test keeps the two in step.
//
// Intel names and IP versions are those `ocloc ids NAME` prints (intel-opencl-icd
// 22.43 from Debian 12). NVIDIA architectures are those NVRTC 13.0 compiles, plus
// sm_70, which products still name but which needs an NVRTC 12.x.
//
// Architecture names follow PyTorch's TORCH_CUDA_ARCH_LIST (torch.utils.cpp_extension's
// named_arches) for NVIDIA and Intel's release names for Intel. The `ocloc` releases that first
// know a newer Intel device are approximate: the compute-runtime release line (year.xx) whose
// `ocloc` lists the name, from Intel's release notes as remembered, not from `ocloc ids` runs.

extension TargetRegistry {
    static let nvidiaArchitectures: [NVIDIAArchitecture] = [
        .init(capability: .init(7, 0), generation: "Volta", hasArchSpecificVariant: false,
              note: "CUDA 13 dropped Volta: build it with an NVRTC 12.x named by KILN_NVRTC", needsOlderNVRTC: true),
        .init(capability: .init(7, 5), generation: "Turing", hasArchSpecificVariant: false),
        .init(capability: .init(8, 0), generation: "Ampere", hasArchSpecificVariant: false),
        .init(capability: .init(8, 6), generation: "Ampere", hasArchSpecificVariant: false),
        .init(capability: .init(8, 7), generation: "Ampere (Jetson Orin)", hasArchSpecificVariant: false),
        .init(capability: .init(8, 8), generation: "Ampere", hasArchSpecificVariant: false),
        .init(capability: .init(8, 9), generation: "Ada Lovelace", hasArchSpecificVariant: false),
        .init(capability: .init(9, 0), generation: "Hopper", hasArchSpecificVariant: true),
        .init(capability: .init(10, 0), generation: "Blackwell", hasArchSpecificVariant: true),
        .init(capability: .init(10, 3), generation: "Blackwell Ultra", hasArchSpecificVariant: true),
        .init(capability: .init(11, 0), generation: "Blackwell (Jetson Thor)", hasArchSpecificVariant: true),
        .init(capability: .init(12, 0), generation: "Blackwell (GeForce, RTX PRO)", hasArchSpecificVariant: true),
        .init(capability: .init(12, 1), generation: "Blackwell (DGX Spark)", hasArchSpecificVariant: true),
    ]

    static let intelDevices: [IntelDevice] = [
        .init(names: ["bdw"], ipVersion: .init(8, 0, 0), release: "Gen8"),
        .init(names: ["skl"], ipVersion: .init(9, 0, 9), release: "Gen9"),
        .init(names: ["kbl"], ipVersion: .init(9, 1, 9), release: "Gen9"),
        .init(names: ["cfl"], ipVersion: .init(9, 2, 9), release: "Gen9"),
        .init(names: ["apl", "bxt"], ipVersion: .init(9, 3, 0), release: "Gen9"),
        .init(names: ["glk"], ipVersion: .init(9, 4, 0), release: "Gen9"),
        .init(names: ["whl"], ipVersion: .init(9, 5, 0), release: "Gen9"),
        .init(names: ["aml"], ipVersion: .init(9, 6, 0), release: "Gen9"),
        .init(names: ["cml"], ipVersion: .init(9, 7, 0), release: "Gen9"),
        .init(names: ["icllp"], ipVersion: .init(11, 0, 0), release: "Gen11"),
        .init(names: ["lkf"], ipVersion: .init(11, 1, 0), release: "Gen11"),
        .init(names: ["ehl", "jsl"], ipVersion: .init(11, 2, 0), release: "Gen11"),
        .init(names: ["tgllp"], ipVersion: .init(12, 0, 0), release: "Xe-LP"),
        .init(names: ["rkl"], ipVersion: .init(12, 1, 0), release: "Xe-LP"),
        .init(names: ["adl-s"], ipVersion: .init(12, 2, 0), release: "Xe-LP"),
        .init(names: ["adl-p"], ipVersion: .init(12, 3, 0), release: "Xe-LP"),
        .init(names: ["adl-n"], ipVersion: .init(12, 4, 0), release: "Xe-LP"),
        .init(names: ["dg1"], ipVersion: .init(12, 10, 0), release: "Xe-LP"),
        .init(names: ["12.50.4"], ipVersion: .init(12, 50, 4), release: "Xe-HP"),
        .init(names: ["12.55.0"], ipVersion: .init(12, 55, 0), release: "Xe-HPG"),
        .init(names: ["12.55.1"], ipVersion: .init(12, 55, 1), release: "Xe-HPG"),
        .init(names: ["12.55.4"], ipVersion: .init(12, 55, 4), release: "Xe-HPG"),
        .init(names: ["acm-g10", "ats-m150", "dg2-g10"], ipVersion: .init(12, 55, 8), release: "Xe-HPG"),
        .init(names: ["12.56.0"], ipVersion: .init(12, 56, 0), release: "Xe-HPG"),
        .init(names: ["12.56.4"], ipVersion: .init(12, 56, 4), release: "Xe-HPG"),
        .init(names: ["acm-g11", "ats-m75", "dg2-g11"], ipVersion: .init(12, 56, 5), release: "Xe-HPG"),
        .init(names: ["acm-g12", "dg2-g12"], ipVersion: .init(12, 57, 0), release: "Xe-HPG"),
        .init(names: ["12.60.0"], ipVersion: .init(12, 60, 0), release: "Xe-HPC"),
        .init(names: ["pvc-sdv"], ipVersion: .init(12, 60, 1), release: "Xe-HPC"),
        .init(names: ["12.60.3"], ipVersion: .init(12, 60, 3), release: "Xe-HPC"),
        .init(names: ["12.60.5"], ipVersion: .init(12, 60, 5), release: "Xe-HPC"),
        .init(names: ["12.60.6"], ipVersion: .init(12, 60, 6), release: "Xe-HPC"),
        .init(names: ["pvc"], ipVersion: .init(12, 60, 7), release: "Xe-HPC"),
    ]

    static let intelGroups: [TargetGroup] = [
        .init(name: "gen8", members: ["bdw"]),
        .init(name: "gen9", members: ["skl", "kbl", "cfl", "apl", "glk", "whl", "aml", "cml"]),
        .init(name: "gen11", members: ["icllp", "lkf", "ehl"]),
        .init(name: "gen12lp", members: ["tgllp", "rkl", "adl-s", "adl-p", "adl-n", "dg1"]),
        .init(name: "xe-hp", members: ["12.50.4"]),
        .init(name: "xe-hpg", members: ["acm-g10", "acm-g11", "acm-g12"]),
        .init(name: "xe-hpc", members: ["pvc-sdv", "pvc"]),
        .init(name: "xe", members: ["12.50.4", "acm-g10", "acm-g11", "acm-g12", "pvc-sdv", "pvc"]),
    ]

    static let products: [Product] = [
        // Intel: the seed table first.
        .init(name: "Intel Data Center GPU Flex Series 170", aliases: ["Flex 170", "Flex Series 170"],
              targets: ["acm-g10"], family: .intel),
        .init(name: "Intel Data Center GPU Max Series", aliases: ["Max", "Max Series", "Max 1100", "Max 1550", "Ponte Vecchio"],
              targets: ["pvc"], family: .intel),
        .init(name: "Intel Arc A-Series", aliases: ["Arc A", "Arc A770", "Arc A750", "Arc A580"],
              targets: ["acm-g10"], family: .intel),
        .init(name: "Intel Data Center GPU Flex Series 140", aliases: ["Flex 140", "Flex Series 140"],
              targets: ["acm-g11"], family: .intel),
        .init(name: "Intel Arc A380", aliases: ["Arc A380"], targets: ["acm-g11"], family: .intel),
        .init(name: "Intel Arc A310", aliases: ["Arc A310"], targets: ["acm-g11"], family: .intel),
        .init(name: "Intel Arc Pro A60", aliases: ["Arc Pro A60"], targets: ["acm-g12"], family: .intel),
        .init(name: "Intel Arc Pro A40", aliases: ["Arc Pro A40", "Arc Pro A50", "Arc Pro A30M"],
              targets: ["acm-g11"], family: .intel),
        .init(name: "Intel Iris Xe Graphics (Tiger Lake)", aliases: ["Tiger Lake", "TGL"],
              targets: ["tgllp"], family: .intel),
        .init(name: "Intel UHD Graphics (Rocket Lake)", aliases: ["Rocket Lake"],
              targets: ["rkl"], family: .intel),
        .init(name: "Intel UHD Graphics (Alder Lake-S)", aliases: ["Alder Lake-S", "Alder Lake desktop"],
              targets: ["adl-s"], family: .intel),
        .init(name: "Intel Iris Xe Graphics (Alder Lake-P)", aliases: ["Alder Lake-P", "Alder Lake mobile"],
              targets: ["adl-p"], family: .intel),
        .init(name: "Intel UHD Graphics (Alder Lake-N)", aliases: ["Alder Lake-N"], targets: ["adl-n"], family: .intel),
        .init(name: "Intel Alder Lake integrated graphics", aliases: ["Alder Lake", "ADL"],
              targets: ["adl-s", "adl-p"], family: .intel),
        .init(name: "Intel Iris Xe MAX", aliases: ["Iris Xe MAX"], targets: ["dg1"], family: .intel),
        .init(name: "Intel Iris Plus Graphics (Ice Lake)", aliases: ["Ice Lake", "ICL"], targets: ["icllp"], family: .intel),

        // NVIDIA.
        .init(name: "NVIDIA Tesla V100", aliases: ["V100", "Tesla V100"], targets: ["sm_70"], family: .nvidia),
        .init(name: "NVIDIA T4", aliases: ["T4", "Tesla T4"], targets: ["sm_75"], family: .nvidia),
        .init(name: "NVIDIA GeForce RTX 20 Series", aliases: ["RTX 20", "RTX 2080 Ti", "RTX 2080", "RTX 2070", "RTX 2060"],
              targets: ["sm_75"], family: .nvidia),
        .init(name: "NVIDIA A100", aliases: ["A100", "A800"], targets: ["sm_80"], family: .nvidia),
        .init(name: "NVIDIA A30", aliases: ["A30"], targets: ["sm_80"], family: .nvidia),
        .init(name: "NVIDIA A10", aliases: ["A10", "A10G"], targets: ["sm_86"], family: .nvidia),
        .init(name: "NVIDIA A40", aliases: ["A40"], targets: ["sm_86"], family: .nvidia),
        .init(name: "NVIDIA A16", aliases: ["A16"], targets: ["sm_86"], family: .nvidia),
        .init(name: "NVIDIA A2", aliases: ["A2"], targets: ["sm_86"], family: .nvidia),
        .init(name: "NVIDIA RTX A6000", aliases: ["RTX A6000", "RTX A5000", "RTX A4000"], targets: ["sm_86"], family: .nvidia),
        .init(name: "NVIDIA GeForce RTX 30 Series", aliases: ["RTX 30", "RTX 3090", "RTX 3080", "RTX 3070", "RTX 3060"],
              targets: ["sm_86"], family: .nvidia),
        .init(name: "NVIDIA Jetson AGX Orin", aliases: ["Jetson Orin", "Orin"], targets: ["sm_87"], family: .nvidia),
        .init(name: "NVIDIA L4", aliases: ["L4"], targets: ["sm_89"], family: .nvidia),
        .init(name: "NVIDIA L40", aliases: ["L40"], targets: ["sm_89"], family: .nvidia),
        .init(name: "NVIDIA L40S", aliases: ["L40S"], targets: ["sm_89"], family: .nvidia),
        .init(name: "NVIDIA RTX 6000 Ada Generation", aliases: ["RTX 6000 Ada"], targets: ["sm_89"], family: .nvidia),
        .init(name: "NVIDIA GeForce RTX 40 Series", aliases: ["RTX 40", "RTX 4090", "RTX 4080", "RTX 4070", "RTX 4060"],
              targets: ["sm_89"], family: .nvidia),
        .init(name: "NVIDIA H100", aliases: ["H100", "H100 SXM", "H100 PCIe", "H100 NVL", "H800"], targets: ["sm_90"], family: .nvidia),
        .init(name: "NVIDIA H200", aliases: ["H200", "H200 NVL"], targets: ["sm_90"], family: .nvidia),
        .init(name: "NVIDIA GH200", aliases: ["GH200", "Grace Hopper"], targets: ["sm_90"], family: .nvidia),
        .init(name: "NVIDIA B200", aliases: ["B200", "B100", "GB200"], targets: ["sm_100"], family: .nvidia),
        .init(name: "NVIDIA B300", aliases: ["B300", "GB300"], targets: ["sm_103"], family: .nvidia),
        .init(name: "NVIDIA Jetson Thor", aliases: ["Jetson Thor", "Thor"], targets: ["sm_110"], family: .nvidia),
        .init(name: "NVIDIA GeForce RTX 50 Series", aliases: ["RTX 50", "RTX 5090", "RTX 5080", "RTX 5070", "RTX 5060"],
              targets: ["sm_120"], family: .nvidia),
        .init(name: "NVIDIA RTX PRO 6000 Blackwell", aliases: ["RTX PRO 6000"], targets: ["sm_120"], family: .nvidia),
        .init(name: "NVIDIA DGX Spark", aliases: ["DGX Spark", "GB10"], targets: ["sm_121"], family: .nvidia),
    ]

    static let architectureNames: [ArchitectureName] = [
        .init(name: "Volta", aliases: [], targets: ["sm_70"], family: .nvidia,
              note: "PyTorch: 7.0. Needs an NVRTC 12.x."),
        .init(name: "Turing", aliases: [], targets: ["sm_75"], family: .nvidia, note: "PyTorch: 7.5."),
        .init(name: "Ampere", aliases: [], targets: ["sm_80", "sm_86"], family: .nvidia,
              note: "PyTorch: 8.0;8.6. The sm_80 cubin also runs on 8.7 (Jetson Orin) and 8.8."),
        .init(name: "Ada", aliases: ["Lovelace", "Ada Lovelace"], targets: ["sm_89"], family: .nvidia,
              note: "PyTorch: 8.9."),
        .init(name: "Hopper", aliases: [], targets: ["sm_90"], family: .nvidia, note: "PyTorch: 9.0."),
        .init(name: "Blackwell", aliases: [], targets: ["sm_100", "sm_120"], family: .nvidia,
              note: "PyTorch: 10.0;12.0. sm_100 also runs on 10.3 (B300), sm_120 on 12.1 (DGX Spark); Jetson Thor (sm_110) is 'Thor'."),
        .init(name: "Xe-LP", aliases: ["Gen12"], targets: ["tgllp", "rkl", "adl-s", "adl-p", "adl-n", "dg1"],
              family: .intel, note: "= ocloc's gen12lp: a zebin runs only on its own IP version, so every Xe-LP device."),
        .init(name: "Alchemist", aliases: ["DG2", "Arc Alchemist"], targets: ["acm-g10", "acm-g11", "acm-g12"],
              family: .intel, note: "The DG2 dies (Arc A, Flex) = ocloc's xe-hpg. ocloc 22.43 names them dg2-g10, dg2-g11, dg2-g12."),
    ]

    static let unbuildableNames: [UnbuildableName] = [
        // Intel devices that ocloc 22.43 does not know (approximate first release line).
        .init(names: ["mtl", "mtl-u", "mtl-s", "mtl-h", "mtl-p", "mtl-m", "Meteor Lake"],
              what: "Meteor Lake, Xe-LPG", family: .intel, needsOcloc: "23.x"),
        .init(names: ["xe-lpg"], what: "Xe-LPG", family: .intel, needsOcloc: "23.x"),
        .init(names: ["arl-s", "arl-u", "arl-h", "arl", "Arrow Lake"],
              what: "Arrow Lake, Xe-LPG", family: .intel, needsOcloc: "24.x"),
        .init(names: ["lnl", "lnl-m", "Lunar Lake"], what: "Lunar Lake, Xe2-LPG", family: .intel, needsOcloc: "24.x"),
        .init(names: ["bmg", "bmg-g21", "Battlemage", "Arc B", "Arc B580", "Arc B570"],
              what: "Battlemage, Xe2-HPG", family: .intel, needsOcloc: "24.x"),
        .init(names: ["bmg-g31"], what: "Battlemage G31, Xe2-HPG", family: .intel, needsOcloc: "25.x"),
        .init(names: ["xe2", "xe2-lpg", "xe2-hpg"], what: "Xe2", family: .intel, needsOcloc: "24.x"),
        .init(names: ["ptl", "ptl-h", "ptl-u", "Panther Lake"], what: "Panther Lake, Xe3-LPG", family: .intel, needsOcloc: "25.x"),
        .init(names: ["wcl", "Wildcat Lake"], what: "Wildcat Lake, Xe3-LPG", family: .intel, needsOcloc: "25.x"),
        .init(names: ["xe3", "xe3-lpg"], what: "Xe3", family: .intel, needsOcloc: "25.x"),
        // NVIDIA architectures older than any Kiln builds.
        .init(names: ["Kepler"], what: "sm_30 to sm_37", family: .nvidia, needsOcloc: nil),
        .init(names: ["Maxwell"], what: "sm_50 to sm_53", family: .nvidia, needsOcloc: nil),
        .init(names: ["Pascal", "P100", "P40", "P4"], what: "sm_60 to sm_62", family: .nvidia, needsOcloc: nil),
    ]
}
