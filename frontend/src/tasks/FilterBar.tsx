import { type ReactNode, useId, useState } from 'react';
import type { TaskFilters } from './board';

/** How many of the filters behind the toggle are set (the search box stays in sight). */
export function activeFilterCount(filters: TaskFilters): number {
  return [filters.status, filters.priority, filters.assigneeId].filter(Boolean).length;
}

/**
 * The board's filter bar. On a wide screen every field is in sight; on a phone (styles.css,
 * max-width 640px) only the search box and a "Filters (n)" toggle are, the other fields
 * folded behind it, so the first cards show on the first screen. The page wraps it in its
 * `<search>` landmark.
 */
export function FilterBar({
  filters,
  search,
  children,
}: {
  filters: TaskFilters;
  search: ReactNode;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const active = activeFilterCount(filters);
  return (
    <form className="filters" aria-label="Filter tasks" onSubmit={(e) => e.preventDefault()}>
      {search}
      <button
        type="button"
        className="button-secondary filters-toggle"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        Filters{active > 0 && ` (${active})`}
      </button>
      <div id={id} className={open ? 'filter-fields open' : 'filter-fields'}>
        {children}
      </div>
    </form>
  );
}
