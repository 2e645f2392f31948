// "Copy as context": the top passages assembled into a prompt block for a language model, with numbered citations,
// duplicates dropped, trimmed to a token budget counted by the caller's tokenizer (never by splitting on spaces).
import { TroveError } from '../core/errors.ts';
import type { AssembledContext, Citation } from '../api/context.ts';

export interface ContextPassage {
  documentName: string;
  text: string;
  /** 1-based PDF page. */
  page?: number;
  /** Headings above the passage, outermost first. */
  headingPath?: readonly string[];
  chunkId?: number;
}

export interface ContextOptions {
  question: string;
  /** Best first (search order). */
  passages: readonly ContextPassage[];
  /** Tokens of a text by the target model's tokenizer (or the embedding model's as a proxy). */
  countTokens: (text: string) => number;
  /** Budget for the whole block: instruction, passages and question. */
  maxTokens: number;
  /** Replaces the default instruction. */
  instruction?: string;
}

export const DEFAULT_INSTRUCTION =
  'Answer the question using only the numbered context passages below, and cite the passages you use like [1]. ' +
  'If the context does not contain the answer, say that it is not in the context; do not use other knowledge.';

/** Fewest tokens worth giving a passage cut to fit: below this a fragment misleads more than it helps. */
const MIN_TRIMMED_TOKENS = 24;
const ELLIPSIS = ' …';

export function citationLabel(p: Pick<ContextPassage, 'documentName' | 'page' | 'headingPath'>): string {
  let label = p.documentName;
  if (p.page !== undefined) label += `, p. ${p.page}`;
  if (p.headingPath?.length) label += ` — ${p.headingPath.join(' › ')}`;
  return label;
}

/** Whitespace-collapsed, lower-cased: two passages equal under this are the same text. */
function normalize(text: string): string {
  return text.replace(/\s+/g, ' ').trim().toLowerCase();
}

export function assembleContext(options: ContextOptions): AssembledContext {
  const { question, countTokens, maxTokens } = options;
  if (!(Number.isInteger(maxTokens) && maxTokens > 0)) {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `The context budget must be a positive whole number of tokens, got ${maxTokens}.`,
    );
  }
  const head = `${options.instruction ?? DEFAULT_INSTRUCTION}\n\nContext:\n`;
  const tail = `\nQuestion: ${question.trim()}\nAnswer:`;
  const fixed = countTokens(head) + countTokens(tail);
  const minimum = countTokens(`${head}(no passage fits the token budget)\n${tail}`);
  if (minimum > maxTokens) {
    throw new TroveError(
      'INVALID_ARGUMENT',
      `The context budget of ${maxTokens} tokens is below the ${minimum} the instruction and question need.`,
    );
  }

  // Drop repeats as we go (the same text, or one inside a passage already kept: overlapping chunks of a
  // document), and stop once the budget is full, so the cost follows what is included, not the candidate count.
  const keptNormal: string[] = [];
  const blocks: string[] = [];
  const citations: Citation[] = [];
  let used = fixed;
  let duplicates = 0;
  let omitted = 0;
  const all = options.passages;
  for (let i = 0; i < all.length; i++) {
    const passage = all[i];
    const normal = normalize(passage.text);
    if (normal === '' || keptNormal.some((k) => k.includes(normal))) {
      duplicates++;
      continue;
    }
    const n = citations.length + 1;
    const label = citationLabel(passage);
    const heading = `[${n}] ${label}\n`;
    const body = passage.text.trim();
    let text = `${heading}${body}\n\n`;
    let trimmed = false;
    if (used + countTokens(text) > maxTokens) {
      const room = maxTokens - used - countTokens(heading) - countTokens(`${ELLIPSIS}\n\n`);
      if (room < MIN_TRIMMED_TOKENS) {
        omitted = all.length - i;
        break;
      }
      text = `${heading}${longestPrefix(body, room, countTokens)}${ELLIPSIS}\n\n`;
      trimmed = true;
    }
    keptNormal.push(normal);
    blocks.push(text);
    used += countTokens(text);
    citations.push({
      n,
      label,
      documentName: passage.documentName,
      page: passage.page,
      headingPath: passage.headingPath,
      chunkId: passage.chunkId,
      trimmed,
    });
    if (trimmed) {
      omitted = all.length - i - 1;
      break;
    }
  }

  const empty = all.length > duplicates ? '(no passage fits the token budget)\n\n' : '(no passages found)\n\n';
  const render = () => `${head}${blocks.length ? blocks.join('') : empty}`.replace(/\n\n$/, '\n') + tail;
  let text = render();
  let tokens = countTokens(text);
  // Pieces were counted apart; a tokenizer may merge across their seams. Drop whole passages until it fits.
  while (tokens > maxTokens && blocks.length > 0) {
    blocks.pop();
    citations.pop();
    omitted++;
    text = render();
    tokens = countTokens(text);
  }
  return { text, tokens, citations, duplicates, omitted };
}

/** The longest word-boundary prefix of text within `budget` tokens (binary search: O(log n) tokenizer calls). */
function longestPrefix(text: string, budget: number, countTokens: (text: string) => number): string {
  const cuts: number[] = [];
  const boundary = /\s+/g;
  for (let m = boundary.exec(text); m; m = boundary.exec(text)) cuts.push(m.index);
  cuts.push(text.length);
  let lo = 0;
  let hi = cuts.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (countTokens(text.slice(0, cuts[mid])) <= budget) {
      best = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (best >= 0) return text.slice(0, cuts[best]);
  // Not even one word fits (a very long "word"): cut by characters.
  let chars = Math.min(text.length, budget);
  while (chars > 0 && countTokens(text.slice(0, chars)) > budget) chars = Math.floor(chars / 2);
  return text.slice(0, chars);
}
