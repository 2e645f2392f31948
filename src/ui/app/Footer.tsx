// The promise the whole design keeps, and the way to see how it is kept.
import './footer.css';

export function Footer({ onOpenPrivacy }: { onOpenPrivacy?: () => void }) {
  return (
    <footer className="footer">
      <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" focusable="false">
        <rect x="5" y="10.5" width="14" height="10" rx="2" fill="none" stroke="currentColor" strokeWidth="1.8" />
        <path d="M8.5 10.5V8a3.5 3.5 0 0 1 7 0v2.5" fill="none" stroke="currentColor" strokeWidth="1.8" />
      </svg>
      <span>Your documents never leave this browser.</span>
      {onOpenPrivacy && (
        <button type="button" className="link-button" onClick={onOpenPrivacy} data-testid="footer-privacy">
          What is stored, and how to delete it
        </button>
      )}
    </footer>
  );
}
