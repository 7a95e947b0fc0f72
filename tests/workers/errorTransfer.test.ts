import * as Comlink from 'comlink';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { isLlmapError, LlmapError } from '../../src/core/errors.ts';
import { registerErrorTransfer } from '../../workers/errorTransfer.ts';

/** Both ends of a MessageChannel stand in for page and worker: the shared handler is what crosses. */
const channels: MessageChannel[] = [];

function exposeOverChannel<T extends object>(api: T): Comlink.Remote<T> {
  registerErrorTransfer();
  const channel = new MessageChannel();
  channels.push(channel);
  Comlink.expose(api, channel.port1 as unknown as Comlink.Endpoint);
  return Comlink.wrap<T>(channel.port2 as unknown as Comlink.Endpoint);
}

afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

describe('registerErrorTransfer', () => {
  it('registerErrorTransfer() makes an LlmapError thrown across comlink arrive as an LlmapError with code and details', async () => {
    const remote = exposeOverChannel({
      fail(): number {
        throw new LlmapError('vocabulary-mismatch', 'The tokenizer has 300 tokens but the logits have 259.', { tokenizerVocabularySize: 300, logitsWidth: 259 });
      },
    });
    const error = await remote.fail().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LlmapError);
    expect(isLlmapError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'LlmapError',
      code: 'vocabulary-mismatch',
      message: 'The tokenizer has 300 tokens but the logits have 259.',
      details: { tokenizerVocabularySize: 300, logitsWidth: 259 },
    });
  });

  it('registerErrorTransfer() keeps comlink’s own handling of other errors and thrown values', async () => {
    const remote = exposeOverChannel({
      failPlain(): number {
        throw new TypeError('plain failure');
      },
      failValue(): number {
        throw 'a string';
      },
    });
    const plain = await remote.failPlain().catch((caught: unknown) => caught);
    expect(plain).toBeInstanceOf(Error);
    expect(plain).toMatchObject({ name: 'TypeError', message: 'plain failure' });
    expect(isLlmapError(plain)).toBe(false);
    await expect(remote.failValue()).rejects.toBe('a string');
  });

  it('registerErrorTransfer() replaces details that postMessage cannot copy instead of hanging the call', async () => {
    const remote = exposeOverChannel({
      fail(): number {
        throw new LlmapError('runtime-failure', 'The model failed.', { callback: () => 1 });
      },
    });
    const error = await remote.fail().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'runtime-failure', details: { note: 'The error details could not be copied out of the worker.' } });
  });
});
