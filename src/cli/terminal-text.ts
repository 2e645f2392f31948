// Text from files and libraries is printed to a terminal, which obeys control characters in it: an escape sequence
// in a file name or passage could clear the screen, retitle the window or write the clipboard (OSC 52), and a bidi
// override could make a name read as something else. Everything the command line prints that it did not write
// itself goes through here.

/** Whole escape sequences (7-bit ESC forms and their 8-bit C1 equivalents), removed with their parameters. */
const ESCAPE_SEQUENCE = new RegExp(
  [
    // CSI: ESC [ or 0x9B, parameters, intermediates, final byte.
    '(?:\\x1b\\[|\\x9b)[0-?]*[ -/]*[@-~]?',
    // OSC, DCS, SOS, PM, APC: up to BEL or the string terminator (ESC \ or 0x9C), or to the end when unterminated.
    '(?:\\x1b[\\]PX^_]|[\\x90\\x98\\x9d\\x9e\\x9f])[^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)?',
    // Any other escape: ESC, intermediates, final byte.
    '\\x1b[ -/]*[0-~]?',
  ].join('|'),
  'g',
);
/** C0 (but tab and line feed), DEL, C1, and the invisible direction marks, embeddings, overrides and isolates. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves unescaped but a terminal still acts on (or shows reordered). */
const JSON_UNSAFE = /[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/**
 * Any value as text safe to print: escape sequences removed, other control characters shown as U+FFFD.
 * Single-line (the default) also turns line breaks and tabs into spaces, so a name cannot forge a line of output.
 */
export function terminalText(value: unknown, options: { multiline?: boolean } = {}): string {
  const text = typeof value === 'string' ? value : describeValue(value);
  const cleaned = text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '\uFFFD');
  return options.multiline ? cleaned : cleaned.replace(/[\n\t]/g, ' ');
}

/** JSON for stdout: valid JSON, with the characters a terminal would act on written as \u escapes. */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return `(${typeof value})`;
  }
}
