// Switching the embedding model (or its dtype) without losing semantic search: the old model and its vectors keep
// answering while the library is re-embedded with the new one, then the new vectors take over and the old ones go
// (unless the user keeps them). Which vectors serve is remembered in the store, so a restart loads them before the
// model itself, and resumes a switch that a closed tab left unfinished. Every swap runs in the work queue, so an
// ingest in progress finishes with the model it started with.
import type { EngineSettings, ModelStatus } from '../api/index.ts';
import type { Embedder } from '../embed/embedder.ts';
import { loadOptionsFor, loadWithBackend, type EmbedderLoader } from '../embed/embedder-backend.ts';
import { effectiveModelId } from '../models/effective-model.ts';
import type { ActiveModel, Serving } from '../library/active-model.ts';
import type { LibraryCatalogue } from '../library/catalogue.ts';
import type { LibraryIndexes } from '../library/library-indexes.ts';
import type { VectorSet } from '../library/vector-set.ts';
import type { WorkQueue } from '../library/work-queue.ts';
import { storedDtypeOf } from '../models/dtype-choice.ts';
import { getModelSpec } from '../models/model-registry.ts';
import type { Store } from '../store/store.ts';
import type { ModelDtype } from '../api/model-spec.ts';

/** Which model's vectors were last in use, so they load at start-up before the model itself has loaded. */
const VECTOR_SET_KEY = 'vector-set';

/** Which vectors answer searches (and which model made them), remembered so a restart loads them first. */
interface ServingVectors {
  fingerprint: string;
  dims: number;
  /** Absent in libraries from before model switching. */
  modelId?: string;
  device?: EngineSettings['device'];
}

export interface ModelSwitchParts {
  /** The content store (throws while locked). */
  store: () => Store;
  catalogue: LibraryCatalogue;
  indexes: LibraryIndexes;
  /** The model in use (built after this switch, which its hooks ask about the switch in progress). */
  model: () => ActiveModel;
  queue: WorkQueue;
  settings: () => EngineSettings;
  loadEmbedder: EmbedderLoader;
  /** Embeds what lacks vectors of the current model (the ingest pipeline's back-fill). Runs in the queue. */
  backfill: () => Promise<void>;
  /** True while the library is locked: the model loads after unlock. */
  locked: () => boolean;
}

export class ModelSwitch {
  /** During a switch: the old model and its vectors, answering semantic searches until the new set is done. */
  private previous: { embedder: Embedder; set: VectorSet } | null = null;
  /** A restart's restore of an unfinished switch; the new model waits for it, so the old vectors answer meanwhile. */
  private restoring: Promise<void> = Promise.resolve();
  /** Fingerprint of the vectors remembered as serving (read at start-up, updated as they change). */
  private servedFingerprint: string | undefined;

  constructor(private readonly parts: ModelSwitchParts) {}

  /** At start-up (or unlock): opens the vectors that served last, or restores the switch a closed tab left unfinished. */
  async start(store: Store): Promise<void> {
    const last = await store.getSetting<ServingVectors>(VECTOR_SET_KEY);
    this.servedFingerprint = last?.fingerprint;
    if (last && last.modelId && last.modelId !== effectiveModelId(this.parts.settings())) {
      // A model switch was interrupted (or made in another tab): the old vectors answer until the new ones are done.
      this.restoring = this.restorePrevious(last);
    } else if (last) {
      // In the queue: the vectors may need a rebuild, which writes pages.
      void this.parts.queue.enqueue(() => this.openVectors(last.fingerprint, last.dims)).catch(() => undefined);
    }
  }

  /** Loads the configured model (again, after a failure). Never throws: the status says what happened. */
  loadModel(): Promise<ModelStatus> {
    if (this.parts.locked()) return Promise.resolve(this.parts.model().status); // loads after unlock
    return this.parts.model().ensureLoaded();
  }

  /** The settings name another model: swap to it once the queue is free. */
  switchModel(): void {
    void this.parts.queue
      .enqueue(() => this.keepAnswering())
      .then(() => this.parts.model().ensureLoaded())
      .catch(() => undefined);
  }

