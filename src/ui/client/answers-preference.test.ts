import { describe, expect, it } from 'vitest';
import {
  ANSWERS_OFF,
  loadAnswersPreference,
  parseAnswersPreference,
  saveAnswersPreference,
} from './answers-preference.ts';

describe('answers preference', () => {
  it('is off for a first visit and for anything malformed', () => {
    expect(parseAnswersPreference(null)).toEqual(ANSWERS_OFF);
    expect(parseAnswersPreference('not json')).toEqual(ANSWERS_OFF);
    expect(parseAnswersPreference('"yes"')).toEqual(ANSWERS_OFF);
    expect(parseAnswersPreference('{"enabled":"true"}')).toEqual(ANSWERS_OFF);
  });

  it('keeps a generator id only when it looks like one', () => {
    expect(parseAnswersPreference('{"enabled":true,"generatorId":"trove/scripted-chat"}')).toEqual({
      enabled: true,
      generatorId: 'trove/scripted-chat',
    });
    expect(parseAnswersPreference('{"enabled":true,"generatorId":"<img src=x>"}')).toEqual({ enabled: true });
    expect(parseAnswersPreference('{"enabled":true,"generatorId":42}')).toEqual({ enabled: true });
  });

  it('round-trips through storage, and a storage that throws reads as off', () => {
    const map = new Map<string, string>();
    const storage = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
    };
    saveAnswersPreference({ enabled: true, generatorId: 'qwen' }, storage);
    expect(loadAnswersPreference(storage)).toEqual({ enabled: true, generatorId: 'qwen' });
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
    };
    expect(loadAnswersPreference(broken)).toEqual(ANSWERS_OFF);
  });
});
