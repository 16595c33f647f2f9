// The external programs fixnet builds and runs firmware with, the Debian package that provides
// each, and the one check that turns a missing program into a FixnetError saying what to
// install. It runs nothing itself.

import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { FixnetError } from "../errors.ts";

/** A program or file fixnet needs, and where Debian gets it. */
export interface ToolRequirement {
  /** A command looked up on PATH, or an absolute path to a file (a header, a specs file). */
  tool: string;
  debianPackage: string;
  /** What it is for, for the error message. */
  purpose: string;
}

export const TOOLS = {
  hostCompiler: { tool: "gcc", debianPackage: "gcc", purpose: "compiling the C runtime for the host" },
  hostBinutils: { tool: "nm", debianPackage: "binutils", purpose: "measuring the host build" },
  armCompiler: { tool: "arm-none-eabi-gcc", debianPackage: "gcc-arm-none-eabi", purpose: "compiling for Cortex-M" },
  armBinutils: { tool: "arm-none-eabi-nm", debianPackage: "binutils-arm-none-eabi", purpose: "measuring Cortex-M firmware" },
  armLibc: { tool: "/usr/lib/arm-none-eabi/lib/rdimon.specs", debianPackage: "libnewlib-arm-none-eabi", purpose: "the C library and semihosting for Cortex-M" },
  qemu: { tool: "qemu-system-arm", debianPackage: "qemu-system-arm", purpose: "running Cortex-M firmware" },
  avrCompiler: { tool: "avr-gcc", debianPackage: "gcc-avr", purpose: "compiling for AVR" },
  avrBinutils: { tool: "avr-nm", debianPackage: "binutils-avr", purpose: "measuring AVR firmware" },
  avrLibc: { tool: "/usr/lib/avr/include/avr/io.h", debianPackage: "avr-libc", purpose: "the C library for AVR" },
  simavrLibrary: { tool: "/usr/include/simavr/sim_avr.h", debianPackage: "libsimavr-dev", purpose: "running AVR firmware (fixnet's simavr harness)" },
} as const satisfies Record<string, ToolRequirement>;

/** The full path of a command on PATH, or of an absolute file path that exists; else null. */
export function findTool(tool: string): string | null {
  if (tool.startsWith("/")) return existsSync(tool) ? tool : null;
  for (const folder of (process.env.PATH ?? "").split(delimiter)) {
    if (folder === "") continue;
    const candidate = join(folder, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return null;
}

/** The install command that provides the given requirements. */
export function installHint(requirements: readonly ToolRequirement[]): string {
  const packages = [...new Set(requirements.map((requirement) => requirement.debianPackage))];
  return `apt-get install --no-install-recommends ${packages.join(" ")}`;
}

/**
 * Checks that every requirement is installed.
 * @throws FixnetError "missing-tool" naming the first missing one, what it is for and the Debian
 * package to install.
 */
export function requireTools(requirements: readonly ToolRequirement[]): void {
  for (const requirement of requirements) {
    if (findTool(requirement.tool) === null) {
      throw new FixnetError(
        "missing-tool",
        `${requirement.tool} not found (needed for ${requirement.purpose}): install the Debian package ${requirement.debianPackage} (${installHint([requirement])})`,
      );
    }
  }
}
