// First run: what Trove does and what to do next.

export function EmptyLibrary() {
  return (
    <section className="empty" data-testid="empty-library" aria-labelledby="empty-title">
      <h2 id="empty-title" className="empty__title">
        Your library is empty
      </h2>
      <ol className="empty__steps">
        <li>
          <strong>Add documents</strong> — drop text, Markdown, HTML or PDF files above, or choose them.
        </li>
        <li>
          <strong>Trove reads them here</strong> — it splits them into passages and indexes their words and meaning in
          this browser.
        </li>
        <li>
          <strong>Search</strong> — ask a question in your own words; the best passages come first, with the matching
          words highlighted.
        </li>
      </ol>
    </section>
  );
}
