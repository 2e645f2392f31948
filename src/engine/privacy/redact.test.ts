import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TroveError } from '../core/errors.ts';
import { blockProblems } from '../testing/ingest-test-utils.ts';
import type { ParsedDocument } from '../core/types.ts';
import { backtrackingRisk } from './detect/custom.ts';
import { isCardNumber, luhnValid } from './detect/card.ts';
import { isValidIban } from './detect/iban.ts';
import { isIPv4, isIPv6 } from './detect/ip.ts';
import { Redactor, redactDocument, redactText } from './redact.ts';
import type { BuiltinPiiType } from '../api/redaction.ts';

/** Redacts with one detector only, so each case tests that detector alone. */
const only = (type: BuiltinPiiType, text: string) => redactText(text, { types: [type] }).text;

function expectRedacted(type: BuiltinPiiType, placeholder: string, positives: string[], negatives: string[]) {
  for (const value of positives) {
    expect(only(type, `before ${value} after`), value).toBe(`before ${placeholder} after`);
  }
  for (const value of negatives) {
    expect(only(type, `before ${value} after`), value).toBe(`before ${value} after`);
  }
}

describe('email detector', () => {
  it('finds addresses and leaves look-alikes', () => {
    expectRedacted(
      'email',
      '[EMAIL]',
      ['alice@example.com', 'john.doe+tag@mail.co.uk', 'x_y%z@sub-domain.example.org', 'A1@B2.io'],
      [
        '@example.com',
        'alice@localhost',
        'a..b@example.com',
        'user@-bad.com',
        'name@site.c',
        '.dot@example.com',
        'a@b',
      ],
    );
  });

  it('keeps the full stop that ends a sentence', () => {
    expect(only('email', 'Write to alice@example.com.')).toBe('Write to [EMAIL].');
  });
});

describe('phone detector', () => {
  it('finds E.164, international and national groupings', () => {
    expectRedacted(
      'phone',
      '[PHONE]',
      [
        '+14155552671',
        '+1 (415) 555-2671',
        '+44 20 7946 0958',
        '+33 6 12 34 56 78',
        '+49 30 1234567',
        '(415) 555-2671',
        '(020) 7946 0958',
        '415-555-2671',
        '415.555.2671',
        '020 7946 0958',
        '06 12 34 56 78',
      ],
      [],
    );
  });

  it('does not take dates, years, versions, decimals, counts or catalogue numbers for phones', () => {
    expectRedacted(
      'phone',
      '[PHONE]',
      [],
      [
        '2024-01-15',
        '15.01.2024',
        '01/15/2024',
        '2024-01-15 10:30',
        '12.31.1999',
        '1999-2004',
        'v10.4.1',
        '1.2.3.4',
        '3.14159265',
        '1 234 567',
        '1.234.567',
        'ISBN 978-3-16-148410-0',
        'order #2024-556677',
        'Order No. 555-1234',
        '4155552671',
        '555-1234abc',
        '+123',
        '12:30:45',
      ],
    );
  });

  it('reads a thousands-like grouping as a phone only after a phone word', () => {
    expect(only('phone', 'Tel: 612 345 678')).toBe('Tel: [PHONE]');
    expect(only('phone', 'we sold 612 345 678 units')).toBe('we sold 612 345 678 units');
  });
});

describe('card detector', () => {
  it('finds Luhn-valid numbers of known issuers, grouped or not', () => {
    expectRedacted(
      'card',
      '[CARD]',
      [
        '4111 1111 1111 1111',
        '4111-1111-1111-1111',
        '4111111111111111',
        '5500 0000 0000 0004',
        '3782 822463 10005',
        '6011 1111 1111 1117',
        '4222222222222',
      ],
      [
        '4111 1111 1111 1112', // checksum fails
        '5500 0000 0000 0005',
        '1000 0000 0000 0009', // Luhn-valid order number: no issuer starts with 1
        '0000 0000 0000 0000',
        '4111 1111-1111 1111', // mixed separators
        '4111 1111 111',
        '41111111111111111111', // 20 digits
        '4111111111111111x',
      ],
    );
  });

  it('finds a card after another number and before a trailing one', () => {
    expect(only('card', 'Qty 12 4111 1111 1111 1111')).toBe('Qty 12 [CARD]');
    expect(only('card', 'x 4111 1111 1111 1111 123 y')).toBe('x [CARD] 123 y');
    expect(only('card', 'x 4111 1111 1111 1111 42 y')).toBe('x [CARD] 42 y');
  });

  it('checks Luhn and issuer lengths', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(isCardNumber('378282246310005')).toBe(true);
    expect(isCardNumber('3782822463100050')).toBe(false); // Amex is 15 digits
  });
});

