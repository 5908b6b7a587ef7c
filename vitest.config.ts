import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Native tensors and model weights are heavy; two cores do not like many forks.
    pool: "forks",
    maxWorkers: 2,
  },
});
