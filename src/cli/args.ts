import { LlmapError } from '../core/errors.ts';

/** `positional…` and `--name value` / `--flag` arguments; an unknown option is an error listing the known ones. */
export function parseArguments(argv: readonly string[], known: { readonly values: readonly string[]; readonly flags?: readonly string[] }): {
  positional: string[];
  values: Map<string, string>;
  flags: Set<string>;
} {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let k = 0; k < argv.length; k++) {
    const argument = argv[k];
    if (!argument.startsWith('--')) {
      positional.push(argument);
      continue;
    }
    const [name, inline] = argument.slice(2).split(/=(.*)/s, 2);
    if (known.flags?.includes(name)) {
      flags.add(name);
    } else if (known.values.includes(name)) {
      const value = inline ?? argv[++k];
      if (value === undefined) throw new LlmapError('invalid-argument', `--${name} needs a value.`);
      values.set(name, value);
    } else {
      const options = [...known.values, ...(known.flags ?? [])].map((option) => `--${option}`).join(', ');
      throw new LlmapError('invalid-argument', `Unknown option ${argument}. Known options: ${options}.`);
    }
  }
  return { positional, values, flags };
}

/** A whole number ≥ minimum from an option, or the default. */
export function wholeNumber(values: Map<string, string>, name: string, fallback: number, minimum = 1): number {
  const text = values.get(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) throw new LlmapError('invalid-argument', `--${name} must be a whole number ≥ ${minimum}; got "${text}".`);
  return value;
}