describe('IBAN detector', () => {
  it('finds mod-97-valid IBANs with or without spaces', () => {
    expectRedacted(
      'iban',
      '[IBAN]',
      [
        'DE89 3704 0044 0532 0130 00',
        'DE89370400440532013000',
        'GB82WEST12345698765432',
        'FR14 2004 1010 0505 0001 3M02 606',
        'NL91ABNA0417164300',
        'NO9386011117947',
        'de89370400440532013000', // typed in lower case: still an IBAN (banks accept it)
      ],
      [
        'DE89 3704 0044 0532 0130 01', // checksum fails
        'GB82WEST1234569876543', // one character short
        'DE89370400440532013000X',
        'XX89370400440532013000', // no such country
        'de89370400440532013001', // lower case, checksum fails
      ],
    );
  });

  it('stops at the country length when words follow', () => {
    expect(only('iban', 'DE89 3704 0044 0532 0130 00 is mine')).toBe('[IBAN] is mine');
  });

  it('validates the check digits range', () => {
    expect(isValidIban('GB82WEST12345698765432')).toBe(true);
    expect(isValidIban('GB00WEST12345698765432')).toBe(false);
  });
});

describe('SSN detector', () => {
  it('finds grouped SSNs and refuses numbers never issued', () => {
    expectRedacted(
      'ssn',
      '[SSN]',
      ['123-45-6789', '123 45 6789', '899-99-9999'],
      [
        '000-12-3456',
        '666-12-3456',
        '912-34-5678',
        '123-00-4567',
        '123-45-0000',
        '078-05-1120',
        '123-45 6789',
        '123456789',
        '1234-56-7890',
      ],
    );
  });

  it('takes nine bare digits only after an SSN cue', () => {
    expect(only('ssn', 'SSN: 219451234')).toBe('SSN: [SSN]');
    expect(only('ssn', 'social security number 219451234')).toBe('social security number [SSN]');
    expect(only('ssn', 'tracking 219451234')).toBe('tracking 219451234');
  });
});

describe('IP detector', () => {
  it('finds IPv4 and IPv6 addresses', () => {
    expectRedacted(
      'ip',
      '[IP]',
      [
        '192.168.1.20',
        '8.8.8.8',
        '255.255.255.255',
        '2001:db8::8a2e:370:7334',
        '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
        'fe80::1',
        '::1',
        '::ffff:192.0.2.1',
      ],
      [
        '256.1.1.1',
        '1.2.3',
        '01.02.03.04',
        '1.2.3.4.5',
        '10:30:15',
        '00:1A:2B:3C:4D:5E',
        'std::vector',
        '1:2:3:4:5:6:7:8:9',
        '2001:db8::1::2',
        'fe80::1g',
      ],
    );
  });

  it('leaves the full stop after an address', () => {
    expect(only('ip', 'Server 10.0.0.1. Backup fe80::1.')).toBe('Server [IP]. Backup [IP].');
  });

  it('parses address forms', () => {
    expect(isIPv4('0.0.0.0')).toBe(true);
    expect(isIPv6('1:2:3:4:5:6:7:8')).toBe(true);
    expect(isIPv6('1:2:3:4:5:6:7')).toBe(false);
    expect(isIPv6('::')).toBe(false);
  });
});

describe('custom patterns', () => {
  const employee = { label: 'employee id', pattern: 'EMP-\\d{6}' };

  it('redacts what a valid pattern matches, as [CUSTOM] with its label', () => {
    const { text, report } = redactText('badge EMP-004211 and EMP-12', { types: [], custom: [employee] });
    expect(text).toBe('badge [CUSTOM] and EMP-12');
    expect(report.items).toEqual([{ type: 'custom', start: 6, end: 14, label: 'employee id' }]);
  });

  it('refuses invalid and catastrophic patterns with a message naming them', () => {
    const refused: Array<[string, RegExp]> = [
      ['([', /not a valid regular expression/],
      ['(a+)+$', /exponential/],
      ['(x|x)*y', /exponential/],
      ['(?:\\d|-)+', /character class/],
      ['((a|b)c)+', /exponential/],
      ['(a)\\1', /backreferences/],
      ['a*b*c*d*e*', /unbounded/],
      ['a*', /empty/],
    ];
    for (const [pattern, reason] of refused) {
      const attempt = () => new Redactor({ custom: [{ label: 'mine', pattern }] });
      expect(attempt, pattern).toThrow(TroveError);
      expect(attempt, pattern).toThrow(reason);
      expect(attempt, pattern).toThrow(/"mine"/);
    }
    expect(() => new Redactor({ custom: [{ label: 'x', pattern: 'a', flags: 'g' }] })).toThrow(/flags/);
  });

  it('accepts ordinary shapes: optional groups, lazy and bounded repetition, lookarounds', () => {
    for (const pattern of ['(?:Mr|Ms)\\.? [A-Z][a-z]+', 'P\\d{2,8}?X', '(?<=id:)\\w+', '(ab)?c+', '[(|)]+x']) {
      expect(backtrackingRisk(pattern), pattern).toBeUndefined();
    }
  });

  it('finds matches across window boundaries on a long line, once each', () => {
    const filler = 'x'.repeat(2040);
    const text = `${filler} EMP-000001 ${filler} EMP-000002 ${filler}`;
    const { report } = redactText(text, { types: [], custom: [employee] });
    expect(report.counts.custom).toBe(2);
  });
});

