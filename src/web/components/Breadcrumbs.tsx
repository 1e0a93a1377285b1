// Where a page sits: links to the pages above it, the page itself last and not a link.
export interface Crumb {
  label: string;
  /** Absent for the current page. */
  href?: string;
}

export function Breadcrumbs({ label, crumbs }: { label: string; crumbs: readonly Crumb[] }) {
  if (crumbs.length === 0) return "";
  return (
    <nav class="breadcrumbs" aria-label={label}>
      <ol class="breadcrumbs__list">
        {crumbs.map((c) => (
          <li class="breadcrumbs__item">
            {c.href ? (
              <a href={c.href} safe>
                {c.label}
              </a>
            ) : (
              <span aria-current="page" safe>
                {c.label}
              </span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