  /**
   * Answers a pending dtype change. Accepting re-embeds in the background like a model switch: the stored vectors
   * (and the model running with their dtype) answer until the new ones are complete, then swap.
   */
  async confirmDtypeChange(accept: boolean): Promise<ModelStatus> {
    const model = this.parts.model();
    const to = model.answerDtypeChange(accept);
    if (to === undefined) return model.status;
    await this.parts.queue.enqueue(() => this.keepAnswering()).catch(() => undefined);
    void model.ensureLoaded();
    return model.status;
  }

  /** A freshly loaded model (before it is announced ready): opens its vectors, or takes back its own old ones. */
  async modelLoaded(embedder: Embedder, current: () => boolean): Promise<void> {
    const { catalogue, queue } = this.parts;
    await this.restoring; // a resumed switch: the old model answers before the new one starts re-embedding
    // In the queue, so no ingest batch interleaves with reading the stored vectors.
    await queue.enqueue(async () => {
      if (!current()) return;
      const previous = this.previous;
      if (previous && previous.set.fingerprint === embedder.fingerprint) {
        // Switched back before the re-embed finished: the old vectors are this model's own.
        this.previous = null;
        catalogue.useVectors(previous.set);
        await previous.embedder.dispose().catch(() => undefined);
        await this.rememberServing(embedder.fingerprint, embedder.model.dims);
      } else if (catalogue.vectors?.fingerprint !== embedder.fingerprint) {
        await this.openVectors(embedder.fingerprint, embedder.model.dims);
      }
    });
    if (current()) void queue.enqueue(() => this.backfillThenSwap()).catch(() => undefined);
  }

  /** The model and vectors that answer semantic searches: the previous ones while a switch re-embeds. */
  serving(): Serving | null {
    if (this.previous) return { ...this.previous, previous: true };
    const embedder = this.parts.model().embedder;
    const set = this.parts.catalogue.vectors;
    return embedder && set?.fingerprint === embedder.fingerprint ? { embedder, set, previous: false } : null;
  }

  /** The embedder that answers queries: the serving one, else the one loaded (its vectors not open yet). */
  answering(): Embedder | null {
    return this.serving()?.embedder ?? this.parts.model().embedder;
  }

  /** The model whose vectors answer searches (an export's vectors, and what an import must match). */
  servingModel(): { id?: string; fingerprint: string; dims: number; normalized: boolean } | null {
    const serving = this.serving();
    if (serving) {
      const { model } = serving.embedder;
      return {
        id: model.id,
        fingerprint: serving.set.fingerprint,
        dims: serving.set.dims,
        normalized: model.normalize,
      };
    }
    const set = this.parts.catalogue.vectors;
    if (set) {
      const id = effectiveModelId(this.parts.settings());
      let normalized = true; // a model unknown here (Ollama, a removed custom model): embedders normalise
      try {
        normalized = getModelSpec(id).normalize;
      } catch {}
      return { id, fingerprint: set.fingerprint, dims: set.dims, normalized };
    }
    const embedder = this.parts.model().embedder;
    if (!embedder) return null;
    const { model } = embedder;
    return { id: model.id, fingerprint: embedder.fingerprint, dims: model.dims, normalized: model.normalize };
  }

  /** The model still answering while the library is re-embedded, if a switch is in progress. */
  previousModelId(): string | undefined {
    return this.previous?.embedder.model.id;
  }

  /** Fingerprint of the vectors that answer searches now (or are remembered from the last session), if any. */
  storedFingerprint(): string | undefined {
    return this.previous?.set.fingerprint ?? this.parts.catalogue.vectors?.fingerprint ?? this.servedFingerprint;
  }

  /** After an import wrote to the store (in the queue): read the library again, then embed what lacks vectors. */
  async reloadThenBackfill(): Promise<void> {
    const { catalogue, indexes } = this.parts;
    await indexes.reload();
    this.parts.model().refresh();
    await indexes.vectorsChanged();
    if (catalogue.pendingVectors > 0)
      void this.parts.queue.enqueue(() => this.backfillThenSwap()).catch(() => undefined);
  }

