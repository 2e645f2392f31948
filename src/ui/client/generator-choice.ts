// Which answer generator the page uses: the one the user chose (Models), else the build's: the scripted test
// fixture in local test builds (VITE_TROVE_MODEL=local, never fetched from anywhere), the registry default otherwise.
// A build that allows a local Ollama server (VITE_TROVE_OLLAMA_ORIGIN, in its CSP) also offers that server's model.
import type { GeneratorSpec } from '../../engine/api/index.ts';
import { DEFAULT_GENERATOR_ID, OLLAMA_GENERATOR_ID, TEST_GENERATOR_ID, listGenerators } from '../../engine/public.ts';

export function buildGeneratorId(
  buildModel: string | undefined = import.meta.env.VITE_TROVE_MODEL as string | undefined,
): string {
  return buildModel === 'local' ? TEST_GENERATOR_ID : DEFAULT_GENERATOR_ID;
}

/** The generators a user is offered: test fixtures only in the build that uses one. */
export function offeredGenerators(buildId: string = buildGeneratorId()): GeneratorSpec[] {
  return listGenerators().filter((spec) => !spec.testFixture || spec.id === buildId);
}

export function generatorChoice(preferred: string | undefined, buildId: string = buildGeneratorId()): GeneratorSpec {
  const offered = offeredGenerators(buildId);
  return offered.find((spec) => spec.id === preferred) ?? offered.find((spec) => spec.id === buildId) ?? offered[0];
}

/** The Ollama server this build lets the page reach (its CSP allows exactly this origin), if any. */
export function ollamaAnswerOrigin(
  buildOrigin: string | undefined = import.meta.env.VITE_TROVE_OLLAMA_ORIGIN as string | undefined,
): string | undefined {
  if (!buildOrigin?.trim()) return undefined;
  try {
    return new URL(buildOrigin.trim()).origin;
  } catch {
    return undefined;
  }
}

/** Whether answers come from the Ollama server: chosen, and allowed by this build (else the choice falls back). */
export function answersFromOllama(preferred: string | undefined, origin: string | undefined = ollamaAnswerOrigin()) {
  return preferred === OLLAMA_GENERATOR_ID && origin !== undefined;
}
