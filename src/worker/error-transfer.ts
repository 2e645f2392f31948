// Errors cross the worker boundary with their code. Comlink's own "throw" handler keeps only name, message and
// stack; this one (registered on both sides) keeps {code, message}, so the UI can tell a full disk from a broken
// model from a bug, and show the engine's message.
import * as Comlink from 'comlink';
import { ERROR_CODES, TroveError, isErrorCode, toErrorInfo } from '../engine/core/errors.ts';

interface SerializedError {
  code: string;
  message: string;
  stack?: string;
}

interface ThrownValue {
  value: unknown;
}

export function registerErrorTransfer(): void {
  // Comlink marks thrown values with a private symbol; its own handler knows how to recognise them.
  const builtin = Comlink.transferHandlers.get('throw');
  if (!builtin) return;
  Comlink.transferHandlers.set('throw', {
    canHandle: (value: unknown): value is ThrownValue => builtin.canHandle(value),
    serialize: (thrown: ThrownValue) => {
      const info = toErrorInfo(thrown.value);
      const serialized: SerializedError = { code: info.code, message: info.message };
      if (thrown.value instanceof Error && thrown.value.stack) serialized.stack = thrown.value.stack;
      return [serialized, []];
    },
    deserialize: (serialized: unknown) => {
      throw revive(serialized as SerializedError);
    },
  } as Comlink.TransferHandler<ThrownValue, SerializedError>);
}

export function revive(serialized: SerializedError): TroveError {
  const code = isErrorCode(serialized.code) ? serialized.code : 'INTERNAL';
  const error = new TroveError(code, serialized.message || ERROR_CODES[code]);
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}