  /** Drops the switch in progress, old model and vectors (the library was locked or deleted). */
  forget(): void {
    const previous = this.previous;
    this.previous = null;
    void previous?.embedder.dispose().catch(() => undefined);
  }

  /**
   * Stops using the current model (in the queue). When its vectors are the ones searched, it and they keep
   * answering semantic searches until the library is re-embedded with the next model; otherwise it goes.
   */
  private async keepAnswering(): Promise<void> {
    const old = this.parts.model().detach();
    const set = this.parts.catalogue.vectors;
    if (old && set?.fingerprint === old.fingerprint && !this.previous) this.previous = { embedder: old, set };
    else await old?.dispose().catch(() => undefined);
  }

  /** Embeds what lacks vectors of the current model; when a model switch is in progress and done, swaps. */
  private async backfillThenSwap(): Promise<void> {
    const { catalogue } = this.parts;
    const model = this.parts.model();
    await this.parts.backfill();
    const previous = this.previous;
    const embedder = model.embedder;
    const set = catalogue.vectors;
    if (!previous || !embedder || set?.fingerprint !== embedder.fingerprint || catalogue.pendingVectors > 0) return;
    // The new vectors are complete: from now on they answer, and the old ones go (unless the user keeps them).
    this.previous = null;
    await this.rememberServing(embedder.fingerprint, embedder.model.dims);
    await previous.embedder.dispose().catch(() => undefined);
    if (!this.parts.settings().keepPreviousVectors) await this.parts.store().deleteVectorSet(previous.set.fingerprint);
    model.refresh();
  }

  /** Loads the model and vectors of an unfinished switch, to answer semantic searches until the new ones are done. */
  private async restorePrevious(last: ServingVectors): Promise<void> {
    const settings = this.parts.settings();
    try {
      const embedder = await loadWithBackend(
        // The old vectors' own dtype, whatever this device would pick now.
        { ...loadOptionsFor(last.modelId!, settings, last.device ?? settings.device), ...storedDtypeOption(last) },
        this.parts.loadEmbedder,
      );
      if (embedder.fingerprint !== last.fingerprint) {
        await embedder.dispose();
        return;
      }
      await this.parts.queue.enqueue(async () => {
        const { set } = await this.parts.indexes.openSet(last.fingerprint, last.dims);
        if (this.parts.catalogue.vectors?.fingerprint === last.fingerprint || this.previous) {
          await embedder.dispose();
          return;
        }
        this.previous = { embedder, set };
        this.parts.model().refresh();
        // The new model may have finished re-embedding before the old one was back: then swap now.
        void this.parts.queue.enqueue(() => this.backfillThenSwap()).catch(() => undefined);
      });
    } catch {
      // The old model is not available (offline, not cached): keyword search, and the new vectors as they come.
    }
  }

  /** Loads (or rebuilds) the vector index of a model's vectors and makes it the one searched. Runs in the queue. */
  private async openVectors(fingerprint: string, dims: number): Promise<void> {
    if (!(await this.parts.indexes.useVectors(fingerprint, dims))) return;
    // While a switch is in progress the old set stays the one remembered: a restart resumes the switch.
    if (!this.previous) await this.rememberServing(fingerprint, dims);
    this.parts.model().refresh();
  }

  private async rememberServing(fingerprint: string, dims: number): Promise<void> {
    const settings = this.parts.settings();
    const record: ServingVectors = { fingerprint, dims, modelId: effectiveModelId(settings), device: settings.device };
    this.servedFingerprint = fingerprint;
    await this.parts.store().putSetting(VECTOR_SET_KEY, record);
  }
}

/** The dtype option that loads a model with the dtype its stored vectors were made with. */
function storedDtypeOption(last: ServingVectors): { dtype?: ModelDtype } {
  try {
    const dtype = last.modelId ? storedDtypeOf(last.fingerprint, getModelSpec(last.modelId)) : undefined;
    return dtype ? { dtype } : {};
  } catch {
    return {}; // a model no longer in the registry: its loader says so
  }
}
