// One table of error codes. Errors cross the worker boundary as {code, message}; the UI shows the message.

export const ERROR_CODES = {
  UNSUPPORTED_FORMAT: 'This file type is not supported.',
  PARSE_FAILED: 'The file could not be read.',
  EMPTY_DOCUMENT: 'The file contains no text to index.',
  BINARY_FILE: 'The file looks like binary data, not text.',
  FILE_TOO_LARGE: 'The file is too large.',
  MODEL_UNAVAILABLE: 'The semantic model could not be loaded; keyword search still works.',
  MODEL_MISMATCH: 'Stored vectors were made by a different model.',
  STORAGE_FULL: 'The browser refused to store more data (storage quota exceeded).',
  STORAGE_FAILED: 'The browser database failed.',
  NOT_FOUND: 'No such item.',
  CANCELLED: 'Cancelled.',
  INVALID_ARGUMENT: 'Invalid argument.',
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

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof TroveError) return { code: error.code, message: error.message };
  if (isAbort(error)) return { code: 'CANCELLED', message: ERROR_CODES.CANCELLED };
  if (isQuotaError(error)) return { code: 'STORAGE_FULL', message: ERROR_CODES.STORAGE_FULL };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'STORAGE_FAILED', message: message || ERROR_CODES.STORAGE_FAILED };
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

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TroveError('CANCELLED');
}
