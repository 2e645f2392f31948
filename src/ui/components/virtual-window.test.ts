import { describe, expect, it } from 'vitest';
import { visibleWindow } from './virtual-window.ts';

describe('visibleWindow', () => {
  it('renders only the rows in view plus the overscan, not the whole list', () => {
    expect(visibleWindow(2_000, 40, 0, 400, 5)).toEqual({ start: 0, end: 16 });
  });

  it('follows the scroll position', () => {
    expect(visibleWindow(2_000, 40, 4_000, 400, 5)).toEqual({ start: 95, end: 116 });
  });

  it('stops at the end of the list', () => {
    expect(visibleWindow(2_000, 40, 80_000, 400, 5)).toEqual({ start: 1_994, end: 2_000 });
  });

  it('is empty for an empty list and survives a negative scroll (rubber-band scrolling)', () => {
    expect(visibleWindow(0, 40, 0, 400, 5)).toEqual({ start: 0, end: 0 });
    expect(visibleWindow(10, 40, -30, 400, 5)).toEqual({ start: 0, end: 10 });
  });
});
