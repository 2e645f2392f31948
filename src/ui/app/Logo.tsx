// The Trove mark: a cut gem, drawn inline so it needs no request.

export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="var(--accent)" />
      <path d="M9 12.5 12.5 8h7L23 12.5 16 24z" fill="#fff" opacity="0.95" />
      <path
        d="M9 12.5h14M12.5 8 16 12.5 19.5 8M16 12.5V24"
        fill="none"
        stroke="var(--accent)"
        strokeWidth="1.2"
        strokeLinejoin="round"
      />
    </svg>
  );
}
