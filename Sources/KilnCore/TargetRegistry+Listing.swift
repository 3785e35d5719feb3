/// The registry as tables, for `kiln targets` and docs/TARGETS.md.
extension TargetRegistry {
    /// One table of the listing.
    public struct Section: Sendable, Equatable {
        public var title: String
        public var note: String
        public var header: [String]
        public var rows: [[String]]
    }

    /// The registry as tables: NVIDIA, Intel, groups, CPU, products and portable forms.
    public func listing() -> [Section] {
        func productNames(_ target: String) -> String {
            products.filter { $0.targets.contains(target) }.map(\.name).joined(separator: ", ")
        }
        let nvidia = Section(
            title: "NVIDIA",
            note: "A cubin per `sm_XY` (`sm_XYa` for arch-specific features); the portable form is PTX, `compute_XY`, at the lowest `sm_XY` listed unless one is named.",
            header: ["target", "generation", "also", "products", "note"],
            rows: nvidiaArchitectures.map { arch in
                let n = arch.capability.number
                return ["sm_\(n)", arch.generation,
                        (arch.hasArchSpecificVariant ? ["sm_\(n)a"] : []).joined(), productNames("sm_\(n)"), arch.note ?? ""]
            })
        let intel = Section(
            title: "Intel",
            note: "A zebin per IP version, compiled by `ocloc`; names on one row are one target, built once. The portable form is SPIR-V.",
            header: ["target", "also", "IP version", "release", "products"],
            rows: intelDevices.map { device in
                [device.canonicalName, device.names.dropFirst().joined(separator: ", "), device.ipVersion.description,
                 device.release, productNames(device.canonicalName)]
            })
        let groups = Section(
            title: "Intel groups",
            note: "`ocloc` names for several devices at once.",
            header: ["name", "targets"],
            rows: intelGroups.map { [$0.name, $0.members.joined(separator: ", ")] })
        let cpu = Section(
            title: "CPU",
            note: "PoCL.",
            header: ["target", "what"],
            rows: [["cpu", "a PoCL binary for the building machine's CPU"]])
        let architectures = Section(
            title: "Architecture names",
            note: "Architecture names as PyTorch's `TORCH_CUDA_ARCH_LIST` (NVIDIA) and Intel's releases use them. `Xe-HPG`, `Xe-HPC`, `Gen9` and `Gen11` are the `ocloc` groups above.",
            header: ["name", "also written", "targets", "why"],
            rows: architectureNames.map { [$0.name, $0.aliases.joined(separator: ", "), $0.targets.joined(separator: ", "), $0.note] })
        let whole = Section(
            title: "Whole lists",
            note: "Names that stand for a whole list; `native` and `all` mix with other names, `none` only with the portable-form switches.",
            header: ["name", "stands for"],
            rows: [
                ["native", "the devices of the building machine"],
                ["all", (try? meaning(of: "all")).flatMap { meaning -> String? in
                    guard case .targets(let targets, _) = meaning else { return nil }
                    return "every target this Kiln builds: each sm_XY that NVRTC 13 compiles, each named Intel device, cpu — "
                        + targets.map(\.name).joined(separator: ", ")
                } ?? ""],
                ["none", "no device binary, only the portable forms (a compute_XY at the lowest sm_XY NVRTC 13 builds, spirv, source): every device compiles at run time"],
            ])
        let unbuildable = Section(
            title: "Names this Kiln cannot build",
            note: "Intel devices that only an `ocloc` newer than the registry's 22.43 knows (the release line is approximate), and NVIDIA architectures older than any Kiln builds. A list that names one is an error that says so; newer Intel devices JIT from `spirv`.",
            header: ["names", "what", "needs"],
            rows: unbuildableNames.map { entry in
                [entry.names.joined(separator: ", "), entry.what,
                 entry.needsOcloc.map { "ocloc \($0) or newer" } ?? "an NVRTC older than any Kiln uses"]
            })
        let named = Section(
            title: "Products",
            note: "Product names and the other spellings a device list takes for them.",
            header: ["product", "also written", "targets"],
            rows: products.map { [$0.name, $0.aliases.joined(separator: ", "), $0.targets.joined(separator: ", ")] })
        let portable = Section(
            title: "Portable forms",
            note: "Added by default; `no-ptx`, `no-spirv`, `no-source` in a device list leave one out.",
            header: ["form", "added when", "serves"],
            rows: [["ptx (compute_XY)", "the list has an sm_XY", "NVIDIA GPUs at or above its compute capability"],
                   ["spirv", "the list has an Intel device", "Intel GPUs whose driver takes SPIR-V"],
                   ["source", "always", "every family (CUDA source: NVIDIA only)"]])
        return [nvidia, intel, groups, cpu, architectures, named, whole, portable, unbuildable]
    }

    /// docs/TARGETS.md: the listing as Markdown.
    public func markdown() -> String {
        var out = """
        # Targets and device names

        Generated by `kiln targets --markdown` from `Sources/KilnCore/TargetRegistry+Data.swift`; a test keeps
        this file and the registry in step. A device list (`KILN_AOT_DEVLIST`, `--devices`) takes any name below:
        a target, a name in its "also" column, a product, a group, an architecture, `native`, `all`, `none` or
        a portable-form switch. Case, spaces, `-`, `_` and a leading vendor name do not matter (`nvidia h100` =
        `H100`, `ATS-M150` = `ats-m150`); `kiln targets LIST` shows how a list normalises.

        Names are separated by commas, semicolons or white space, in any mix; empty entries are ignored.
        PyTorch's `TORCH_CUDA_ARCH_LIST` forms work as they are: a compute capability (`8.6` = `sm_86`,
        `9.0a` = `sm_90a`), `+PTX` for the PTX at that capability too (`8.6+PTX` = `sm_86,compute_86`),
        and lists such as `8.0;8.6+PTX` or `7.5 8.0 8.6`. Words that together make a known name stay one
        name (`Arc A380 sm_90` = `Arc A380,sm_90`). An error spells out the first five bad names and
        counts the rest.

        """
        for section in listing() {
            out += "\n## \(section.title)\n\n\(section.note)\n\n"
            out += "| " + section.header.joined(separator: " | ") + " |\n"
            out += "|" + String(repeating: " --- |", count: section.header.count) + "\n"
            for row in section.rows {
                out += "| " + row.map { $0.isEmpty ? " " : $0 }.joined(separator: " | ") + " |\n"
            }
        }
        return out
    }
}
