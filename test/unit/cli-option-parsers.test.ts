import { describe, expect, it } from "vitest";
import { parseDevice, parseDtype, parseLimitOrAll, parsePositiveInt } from "../../src/cli/option-parsers.js";

describe("CLI option parsers", () => {
  it("--limit takes a positive integer or all, and says both when given neither", () => {
    expect(parseLimitOrAll("200")).toBe(200);
    expect(parseLimitOrAll("all")).toBeNull();
    for (const bad of ["0", "-3", "1.5", "ALL", "", "lots"]) {
      expect(() => parseLimitOrAll(bad)).toThrow(/neither a positive integer nor all/);
    }
    const error = (() => {
      try {
        parseLimitOrAll("x");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ field: "--limit" });
  });

  it("positive integers, devices and dtypes name the option in their errors", () => {
    expect(parsePositiveInt("8", "--batch-size")).toBe(8);
    expect(() => parsePositiveInt("0", "--batch-size")).toThrow(/not a positive integer/);
    expect(parseDevice("cuda:1")).toBe("cuda:1");
    expect(parseDevice(undefined)).toBeUndefined();
    expect(() => parseDevice("gpu")).toThrow(/cpu, cuda or cuda:N/);
    expect(parseDtype("bf16")).toBe("bf16");
    expect(() => parseDtype("f64")).toThrow(/f32, bf16 or f16/);
  });
});
