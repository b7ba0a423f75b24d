// romfit build's options and help, apart from what it runs
// (build_command.cpp) and how its options become a request (build_options.cpp).
#include "driver/build_options.h"
#include "driver/proof_options.h"

namespace romfit::driver {

CommandSpec buildCommandSpec() {
  return CommandSpec{
        .name = "build",
        .summary = "build iPXE ROMs that fit: make, prune each EFI driver's link, pack, check",
        .usage = "--ipxe SRC (--rom ID [--rom ID]... | --rom-set qemu) [--image KIND]... [--config NAME]\n"
      "       [--rules FILE] [--install-dir DIR] [--cross ARCH=PREFIX]...\n"
      "       [--layout similarity|link-order]\n"
      "       [--budget SIZE] [-j N] [--verify|--no-verify] [--depth full|dhcp]\n"
      "       [--boot-programs DIR] [--expect LINE]... -o OUTDIR",
        .description = "Runs iPXE's own make for the objects, archives, version objects and elf2efi,\n"
      "learns each EFI link from `make -n V=1` (one per architecture, which also says\n"
      "whether its bin directory is up to date: then no other make runs there), and\n"
      "writes OUTDIR/build.ninja: prune\n"
      "(romfit prune with the rule set), stub compile, pruned and unpruned links,\n"
      "elf2efi, and the pruned and unpruned ROMs (OUTDIR/ID/packed.rom, OUTDIR/ID.unpruned.rom;\n"
      "the unpruned one, the comparison, at the fast level: EDK2 EfiRom's strategy).\n"
      "The pruned driver is linked twice: in link order, then with a copy of the\n"
      "linker script (romfit layout) that orders its .text.* and .rodata.* sections\n"
      "by similarity, which the EFI compression's 8 KiB window rewards (--layout\n"
      "link-order links it once, as the unpruned one is).\n"
      "ninja then runs what changed. The makes are asked again (make -q) until none\n"
      "has work left (a bin directory's first build leaves the others stale once), so\n"
      "a second build with nothing changed runs nothing, make or ninja.\n"
      "Images (--image): legacy, efi:x86_64, efi:i386, efi:arm64, efi:riscv64,\n"
      "efi:loong64;\n"
      "QEMU's legacy + efi:i386 + efi:x86_64 by default, packed in that order.\n"
      "arm64, riscv64 and loong64 are cross-compiled: --cross arm64=aarch64-linux-gnu-\n"
      "--cross riscv64=riscv64-linux-gnu- --cross loong64=loongarch64-linux-gnu- give\n"
      "each its CROSS (a compiler the host lacks is the Debian 13 root's, made by\n"
      "scripts/setup-debian13), and one build makes\n"
      "them all (make runs once per bin directory, each with its own CROSS; the\n"
      "host's architectures get none). --cross PREFIX alone is the one prefix the\n"
      "images need. An image with no prefix for it is an error before make runs.\n"
      "riscv64 and loong64 images are proven on Debian 13's RISC-V and LoongArch\n"
      "EDK2, which have no network stack of their own: their drivers keep iPXE's\n"
      "own boot path under any --config (an overlay in config/local/CONFIG/) and\n"
      "--rules auto prunes them under efi-netboot.rules (else, where its preconditions\n"
      "fail, efi-full-ux.rules: never a set that cuts LoadFile); loong64's boot program is\n"
      "the tree's own bin-loong64-efi/snponly.efi, made beside the driver.\n"
      "Every pruned ROM (OUTDIR/ID/packed.rom) is then proven as `romfit verify --boot`\n"
      "proves it, image by image, wherever QEMU, the firmware and the boot programs are\n"
      "installed (what is missing leaves its images 'not verified', named). Its name\n"
      "says where the proof stands: OUTDIR/ID.unverified.rom until it passes (and\n"
      "after --no-verify or an interrupt), then OUTDIR/ID.rom; OUTDIR/ID.failed.rom\n"
      "when it failed. Passed proofs are recorded in OUTDIR/proofs.json, keyed by the\n"
      "ROM's bytes and the QEMU, firmware and boot program files: an unchanged ROM is\n"
      "not booted again (--reverify boots it).\n"
      "With several ROMs (or --rom-set) a table ends the run: each ROM's shipped name,\n"
      "bytes, share of the budget and proof verdict. --install-dir DIR then copies\n"
      "every proven ROM (under --no-verify: every ROM) to DIR under that name.\n"
      "exit status: 0 every ROM fits and none failed its boot proof, 1 a ROM is over\n"
      "budget or failed its proof, 2 usage, input, make or link errors (and, with\n"
      "--verify, a firmware or boot program that is missing); interrupted (SIGINT,\n"
      "SIGTERM): it ends by that signal, and no ROM is marked proven or failed.",
        .options = withProofOptions({
          {{"--ipxe"}, "SRC", "the iPXE source tree (its top or its src/)"},
          {{"--rom"}, "ID", "a ROM to build, 8 hex digits (e.g. 8086100e); repeatable", true},
          {{"--rom-set"}, "SET",
           "qemu: QEMU's 8 NIC ROMs, legacy + efi:x86_64 unless --image says otherwise, "
           "named as QEMU names them (efi-e1000.rom, ...)"},
          {{"--install-dir"}, "DIR",
           "copy each proven ROM here, under its shipped name"},
          {{"--image"}, "KIND", "an image to put in each ROM; repeatable", true},
          {{"--config"}, "NAME", "iPXE's CONFIG (e.g. qemu)"},
          {{"--rules"}, "FILE",
           "the rule set, or auto (default): the strongest built-in set whose preconditions "
           "hold on each link"},
          {{"--cross"}, "ARCH=PREFIX",
           "iPXE's CROSS for one architecture (arm64, riscv64), e.g. "
           "arm64=aarch64-linux-gnu-; repeatable. PREFIX alone: for the one the images need",
           true},
          {{"--budget"}, "SIZE", "size budget (default 256KiB)"},
          {{"--level"}, "LEVEL", "EFI compression: optimal (smallest, default) or fast"},
          {{"--layout"}, "LAYOUT",
           "the pruned EFI driver's .text.*/.rodata.* order: similarity (default: similar "
           "code within the compressor's 8 KiB window) or link-order"},
          {{"-j"}, "N", "parallel jobs for make and ninja"},
          {{"--verify"}, "", "require the boot proof: a missing firmware is an error"},
          {{"--no-verify"}, "", "skip the boot proof: each ROM is then ID.unverified.rom"},
          {{"--reverify"}, "",
           "boot every ROM, even one whose proof OUTDIR/proofs.json already records"},
          {{"--nic"}, "MODEL", "the QEMU NIC for the proof (default: QEMU's for the ROM ID)"},
          {{"-o", "--output"}, "OUTDIR", "where build.ninja and the outputs go"},
      }),
        .maxPositionals = 0,
    };
}

} // namespace romfit::driver
