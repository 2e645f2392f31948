// A whole document with the opened passage marked and scrolled into view, and the query's words as matches to
// step through. Text shows with line numbers; Markdown and HTML show as headings and paragraphs built from the
// parser's blocks, as React text nodes only: nothing in a document is parsed as HTML here, so it cannot run a
// script or fetch an image or font. A PDF whose original was kept shows its page drawn with pdf.js and the passage
// marked on it (PdfPageView), with its text as a second tab and the fallback. "Download original" / "Open in a new
// tab" hand out the kept bytes (viewer-original.ts: never HTML or SVG in a tab).
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { DocumentFormat, TextBlock } from '../../../engine/api/index.ts';
import { cleanMarkdown, mapRange } from '../../components/clean-passage.ts';
import { formatName } from '../../components/format.ts';
import { PdfPageView } from './PdfPageView.tsx';
import './viewer-original.css';
import { downloadBytes, openBytesInTab, viewableType } from './viewer-original.ts';
import { findMatches, pieces, type Piece, type Span } from './viewer-text.ts';
import { markdownStyles, styleCuts, stylesAt, type InlineStyle, type StyledSpan } from './viewer-inline.ts';

/** A block of the document's structure (the engine's TextBlock): offsets into the text. */
export type ViewerBlock = Pick<TextBlock, 'start' | 'end' | 'kind' | 'level' | 'page'>;

/** What the viewer needs of a stored document (the engine's getDocument(id) answer). */
export interface ViewerDocument {
  name: string;
  format: DocumentFormat;
  text: string;
  blocks: ViewerBlock[];
  pageCount?: number;
  /** The original file's bytes are kept (the loadOriginal prop can fetch them). */
  hasOriginal?: boolean;
}

export type DocumentLoader = (documentId: number) => Promise<ViewerDocument>;

/** A kept original file. */
export interface ViewerOriginal {
  name: string;
  type: string;
  bytes: ArrayBuffer;
}

export type OriginalLoader = (documentId: number) => Promise<ViewerOriginal | undefined>;

/** Which document to show, and where: the passage's offsets into the document text, and the query. */
export interface ViewerTarget {
  documentId: number;
  start: number;
  end: number;
  query: string;
}

interface Props {
  target: ViewerTarget | undefined;
  load: DocumentLoader;
  onClose: () => void;
  /** Fetches a document's kept original (PDF page view, download); without it the viewer shows text only. */
  loadOriginal?: OriginalLoader;
}

/** One rendered unit: a heading, paragraph or numbered line, in display text with local spans. */
interface Unit {
  key: number;
  kind: 'heading' | 'paragraph' | 'line' | 'code';
  level?: number;
  /** Line number (text) or page number heading shown before this unit (PDF). */
  lineNumber?: number;
  pageBreak?: number;
  text: string;
  passage?: Span;
  matches: Span[];
  /** Global index of this unit's first match. */
  firstMatch: number;
  /** Markdown inline styles (strong, emphasis, code, links as text), in offsets of `text`. */
  styles?: StyledSpan[];
}

