// A generated folder shaped like a product manual, for the folder benchmark and the folder-scale e2e: HTML and
// Markdown pages of 2–60 KB (log-uniform, so most are small, as in real manuals) in part/chapter sub-folders, each
// with headings, prose, code blocks and tables. Deterministic per (seed, page number): the same call writes the same
// bytes, so runs compare; every page has its own title and a term found in no other page, so no two files are
// duplicates and a test can look a page up by that term.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { rng } from './data/passages.ts';

export interface ManualPage {
  /** Path inside the folder, '/' separated, e.g. "part-02/chapter-07/page-0143.md". */
  path: string;
  title: string;
  /** A word that appears in this page only (its keyword search finds this page first). */
  term: string;
  bytes: number;
}

export interface ManualFolder {
  dir: string;
  pages: ManualPage[];
  bytes: number;
}

const MIN_BYTES = 2 * 1024;
const MAX_BYTES = 60 * 1024;
const PAGES_PER_CHAPTER = 20;
const CHAPTERS_PER_PART = 10;

const NOUNS =
  'computer software program system data memory network internet web site phone code test error control process center service method image video device machine power engine design model document text page line list link box window screen display table index column row connection session page file user role permission setting value option command function view type record field key storage port host address account report statement result warning message limit version release update package library extension driver source target output track path channel signal unit size speed rate range zone level group'.split(
    ' ',
  );
const VERBS =
  'create drop select update grant restore copy start stop check monitor export import schedule remove add change replace share block split join keep hold set return apply build allow access open close save run send receive read write search find sort order print press'.split(
    ' ',
  );
const PROSE =
  'the a an this each every any when if then because while after before during with without for from into onto over under between about against through must should can may will does not only also often usually always never first last next previous new old large small fast slow safe secure current'.split(
    ' ',
  );
const ADJECTIVES =
  'primary secondary local remote temporary permanent shared private automatic full external internal simple complex standard special basic main central global general public official early late normal regular active direct fixed total final initial critical major minor'.split(
    ' ',
  );

