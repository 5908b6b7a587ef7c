#!/usr/bin/env node
// Builds native/ (the libtorch binding) into build/Release/bprof_native.node.
// libtorch is looked for in this order, and the build says which one it used:
//   1. $LIBTORCH: a libtorch directory with include/ and lib/ (ABI from $LIBTORCH_CXX11_ABI, default 1)
//   2. the libtorch inside an installed PyTorch ($PYTHON or python3) when it is a CUDA build and
//      sees a GPU (torch.cuda.is_available()): on a GPU machine that is the one wanted, even
//      where Debian's CPU-only libtorch-dev is installed too
//   3. Debian's system install (apt install libtorch-dev)
//   4. the libtorch inside an installed PyTorch, whatever its build
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function fromLibtorchDir(dir) {
  const include = join(dir, "include");
  const lib = join(dir, "lib");
  if (!existsSync(join(include, "ATen", "ATen.h")) || !existsSync(lib)) {
    throw new Error(`LIBTORCH=${dir} is not a libtorch directory (needs include/ATen/ATen.h and lib/)`);
  }
  return {
    source: `LIBTORCH=${dir}`,
    includes: [include, join(include, "torch", "csrc", "api", "include")],
    libDir: lib,
    cxx11Abi: process.env.LIBTORCH_CXX11_ABI ?? "1",
  };
}

function fromDebian() {
  const apiInclude = "/usr/include/torch/csrc/api/include";
  if (!existsSync(join(apiInclude, "torch", "version.h")) || !existsSync("/usr/include/ATen/ATen.h")) return null;
  for (const dir of ["/usr/lib", ...readdirSync("/usr/lib").map((d) => join("/usr/lib", d))]) {
    if (existsSync(join(dir, "libtorch_cpu.so"))) {
      return { source: "Debian system libtorch (libtorch-dev)", includes: ["/usr/include", apiInclude], libDir: dir, cxx11Abi: "1" };
    }
  }
  return null;
}

function fromPyTorch() {
  const python = process.env.PYTHON ?? "python3";
  const probe = spawnSync(
    python,
    [
      "-c",
      "import torch, os; print(os.path.dirname(torch.__file__)); print(int(torch._C._GLIBCXX_USE_CXX11_ABI)); print(int(torch.cuda.is_available()))",
    ],
    { encoding: "utf8" },
  );
  if (probe.status !== 0) return null;
  const [torchDir, abi, gpu] = probe.stdout.trim().split("\n");
  if (!torchDir) return null;
  const include = join(torchDir, "include");
  return {
    source: `PyTorch at ${torchDir}`,
    includes: [include, join(include, "torch", "csrc", "api", "include")],
    libDir: join(torchDir, "lib"),
    cxx11Abi: abi ?? "1",
    cudaUsable: gpu === "1",
  };
}

function findLibtorch() {
  if (process.env.LIBTORCH) return fromLibtorchDir(resolve(process.env.LIBTORCH));
  const pytorch = fromPyTorch();
  if (pytorch?.cudaUsable) return pytorch;
  const found = fromDebian() ?? pytorch;
  if (!found) {
    throw new Error("libtorch not found: set LIBTORCH=<dir with include/ and lib/>, or `apt install libtorch-dev`, or install PyTorch");
  }
  return found;
}

function libtorchVersion(includes) {
  for (const dir of includes) {
    const file = join(dir, "torch", "version.h");
    if (existsSync(file)) {
      const match = /#define TORCH_VERSION\s*\\?\s*"([^"]+)"/.exec(readFileSync(file, "utf8"));
      if (match) return match[1];
    }
  }
  return "unknown";
}

const torch = findLibtorch();
const libs = ["c10", "torch_cpu", "torch"].filter((name) => existsSync(join(torch.libDir, `lib${name}.so`)));
const cudaLibs = ["c10_cuda", "torch_cuda"].filter((name) => existsSync(join(torch.libDir, `lib${name}.so`)));
libs.push(...cudaLibs);

console.error(`bprof build:native: libtorch ${libtorchVersion(torch.includes)} from ${torch.source}`);
console.error(`  include: ${torch.includes.join(" ")}`);
console.error(
  `  lib:     ${torch.libDir} (${libs.join(", ")}); CUDA: ${cudaLibs.length > 0 ? "yes" : "no"}; _GLIBCXX_USE_CXX11_ABI=${torch.cxx11Abi}`,
);

// Node's own headers (e.g. /usr/include/node) make the build work offline; node-gyp would
// otherwise download them.
const installedNodeDir = resolve(dirname(process.execPath), "..");
const nodedir =
  process.env.npm_config_nodedir ?? (existsSync(join(installedNodeDir, "include", "node", "node_api.h")) ? installedNodeDir : undefined);

const env = {
  ...process.env,
  ...(nodedir ? { npm_config_nodedir: nodedir } : {}),
  BPROF_TORCH_INCLUDES: torch.includes.join(" "),
  BPROF_TORCH_LIBDIR: torch.libDir,
  BPROF_TORCH_LIBS: libs.map((name) => `-l${name}`).join(" "),
  BPROF_TORCH_CXX11_ABI: torch.cxx11Abi,
};
const nodeGyp = join(dirname(createRequire(import.meta.url).resolve("node-gyp/package.json")), "bin", "node-gyp.js");
for (const args of [["configure"], ["build", `-j`, String(availableParallelism())]]) {
  execFileSync(process.execPath, [nodeGyp, ...args], { cwd: root, env, stdio: "inherit" });
}
console.error(`bprof build:native: wrote ${join(root, "build", "Release", "bprof_native.node")}`);
