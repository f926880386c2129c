import { useState } from 'preact/hooks';
import { signIn } from '../session';

/** Paste an API key once; it stays in this tab only (sessionStorage), never in the address or a cookie. */
export function SignInPage({ reason }: { reason?: string }) {
  const [key, setKey] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    if (key.trim()) signIn(key.trim());
  };
  return (
    <main id="main" class="sign-in">
      <h1>Sign in to modelgate</h1>
      {reason ? (
        <p class="error" role="alert">
          {reason}
        </p>
      ) : null}
      <form class="stack card" onSubmit={submit} method="post">
        <label for="api-key">API key</label>
        <input id="api-key" type="password" autoComplete="off" spellcheck={false} required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        <p class="muted">Kept in this browser tab only, and forgotten when you sign out or close it.</p>
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
    </main>
  );
}