export function DocumentViewer({ target, load, onClose, loadOriginal }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const body = useRef<HTMLDivElement>(null);
  const [doc, setDoc] = useState<ViewerDocument>();
  const [error, setError] = useState<string>();
  const [current, setCurrent] = useState(-1);
  const titleId = useId();
  // PDF: the drawn page ('page', when the original is kept and draws) or the text.
  const [view, setView] = useState<'page' | 'text'>('text');
  const [original, setOriginal] = useState<ViewerOriginal>();
  const [viewNote, setViewNote] = useState<string>();
  const tabsId = useId();

  // Open and close the native modal with the target; Escape and the close button both end in onClose.
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (target && !element.open) {
      element.showModal();
      // The document body takes focus, not the dialog's first control. showModal would focus the first enabled
      // button, which is "Close" while there are no matches yet; a viewer opened from a keydown (Enter on a map
      // point) then had the same key's activation land on that button and close it at once (React's autoFocus
      // does nothing here: it runs when the hidden dialog mounts, not when it opens).
      body.current?.focus();
    }
    if (!target && element.open) element.close();
  }, [target]);

  const pageFailed = useCallback((reason: string) => {
    setView('text');
    setViewNote(`Shown as text: the page could not be drawn (${reason}).`);
  }, []);

  // Another document (or none) starts from nothing: set while rendering, so no frame shows the old one's state.
  const [shown, setShown] = useState({ target, load, loadOriginal });
  if (shown.target !== target || shown.load !== load || shown.loadOriginal !== loadOriginal) {
    setShown({ target, load, loadOriginal });
    setDoc(undefined);
    setError(undefined);
    setCurrent(-1);
    setView('text');
    setOriginal(undefined);
    setViewNote(undefined);
  }

  useEffect(() => {
    if (!target) return;
    let live = true;
    load(target.documentId).then(
      (value) => {
        if (!live) return;
        setDoc(value);
        if (value.format !== 'pdf') return;
        if (!value.hasOriginal || !loadOriginal) {
          setViewNote(
            'Shown as text: the original PDF was not kept (Settings, “Keep a copy of each file added”, was off when it was added).',
          );
          return;
        }
        setView('page');
        loadOriginal(target.documentId).then(
          (file) => {
            if (!live) return;
            if (file) setOriginal(file);
            else pageFailed('the original is no longer kept');
          },
          (reason: unknown) => live && pageFailed(reason instanceof Error ? reason.message : String(reason)),
        );
      },
      (reason: unknown) => live && setError(reason instanceof Error ? reason.message : String(reason)),
    );
    return () => {
      live = false;
    };
  }, [target, load, loadOriginal, pageFailed]);

  // The passage's page and text, for the drawn page.
  const passagePage = useMemo(() => {
    if (!doc || !target) return 1;
    const block = doc.blocks.find((b) => b.end > target.start && b.page !== undefined);
    return block?.page ?? 1;
  }, [doc, target]);
  const passageText = doc && target ? doc.text.slice(target.start, target.end) : '';

  const [originalBusy, setOriginalBusy] = useState(false);
  const withOriginal = (handle: (file: ViewerOriginal) => void) => {
    if (!target || !loadOriginal) return;
    if (original) return handle(original);
    setOriginalBusy(true);
    loadOriginal(target.documentId)
      .then((file) => (file ? handle(file) : setViewNote('The original file is not kept for this document.')))
      .catch((reason: unknown) =>
        setViewNote(`The original could not be read: ${reason instanceof Error ? reason.message : String(reason)}`),
      )
      .finally(() => setOriginalBusy(false));
  };
  const canOpenInTab = doc
    ? viewableType(doc.format === 'pdf' ? 'application/pdf' : doc.format === 'image' ? '' : 'text/plain', doc.name) !==
      undefined
    : false;

  const units = useMemo(() => (doc && target ? layout(doc, target) : []), [doc, target]);
  const matchCount = units.reduce((sum, unit) => sum + unit.matches.length, 0);

  // Once rendered, bring the passage into view.
  useEffect(() => {
    if (units.length === 0 || view !== 'text') return;
    body.current?.querySelector('[data-passage]')?.scrollIntoView({ block: 'center' });
  }, [units, view]);

  // Stepping through matches shows the text (matches are marked there), then the current one.
  useEffect(() => {
    if (current >= 0) body.current?.querySelector(`[data-match="${current}"]`)?.scrollIntoView({ block: 'center' });
  }, [current, view]);

  const go = (step: number) => {
    if (matchCount === 0) return;
    const next =
      current < 0
        ? step > 0
          ? firstMatchAfterPassage(units)
          : matchCount - 1
        : (current + step + matchCount) % matchCount;
    setView('text');
    setCurrent(next);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'F3' || (event.key === 'Enter' && event.target === body.current)) {
      event.preventDefault();
      go(event.shiftKey ? -1 : 1);
    }
  };

  return (
    <dialog
      ref={dialog}
      className="dialog viewer"
      aria-labelledby={titleId}
      data-testid="viewer"
      onClose={onClose}
      onKeyDown={onKeyDown}
    >
      <div className="viewer__bar">
        <h2 id={titleId} className="viewer__title">
          {doc && <span className={`badge badge--${doc.format}`}>{formatName(doc.format)}</span>}
          <span className="viewer__name">{doc?.name ?? 'Opening…'}</span>
        </h2>
        <div className="viewer__nav">
          <span className="viewer__count" aria-live="polite" data-testid="viewer-count">
            {matchCount === 0
              ? 'No matches'
              : current < 0
                ? `${matchCount} matches`
                : `${current + 1} of ${matchCount}`}
          </span>
          <button
            type="button"
            className="icon-button"
            aria-label="Previous match"
            title="Previous match (Shift+F3)"
            disabled={matchCount === 0}
            onClick={() => go(-1)}
            data-testid="viewer-previous"
          >
            ↑
          </button>
          <button
            type="button"
            className="icon-button"
            aria-label="Next match"
            title="Next match (F3)"
            disabled={matchCount === 0}
            onClick={() => go(1)}
            data-testid="viewer-next"
          >
            ↓
          </button>
          {doc?.hasOriginal && loadOriginal && (
            <>
              <button
                type="button"
                className="icon-button"
                aria-label="Download the original file"
                title="Download the original file"
                disabled={originalBusy}
                onClick={() => withOriginal((file) => downloadBytes(file.bytes, file.name))}
                data-testid="viewer-download"
              >
                ⤓
              </button>
              {canOpenInTab && (
                <button
                  type="button"
                  className="icon-button"
                  aria-label="Open the original in a new tab"
                  title="Open the original in a new tab"
                  disabled={originalBusy}
                  onClick={() =>
                    withOriginal(
                      (file) =>
                        openBytesInTab(file.bytes, file.type, file.name) || downloadBytes(file.bytes, file.name),
                    )
                  }
                  data-testid="viewer-open-original"
                >
                  ↗
                </button>
              )}
            </>
          )}
          <button
            type="button"
            className="icon-button"
            aria-label="Close document"
            title="Close (Esc)"
            onClick={onClose}
            data-testid="viewer-close"
          >
            ×
          </button>
        </div>
      </div>
      {doc?.format === 'pdf' && doc.hasOriginal && loadOriginal && (
        <div className="viewer__tabs" role="tablist" aria-label="Show the PDF as">
          {(['page', 'text'] as const).map((tab) => (
            <button
              key={tab}
              type="button"
              role="tab"
              id={`${tabsId}-${tab}`}
              aria-selected={view === tab}
              aria-controls={`${tabsId}-panel`}
              className={view === tab ? 'viewer__tab viewer__tab--active' : 'viewer__tab'}
              onClick={() => setView(tab)}
              data-testid={`viewer-tab-${tab}`}
            >
              {tab === 'page' ? 'Page' : 'Text'}
            </button>
          ))}
        </div>
      )}
      {viewNote && (
        <p className="hint viewer__note" role="status" data-testid="viewer-note">
          {viewNote}
        </p>
      )}
      {/* Focused on open (not the "previous match" button) so arrow keys scroll it; Enter steps to the next match. */}
      <div
        ref={body}
        id={`${tabsId}-panel`}
        className={`viewer__body viewer__body--${doc?.format ?? 'loading'}`}
        tabIndex={0}
        autoFocus
        role="document"
        aria-label={doc ? `${doc.name}, document text` : 'Document'}
        data-testid="viewer-body"
      >
        {error ? (
          <p className="alert" role="alert">
            The document could not be opened: {error}
          </p>
        ) : !doc ? (
          <p className="hint">Opening the document…</p>
        ) : view === 'page' ? (
          original ? (
            <PdfPageView
              bytes={original.bytes}
              name={doc.name}
              passagePage={passagePage}
              passage={passageText}
              onFail={pageFailed}
            />
          ) : (
            <p className="hint">Opening the PDF…</p>
          )
        ) : (
          units.map((unit) => <UnitView key={unit.key} unit={unit} current={current} />)
        )}
      </div>
    </dialog>
  );
}

