// Which image model's picture space answers queries, remembered in the store. When another image model is chosen
// its space fills while this one keeps answering; once every picture is described in the new space it becomes the
// served one and the other spaces go. A restart in between reads this to load the old model again meanwhile.
import { IMAGE_MODEL_REGISTRY } from '../models/image-model-registry.ts';
import type { Store } from '../store/store.ts';
import type { WorkQueue } from './work-queue.ts';

const SERVED_SPACE_KEY = 'picture-space';

export interface ServedPictureSpace {
  modelId: string;
  fingerprint: string;
}

/** The served space as stored, checked field by field (undefined when absent, unknown or malformed). */
export async function readServedSpace(store: Store): Promise<ServedPictureSpace | undefined> {
  const value: unknown = await store.getSetting(SERVED_SPACE_KEY);
  if (typeof value !== 'object' || value === null) return undefined;
  const { modelId, fingerprint } = value as Record<string, unknown>;
  if (typeof modelId !== 'string' || !Object.hasOwn(IMAGE_MODEL_REGISTRY, modelId)) return undefined;
  if (typeof fingerprint !== 'string' || fingerprint.length === 0 || fingerprint.length > 500) return undefined;
  return { modelId, fingerprint };
}

/**
 * Every picture is described in `space`: it becomes the served one, and the pictures of every other space are
 * deleted (in the work queue, like every write). Answers how many were deleted.
 */
export async function serveSpace(store: () => Store, queue: WorkQueue, space: ServedPictureSpace): Promise<number> {
  const served = await readServedSpace(store());
  if (served?.fingerprint !== space.fingerprint || served.modelId !== space.modelId) {
    await queue.enqueue(() => store().putSetting(SERVED_SPACE_KEY, { ...space }));
  }
  let removed = 0;
  for (const fingerprint of await store().pictureFingerprints()) {
    if (fingerprint !== space.fingerprint) removed += await queue.enqueue(() => store().deletePicturesOf(fingerprint));
  }
  return removed;
}
