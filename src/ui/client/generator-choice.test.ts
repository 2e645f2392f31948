import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATOR_ID, OLLAMA_GENERATOR_ID, TEST_GENERATOR_ID } from '../../engine/public.ts';
import { answersFromOllama, generatorChoice, offeredGenerators, ollamaAnswerOrigin } from './generator-choice.ts';

describe('generator choice', () => {
  it('uses the scripted fixture in local test builds and the registry default elsewhere', () => {
    expect(generatorChoice(undefined, TEST_GENERATOR_ID).id).toBe(TEST_GENERATOR_ID);
    expect(generatorChoice(undefined, DEFAULT_GENERATOR_ID).id).toBe(DEFAULT_GENERATOR_ID);
  });

  it('never offers the test fixture to a production build, even when a stored choice names it', () => {
    expect(offeredGenerators(DEFAULT_GENERATOR_ID).some((spec) => spec.testFixture)).toBe(false);
    expect(generatorChoice(TEST_GENERATOR_ID, DEFAULT_GENERATOR_ID).id).toBe(DEFAULT_GENERATOR_ID);
    expect(generatorChoice('no-such-model', DEFAULT_GENERATOR_ID).id).toBe(DEFAULT_GENERATOR_ID);
  });

  it('follows the stored choice when it is offered', () => {
    expect(generatorChoice('smollm2-360m-instruct', DEFAULT_GENERATOR_ID).id).toBe('smollm2-360m-instruct');
  });
});

describe('the Ollama answer choice', () => {
  it('is offered only by a build that allows an Ollama server, and a stored choice falls back elsewhere', () => {
    expect(ollamaAnswerOrigin(undefined)).toBeUndefined();
    expect(ollamaAnswerOrigin('')).toBeUndefined();
    expect(ollamaAnswerOrigin('http://localhost:11434/')).toBe('http://localhost:11434');
    expect(answersFromOllama(OLLAMA_GENERATOR_ID, 'http://localhost:11434')).toBe(true);
    expect(answersFromOllama(OLLAMA_GENERATOR_ID, undefined)).toBe(false);
    expect(answersFromOllama(DEFAULT_GENERATOR_ID, 'http://localhost:11434')).toBe(false);
    // The registry choice ignores the Ollama id: a build without the server answers with its default model.
    expect(generatorChoice(OLLAMA_GENERATOR_ID, DEFAULT_GENERATOR_ID).id).toBe(DEFAULT_GENERATOR_ID);
  });
});
