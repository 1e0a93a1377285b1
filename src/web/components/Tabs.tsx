// Views of one subject, one page each: links, not script-driven panels, so each view has its own address
// and works without JavaScript. The current one is marked for screen readers (aria-current) and by a
// border, not by colour alone.
export interface Tab {
  label: string;
  href: string;
  current?: boolean;
}

export function Tabs({ label, tabs }: { label: string; tabs: readonly Tab[] }) {
  return (
    <nav class="tabs" aria-label={label}>
      <ul class="tabs__list">
        {tabs.map((tab) => (
          <li class={tab.current ? "tabs__item tabs__item--current" : "tabs__item"}>
            <a href={tab.href} aria-current={tab.current ? "page" : undefined} safe>
              {tab.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
