// Redaction misses common real-document spellings: PII as it appears in real documents (IDN and Unicode addresses,
// fullwidth and invisible characters, numbers wrapped across lines, other separators) must be removed whole, and
// the look-alikes around it (numbers, dates, versions, prices) must stay.
import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.ts';

const redactor = new Redactor();

// [what, text before, the PII as spelled, placeholder, text after]
const SPELLINGS: ReadonlyArray<readonly [string, string, string, string, string]> = [
  ['IDN domain', 'Write to ', 'info@bücher.de', '[EMAIL]', ' today.'],
  ['punycode domain', 'Write to ', 'info@xn--bcher-kva.de', '[EMAIL]', '.'],
  ['fullwidth at sign', 'Mail: ', 'info＠example.com', '[EMAIL]', ''],
  ['Unicode local part', 'Contact ', 'josé.garcía@example.es', '[EMAIL]', ' for details.'],
  ['soft hyphen inside', 'Mail ', 'jo\u00adhn.doe@exam\u00adple.com', '[EMAIL]', ' now.'],
  ['zero-width space inside', 'Mail ', 'john\u200b.doe@example\u200b.com', '[EMAIL]', ' now.'],
  ['line break after @', 'Mail ', 'john.doe@\nexample.com', '[EMAIL]', ' now.'],
  ['card split by a line break', 'Card ', '4111 1111\n1111 1111', '[CARD]', ' on file.'],
  ['IBAN split by a line break', 'IBAN ', 'DE89 3704 0044\n0532 0130 00', '[IBAN]', ' (main).'],
  ['phone after a label, no groups', 'mobile: ', '4155552671', '[PHONE]', ''],
  ['phone with an area-code slash', 'Tel. ', '030/12345678', '[PHONE]', ' (office)'],
  ['phone with en dashes', 'Call ', '415\u2013555\u20132671', '[PHONE]', ' today.'],
  ['phone in fullwidth digits', 'Call ', '４１５-５５５-２６７１', '[PHONE]', '.'],
  ['card with dots', 'Card ', '4111.1111.1111.1111', '[CARD]', ' expires soon.'],
  ['card with double spaces', 'Card ', '4111  1111  1111  1111', '[CARD]', ' expires soon.'],
  ['lower-case IBAN', 'IBAN ', 'de89 3704 0044 0532 0130 00', '[IBAN]', '.'],
  ['dashed IBAN', 'IBAN ', 'DE89-3704-0044-0532-0130-00', '[IBAN]', '.'],
  ['compact lower-case IBAN', 'IBAN ', 'gb29nwbk60161331926819', '[IBAN]', '.'],
];

// Text that looks like PII to a careless pattern and must be kept as it is.
const NEAR_MISSES: readonly string[] = [
  'Version 1.2.3 and v2.10.4 were released on 2024-01-15.',
  'Dates: 15.01.2024, 15/01/2024, 2023/2024 and 1999\u20132004.',
  'Price: $1,234.56 or € 12.99, down from 1 299,00 EUR.',
  'The town has 1 234 567 inhabitants and 42 bakeries.',
  'Order 4155552671 ships on Monday.',
  'Card-like but failing Luhn: 4111.1111.1111.1112.',
  'IBAN-like but failing mod-97: de89370400440532013001 and DE89-3704-0044-0532-0130-01.',
  'Years\n2019\n2020\n2021\n2022',
  'A column of numbers that would pass Luhn together\n4111\n1111\n1111\n1111',
  'ISBN 978-3-16-148410-0, pages 120\u2013135, room 3/12, at 10:30.',
  'Serial 12345678 and 030/12/2024 as a date.',
  'A user@localhost is not an address, nor is user@ or @example.com.',
  'Step 2 of 3: mix 250 g flour with 175 ml water.',
];

describe('Redaction misses common real-document spellings', () => {
  it.each(SPELLINGS)('removes a %s whole', (_what, before, pii, placeholder, after) => {
    const { text, items } = redactor.redactText(before + pii + after);
    expect(text).toBe(before + placeholder + after);
    expect(items).toHaveLength(1);
  });

  it('removes them all from one document, each exactly', () => {
    const text = SPELLINGS.map(([, before, pii, , after]) => before + pii + after).join('\n\n');
    const expected = SPELLINGS.map(([, before, , placeholder, after]) => before + placeholder + after).join('\n\n');
    expect(redactor.redactText(text).text).toBe(expected);
  });

  it.each(NEAR_MISSES)('keeps a near-miss: %s', (text) => {
    expect(redactor.redactText(text).text).toBe(text);
  });
});
