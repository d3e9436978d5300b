// Small statistics helpers shared by the parent and the scenario children.

export function median(values) {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile of `values` (not modified). */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export function mean(values) {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length === 0 ? NaN : sum / values.length;
}

/** Deterministic 32-bit xorshift PRNG, so every run picks the same "random" scope sequence. */
export function xorshift32(seed = 0x9e3779b9) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}
