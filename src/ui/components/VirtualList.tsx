// A list that renders only the rows in view, for lists long enough that rendering every row would stall the page
// (a folder of thousands of files). Rows share one height; a short list is rendered whole, without a scroll box.
import { useState, type ReactNode } from 'react';
import { visibleWindow } from './virtual-window.ts';

interface Props<T> {
  items: readonly T[];
  /** Each row's height in pixels (rows are laid out at multiples of it). */
  rowHeight: number;
  /** Height of the scroll box in pixels. */
  height: number;
  /** Up to this many items are rendered whole (no windowing). */
  renderAllBelow?: number;
  overscan?: number;
  itemKey: (item: T) => string;
  renderItem: (item: T) => ReactNode;
  className?: string;
  label: string;
  testId?: string;
}

export function VirtualList<T>({
  items,
  rowHeight,
  height,
  renderAllBelow = 0,
  overscan = 6,
  itemKey,
  renderItem,
  className,
  label,
  testId,
}: Props<T>) {
  const [scrollTop, setScrollTop] = useState(0);
  if (items.length <= renderAllBelow) {
    return (
      <ul className={className} aria-label={label} data-testid={testId}>
        {items.map((item) => (
          <li key={itemKey(item)}>{renderItem(item)}</li>
        ))}
      </ul>
    );
  }
  const { start, end } = visibleWindow(items.length, rowHeight, scrollTop, height, overscan);
  return (
    <div
      className="virtual-list"
      style={{ height, overflowY: 'auto', position: 'relative' }}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
      tabIndex={0}
      role="region"
      aria-label={label}
      data-testid={testId}
      data-windowed="true"
    >
      <ul className={className} style={{ height: items.length * rowHeight, position: 'relative', margin: 0 }}>
        {items.slice(start, end).map((item, i) => (
          <li
            key={itemKey(item)}
            style={{ position: 'absolute', top: (start + i) * rowHeight, left: 0, right: 0, height: rowHeight }}
            aria-setsize={items.length}
            aria-posinset={start + i + 1}
          >
            {renderItem(item)}
          </li>
        ))}
      </ul>
    </div>
  );
}
