import { normalDraw, type Rng } from '../../src/core/rng.ts';

/**
 * First-order Markov chains over a small alphabet, generating strings of a fixed length: a family of "language
 * models" whose exact KL over whole strings is a finite sum, for checking the KL approximation in tests.
 */
export interface MarkovChain {
  readonly symbolCount: number;
  /** p(y_0 = a), length A. */
  readonly initialProbabilities: Float64Array;
  /** p(y_t = b | y_{t−1} = a) at a·A + b, A×A row-major; each row sums to 1. */
  readonly transitionProbabilities: Float64Array;
}

/** The direction of a perturbation: one log-probability tilt per initial symbol and per transition. */
export interface ChainDirection {
  readonly initial: Float64Array;
  readonly transition: Float64Array;
}

function normaliseInPlace(values: Float64Array, start: number, length: number): void {
  let sum = 0;
  for (let k = start; k < start + length; k++) sum += values[k];
  for (let k = start; k < start + length; k++) values[k] /= sum;
}

/** A chain with every probability bounded away from 0 (weights uniform in [0.5, 1.5), normalised). */
export function randomMarkovChain(symbolCount: number, rng: Rng): MarkovChain {
  const initialProbabilities = Float64Array.from({ length: symbolCount }, () => 0.5 + rng());
  normaliseInPlace(initialProbabilities, 0, symbolCount);
  const transitionProbabilities = Float64Array.from({ length: symbolCount * symbolCount }, () => 0.5 + rng());
  for (let a = 0; a < symbolCount; a++) normaliseInPlace(transitionProbabilities, a * symbolCount, symbolCount);
  return { symbolCount, initialProbabilities, transitionProbabilities };
}

/** A standard-normal direction for every initial and transition log-probability. */
export function randomChainDirection(symbolCount: number, rng: Rng): ChainDirection {
  return {
    initial: Float64Array.from({ length: symbolCount }, () => normalDraw(rng)),
    transition: Float64Array.from({ length: symbolCount * symbolCount }, () => normalDraw(rng)),
  };
}

/** p_ε ∝ p·exp(ε·direction), renormalised row by row: a smooth path through `base` at ε = 0. */
export function tiltMarkovChain(base: MarkovChain, direction: ChainDirection, epsilon: number): MarkovChain {
  const A = base.symbolCount;
  const initialProbabilities = base.initialProbabilities.map((p, a) => p * Math.exp(epsilon * direction.initial[a]));
  normaliseInPlace(initialProbabilities, 0, A);
  const transitionProbabilities = base.transitionProbabilities.map((p, k) => p * Math.exp(epsilon * direction.transition[k]));
  for (let a = 0; a < A; a++) normaliseInPlace(transitionProbabilities, a * A, A);
  return { symbolCount: A, initialProbabilities, transitionProbabilities };
}

/** Every string of `length` symbols over A symbols, in lexicographic order: A^length × length, row-major. */
export function enumerateStrings(symbolCount: number, length: number): Uint8Array {
  const count = symbolCount ** length;
  const strings = new Uint8Array(count * length);
  for (let s = 0; s < count; s++) {
    let rest = s;
    for (let t = length - 1; t >= 0; t--) {
      strings[s * length + t] = rest % symbolCount;
      rest = Math.floor(rest / symbolCount);
    }
  }
  return strings;
}

function drawSymbol(probabilities: Float64Array, start: number, symbolCount: number, rng: Rng): number {
  let u = rng();
  for (let b = 0; b < symbolCount - 1; b++) {
    u -= probabilities[start + b];
    if (u < 0) return b;
  }
  return symbolCount - 1;
}

/** `count` i.i.d. strings of `length` symbols drawn from the chain: count × length, row-major. */
export function sampleStrings(chain: MarkovChain, length: number, count: number, rng: Rng): Uint8Array {
  const A = chain.symbolCount;
  const strings = new Uint8Array(count * length);
  for (let s = 0; s < count; s++) {
    let previous = drawSymbol(chain.initialProbabilities, 0, A, rng);
    strings[s * length] = previous;
    for (let t = 1; t < length; t++) {
      previous = drawSymbol(chain.transitionProbabilities, previous * A, A, rng);
      strings[s * length + t] = previous;
    }
  }
  return strings;
}

/** log p(x) in nats for every string, the first symbol included (scored by the initial distribution). */
export function logProbabilitiesNats(chain: MarkovChain, strings: Uint8Array, length: number): Float64Array {
  const A = chain.symbolCount;
  const logInitial = chain.initialProbabilities.map(Math.log);
  const logTransition = chain.transitionProbabilities.map(Math.log);
  const count = strings.length / length;
  const logProbabilities = new Float64Array(count);
  for (let s = 0; s < count; s++) {
    const offset = s * length;
    let sum = logInitial[strings[offset]];
    for (let t = 1; t < length; t++) sum += logTransition[strings[offset + t - 1] * A + strings[offset + t]];
    logProbabilities[s] = sum;
  }
  return logProbabilities;
}
