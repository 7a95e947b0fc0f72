import * as Comlink from 'comlink';
import { isLlmapError, LlmapError, type LlmapErrorCode } from '../src/core/errors.ts';

/**
 * Comlink carries only an error's name, message and stack. This one shared handler, registered on both sides of a
 * worker (call `registerErrorTransfer()` in the worker and in the page), also carries an LlmapError's `code` and
 * `details`, so the page receives an LlmapError it can act on. Other thrown values keep Comlink's own handling.
 */

interface SerializedLlmapError {
  readonly kind: 'llmap-error';
  readonly name: string;
  readonly message: string;
  readonly code: LlmapErrorCode;
  readonly details: Record<string, unknown>;
  readonly stack?: string;
}

type ThrowHandler = Comlink.TransferHandler<{ value: unknown }, unknown>;

let registered = false;

export function registerErrorTransfer(): void {
  if (registered) return;
  const builtIn = Comlink.transferHandlers.get('throw') as ThrowHandler | undefined;
  if (builtIn === undefined) throw new Error("Comlink has no 'throw' transfer handler to extend; check the comlink version.");
  const handler: ThrowHandler = {
    // Comlink marks thrown values with a private symbol; its own test recognises them.
    canHandle: (value): value is { value: unknown } => builtIn.canHandle(value),
    serialize(thrown) {
      const error = thrown.value;
      if (!isLlmapError(error)) return builtIn.serialize(thrown);
      const serialized: SerializedLlmapError = {
        kind: 'llmap-error',
        name: error.name,
        message: error.message,
        code: error.code,
        details: cloneableDetails(error.details),
        stack: error.stack,
      };
      return [serialized, []];
    },
    deserialize(serialized) {
      if (!isSerializedLlmapError(serialized)) return builtIn.deserialize(serialized);
      const error = new LlmapError(serialized.code, serialized.message, serialized.details);
      if (serialized.stack !== undefined) error.stack = serialized.stack;
      throw error;
    },
  };
  Comlink.transferHandlers.set('throw', handler);
  registered = true;
}

function isSerializedLlmapError(value: unknown): value is SerializedLlmapError {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'llmap-error';
}

/** Details that postMessage can copy; anything else would make the reply itself fail and the call hang. */
function cloneableDetails(details: Readonly<Record<string, unknown>>): Record<string, unknown> {
  try {
    return structuredClone({ ...details });
  } catch {
    return { note: 'The error details could not be copied out of the worker.' };
  }
}
