// Search as you type: debounced, and only the latest query's answer is ever shown. With reranking on, the fused
// results show at once and are reordered when the cross-encoder finishes; a new query supersedes an unfinished
// rerank (the engine cancels it when the next one starts, and its late answer is ignored here).
import { useEffect, useRef, useState } from 'react';
import type { RerankResponse, SearchFilter, SearchResponse } from '../../../engine/api/index.ts';
import type { SearchMode } from '../../../engine/api/index.ts';
import { errorMessage, type Engine } from '../../client/engine-client.ts';
import { DEFAULT_TUNING, tuningOptions, type SearchTuning } from './search-tuning.ts';

const DEBOUNCE_MS = 150;
const RESULTS = 20;

export interface SearchState {
  response: SearchResponse | undefined;
  error: string | undefined;
  pending: boolean;
  /** 'running' while the cross-encoder reorders the shown results; 'done' once they are reordered. */
  rerank?: { state: 'running' } | { state: 'done'; tookMs: number; depth: number } | { state: 'failed'; error: string };
}

const IDLE: SearchState = { response: undefined, error: undefined, pending: false };

/** The response in the reranked order, each result carrying its rerank score and rank. */
export function applyRerank(response: SearchResponse, reranked: RerankResponse): SearchResponse {
  const byId = new Map(response.results.map((r) => [r.chunkId, r]));
  const results = reranked.results.flatMap((r) => {
    const result = byId.get(r.chunkId);
    return result ? [{ ...result, scores: { ...result.scores, rerank: r.rerank, rerankRank: r.rerankRank } }] : [];
  });
  return { ...response, results };
}

/**
 * `revision` changes when the library or model changes, so the current query is asked again. Answers carry a
 * request number; an answer is shown when it is the newest request's, or when it answers the same question as the
 * newest (only the revision differs) and is newer than the one shown: at start-up the model's loading states each
 * ask again, and the first answer shows while the later ones run instead of being thrown away.
 */
export function useSearch(
  engine: Engine | undefined,
  query: string,
  mode: SearchMode,
  revision: unknown,
  documentIds: readonly number[] = [],
  tuning: SearchTuning = DEFAULT_TUNING,
  filter?: SearchFilter,
): SearchState {
  // Compared by value: a new object with the same filters must not search again.
  const searchKey = JSON.stringify(filter ?? null);
  const latest = useRef(0);
  const shown = useRef(0);
  /** The newest request's question, without the revision. */
  const question = useRef('');
  const lastQuery = useRef('');
  const filterKey = documentIds.join(',');
  const tuningKey = JSON.stringify(tuning);

  // A new request makes the shown answer stale (pending) or, with nothing to ask, empty. Set while rendering, so
  // no frame shows the new request with the old answer as if current.
  const request: AnswerInputs = { engine, query, mode, revision, filterKey, tuningKey, searchKey };
  const idle = !engine || query.trim() === '';
  const [asked, setAsked] = useState(request);
  const [state, setState] = useState<SearchState>(idle ? IDLE : { ...IDLE, pending: true });
  if (!sameRequest(asked, request)) {
    setAsked(request);
    setState(idle ? IDLE : (previous) => ({ ...previous, pending: true }));
  }

  useEffect(() => {
    const text = query.trim();
    const id = ++latest.current;
    const asked = JSON.stringify([query.trim(), mode, filterKey, tuningKey, searchKey]);
    question.current = asked;
    const current = JSON.parse(tuningKey) as SearchTuning;
    if (!engine || text === '') {
      lastQuery.current = text;
      return;
    }
    // Typing waits for a pause; a mode switch or library change answers at once.
    const delay = text === lastQuery.current ? 0 : DEBOUNCE_MS;
    lastQuery.current = text;
    const timer = setTimeout(() => {
      // The URL's documents (a map selection or a link) narrow the filter chips' documents.
      const chips = searchKey === 'null' ? undefined : (JSON.parse(searchKey) as SearchFilter);
      const ids = filterKey ? filterKey.split(',').map(Number) : undefined;
      const combined: SearchFilter | undefined = ids ? { ...chips, documentIds: ids } : chips;
      engine
        .search(text, { mode, k: RESULTS, ...tuningOptions(current), ...(combined ? { filter: combined } : {}) })
        .then(
          (response) => {
            const newest = id === latest.current;
            if (
              !showsAnswer({ id, asked }, { newest: latest.current, shown: shown.current, question: question.current })
            )
              return;
            shown.current = id;
            // Reranking belongs to the newest request: an earlier answer shown meanwhile keeps its fused order.
            const rerank = newest && current.rerank && response.results.length > 1;
            setState({
              response,
              error: undefined,
              pending: !newest,
              rerank: rerank ? { state: 'running' } : undefined,
            });
            if (!rerank) return;
            engine
              .rerank(
                text,
                response.results.map((r) => r.chunkId),
              )
              .then(
                (reranked) => {
                  if (id !== latest.current || !reranked) return; // superseded
                  setState({
                    response: applyRerank(response, reranked),
                    error: undefined,
                    pending: false,
                    rerank: { state: 'done', tookMs: reranked.tookMs, depth: reranked.depth },
                  });
                },
                (reason: unknown) => {
                  if (id === latest.current)
                    setState((s) => ({ ...s, rerank: { state: 'failed', error: errorMessage(reason) } }));
                },
              );
          },
          (reason: unknown) => {
            if (id === latest.current) setState({ response: undefined, error: errorMessage(reason), pending: false });
          },
        );
    }, delay);
    return () => clearTimeout(timer);
  }, [engine, query, mode, revision, filterKey, tuningKey, searchKey]);

  return state;
}

/**
 * Whether an answer to request `answer.id` (asking `answer.asked`) replaces what is shown: the newest request's
 * answer always does; an earlier one only when it asks the newest question and is newer than the one shown.
 */
export function showsAnswer(
  answer: { id: number; asked: string },
  now: { newest: number; shown: number; question: string },
): boolean {
  if (answer.id === now.newest) return true;
  return answer.id > now.shown && answer.asked === now.question;
}

/** Everything an answer depends on: a change asks again. */
interface AnswerInputs {
  engine: Engine | undefined;
  query: string;
  mode: SearchMode;
  revision: unknown;
  filterKey: string;
  tuningKey: string;
  searchKey: string;
}

function sameRequest(a: AnswerInputs, b: AnswerInputs): boolean {
  return (Object.keys(a) as Array<keyof AnswerInputs>).every((key) => Object.is(a[key], b[key]));
}
