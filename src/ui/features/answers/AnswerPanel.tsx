// The Answer panel: off until the user turns it on (remembered). On, it asks a question of the library and answers
// from the top passages with a local language model, in a thread kept in memory unless saved: numbered citations open
// their passage, uncited sentences are marked, and when the documents do not hold an answer it says so and shows
// the closest passages. The system prompt the model is given is one click away.
import { useEffect, useId, useState, type FormEvent } from 'react';
import type { SearchOptions, SearchResult } from '../../../engine/api/index.ts';
import { OLLAMA_GENERATOR_ID, SYSTEM_PROMPT, listRerankers } from '../../../engine/public.ts';
import { useEngine } from '../../client/engine-context.ts';
import { formatBytes } from '../../components/format.ts';
import { stopGenerator } from '../../client/generator-client.ts';
import { AnswerTurnView } from './AnswerTurnView.tsx';
import { GeneratorBar } from './GeneratorBar.tsx';
import { SavedThreadsView } from './SavedThreadsView.tsx';
import { hasAnsweredTurn } from './saved-thread-turns.ts';
import {
  loadAnswersPreference,
  saveAnswersPreference,
  type AnswersPreference,
} from '../../client/answers-preference.ts';
import {
  answersFromOllama,
  generatorChoice,
  offeredGenerators,
  ollamaAnswerOrigin,
} from '../../client/generator-choice.ts';
import { OllamaAnswerModel } from './OllamaAnswerModel.tsx';
import { useAnswerThread } from './useAnswerThread.ts';
import { useGenerator } from './useGenerator.ts';
import { useSavedThreads } from './useSavedThreads.ts';
import './answers.css';

interface Props {
  /** The page's current search mode, filters and fusion: answers retrieve as the results do. */
  searchOptions: SearchOptions;
  rerank: boolean;
  /** Opens a passage in the document viewer, with the searched words marked. */
  onOpen: (result: SearchResult, query: string) => void;
}