function UnitView({ unit, current }: { unit: Unit; current: number }) {
  // Matches are marks of their own; the passage is one mark around its pieces, so it reads (and scrolls) as one.
  const render = (piece: Piece, index: number): ReactNode => {
    const text = unit.styles?.length
      ? styled(unit.text, piece.start, piece.end, unit.styles)
      : unit.text.slice(piece.start, piece.end);
    if (piece.match < 0) return <span key={index}>{text}</span>;
    const global = unit.firstMatch + piece.match;
    return (
      <mark
        key={index}
        className={global === current ? 'viewer__match viewer__match--current' : 'viewer__match'}
        data-match={global}
      >
        {text}
      </mark>
    );
  };
  const all = pieces(0, unit.text.length, unit.passage, unit.matches);
  const content: ReactNode[] = [];
  for (let i = 0; i < all.length;) {
    if (!all[i]!.passage) {
      content.push(render(all[i]!, i));
      i++;
      continue;
    }
    const group: ReactNode[] = [];
    const first = i;
    while (i < all.length && all[i]!.passage) group.push(render(all[i]!, i++));
    content.push(
      <mark key={`p${first}`} className="viewer__passage" data-passage="">
        {group}
      </mark>,
    );
  }
  const page = unit.pageBreak !== undefined && (
    <p className="viewer__page" data-page={unit.pageBreak}>
      Page {unit.pageBreak}
    </p>
  );
  if (unit.kind === 'line') {
    return (
      <div className="viewer__line">
        <span className="viewer__line-number" aria-hidden="true">
          {unit.lineNumber}
        </span>
        <span className="viewer__line-text">{content}</span>
      </div>
    );
  }
  if (unit.kind === 'code') {
    return (
      <>
        {page}
        <pre className="viewer__code">{content}</pre>
      </>
    );
  }
  if (unit.kind === 'heading') {
    const level = Math.min(6, Math.max(1, unit.level ?? 2));
    // The dialog's title is the h2; document headings start one level below it.
    const Tag = `h${Math.min(6, level + 2)}` as 'h3';
    return (
      <>
        {page}
        <Tag className={`viewer__heading viewer__heading--${level}`}>{content}</Tag>
      </>
    );
  }
  return (
    <>
      {page}
      <p className="viewer__paragraph">{content}</p>
    </>
  );
}

