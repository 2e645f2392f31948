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
 * Every picture that could be described in `space` is: it becomes the served one, and the other spaces' copies of
 * those pictures are deleted (a picture the new model could not describe again keeps its old row, so its thumbnail
 * stays). In the work queue, like every write; `wanted` is asked again there, so a model chosen meanwhile (here or
 * in another tab) is never undone by an older switch finishing. Answers how many rows were deleted.
 */
export async function serveSpace(
  store: () => Store,
  queue: WorkQueue,
  space: ServedPictureSpace,
  wanted: () => boolean,
): Promise<number> {
  return queue.enqueue(async () => {
    if (!wanted()) return 0;
    const served = await readServedSpace(store());
    if (served?.fingerprint !== space.fingerprint || served.modelId !== space.modelId) {
      await store().putSetting(SERVED_SPACE_KEY, { ...space });
    }
    let removed = 0;
    for (const fingerprint of await store().pictureFingerprints()) {
      if (fingerprint !== space.fingerprint && wanted()) {
        removed += await store().deletePicturesOf(fingerprint, space.fingerprint);
      }
    }
    return removed;
  });
}
