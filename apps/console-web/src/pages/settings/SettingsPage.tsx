import { Link } from '../../components/Shell';
import { useLocation } from '../../router';
import { useSession } from '../../session';
import { can } from '../../utils/permissions';
import { ArchivesSection } from './sections/ArchivesSection';
import { KeysSection } from './sections/KeysSection';
import { MembersSection } from './sections/MembersSection';
import { AlertsSection, DrainsSection, ParsingSection, RedactionSection, RoutingSection } from './sections/RulesSections';
import { UsageSection } from './sections/UsageSection';

const TABS = [
  { id: 'usage', label: 'Organisation & usage' },
  { id: 'keys', label: 'Keys' },
  { id: 'members', label: 'Members' },
  { id: 'parsing', label: 'Parsing' },
  { id: 'redaction', label: 'Redaction' },
  { id: 'routing', label: 'Routing' },
  { id: 'drains', label: 'Drains' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'archives', label: 'Archives' },
] as const;

/** Settings, shown by role: what a role cannot change is shown read-only, keys only to those who manage them. */
export function SettingsPage() {
  const session = useSession();
  const { path } = useLocation();
  const tab = TABS.find((t) => path === `/settings/${t.id}`)?.id ?? 'usage';
  const config = can(session.role, 'config:manage');
  return (
    <div className="page">
      <h1>Settings</h1>
      <nav aria-label="Settings">
        <div className="tabs">
          {TABS.map((t) => <Link key={t.id} to={`/settings/${t.id}`} aria-current={tab === t.id ? 'page' : undefined}>{t.label}</Link>)}
        </div>
      </nav>
      {tab === 'usage' ? <UsageSection canChangeSettings={can(session.role, 'org:settings')} /> : null}
      {tab === 'keys' ? (can(session.role, 'keys:manage') ? <KeysSection /> : <p role="note" className="muted">Keys are managed by the organisation’s owners and admins.</p>) : null}
      {tab === 'members' ? <MembersSection /> : null}
      {tab === 'parsing' ? <ParsingSection canEdit={config} /> : null}
      {tab === 'redaction' ? <RedactionSection canEdit={config} /> : null}
      {tab === 'routing' ? <RoutingSection canEdit={config} /> : null}
      {tab === 'drains' ? <DrainsSection canEdit={config} /> : null}
      {tab === 'alerts' ? <AlertsSection canEdit={config} /> : null}
      {tab === 'archives' ? <ArchivesSection canEdit={config} /> : null}
    </div>
  );
}
