import { describe, expect, it } from "vitest";
import {
  accNormPrediction,
  accPrediction,
  applyFilter,
  cutAtStop,
  exactMatch,
  mc2Score,
  meanWithStderr,
  regexExtract,
} from "../../src/eval/metrics.js";
import type { AnswerFilter, ExactMatchOptions } from "../../src/eval/spec.js";

describe("acc and acc_norm", () => {
  it("disagree when a long right answer has the lower total but the higher per-character log-likelihood", () => {
    const choices = ["no", "a much longer correct answer"]; // 2 and 28 characters
    const logliks = [-4, -14]; // per character: -2 and -0.5
    expect(accPrediction(logliks)).toBe(0);
    expect(accNormPrediction(logliks, choices)).toBe(1);
  });

  it("break ties towards the first choice, like numpy.argmax", () => {
    expect(accPrediction([-1, -1, -2])).toBe(0);
  });
});

describe("MC2", () => {
  it("is the normalised probability on the true answers", () => {
    // p = [0.5, 0.25, 0.125, 0.125] before normalising (sums to 1): true mass 0.5 + 0.125
    const logliks = [Math.log(0.5), Math.log(0.25), Math.log(0.125), Math.log(0.125)];
    expect(mc2Score(logliks, [true, false, true, false])).toBeCloseTo(0.625, 12);
  });

  it("normalises over the choices and survives very negative log-likelihoods", () => {
    // p proportional to [e^-1000, e^-1001]: true share 1 / (1 + e^-1)
    expect(mc2Score([-1000, -1001], [true, false])).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });
});

describe("GSM8K answer extraction and exact match", () => {
  const strict: AnswerFilter = {
    name: "strict-match",
    steps: [{ function: "regex", pattern: "#### (\\-?[0-9\\.\\,]+)", group_select: 0, fallback: "[invalid]" }],
  };
  const flexible: AnswerFilter = {
    name: "flexible-extract",
    steps: [{ function: "regex", pattern: "(-?[$0-9.,]{2,})|(-?[0-9]+)", group_select: -1, fallback: "[invalid]" }],
  };
  const gsm8k: ExactMatchOptions = { ignore_case: true, ignore_punctuation: false, regexes_to_ignore: [",", "\\$", "(?s).*#### ", "\\.$"] };
  const reference = "She sells 9 eggs.\nShe makes 9 * 2 = $<<9*2=18>>18.\n#### 1,018";

  it("strict-match takes the number after ####, commas and all", () => {
    expect(applyFilter("so the total is 5.\n#### 1,018", strict)).toBe("1,018");
    expect(exactMatch("1,018", reference, gsm8k)).toBe(true);
  });

  it("flexible-extract takes the last number, with $ and a trailing period", () => {
    expect(applyFilter("It costs $12 at first, then $1,018.", flexible)).toBe("$1,018.");
    expect(exactMatch("$1,018.", reference, gsm8k)).toBe(true);
    expect(applyFilter("The answer is 7", flexible)).toBe("7");
  });

  it("no match gives [invalid], which matches nothing", () => {
    expect(applyFilter("I do not know the answer", strict)).toBe("[invalid]");
    expect(applyFilter("no digits here", flexible)).toBe("[invalid]");
    expect(exactMatch("[invalid]", reference, gsm8k)).toBe(false);
  });

  it("negative numbers and decimals survive; a wrong number does not match", () => {
    expect(applyFilter("#### -3.5", strict)).toBe("-3.5");
    expect(exactMatch("-3.5", "#### -3.5", gsm8k)).toBe(true);
    expect(exactMatch("1,019", reference, gsm8k)).toBe(false);
  });

  it("regex groups follow Python's findall: one group, several groups, none", () => {
    expect(regexExtract("a1 b2", "[a-z](\\d)", -1, "[invalid]")).toBe("2");
    expect(regexExtract("a1 b2", "[a-z]\\d", 0, "[invalid]")).toBe("a1");
    expect(regexExtract("x 42", "(-?[$0-9.,]{2,})|(-?[0-9]+)", 0, "[invalid]")).toBe("42");
  });

  it("ignore_case and ignore_punctuation", () => {
    expect(exactMatch("TRUE", "True", { ignore_case: true, ignore_punctuation: false, regexes_to_ignore: [] })).toBe(true);
    expect(exactMatch("(B)", "B", { ignore_case: false, ignore_punctuation: true, regexes_to_ignore: [] })).toBe(true);
    expect(exactMatch("(B)", "B", { ignore_case: false, ignore_punctuation: false, regexes_to_ignore: [] })).toBe(false);
  });

  it("a generation is cut at the earliest stop sequence", () => {
    expect(cutAtStop(" 18\n\nQuestion: next", ["Question:", "\n\n"])).toBe(" 18");
    expect(cutAtStop("no stop", ["Q:"])).toBe("no stop");
  });
});

describe("aggregation", () => {
  it("mean with standard error = sample std / sqrt(n)", () => {
    // values 1,0,1,1: mean 0.75, sample variance 0.25, stderr sqrt(0.25 / 4) = 0.25
    const agg = meanWithStderr([1, 0, 1, 1]);
    expect(agg.value).toBe(0.75);
    expect(agg.stderr).toBeCloseTo(0.25, 12);
    expect(agg.n).toBe(4);
    expect(meanWithStderr([1]).stderr).toBeNull();
  });
});
