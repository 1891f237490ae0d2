/** The product mark: a broker hub with three clients. */
export function Brand() {
  return (
    <span className="brand">
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false" className="brand-mark">
        <rect width="24" height="24" rx="6" className="brand-bg" />
        <circle cx="12" cy="12" r="3" className="brand-fg" />
        <circle cx="6" cy="7" r="1.8" className="brand-fg" />
        <circle cx="18" cy="7" r="1.8" className="brand-fg" />
        <circle cx="12" cy="19" r="1.8" className="brand-fg" />
        <path d="M7.3 8.2 10 10.5M16.7 8.2 14 10.5M12 15v2.2" className="brand-line" />
      </svg>
      <span className="brand-name">mqdash</span>
    </span>
  );
}
