// The embedding model in use, as the parts that ingest, search and swap models see it. services/model-lifecycle.ts
// keeps it; the others depend on this shape, not on that service, so each service stays one capability.
import type { ModelStatus } from '../api/index.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { VectorSet } from './vector-set.ts';
import type { ModelDtype } from '../api/model-spec.ts';

export interface ActiveModel {
  /** The embedder in use, or null while none is ready. */
  readonly embedder: Embedder | null;
  readonly status: ModelStatus;
  /** Resolves once a load in progress has an embedder (or failed). */
  settled(): Promise<void>;
  /** Loads the configured model (again, after a failure). Never throws: the status says what happened. */
  ensureLoaded(): Promise<ModelStatus>;
  /** Stops using the model without disposing it, and returns it. Call from the work queue. */
  detach(): Embedder | null;
  /** The model failed at run time: stop using it and say why. */
  markFailed(error: unknown): void;
  /** Re-publishes the status with a fresh pending count and switch state. */
  refresh(): void;
  /** Answers a pending dtype change; accepting returns the dtype to switch to. */
  answerDtypeChange(accept: boolean): ModelDtype | undefined;
}

/** The model and vectors that answer semantic searches: the previous ones while a model switch re-embeds. */
export interface Serving {
  embedder: Embedder;
  set: VectorSet;
  previous: boolean;
}
