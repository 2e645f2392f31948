// One table of error codes. Errors cross the worker boundary as {code, message} (see src/worker/error-transfer.ts);
// the UI shows the message. Messages that list valid values build them from the real constants at the throw site.

export const ERROR_CODES = {
  UNSUPPORTED_FORMAT: 'This file type is not supported.',
  PARSE_FAILED: 'The file could not be read.',
  EMPTY_DOCUMENT: 'The file contains no text to index.',
  BINARY_FILE: 'The file looks like binary data, not text.',
  FILE_TOO_LARGE: 'The file is too large.',
  MODEL_UNAVAILABLE: 'The semantic model could not be loaded; keyword search still works.',
  MODEL_FAILED: 'The semantic model failed while running; keyword search still works.',
  MODEL_MISMATCH: 'Stored vectors were made by a different model.',
  STORAGE_FULL: 'The browser refused to store more data (storage quota exceeded).',
  STORAGE_FAILED: 'The browser database failed.',
  LIBRARY_STALE: 'Trove was updated in another tab: reload this page to keep working.',
  WORKER_DIED: 'The search engine stopped unexpectedly; it was restarted.',
  NOT_FOUND: 'No such item.',
  CANCELLED: 'Cancelled.',
  INVALID_ARGUMENT: 'Invalid argument.',
  INTERNAL: 'Something unexpected went wrong inside Trove.',
  LOCKED: 'The library is locked: enter its passphrase to open it.',
  WRONG_PASSPHRASE: 'Wrong passphrase: the library stays locked (nothing was read or changed).',
  DECRYPT_FAILED: 'Stored data could not be decrypted: it is damaged, or was written with another key.',
  IMPORT_INVALID: 'The file is not a valid Trove library (.trove) file, or it is damaged.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class TroveError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_CODES[code], options);
    this.name = 'TroveError';
    this.code = code;
  }
}

/** The plain form that crosses the worker boundary. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/**
 * The code and message of any thrown value. Only TroveErrors, aborts and quota errors have a known meaning;
 * everything else is INTERNAL (never guessed to be a storage failure).
 */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof TroveError) return { code: error.code, message: error.message };
  // An error that already crossed the worker boundary keeps its code.
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (isErrorCode(code)) return { code, message: (error as { message?: string }).message || ERROR_CODES[code] };
  if (isAbort(error)) return { code: 'CANCELLED', message: ERROR_CODES.CANCELLED };
  if (isQuotaError(error)) return { code: 'STORAGE_FULL', message: ERROR_CODES.STORAGE_FULL };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: message ? `${ERROR_CODES.INTERNAL} (${message})` : ERROR_CODES.INTERNAL };
}

/** A TroveError for any thrown value, keeping TroveErrors as they are. */
export function toTroveError(error: unknown): TroveError {
  if (error instanceof TroveError) return error;
  const info = toErrorInfo(error);
  return new TroveError(info.code, info.message, { cause: error });
}

export function isAbort(error: unknown): boolean {
  return (
    (error instanceof TroveError && error.code === 'CANCELLED') ||
    (typeof error === 'object' && error !== null && (error as { name?: string }).name === 'AbortError')
  );
}

export function isQuotaError(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null ? (error as { name?: string }).name : undefined;
  return name === 'QuotaExceededError';
}

/** Errors that say nothing about the document itself: retrying later can succeed, so they never count against it. */
export function isTransient(error: unknown): boolean {
  const { code } = toErrorInfo(error);
  return code === 'MODEL_UNAVAILABLE' || code === 'STORAGE_FULL' || code === 'LIBRARY_STALE' || code === 'CANCELLED';
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TroveError('CANCELLED');
}
