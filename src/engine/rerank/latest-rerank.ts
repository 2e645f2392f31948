// One rerank at a time per search box: starting a new one cancels the unfinished one (between batches), whose
// caller gets undefined and keeps showing the fused order.
import { isAbort } from '../core/errors.ts';
import { rerank, type Reranked, type Reranker } from './reranker.ts';

export class LatestRerank {
  private current?: AbortController;

  constructor(private readonly reranker: Reranker) {}

  /** Reranked candidates, or undefined when a newer run (or cancel()) superseded this one. */
  async run<T>(
    query: string,
    candidates: readonly T[],
    textOf: (c: T) => string,
    batchSize?: number,
  ): Promise<Reranked<T>[] | undefined> {
    this.current?.abort();
    const controller = new AbortController();
    this.current = controller;
    try {
      return await rerank(this.reranker, query, candidates, textOf, { signal: controller.signal, batchSize });
    } catch (error) {
      if (isAbort(error) && controller.signal.aborted) return undefined;
      throw error;
    } finally {
      if (this.current === controller) this.current = undefined;
    }
  }

  cancel(): void {
    this.current?.abort();
    this.current = undefined;
  }
}