const STYLE_TAGS: Record<InlineStyle, 'strong' | 'em' | 'code' | 's' | 'u'> = {
  strong: 'strong',
  em: 'em',
  code: 'code',
  strike: 's',
  link: 'u',
};

/** [start, end) of `text` with its inline styles as nested elements (text nodes only). */
function styled(text: string, start: number, end: number, spans: readonly StyledSpan[]): ReactNode {
  const cuts = styleCuts(spans, start, end);
  const out: ReactNode[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const [s, e] = [cuts[i]!, cuts[i + 1]!];
    let node: ReactNode = text.slice(s, e);
    for (const style of stylesAt(spans, s, e)) {
      const Tag = STYLE_TAGS[style];
      node = (
        <Tag
          key={`${s}-${style}`}
          className={`viewer__inline viewer__inline--${style}`}
          {...(style === 'link' ? { title: 'Link (not followed)' } : {})}
        >
          {node}
        </Tag>
      );
    }
    out.push(typeof node === 'string' ? <span key={s}>{node}</span> : node);
  }
  return out;
}

/** Cuts the document into display units with the passage and query matches placed in each. */
export function layout(doc: ViewerDocument, target: ViewerTarget): Unit[] {
  const units: Unit[] = [];
  let matchTotal = 0;
  const passage: Span = [target.start, target.end];
  const push = (unit: Omit<Unit, 'key' | 'matches' | 'firstMatch'>) => {
    const matches = findMatches(unit.text, target.query);
    units.push({ ...unit, key: units.length, matches, firstMatch: matchTotal });
    matchTotal += matches.length;
  };

  if (doc.format === 'text' || doc.format === 'code' || doc.blocks.length === 0) {
    let start = 0;
    let lineNumber = 1;
    while (start <= doc.text.length) {
      const newline = doc.text.indexOf('\n', start);
      const end = newline === -1 ? doc.text.length : newline;
      push({ kind: 'line', lineNumber, text: doc.text.slice(start, end), passage: local(passage, start, end) });
      if (newline === -1) break;
      start = newline + 1;
      lineNumber++;
    }
    return units;
  }

  let page: number | undefined;
  for (const block of doc.blocks) {
    const source = doc.text.slice(block.start, block.end);
    const inside = local(passage, block.start, block.end);
    let text = source;
    let shown = inside;
    let styles: StyledSpan[] | undefined;
    if (doc.format === 'markdown' && block.kind !== 'code') {
      const clean = cleanMarkdown(source);
      text = clean.text;
      styles = markdownStyles(source, clean);
      if (inside) {
        const moved = mapRange(clean, inside);
        shown = moved[1] > moved[0] ? moved : undefined;
      }
    }
    const pageBreak = block.page !== undefined && block.page !== page ? block.page : undefined;
    page = block.page ?? page;
    const kind = block.kind === 'heading' || block.kind === 'code' ? block.kind : 'paragraph'; // a record reads as a paragraph
    push({ kind, level: block.level, pageBreak, text, passage: shown, styles });
  }
  return units;
}

/** The part of `span` inside [start, end), in offsets relative to start; undefined when they do not meet. */
function local(span: Span, start: number, end: number): Span | undefined {
  const s = Math.max(span[0], start);
  const e = Math.min(span[1], end);
  return e > s ? [s - start, e - start] : undefined;
}

/** The first match at or after the passage, so "next" starts where the reader is looking. */
function firstMatchAfterPassage(units: Unit[]): number {
  const index = units.findIndex((unit) => unit.passage !== undefined);
  if (index < 0) return 0;
  for (let i = index; i < units.length; i++) if (units[i]!.matches.length > 0) return units[i]!.firstMatch;
  return 0;
}
