// Ollama's streamed chat answer: newline-delimited JSON, one object per line ({"message":{"content":"…"}}), ending
// with {"done":true, "done_reason":…, "eval_count":…}, or an {"error":"…"} line when the model fails midway. Bytes
// arrive in chunks that may split a line or a UTF-8 character anywhere; every line is checked field by field.
import { TroveError } from '../core/errors.ts';

export interface ChatStreamEnd {
  /** Ollama's done_reason: "stop" (the model ended), "length" (num_predict reached), or absent. */
  reason?: string;
  /** Tokens the server generated (eval_count), when it said. */
  tokens?: number;
}

/** A line longer than this is not a chat chunk: a server sending it is refused rather than buffered without end. */
const MAX_LINE_CHARS = 1_000_000;

/**
 * Reads the stream to its {"done":true} line, passing each piece of text to onText and calling alive() for every
 * chunk of bytes; `signal` ends the reading. `describe` names the server in errors. Resolves with what the last
 * line said.
 */
export async function readChatStream(
  body: ReadableStream<Uint8Array> | null,
  onText: (text: string) => void,
  alive: () => void,
  describe: string,
  signal: AbortSignal,
): Promise<ChatStreamEnd> {
  if (!body) throw new TroveError('MODEL_FAILED', `${describe} answered with no body.`);
  const reader = body.getReader();
  // A fetch whose body does not end with its request (some polyfills, service workers) still stops here.
  const stop = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', stop, { once: true });
  const decoder = new TextDecoder();
  let pending = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      alive();
      pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const end = chatLine(pending.slice(0, newline), onText, describe);
        pending = pending.slice(newline + 1);
        if (end) return end;
      }
      if (pending.length > MAX_LINE_CHARS)
        throw new TroveError('MODEL_FAILED', `${describe} sent a line of over ${MAX_LINE_CHARS} characters.`);
      if (done) {
        // The last line may come without its newline.
        const end = chatLine(pending, onText, describe);
        if (end) return end;
        throw new TroveError(
          'MODEL_FAILED',
          `${describe} stopped sending before the answer was done (the connection closed midway).`,
        );
      }
    }
  } finally {
    signal.removeEventListener('abort', stop);
    // Ends the download when the answer is done early, fails, or is cancelled.
    reader.cancel().catch(() => undefined);
  }
}

/** One line: text is passed on; the last line's summary is returned; anything malformed is an error. */
function chatLine(raw: string, onText: (text: string) => void, describe: string): ChatStreamEnd | undefined {
  const line = raw.trim();
  if (!line) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new TroveError(
      'MODEL_FAILED',
      `${describe} answered with something other than Ollama’s streamed JSON (it began “${line.slice(0, 60)}”): is the address an Ollama server?`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TroveError('MODEL_FAILED', `${describe} sent a line that is not a JSON object.`);
  const { error, message, done, done_reason, eval_count } = value as Record<string, unknown>;
  if (error !== undefined) {
    throw new TroveError('MODEL_FAILED', `${describe} stopped with an error: ${String(error).slice(0, 500)}.`);
  }
  if (message !== undefined) {
    const content = typeof message === 'object' && message !== null ? (message as { content?: unknown }).content : 0;
    if (typeof content !== 'string')
      throw new TroveError('MODEL_FAILED', `${describe} sent a message without text content.`);
    if (content) onText(content);
  }
  if (done !== true) return undefined;
  return {
    ...(typeof done_reason === 'string' && { reason: done_reason }),
    ...(typeof eval_count === 'number' && Number.isInteger(eval_count) && eval_count >= 0 && { tokens: eval_count }),
  };
}
