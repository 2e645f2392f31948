// The few engine values the page needs at run time (registries, limits, validators shared with the engine so the
// UI and the worker agree). Everything else the UI uses is a type from ./api/, and every call goes to the worker.
export { ERROR_CODES } from './core/errors.ts';
export { SETTING_LIMITS } from './core/limits.ts';
export { EXTENSION_FORMAT, SUPPORTED_EXTENSIONS } from './ingest/parsers/extensions.ts';
export { markdownBlocks } from './ingest/parsers/markdown.ts';
export { project } from './map/project.ts';
export { effectiveModelId } from './models/effective-model.ts';
export { DEFAULT_MODEL_HOST, modelHostConnectSources, modelHostLabel, parseModelHost } from './models/model-host.ts';
export { offeredDtypes } from './models/dtype-choice.ts';
export { DEFAULT_MODEL_ID, listModels } from './models/model-registry.ts';
export { DEFAULT_RERANKER_ID, listRerankers } from './models/reranker-registry.ts';
export { DEFAULT_IMAGE_MODEL_ID, listImageModels } from './models/image-model-registry.ts';
export {
  DEFAULT_GENERATOR_ID,
  TEST_GENERATOR_ID,
  generatorDownloadBytes,
  listGenerators,
} from './models/generator-registry.ts';
export { checkCitations } from './answers/citations.ts';
export { decideGrounding } from './answers/grounding.ts';
export { SYSTEM_PROMPT, buildAnswerPrompt } from './answers/prompt.ts';
export { standaloneQuery } from './answers/standalone-query.ts';
export { OLLAMA_GENERATOR_ID } from './answers/ollama-generator.ts';
export { customDetector } from './privacy/detect/custom.ts';
export { BUILTIN_PII_TYPES } from './privacy/pii.ts';
export { isEncryptedFile } from './privacy/encrypted-file.ts';
