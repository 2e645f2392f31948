// The text the detectors read: real documents spell PII in ways the patterns would otherwise miss. Compatibility
// forms are folded (NFKC: fullwidth '＠' and digits, no-break spaces), soft hyphens and zero-width characters are
// dropped, dash variants become '-', runs of spaces become one, a line break next to '@' is joined, and any other
// single line break (with the spaces around it) becomes a bare '\n' that the card and IBAN detectors read as a
// group separator. Every normalised character remembers the original span it came from, so a match found here
// redacts exactly the original characters. One pass, constant work per character: linear in the text length.

export interface NormalizedText {
  text: string;
  /** Original start of each normalised character; undefined when the text needed no change (identity). */
  from?: Int32Array;
  /** Original end (exclusive) of each normalised character. */
  to?: Int32Array;
}

const isDropped = (c: number) => c === 0xad || (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff;
// Hyphen, non-breaking hyphen, figure dash, en dash, minus sign (not the em dash: that one is punctuation).
const isDash = (c: number) => (c >= 0x2010 && c <= 0x2013) || c === 0x2212;
const isAt = (c: number) => c === 0x40 || c === 0xff20 || c === 0xfe6b;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

export function normalizeForDetection(text: string): NormalizedText {
  const n = text.length;
  const pieces: string[] = [];
  let copyFrom = 0; // start of the pending run of unchanged original characters
  let length = 0; // normalised characters emitted (the pending run excluded)
  let from: Int32Array | undefined;
  let to: Int32Array | undefined;

  const reserve = (extra: number) => {
    if (!from || !to || length + extra <= from.length) return;
    const size = Math.max(from.length * 2, length + extra);
    const f = new Int32Array(size);
    const t = new Int32Array(size);
    f.set(from);
    t.set(to);
    from = f;
    to = t;
  };
  const flush = (end: number) => {
    if (end > copyFrom) {
      pieces.push(text.slice(copyFrom, end));
      if (from && to) {
        reserve(end - copyFrom);
        for (let k = copyFrom; k < end; k++, length++) {
          from[length] = k;
          to[length] = k + 1;
        }
      } else length += end - copyFrom;
    }
    copyFrom = end;
  };
  const replace = (start: number, end: number, by: string) => {
    flush(start);
    if (!from || !to) {
      // First change: everything before it was copied unchanged, so normalised index = original index.
      from = new Int32Array(n + 64);
      to = new Int32Array(n + 64);
      for (let k = 0; k < length; k++) {
        from[k] = k;
        to[k] = k + 1;
      }
    }
    reserve(by.length);
    for (let k = 0; k < by.length; k++, length++) {
      from![length] = start;
      to![length] = end;
    }
    if (by) pieces.push(by);
    copyFrom = end;
  };

  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      let j = i;
      let breaks = 0;
      let tabs = false;
      while (j < n && isSpace(text.charCodeAt(j))) {
        const d = text.charCodeAt(j);
        if (d === 10 || (d === 13 && text.charCodeAt(j + 1) !== 10)) breaks++;
        if (d === 9) tabs = true;
        j++;
      }
      if (breaks === 1) {
        if (i > 0 && j < n && (isAt(text.charCodeAt(i - 1)) || isAt(text.charCodeAt(j)))) replace(i, j, '');
        else if (j - i > 1 || c !== 10) replace(i, j, '\n');
      } else if (breaks === 0 && !tabs && j - i > 1) {
        replace(i, j, ' '); // tabs are kept: they separate columns
      }
      i = j;
    } else if (c < 0x80) {
      i++;
    } else if (isDropped(c)) {
      replace(i, i + 1, '');
      i++;
    } else if (isDash(c)) {
      replace(i, i + 1, '-');
      i++;
    } else {
      const width = c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
      const ch = text.slice(i, i + width);
      const folded = ch.normalize('NFKC');
      if (folded !== ch) replace(i, i + width, folded);
      i += width;
    }
  }
  flush(n);
  if (!from || !to) return { text };
  return { text: pieces.join(''), from, to };
}

/** The original span of the normalised span [start, end). */
export function originalSpan(norm: NormalizedText, start: number, end: number): [number, number] {
  if (!norm.from || !norm.to || end <= start) return [start, end];
  return [norm.from[start]!, norm.to[end - 1]!];
}
