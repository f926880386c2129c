import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get } from './api';
import { Pending } from './components/common';
import { useLoad } from './hooks';
import { AuditPage } from './pages/audit';
import { DecisionsPage } from './pages/decisions';
import { DriftPage } from './pages/drift';
import { InboxPage } from './pages/inbox';
import { ModelPage } from './pages/model';
import { ModelsPage } from './pages/models';
import { PipelinesPage } from './pages/pipelines';
import { PromotionPage } from './pages/promotion';
import { SignInPage } from './pages/sign-in';
import { canRead } from './roles';
import { Link, match, useLocation } from './router';
import { currentKey, onSessionChange, signOut } from './session';
import type { Me } from './types';

const NAV: [string, string][] = [
  ['/', 'Inbox'],
  ['/models', 'Models'],
  ['/audit', 'Audit'],
  ['/decisions', 'Deploy decisions'],
  ['/pipelines', 'Pipelines'],
  ['/drift', 'Drift'],
];

function useSession(): { key: string | null; reason?: string } {
  const [state, setState] = useState<{ key: string | null; reason?: string }>({ key: currentKey() });
  useEffect(() => onSessionChange((reason) => setState({ key: currentKey(), reason })), []);
  return state;
}

/** The page for an address, and its title. */
function route(path: string, me: Me): [string, ComponentChildren] {
  let p: Record<string, string> | undefined;
  if (path === '/') return ['Inbox', <InboxPage me={me} />];
  if (match('/models', path)) return ['Models', <ModelsPage />];
  if ((p = match('/models/:name', path))) return [p.name, <ModelPage key={p.name} me={me} name={p.name} />];
  if ((p = match('/promotions/:id', path))) return ['Promotion', <PromotionPage key={p.id} me={me} id={p.id} />];
  if (match('/audit', path)) return ['Audit', <AuditPage />];
  if (match('/decisions', path)) return ['Deploy decisions', <DecisionsPage />];
  if (match('/pipelines', path)) return ['Pipelines', <PipelinesPage me={me} />];
  if (match('/drift', path)) return ['Drift', <DriftPage me={me} />];
  return ['Not found', <p>No page here. <Link to="/">Back to the inbox</Link></p>];
}

function Shell({ me }: { me: Me }) {
  const { path } = useLocation();
  const [title, page] = route(path, me);
  useEffect(() => void (document.title = `${title} · modelgate`), [title]);
  const section = `/${path.split('/')[1] ?? ''}`;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">modelgate</span>
        <nav aria-label="Pages">
          {NAV.map(([to, label]) => (
            <Link key={to} to={to} aria-current={section === to ? 'page' : undefined}>
              {label}
            </Link>
          ))}
        </nav>
        <span class="who">
          {me.name} ({me.roles.join(', ')})
          <button type="button" class="quiet" onClick={() => signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}

function SignedIn({ keyValue }: { keyValue: string }) {
  const me = useLoad(() => get<Me>('/me'), [keyValue]);
  if (!me.data) return <main id="main"><Pending load={me} what="your key" /></main>;
  if (!canRead(me.data)) {
    return (
      <main id="main" class="sign-in">
        <p class="error" role="alert">
          The key {me.data.name} ({me.data.roles.join(', ')}) cannot read: the console needs a reader, promoter, approver or admin key.
        </p>
        <button type="button" onClick={() => signOut()}>
          Sign in with another key
        </button>
      </main>
    );
  }
  return <Shell me={me.data} />;
}

export function App() {
  const session = useSession();
  return session.key ? <SignedIn keyValue={session.key} /> : <SignInPage reason={session.reason} />;
}
