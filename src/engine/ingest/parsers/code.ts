// Source code: kept verbatim with its language; 'code' blocks end at blank lines and before top-level definitions
// (a comment or decorator directly above a definition stays with it), so passages follow the code's own structure
// rather than sentences.
import { TroveError, throwIfAborted } from '../../core/errors.ts';
import type { ParsedDocument, Parser, TextBlock } from '../../core/types.ts';
import { CODE_LANGUAGES } from './code-languages.ts';
import { decodeText, extensionOf, hasText } from './text.ts';

export { CODE_LANGUAGES };

/** A line that opens a top-level definition in one of the common languages. */
const DEFINITION =
  /^(?:export\s+(?:default\s+)?)?(?:(?:pub(?:\([^)]*\))?|public|private|protected|internal|static|abstract|final|async|unsafe|extern|inline|virtual|override|sealed|open|data|suspend|const|export|declare)\s+)*(?:function\*?|class|interface|type|enum|struct|trait|impl|fn|func|def|defp|defmodule|module|namespace|object|record|let|const|var|val|macro_rules!|CREATE|create|package|template|union)\b/;
/** Lines that belong to the definition below them: comments, decorators, annotations, attributes. */
const ATTACHED = /^(?:\/\/|\/\*|\*|#(?!include)|--|@|\[|;;|"""|''')/;

export function isTopLevelDefinition(line: string): boolean {
  return DEFINITION.test(line);
}

/** Blocks of code: [start, end) line runs, split at blank lines and before top-level definitions. */
export function codeBlocks(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  let blockStart = -1; // offset of the current block's first line, -1 when none is open
  let lastEnd = 0; // end of the last non-blank line in the current block
  let prevAttached = false; // the previous line is a comment/decorator at column 0
  const close = () => {
    if (blockStart >= 0 && lastEnd > blockStart) blocks.push({ start: blockStart, end: lastEnd, kind: 'code' });
    blockStart = -1;
  };
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    const trimmedEnd = line.trimEnd();
    if (trimmedEnd.trim() === '') {
      close();
      prevAttached = false;
    } else {
      const topLevel = !/^\s/.test(line);
      if (topLevel && !prevAttached && isTopLevelDefinition(line)) close();
      if (blockStart < 0) blockStart = start + (line.length - line.trimStart().length);
      lastEnd = start + trimmedEnd.length;
      prevAttached = topLevel && ATTACHED.test(line);
    }
    start = end + 1;
  }
  close();
  return blocks;
}

export const codeParser: Parser = {
  name: 'Code',
  format: 'code',
  accepts(fileName) {
    return extensionOf(fileName) in CODE_LANGUAGES;
  },
  async parse(data, fileName, signal): Promise<ParsedDocument> {
    throwIfAborted(signal);
    const { text, warnings } = decodeText(data);
    if (!hasText(text)) throw new TroveError('EMPTY_DOCUMENT');
    const language = CODE_LANGUAGES[extensionOf(fileName)] ?? 'text';
    return {
      format: 'code',
      text,
      blocks: codeBlocks(text),
      codeLanguage: language,
      ...(warnings.length ? { warnings } : {}),
    };
  },
};
