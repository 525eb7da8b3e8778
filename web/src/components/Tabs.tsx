export interface TabDef {
  id: string;
  label: string;
  /** Tabs of one group sit together under the group's label, shown before its first tab. */
  group?: string;
  groupLabel?: string;
}

export function Tabs({ tabs, active, onChange }: { tabs: TabDef[]; active: string; onChange: (id: string) => void }) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((tab, i) => (
        <span key={tab.id} className="tab-slot">
          {tab.groupLabel && tab.group !== tabs[i - 1]?.group && (
            <span className="tab-group-label" role="presentation" data-group={tab.group}>
              {tab.groupLabel}
            </span>
          )}
          <button
            type="button"
            role="tab"
            aria-selected={tab.id === active}
            className={tab.id === active ? 'tab active' : 'tab'}
            onClick={() => onChange(tab.id)}
          >
            {tab.label}
          </button>
        </span>
      ))}
    </div>
  );
}