describe('redaction as a whole', () => {
  it('settles overlaps by priority: an SSN is not also a phone, an IPv4 not a phone', () => {
    expect(redactText('call 123-45-6789').text).toBe('call [SSN]');
    expect(redactText('host 192.168.100.200').text).toBe('host [IP]');
    expect(redactText('amex 3782 822463 10005').text).toBe('amex [CARD]');
  });

  it('regression: a phone number followed by more numbers is still found (found by the property test)', () => {
    expect(redactText('Call +44 20 7946 0958 192.168.1.20 now').text).toBe('Call [PHONE] [IP] now');
    expect(redactText('x 4111 1111 1111 1111 42 42 y').text).toBe('x [CARD] 42 42 y');
    // …but a run is never cut inside a token: "2024-01-15 2024-01-15" does not shrink to a phone-like "2024-01".
    expect(redactText('2024-01-15 2024-01-15 and 1999-2004 42').text).toBe('2024-01-15 2024-01-15 and 1999-2004 42');
  });

  it('reports counts and positions in the redacted text, never the values', () => {
    const input = 'Mail alice@example.com or bob@example.org, card 4111 1111 1111 1111, ip 10.1.2.3.';
    const { text, report } = redactText(input);
    expect(text).toBe('Mail [EMAIL] or [EMAIL], card [CARD], ip [IP].');
    expect(report.counts).toMatchObject({ email: 2, card: 1, ip: 1, phone: 0 });
    expect(report.total).toBe(4);
    for (const item of report.items) expect(text.slice(item.start, item.end)).toMatch(/^\[[A-Z]+\]$/);
    const serialized = JSON.stringify(report);
    for (const secret of ['alice', 'bob@', '4111', '10.1.2.3']) expect(serialized).not.toContain(secret);
  });

  it('leaves text without PII unchanged', () => {
    const prose = 'On 2024-01-15 at 10:30 version 2.4.1 shipped to 1 234 567 users (ISBN 978-3-16-148410-0).';
    expect(redactText(prose).text).toBe(prose);
  });
});

describe('redactDocument', () => {
  const doc = (text: string, spans: Array<[string, 'heading' | 'paragraph']>): ParsedDocument => {
    let from = 0;
    const blocks = spans.map(([part, kind]) => {
      const start = text.indexOf(part, from);
      from = start + part.length;
      return { start, end: from, kind, ...(kind === 'heading' ? { level: 1 } : {}) };
    });
    return { format: 'markdown', text, blocks, title: 'Notes for alice@example.com' };
  };

  it('remaps block offsets onto the redacted text', () => {
    const text =
      '# Contact alice@example.com\n\nCall +44 20 7946 0958 or 415-555-2671.\n\nNothing here.\n\nCard 4111 1111 1111 1111';
    const parsed = doc(text, [
      ['# Contact alice@example.com', 'heading'],
      ['Call +44 20 7946 0958 or 415-555-2671.', 'paragraph'],
      ['Nothing here.', 'paragraph'],
      ['Card 4111 1111 1111 1111', 'paragraph'],
    ]);
    const { document, report } = redactDocument(parsed);
    expect(document.blocks.map((b) => document.text.slice(b.start, b.end))).toEqual([
      '# Contact [EMAIL]',
      'Call [PHONE] or [PHONE].',
      'Nothing here.',
      'Card [CARD]',
    ]);
    expect(document.blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'paragraph', 'paragraph']);
    expect(blockProblems(document)).toEqual([]);
    expect(document.title).toBe('Notes for [EMAIL]');
    expect(report.titleCount).toBe(1);
    expect(report.total).toBe(5);
    expect(parsed.text).toBe(text); // the input is not changed
  });

  it('gives a redaction that crosses a block boundary to the block it starts in', () => {
    const text = 'alice@example.com tail';
    const parsed: ParsedDocument = {
      format: 'text',
      text,
      blocks: [
        { start: 0, end: 5, kind: 'paragraph' }, // "alice"
        { start: 5, end: 17, kind: 'paragraph' }, // "@example.com": inside the redaction, dropped
        { start: 18, end: 22, kind: 'paragraph' }, // "tail"
      ],
    };
    const { document } = redactDocument(parsed);
    expect(document.text).toBe('[EMAIL] tail');
    expect(document.blocks.map((b) => document.text.slice(b.start, b.end))).toEqual(['[EMAIL]', 'tail']);
    expect(blockProblems(document)).toEqual([]);
  });

  it('keeps pages and heading levels of remapped blocks', () => {
    const text = 'Page one 8.8.8.8\n\nPage two';
    const parsed: ParsedDocument = {
      format: 'pdf',
      text,
      blocks: [
        { start: 0, end: 16, kind: 'heading', level: 2, page: 1 },
        { start: 18, end: 26, kind: 'paragraph', page: 2 },
      ],
    };
    const { document } = redactDocument(parsed);
    expect(document.blocks).toEqual([
      { start: 0, end: 13, kind: 'heading', level: 2, page: 1 },
      { start: 15, end: 23, kind: 'paragraph', page: 2 },
    ]);
  });

  it('refuses an unknown detector type', () => {
    expect(() => new Redactor({ types: ['passport' as BuiltinPiiType] })).toThrow(/passport/);
  });
});

