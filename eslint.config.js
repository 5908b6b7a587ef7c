import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import { importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

/**
 * The layers of src/, top to bottom (ARCHITECTURE.md), and what each may import besides
 * node:, npm packages, src/errors.ts and src/version.ts. A folder may import only folders listed
 * here; no file may import src/index.ts (the library's face) or the CLI.
 */
export const LAYERS = {
  cli: ["organism", "profile", "plan", "report", "stats", "masks", "importance", "eval", "probes", "model", "engine", "util"],
  organism: ["profile", "plan", "report", "stats", "masks", "importance", "eval", "probes", "model", "engine", "util"],
  profile: ["plan", "report", "stats", "masks", "importance", "eval", "probes", "model", "engine", "util"],
  plan: ["importance", "model", "engine", "util"],
  report: ["stats", "util"],
  stats: ["util"],
  masks: ["importance", "model", "engine", "util"],
  importance: ["probes", "model", "engine", "util"],
  eval: ["model", "engine", "util"],
  probes: ["util"],
  model: ["engine", "util"],
  engine: ["util"],
  util: [],
};
const FOLDERS = Object.keys(LAYERS);

const layerZones = Object.entries(LAYERS).flatMap(([layer, allowed]) => {
  const forbidden = FOLDERS.filter((f) => f !== layer && !allowed.includes(f));
  return [
    ...(forbidden.length === 0
      ? []
      : [
          {
            target: `./src/${layer}`,
            from: forbidden.map((f) => `./src/${f}`),
            message: `src/${layer} may import only ${allowed.map((a) => `src/${a}`).join(", ") || "node: and npm packages"} (the layers of ARCHITECTURE.md)`,
          },
        ]),
    { target: `./src/${layer}`, from: "./src/index.ts", message: "src/index.ts is the library's face; import the module itself" },
  ];
});

export default tseslint.config(
  { ignores: ["dist/**", "build/**", "node_modules/**", "runs/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["src/**/*.ts", "test/**/*.ts", "scripts/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": importX.flatConfigs.typescript.settings["import-x/extensions"],
      "import-x/parsers": importX.flatConfigs.typescript.settings["import-x/parsers"],
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
    },
    rules: {
      // No import cycle anywhere, type-only imports included: a cycle is a cycle to a reader.
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": ["error", { zones: layerZones }],
    },
  },
);