export function AnswerPanel({ searchOptions, rerank, onOpen }: Props) {
  const { engine, settings, saveSettings } = useEngine();
  const id = useId();
  const [preference, setPreference] = useState<AnswersPreference>(() => loadAnswersPreference());
  const spec = generatorChoice(preference.generatorId);
  // Offered only by a build whose CSP allows the server; nothing is sent to it unless it is chosen here.
  const ollamaOrigin = ollamaAnswerOrigin();
  const ollama = answersFromOllama(preference.generatorId, ollamaOrigin);
  const generatorId = ollama ? OLLAMA_GENERATOR_ID : spec.id;
  const generator = useGenerator(preference.enabled, generatorId, settings, ollama ? ollamaOrigin : undefined);
  const thread = useAnswerThread();
  const saved = useSavedThreads(engine, thread);
  const [question, setQuestion] = useState('');
  // The panel goes when the library is locked or emptied: the model and the thread's cache go with it.
  useEffect(() => stopGenerator, []);

  const toggle = (enabled: boolean) => {
    const next = { ...preference, enabled };
    setPreference(next);
    saveAnswersPreference(next);
    if (!enabled) {
      thread.clear();
      stopGenerator(); // frees the model's memory; turning answers on again loads it from the cache
    }
  };

  const choose = (generatorId: string) => {
    const next = { ...preference, generatorId };
    setPreference(next);
    saveAnswersPreference(next);
    thread.clear(); // the next answer comes from another model: a thread does not span two
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = question.trim();
    if (!text || !engine || generator.view.state !== 'ready') return;
    setQuestion('');
    const minRerankScore = listRerankers().find((r) => r.id === settings?.rerankerId)?.answerThreshold;
    void thread.ask(text, { engine, searchOptions, rerank, minRerankScore });
  };

  const ready = generator.view.state === 'ready';
  // A self-hosting build serves its models itself: loading one fetches from this site only.
  const downloadsAllowed = !!settings?.allowRemoteModels || spec.localOnly || settings?.modelHost === 'self';
  const lastId = thread.turns.at(-1)?.id;
  return (
    <section className="answers" aria-labelledby={`${id}-title`} data-testid="answers-panel">
      <div className="answers__head">
        <h2 id={`${id}-title`} className="answers__title">
          Answers
        </h2>
        <label className="answers__toggle">
          <input
            type="checkbox"
            checked={preference.enabled}
            onChange={(event) => toggle(event.target.checked)}
            data-testid="answers-toggle"
          />{' '}
          Answer questions from my documents with a local model
        </label>
      </div>
      {preference.enabled && (
        <>
          <label className="answers__choice">
            Answer model{' '}
            <select value={generatorId} onChange={(event) => choose(event.target.value)} data-testid="answers-model">
              {offeredGenerators().map((offered) => (
                <option key={offered.id} value={offered.id}>
                  {offered.label} ({formatBytes(offered.sizeBytes[offered.dtype.wasm] ?? 0)})
                </option>
              ))}
              {ollamaOrigin && <option value={OLLAMA_GENERATOR_ID}>Ollama (your server)</option>}
            </select>
          </label>
          {ollama && ollamaOrigin && settings && (
            <OllamaAnswerModel
              key={`${settings.ollamaChatModel}|${settings.ollamaChatPromptTokens}`}
              origin={ollamaOrigin}
              model={settings.ollamaChatModel}
              promptTokens={settings.ollamaChatPromptTokens}
              onSave={saveSettings}
            />
          )}
          <GeneratorBar
            view={generator.view}
            label={ollama ? `${settings?.ollamaChatModel ?? ''} on Ollama` : spec.label}
            sizeBytes={ollama ? undefined : spec.sizeBytes[spec.dtype.wasm]}
            downloadsAllowed={downloadsAllowed}
            server={ollama ? ollamaOrigin : undefined}
            onLoad={() => void generator.load()}
            onRetry={generator.retry}
            onCancel={generator.cancelLoad}
          />
          <details className="answers__prompt" data-testid="answers-system-prompt">
            <summary>What the model is told</summary>
            <pre className="answers__prompt-text">{SYSTEM_PROMPT}</pre>
            <p className="hint">
              Then the numbered passages found for your question, the earlier questions and answers of this thread, and
              your question.{' '}
              {ollama
                ? `They go to your Ollama server at ${ollamaOrigin} and nowhere else`
                : 'Nothing leaves this browser'}
              ; the thread is forgotten when you close the page unless you save it.
            </p>
          </details>
          {thread.turns.length > 0 && (
            <ol className="answers__thread" data-testid="answers-thread">
              {thread.turns.map((turn) => (
                <AnswerTurnView
                  key={turn.id}
                  turn={turn}
                  live={turn.id === lastId}
                  onOpen={(passage) =>
                    passage.gone ? saved.passageGone(passage) : onOpen(passage.result, turn.retrievalQuery)
                  }
                  onCancel={thread.cancel}
                />
              ))}
            </ol>
          )}
          <form className="answers__ask" onSubmit={submit}>
            <label htmlFor={`${id}-question`} className="visually-hidden">
              {thread.turns.length > 0 ? 'Ask a follow-up question' : 'Ask a question about your documents'}
            </label>
            <input
              id={`${id}-question`}
              type="text"
              className="answers__input"
              value={question}
              onChange={(event) => setQuestion(event.target.value)}
              onKeyDown={(event) => {
                // Escape stops the answer being written, as the Cancel button does.
                if (event.key === 'Escape' && thread.busy) {
                  event.preventDefault();
                  thread.cancel();
                }
              }}
              placeholder={thread.turns.length > 0 ? 'Ask a follow-up…' : 'Ask a question about your documents…'}
              autoComplete="off"
              data-testid="answers-question"
            />
            <button
              type="submit"
              className="button button--primary"
              disabled={!ready || !engine || question.trim() === ''}
              data-testid="answers-ask"
            >
              Ask
            </button>
            {thread.turns.length > 0 && !thread.busy && (
              <button type="button" className="button button--quiet" onClick={thread.clear} data-testid="answers-clear">
                New thread
              </button>
            )}
          </form>
          <SavedThreadsView saved={saved} canSave={hasAnsweredTurn(thread.turns) && !thread.busy} busy={thread.busy} />
        </>
      )}
    </section>
  );
}
