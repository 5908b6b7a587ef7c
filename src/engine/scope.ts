import { native, type NativeHandle } from "./native.js";

/** What a scope manages: a native handle and a way to release it (a Tensor). */
export interface Scoped {
  readonly handle: NativeHandle;
  dispose(): void;
}

/**
 * Deterministic release of native memory, like tf.tidy: JS garbage collection does not see
 * libtorch's allocations, so every tensor made inside scope() is disposed when it ends,
 * except those reachable from its return value (which move to the enclosing scope) and
 * those passed to keep().
 *
 * A tensor that outlives every scope (made outside one, returned from the outermost, kept)
 * is released after its wrapper is garbage-collected unless disposed first. That fallback
 * is slow (finalizers run between event-loop turns, never inside a synchronous loop), so
 * loops belong in scopes.
 */
const openScopes: Scoped[][] = [];
const keptTensors = new WeakSet<Scoped>();
/** Everything ever tracked: how a returned value's tensors are recognised without importing Tensor. */
const trackedObjects = new WeakSet<object>();
const releaseWhenCollected = new FinalizationRegistry<NativeHandle>((handle) => native.dispose(handle));

/** Called by every new Tensor: the innermost open scope owns it, else the garbage collector. */
export function track(tensor: Scoped): void {
  trackedObjects.add(tensor);
  const current = openScopes[openScopes.length - 1];
  if (current) current.push(tensor);
  else releaseWhenCollected.register(tensor, tensor.handle, tensor);
}

/** Called by Tensor.dispose(). */
export function untrack(tensor: Scoped): void {
  releaseWhenCollected.unregister(tensor);
}

/** Runs fn synchronously; frees every tensor created inside except those it returns. */
export function scope<T>(fn: () => T): T {
  const created: Scoped[] = [];
  openScopes.push(created);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    openScopes.pop();
    release(created, new Set());
    throw error;
  }
  openScopes.pop();
  if (result instanceof Promise) {
    release(created, new Set());
    throw new Error("scope(): the function returned a Promise; scopes only cover synchronous work");
  }
  const returned = reachableTensors(result);
  for (const tensor of created) {
    if (returned.has(tensor) && !keptTensors.has(tensor)) track(tensor);
  }
  release(created, returned);
  return result;
}

/** Exempts a tensor from every scope it was created in; the caller disposes it. */
export function keep<T extends Scoped>(tensor: T): T {
  if (!keptTensors.has(tensor)) {
    keptTensors.add(tensor);
    releaseWhenCollected.register(tensor, tensor.handle, tensor);
  }
  return tensor;
}

/** Runs fn with autograd recording off (torch::NoGradGuard). */
export function noGrad<T>(fn: () => T): T {
  const previous = native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Whether autograd records operations now (false inside noGrad). */
export function gradEnabled(): boolean {
  return native.isGradEnabled();
}

/** Native tensor references alive now (created and not yet disposed or collected). */
export function liveTensorCount(): number {
  return native.liveTensorCount();
}

function release(created: Scoped[], spared: Set<Scoped>): void {
  for (const tensor of created) {
    if (!spared.has(tensor) && !keptTensors.has(tensor)) tensor.dispose();
  }
}

/** Tensors inside a returned value: a Tensor, or arrays, plain objects, Maps and Sets of them. */
function reachableTensors(value: unknown): Set<Scoped> {
  const found = new Set<Scoped>();
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    if (trackedObjects.has(v)) {
      found.add(v as Scoped);
    } else if (Array.isArray(v) || v instanceof Set) {
      for (const item of v) visit(item);
    } else if (v instanceof Map) {
      for (const [key, item] of v) {
        visit(key);
        visit(item);
      }
    } else if (isPlainObject(v)) {
      for (const item of Object.values(v)) visit(item);
    }
  };
  visit(value);
  return found;
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