describe('redaction cost', () => {
  // Runs of the characters each detector scans (letters, digits, spaced and dotted digits, hex and colons, dashes),
  // which would make a backtracking pattern quadratic, mixed with ordinary text and real PII.
  function adversarial(size: number): string {
    const run = Math.floor(size / 10);
    const prose = 'Call +44 20 7946 0958 or mail alice@example.com; card 4111 1111 1111 1111 on 2024-01-15. ';
    return [
      'a'.repeat(run),
      '1'.repeat(run),
      '1 '.repeat(run / 2),
      '1.'.repeat(run / 2),
      'a.b-'.repeat(run / 4),
      'ab:'.repeat(run / 3),
      '12-'.repeat(run / 3),
      'DE89'.repeat(run / 4),
      'x@'.repeat(run / 2),
      prose.repeat(Math.floor(run / prose.length)),
    ].join('\n');
  }

  it('is linear: 10 MB of adversarial text takes at most ~3x the per-byte time of 1.25 MB', () => {
    const redactor = new Redactor({ custom: [{ label: 'employee', pattern: 'EMP-\\d{6}' }] });
    const time = (text: string) => {
      const t0 = performance.now();
      const out = redactor.redactText(text);
      expect(out.items.length).toBeGreaterThan(0);
      return performance.now() - t0;
    };
    const small = adversarial(1_250_000);
    const large = adversarial(10_000_000);
    time(small); // warm up the regex compiler
    const tSmall = time(small);
    const tLarge = time(large);
    // Linear: ratio ~8. Quadratic would be ~64 (and take minutes on runs of a million characters).
    expect(tLarge / tSmall).toBeLessThan(24);
  });
});

describe('redactDocument invariants (property-based)', () => {
  // Paragraphs of ordinary words, numbers that are not PII, and PII values; blocks cover each paragraph.
  const SECRETS = [
    'alice@example.com',
    '+44 20 7946 0958',
    '4111 1111 1111 1111',
    'DE89 3704 0044 0532 0130 00',
    '123-45-6789',
    '192.168.1.20',
    'fe80::1',
  ];
  const BENIGN = [
    'bread',
    'the',
    'starter',
    '2024-01-15',
    'v1.2.3',
    '1999-2004',
    '42',
    'ISBN 978-3-16-148410-0',
    'ok.',
  ];

  it('removes every planted value, keeps blocks ordered, trimmed and non-overlapping, and reports placeholders', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.oneof(fc.constantFrom(...SECRETS), fc.constantFrom(...BENIGN)), { minLength: 1, maxLength: 12 }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.constantFrom('\n\n', '\n', ' '),
        (paragraphs, separator) => {
          const texts = paragraphs.map((words) => words.join(' '));
          const text = texts.join(separator);
          let from = 0;
          const blocks = texts.map((t) => {
            const start = text.indexOf(t, from);
            from = start + t.length;
            return { start, end: from, kind: 'paragraph' as const };
          });
          const { document, report } = redactDocument({ format: 'text', text, blocks });
          for (const secret of SECRETS) expect(document.text).not.toContain(secret);
          expect(blockProblems(document)).toEqual([]);
          for (const item of report.items) expect(document.text.slice(item.start, item.end)).toMatch(/^\[[A-Z]+\]$/);
          const planted = paragraphs.flat().filter((w) => SECRETS.includes(w)).length;
          // Adjacent values may merge into one span (e.g. two phone groups); never more redactions than values.
          expect(report.total).toBeLessThanOrEqual(planted);
          expect(report.total > 0).toBe(planted > 0);
          for (const benign of ['bread', 'starter', '2024-01-15', '1999-2004']) {
            if (text.includes(` ${benign} `)) expect(document.text).toContain(benign);
          }
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });
});
