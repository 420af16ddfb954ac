// Machine facts recorded in every report.
import { arch, cpus, platform, totalmem } from "node:os";
import { hasWasmSimd } from "@s4wasm/kernels";

export interface MachineFacts {
  cpu: string;
  cores: number;
  memory_gib: number;
  os: string;
  runtime: string;
  version: string;
  wasm_simd: boolean;
}

export function machineFacts(): MachineFacts {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${arch()}`,
    runtime: "node",
    version: process.version,
    wasm_simd: hasWasmSimd(),
  };
}
