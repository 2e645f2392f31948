// Imported first by the soak worker: records when the worker's script began to evaluate (after it was fetched and
// parsed, before the engine's and transformers.js's modules ran), as an absolute time.
export const evaluationStartedAt = performance.timeOrigin + performance.now();
export const workerCreatedAt = performance.timeOrigin;
