import { keep, noGrad, scope, Tensor } from "../engine/index.js";

/**
 * AdamW (Loshchilov & Hutter), the update torch.optim.AdamW makes (β2 = 0.95 here, the usual
 * choice for small language models, where torch defaults to 0.999):
 *   m ← β1 m + (1 − β1) g,  v ← β2 v + (1 − β2) g²
 *   θ ← θ (1 − lr·λ) − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
 * Weight decay λ applies only to the parameters named in `decayed` (matrices, not norms).
 * Updates run in place outside autograd on the model's own tensors.
 */
export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWOptions = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

export interface AdamWState {
  step: number;
  /** First and second moments by parameter name. */
  m: Map<string, Tensor>;
  v: Map<string, Tensor>;
}

export class AdamW {
  readonly state: AdamWState;

  constructor(
    private readonly params: Map<string, Tensor>,
    private readonly decayed: ReadonlySet<string>,
    private readonly options: AdamWOptions = DEFAULT_ADAMW,
    state?: AdamWState,
  ) {
    this.state = state ?? { step: 0, m: new Map(), v: new Map() };
    for (const [name, p] of params) {
      if (!this.state.m.has(name)) this.state.m.set(name, keep(Tensor.zeros(p.shape)));
      if (!this.state.v.has(name)) this.state.v.set(name, keep(Tensor.zeros(p.shape)));
    }
  }

  /** One update with learning rate `lr` from the gradients in .grad; parameters without a gradient are skipped. */
  step(lr: number): void {
    const { beta1, beta2, eps, weightDecay } = this.options;
    this.state.step++;
    const t = this.state.step;
    const bias1 = 1 - beta1 ** t;
    const bias2 = 1 - beta2 ** t;
    noGrad(() => {
      for (const [name, p] of this.params) {
        scope(() => {
          const g = p.grad;
          if (g === null) return;
          const m = this.state.m.get(name)!;
          const v = this.state.v.get(name)!;
          m.mulInPlace(beta1);
          m.addInPlace(g, 1 - beta1);
          v.mulInPlace(beta2);
          v.addcmulInPlace(g, g, 1 - beta2);
          if (weightDecay > 0 && this.decayed.has(name)) p.mulInPlace(1 - lr * weightDecay);
          const denominator = v.div(bias2).sqrt().add(eps);
          p.addcdivInPlace(m, denominator, -lr / bias1);
        });
      }
    });
  }

  dispose(): void {
    for (const t of [...this.state.m.values(), ...this.state.v.values()]) t.dispose();
  }
}

/** Scale every gradient so their global L2 norm is at most `maxNorm`; returns the norm before clipping. */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  return noGrad(() =>
    scope(() => {
      const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null);
      let total = 0;
      for (const g of grads) total += g.square().sum().item();
      const norm = Math.sqrt(total);
      if (norm > maxNorm) for (const g of grads) g.mulInPlace(maxNorm / (norm + 1e-6));
      return norm;
    }),
  );
}
