/** Number formats the map view shows people: parameter counts, log-likelihoods, KL divergences. */

/** 124000000 → "124M", 7.2e9 → "7.2B"; null → "unknown". */
export function formatParameters(parameters: number | null): string {
  if (parameters === null || !Number.isFinite(parameters)) return 'unknown';
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, suffix] of units) {
    if (Math.abs(parameters) >= size) return `${trimZeros((parameters / size).toPrecision(3))}${suffix}`;
  }
  return String(Math.round(parameters));
}

/** Three significant figures, no trailing zeros, a real minus sign: −1234.5 → "−1235", 0.01234 → "0.0123". */
export function formatSignificant(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  const text = magnitude >= 10 ** digits ? String(Math.round(magnitude)) : trimZeros(magnitude.toPrecision(digits));
  return value < 0 ? `\u2212${text}` : text;
}

/** "KL 0.123 nats/text · 0.00412 bits/byte". */
export function formatKl(klNatsPerText: number, klBitsPerByte: number): string {
  return `KL ${formatSignificant(klNatsPerText)} nats/text \u00b7 ${formatSignificant(klBitsPerByte)} bits/byte`;
}

/** "−123 nats/text". */
export function formatLogLikelihood(meanLogLikelihoodNats: number): string {
  return `${formatSignificant(meanLogLikelihoodNats, 4)} nats/text`;
}

function trimZeros(text: string): string {
  if (text.includes('e')) return text;
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** Escapes text for XML content and double-quoted attributes (the SVG export). */
export function escapeXml(text: string): string {
  return text.replace(XML_INVALID, '\uFFFD').replace(/[&<>"']/g, (character) => XML_ESCAPES[character]);
}

/** Characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF): replaced, so a name cannot break the file. */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