type Random = () => number;
const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const between = (random: Random, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

function sentence(random: Random): string {
  const words: string[] = [];
  const length = between(random, 8, 22);
  for (let i = 0; i < length; i++) {
    const r = random();
    words.push(
      r < 0.35
        ? pick(random, NOUNS)
        : r < 0.5
          ? pick(random, VERBS)
          : r < 0.6
            ? pick(random, ADJECTIVES)
            : pick(random, PROSE),
    );
  }
  const text = words.join(' ');
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

const paragraph = (random: Random) => Array.from({ length: between(random, 2, 6) }, () => sentence(random)).join(' ');

function codeLines(random: Random): string[] {
  return Array.from({ length: between(random, 3, 12) }, () => {
    const r = random();
    if (r < 0.4)
      return `${pick(random, VERBS).toUpperCase()} ${pick(random, NOUNS)}_${pick(random, NOUNS)} WHERE ${pick(random, NOUNS)} = ${between(random, 1, 9999)};`;
    if (r < 0.7)
      return `trove-ctl ${pick(random, VERBS)} --${pick(random, NOUNS)}=${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}.conf`;
    return `${pick(random, NOUNS)}.${pick(random, NOUNS)} = ${between(random, 0, 65535)}  # ${pick(random, PROSE)} ${pick(random, NOUNS)}`;
  });
}

function tableCells(random: Random): string[][] {
  const columns = between(random, 3, 5);
  const rows = between(random, 3, 10);
  const head = Array.from({ length: columns }, () => pick(random, NOUNS));
  const body = Array.from({ length: rows }, () =>
    Array.from({ length: columns }, (_, c) =>
      c === 0
        ? `${pick(random, NOUNS)}_${pick(random, NOUNS)}`
        : random() < 0.5
          ? `${between(random, 0, 5000)}`
          : pick(random, ADJECTIVES),
    ),
  );
  return [head, ...body];
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One page's blocks, until about `target` bytes; rendered by the caller as HTML or Markdown. */
type Block =
  { kind: 'h2' | 'h3' | 'p'; text: string } | { kind: 'code'; lines: string[] } | { kind: 'table'; cells: string[][] };

function blocks(random: Random, target: number, term: string): Block[] {
  const out: Block[] = [{ kind: 'p', text: `${sentence(random)} See ${term} for the details. ${paragraph(random)}` }];
  let bytes = 0;
  while (bytes < target) {
    const r = random();
    const block: Block =
      r < 0.1
        ? { kind: 'h2', text: `${pick(random, VERBS)} the ${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}` }
        : r < 0.18
          ? { kind: 'h3', text: `${pick(random, NOUNS)} ${pick(random, NOUNS)}` }
          : r < 0.3
            ? { kind: 'code', lines: codeLines(random) }
            : r < 0.38
              ? { kind: 'table', cells: tableCells(random) }
              : { kind: 'p', text: paragraph(random) };
    out.push(block);
    bytes +=
      block.kind === 'code'
        ? block.lines.join('\n').length
        : block.kind === 'table'
          ? block.cells.flat().join(' | ').length
          : block.text.length;
  }
  return out;
}

function html(title: string, body: Block[]): string {
  const parts = body.map((b) => {
    if (b.kind === 'code') return `<pre><code>${escapeHtml(b.lines.join('\n'))}</code></pre>`;
    if (b.kind === 'table') {
      const [head, ...rows] = b.cells;
      const row = (cells: string[], tag: string) =>
        `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
      return `<table>\n<thead>${row(head!, 'th')}</thead>\n<tbody>\n${rows.map((r) => row(r, 'td')).join('\n')}\n</tbody>\n</table>`;
    }
    return `<${b.kind}>${escapeHtml(b.text)}</${b.kind}>`;
  });
  return `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n${parts.join('\n')}\n</body>\n</html>\n`;
}

function markdown(title: string, body: Block[]): string {
  const parts = body.map((b) => {
    if (b.kind === 'code') return `\`\`\`sql\n${b.lines.join('\n')}\n\`\`\``;
    if (b.kind === 'table') {
      const [head, ...rows] = b.cells;
      const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
      return [line(head!), line(head!.map(() => '---')), ...rows.map(line)].join('\n');
    }
    return b.kind === 'h2' ? `## ${b.text}` : b.kind === 'h3' ? `### ${b.text}` : b.text;
  });
  return `# ${title}\n\n${parts.join('\n\n')}\n`;
}

/** Page `index` of the manual generated with `seed`: its place, title, unique term and text. */
export function manualPage(seed: number, index: number): { page: Omit<ManualPage, 'bytes'>; text: string } {
  const random = rng(Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b));
  const part = Math.floor(index / (PAGES_PER_CHAPTER * CHAPTERS_PER_PART)) + 1;
  const chapter = (Math.floor(index / PAGES_PER_CHAPTER) % CHAPTERS_PER_PART) + 1;
  const number = String(index + 1).padStart(4, '0');
  const isHtml = random() < 0.6;
  const path = `part-${String(part).padStart(2, '0')}/chapter-${String(chapter).padStart(2, '0')}/page-${number}.${isHtml ? 'html' : 'md'}`;
  const title = `${index + 1}. ${pick(random, VERBS)} ${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}s`;
  const term = `manualterm${number}`;
  // Log-uniform between 2 and 60 KB; the markup adds a little on top of the text target.
  const target = Math.round(MIN_BYTES * Math.pow(MAX_BYTES / MIN_BYTES, random()) * 0.9);
  const body = blocks(random, target, term);
  return { page: { path, title, term }, text: isHtml ? html(title, body) : markdown(title, body) };
}

/** Writes `files` pages of the manual generated with `seed` under `dir` (created as needed). */
export async function writeManualFolder(dir: string, files: number, seed = 1): Promise<ManualFolder> {
  const pages: ManualPage[] = [];
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const { page, text } = manualPage(seed, i);
    const file = join(dir, page.path);
    await mkdir(dirname(file), { recursive: true });
    const data = Buffer.from(text, 'utf8');
    await writeFile(file, data);
    pages.push({ ...page, bytes: data.length });
    bytes += data.length;
  }
  return { dir, pages, bytes };
}
