import { LIVE_LABELS, type LiveState } from './live';

/**
 * How the board keeps itself up to date (issue 11): "Live", "Reconnecting…" or "Updates every
 * 10 s". Plain text, not a live region: a screen reader finds it when reading the page, and is
 * not interrupted each time the connection comes and goes (the access token's expiry alone
 * reconnects it every 15 minutes).
 */
export function LiveStatus({ state }: { state: LiveState }) {
  return (
    <p className={`live-status live-${state}`}>
      <span className="live-dot" aria-hidden="true" />
      <span className="visually-hidden">Board updates: </span>
      {LIVE_LABELS[state]}
    </p>
  );
}
