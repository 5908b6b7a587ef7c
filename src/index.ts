// The importable library: everything the CLI does is reachable from here.
export { BprofError } from "./errors.js";
export { VERSION } from "./version.js";
export * from "./engine/index.js";
