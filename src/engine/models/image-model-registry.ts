// The CLIP-family image–text models Trove knows: an image tower that embeds pictures and a text tower that embeds
// queries into the same space. Kept apart from the passage models of model-registry.ts: their vectors live in their
// own index (own dimension, own fingerprint) and are never compared with passage vectors.
import { TroveError } from '../core/errors.ts';
import type { EmbedDevice, ModelDtype } from '../api/model-spec.ts';

export interface ImageModelSpec {
  /** Registry id, stored in settings. */
  id: string;
  /** Hugging Face hub repo (also the folder under the local model path). */
  repo: string;
  revision: string;
  /** Length of image_embeds and text_embeds. */
  dims: number;
  /** Side of the square the processor crops to (the vision tower's input). */
  imageSize: number;
  /** Longest query the text tower reads, in tokens (CLIP: 77). */
  maxTokens: number;
  dtype: Record<EmbedDevice, ModelDtype>;
  /** Approximate download size of both towers' ONNX files per dtype, MB. */
  sizeMB: Partial<Record<ModelDtype, number>>;
  localOnly: boolean;
  testFixture: boolean;
  license: string;
  /** Published quality, with its source. */
  quality: string;
}

/**
 * The default. Chosen over the alternatives on licence first, then size and browser support:
 * - MobileCLIP-S0/S2 (Apple, CVPR 2024) are smaller and better (S0: 11.4M + 42.4M parameters, ImageNet zero-shot
 *   67.8 %; S2: 74.4 %), but their weights are under apple-amlr, a research-only licence: not a default for an app.
 * - SigLIP base patch16-224 (Apache-2.0) is better again (ImageNet zero-shot about 76 %, Zhai et al. 2023) but about
 *   twice the download (203M parameters) and its text tower needs max_length padding to 64 tokens.
 * - CLIP ViT-B/32 (MIT) is the smallest permissively licensed pair with a maintained transformers.js export.
 */
const CLIP_VIT_B32: ImageModelSpec = {
  id: 'clip-vit-base-patch32',
  repo: 'Xenova/clip-vit-base-patch32',
  revision: 'main',
  dims: 512,
  imageSize: 224,
  maxTokens: 77,
  // As for the passage models: quantized WebGPU kernels have returned wrong vectors, so fp32 on WebGPU.
  dtype: { webgpu: 'fp32', wasm: 'q8', cpu: 'q8' },
  // text_model_quantized.onnx 64.5 MB + vision_model_quantized.onnx about 88 MB (hub file listing); fp32 about 4×.
  sizeMB: { q8: 153, fp32: 606 },
  localOnly: false,
  testFixture: false,
  license: 'MIT (OpenAI CLIP)',
  quality:
    'CLIP ViT-B/32 (Radford et al. 2021, model card): ImageNet zero-shot top-1 63.2 %. MS-COCO 5k zero-shot ' +
    "text→image R@1 30.7 / R@5 56.1, image→text R@1 51.6 (a published reproduction of the paper's Table 13 " +
    'protocol). About 88M image + 63M text parameters, 224 px input. ONNX export by Xenova.',
};

/**
 * The better alternative: the same towers' family with 16 px patches (196 per picture instead of 49), so about four
 * times the image-tower compute for a clearly better zero-shot quality, at the same download size.
 */
const CLIP_VIT_B16: ImageModelSpec = {
  id: 'clip-vit-base-patch16',
  repo: 'Xenova/clip-vit-base-patch16',
  revision: 'main',
  dims: 512,
  imageSize: 224,
  maxTokens: 77,
  dtype: { webgpu: 'fp32', wasm: 'q8', cpu: 'q8' },
  // text_model_quantized.onnx 64.5 MB + vision_model_quantized.onnx 87.5 MB (hub file listing); fp32 254 + 345 MB.
  sizeMB: { q8: 152, fp32: 599 },
  localOnly: false,
  testFixture: false,
  license: 'MIT (OpenAI CLIP)',
  quality:
    'CLIP ViT-B/16 (Radford et al. 2021): ImageNet zero-shot top-1 68.3 % (OpenCLIP benchmark of the OpenAI ' +
    'weights; B/32: 63.3 % on the same benchmark). About 86M image + 63M text parameters, 224 px input, four ' +
    'times the image compute of B/32. ONNX export by Xenova.',
};

const COLOUR_CLIP_FIXTURE: ImageModelSpec = {
  id: 'trove-colour-clip',
  repo: 'trove/colour-clip',
  revision: 'local',
  dims: 4,
  imageSize: 32,
  maxTokens: 16,
  dtype: { webgpu: 'fp32', wasm: 'fp32', cpu: 'fp32' },
  sizeMB: { fp32: 0.01 },
  localOnly: true,
  testFixture: true,
  license: 'CC0-1.0 (generated)',
  quality:
    'Test fixture (scripts/make-clip-fixture.mjs): the image tower maps a picture’s mean colour, the text tower ' +
    'colour words, to the same 4-d space. For tests and offline plumbing only.',
};

/** A second fixture (another constant fourth dimension): for tests of switching image models. */
const COLOUR_CLIP_B_FIXTURE: ImageModelSpec = {
  ...COLOUR_CLIP_FIXTURE,
  id: 'trove-colour-clip-b',
  repo: 'trove/colour-clip-b',
  quality: 'Test fixture (scripts/make-clip-fixture.mjs): trove-colour-clip with another bias, so another space.',
};

export const IMAGE_MODEL_REGISTRY: Readonly<Record<string, ImageModelSpec>> = Object.freeze({
  [CLIP_VIT_B32.id]: CLIP_VIT_B32,
  [CLIP_VIT_B16.id]: CLIP_VIT_B16,
  [COLOUR_CLIP_FIXTURE.id]: COLOUR_CLIP_FIXTURE,
  [COLOUR_CLIP_B_FIXTURE.id]: COLOUR_CLIP_B_FIXTURE,
});

export const DEFAULT_IMAGE_MODEL_ID = CLIP_VIT_B32.id;
/** The offline fixture used by tests and e2e. */
export const TEST_IMAGE_MODEL_ID = COLOUR_CLIP_FIXTURE.id;

export function listImageModels(): ImageModelSpec[] {
  return Object.values(IMAGE_MODEL_REGISTRY);
}

export function getImageModelSpec(id: string): ImageModelSpec {
  const spec = Object.hasOwn(IMAGE_MODEL_REGISTRY, id) ? IMAGE_MODEL_REGISTRY[id] : undefined;
  if (!spec) {
    const valid = Object.keys(IMAGE_MODEL_REGISTRY).join(', ');
    throw new TroveError('INVALID_ARGUMENT', `Unknown image model "${id}". Valid image models: ${valid}.`);
  }
  return spec;
}

/** Identifies a picture vector space: vectors with different fingerprints are never compared. */
export function imageModelFingerprint(spec: ImageModelSpec, dtype: ModelDtype): string {
  return `image:${spec.repo}@${spec.revision}|${dtype}|${spec.dims}`;
}
