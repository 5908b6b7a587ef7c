import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { AutoTokenizer, env, type PreTrainedTokenizer } from "@huggingface/transformers";
import { BprofError } from "../../errors.js";
import { DEFAULT_TEMPLATE_DATE, strftimeFixed } from "./template-date.js";
import type { ChatMessage, Tokenizer } from "./tokenizer.js";

/**
 * A Hugging Face tokenizer (tokenizer.json + tokenizer_config.json) read from a local
 * directory through transformers.js, which also renders the model's Jinja chat template.
 * Nothing is ever fetched from the network or written to a cache.
 */
export class HfTokenizer implements Tokenizer {
  readonly source: { kind: "huggingface"; path: string };
  readonly bosId: number | null;
  readonly eosId: number | null;
  readonly vocabSize: number;
  readonly hasChatTemplate: boolean;
  /** Whether the tokenizer's own special-token rule puts BOS first (Llama does, Qwen2 has no BOS). */
  private readonly addsBos: boolean;

  private constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    dir: string,
  ) {
    this.source = { kind: "huggingface", path: dir };
    this.bosId = tokenizer.bos_token_id ?? null;
    this.eosId = tokenizer.eos_token_id ?? null;
    this.vocabSize = tokenizer.get_vocab().size;
    this.hasChatTemplate =
      typeof tokenizer.chat_template === "string" || (tokenizer.chat_template != null && typeof tokenizer.chat_template === "object");
    this.addsBos = this.bosId !== null && tokenizer.encode("a", { add_special_tokens: true })[0] === this.bosId;
  }

  static async fromDirectory(dir: string): Promise<HfTokenizer> {
    const absolute = resolve(dir);
    for (const file of ["tokenizer.json", "tokenizer_config.json"]) {
      if (!existsSync(join(absolute, file))) {
        throw new BprofError(`missing tokenizer: no ${file} in the model directory (pass --tokenizer <file>)`, {
          file: join(absolute, file),
        });
      }
    }
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.useFSCache = false;
    env.useBrowserCache = false;
    let tokenizer: PreTrainedTokenizer;
    try {
      tokenizer = await AutoTokenizer.from_pretrained(absolute, { local_files_only: true });
    } catch (err) {
      throw new BprofError(`cannot load tokenizer: ${(err as Error).message}`, { file: join(absolute, "tokenizer.json") });
    }
    return new HfTokenizer(tokenizer, absolute);
  }

  encode(text: string, opts: { addBos?: boolean } = {}): number[] {
    const ids = this.tokenizer.encode(text, { add_special_tokens: false });
    return (opts.addBos ?? true) && this.addsBos ? [this.bosId!, ...ids] : ids;
  }

  decode(ids: readonly number[]): string {
    if (ids.length === 0) return "";
    return this.tokenizer.decode([...ids], { skip_special_tokens: true });
  }

  applyChatTemplate(messages: ChatMessage[], opts: { addGenerationPrompt: boolean; date?: string }): string | null {
    if (!this.hasChatTemplate) return null;
    try {
      const template = this.tokenizer.get_chat_template({});
      if (!template.includes("strftime_now")) {
        return this.tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: opts.addGenerationPrompt }) as string;
      }
      // The renderer's own strftime_now reads the clock and cannot be overridden (its globals are
      // fixed), so the template calls a fixed-date one under another name instead.
      const date = opts.date ?? DEFAULT_TEMPLATE_DATE;
      return this.tokenizer.apply_chat_template(messages, {
        tokenize: false,
        add_generation_prompt: opts.addGenerationPrompt,
        chat_template: template.replace(/\bstrftime_now\b/g, FIXED_STRFTIME),
        [FIXED_STRFTIME]: (format: string) => strftimeFixed(date, format),
      } as Parameters<PreTrainedTokenizer["apply_chat_template"]>[1]) as string;
    } catch (err) {
      // The template is the model's own Jinja code: its errors (raise_exception, syntax) are reported as the file's.
      throw new BprofError(`the chat template failed to render a conversation: ${(err as Error).message}`, {
        file: join(this.source.path, "tokenizer_config.json"),
        field: "chat_template",
      });
    }
  }
}

const FIXED_STRFTIME = "bprof_fixed_date_strftime";
